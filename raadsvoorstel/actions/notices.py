"""Notices to people: one row per person in the app, and a mail where mail is configured
(RAADSVOORSTEL_SEND_MAIL), sent only once the change that caused it is committed."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from ..models import Notice, User

logger = logging.getLogger(__name__)

__all__ = ["notify", "mark_notices_read"]


def notify(users: Iterable[User], text: str, url: str) -> list[Notice]:
    """Tell each of `users` (in the caller's transaction) that something waits at `url`."""
    notices = Notice.objects.bulk_create(Notice(user=user, text=text, url=url) for user in users)
    if getattr(settings, "RAADSVOORSTEL_SEND_MAIL", False):
        messages = [
            (text, f"{text}\n\n{settings.RAADSVOORSTEL_SITE_URL}{url}\n", None, [notice.user.email])
            for notice in notices
            if notice.user.email
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


def mark_notices_read(user: User) -> int:
    """Every unread notice of `user` read now; returns how many."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
