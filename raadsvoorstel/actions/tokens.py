"""API tokens: made and revoked by the griffie in the interface, each with its audit entry,
and recognised on every API request."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import ApiToken, User, WorkflowError
from .base import record

__all__ = ["create_token", "revoke_token", "use_token"]

# Recognisable in a leaked config file or a secret scanner's rules; the rest is 256 random bits.
TOKEN_PREFIX = "rvs_"
PREFIX_LENGTH = 12  # what the list shows: "rvs_" and 8 characters of the secret
# How often the time of last use is written: once a minute is exact enough to tell a token
# in use from one forgotten, without a write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def create_token(name: str, *, by: User) -> tuple[ApiToken, str]:
    """A new token for `by` (griffie only), named so they can tell it apart later. Returns the
    stored token and the secret itself, which is shown once and never stored."""
    if not permissions.may_hold_api_token(by):
        raise PermissionDenied(_("Alleen de griffie maakt API-sleutels."))
    name = " ".join(name.split())
    if not name:
        raise WorkflowError(_("Geef de sleutel een naam."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=by, name=name, prefix=secret[:PREFIX_LENGTH], digest=ApiToken.digest_of(secret)
        )
        record("create_token", token, {"name": name, "prefix": token.prefix, "user": by.username}, by=by)
    return token, secret


def revoke_token(token: ApiToken, *, by: User) -> None:
    """Stop a token from working, for good (the griffie of its user's municipality)."""
    if not permissions.may_revoke_token(by, token):
        raise PermissionDenied(_("U kunt deze API-sleutel niet intrekken."))
    with transaction.atomic():
        revoked_at = (
            ApiToken.objects.select_for_update().values_list("revoked_at", flat=True).get(pk=token.pk)
        )
        if revoked_at is not None:
            raise WorkflowError(_("Deze API-sleutel was al ingetrokken."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            "revoke_token",
            token,
            {"name": token.name, "prefix": token.prefix, "user": token.user.username},
            by=by,
        )


def use_token(secret: str) -> ApiToken | None:
    """The token this secret is, if it still works: not revoked, and its user still an active
    member of a griffie. Notes when it was last used; that is bookkeeping, not a record, so
    it has no audit entry (like reading a notice)."""
    token = (
        ApiToken.objects.select_related("user__municipality")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not permissions.may_hold_api_token(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
