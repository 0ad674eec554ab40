"""Notices to people: one row per person in the app, and a mail where mail is configured
(RAADSVOORSTEL_SEND_MAIL), sent only once the change that caused it is committed."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import audit, permissions
from ..models import Municipality, Notice, Role, User

logger = logging.getLogger(__name__)

__all__ = ["notify", "mark_notices_read", "set_mail_preference", "griffie_of", "council_of", "signers_of"]


# --- Who is told ---


def griffie_of(*municipality_ids: int) -> list[User]:
    """Those who keep the councils' records: their griffiemedewerkers and griffiers."""
    return list(User.objects.filter(municipality_id__in=municipality_ids, role__in=permissions.GRIFFIE_ROLES))


def council_of(municipality_id: int) -> list[User]:
    """The council's people: its members with an account, and the voorzitter who chairs it."""
    return list(
        User.objects.filter(municipality_id=municipality_id, role__in=[Role.RAADSLID, Role.VOORZITTER])
    )


def signers_of(municipality: Municipality, *, waiting_on: set[str] | frozenset = frozenset()) -> list[User]:
    """Who signs this council's raadsbesluiten (voorzitter, griffier, and their configured
    substitutes), limited to the roles in `waiting_on` when it is given."""
    people = []
    for user in User.objects.filter(
        Q(municipality=municipality, role__in=[Role.VOORZITTER, Role.GRIFFIER])
        | Q(
            pk__in=[
                municipality.voorzitter_id,
                municipality.acting_voorzitter_id,
                municipality.griffier_id,
                municipality.deputy_griffier_id,
            ]
        )
    ):
        role = permissions.signing_role(user, municipality)
        if role is not None and (not waiting_on or role in waiting_on):
            people.append(user)
    return people


def notify(
    users: Iterable[User], text: str, url: str, *, key: str = "", actor: User | None = None
) -> list[Notice]:
    """Tell each of `users` (in the caller's transaction) that something waits at `url`.

    Each person is told once, however often they appear in `users`; the `actor` is not told
    of their own act. With a `key`, a person who already had that notice gets no second one
    (a reminder run every day)."""
    actor_pk = actor.pk if actor is not None else None
    recipients = {user.pk: user for user in users if user.is_active and user.pk != actor_pk}
    if key:
        told = set(Notice.objects.filter(key=key, user_id__in=recipients).values_list("user_id", flat=True))
        recipients = {pk: user for pk, user in recipients.items() if pk not in told}
    notices = Notice.objects.bulk_create(
        Notice(user=user, text=text, url=url, key=key) for user in recipients.values()
    )
    if getattr(settings, "RAADSVOORSTEL_SEND_MAIL", False):
        messages = [
            (text, f"{text}\n\n{settings.RAADSVOORSTEL_SITE_URL}{url}\n", None, [notice.user.email])
            for notice in notices
            if notice.user.email and notice.user.mail_notices
        ]
        if messages:
            transaction.on_commit(lambda: _send(messages))
    return notices


def _send(messages: list) -> None:
    """After the commit: a mail server that is down loses the mail, never the change."""
    try:
        send_mass_mail(messages)
    except (OSError, ValueError):  # a server that is down; a header the mail refuses
        logger.exception("Mailing %s notices failed; they are in the app", len(messages))


def set_mail_preference(user: User, *, by_mail: bool) -> None:
    """A person's own choice whether notices also come by mail."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(mail_notices=by_mail)
        user.mail_notices = by_mail
        audit.append("set_mail_preference", "user", f"user/{user.pk}", {"mail_notices": by_mail}, by=user)


def mark_notices_read(user: User) -> int:
    """Every unread notice of `user` read now; returns how many."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
