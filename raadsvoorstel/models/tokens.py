"""API tokens: a griffie member's key to `/api/v1/`, kept only as its SHA-256."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from .proposals import User

__all__ = ["ApiToken"]


class ApiToken(models.Model):
    """One key to the API, acting as its user. The token itself is shown once, when it is
    made; the database keeps its SHA-256 (enough for a secret of 256 random bits, which no
    one guesses, so no slow password hash is needed) and its first characters to recognise
    it by in the list."""

    user = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        # Someone who made a token is deactivated, never deleted: the log keeps naming them.
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(_("begin van de sleutel"), max_length=12)
    digest = models.CharField(_("SHA-256 van de sleutel"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("gemaakt"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    audit_type = "api_token"

    @property
    def key(self) -> str:
        return f"api_token/{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()
