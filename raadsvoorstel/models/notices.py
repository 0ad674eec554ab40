"""Notices: what waits for someone, shown in the app and, where mail is configured, mailed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .proposals import User

__all__ = ["Notice"]


class Notice(models.Model):
    user = models.ForeignKey(User, verbose_name=_("voor"), on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(_("melding"), max_length=500)
    url = models.CharField(_("pagina"), max_length=300)
    created_at = models.DateTimeField(_("gemaakt"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)
    # A notice that may be due more than once (a reminder run daily) is given once per key.
    key = models.CharField(_("sleutel"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread_per_user")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notice_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.text
