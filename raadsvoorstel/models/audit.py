"""The audit log: one entry for every write, each carrying the hash of the one before.

The chain is kept by `raadsvoorstel/audit.py`; the database refuses to update or delete an
entry (see db_guards.py), and `manage.py verify_history` walks it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .proposals import User

__all__ = ["AuditEntry", "AuditLock"]


class AuditEntry(models.Model):
    """Who did what to which object, when, and a SHA-256 digest of what it wrote.

    Objects are named by a key that survives an export and a restore
    (`GM0377/2023000853` for a proposal), not by their database id. `hash` covers the
    entry's own fields and `previous_hash`, so changing or removing any entry breaks
    every hash after it.
    """

    seq = models.PositiveBigIntegerField(_("volgnummer"), unique=True)
    at = models.DateTimeField(_("tijdstip"))
    actor = models.ForeignKey(
        User,
        verbose_name=_("door"),
        null=True,
        blank=True,
        # Someone who acted is deactivated, never deleted: the log keeps naming them.
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The username as it was; "systeem" for background work and commands.
    actor_name = models.CharField(_("naam"), max_length=150)
    action = models.CharField(_("handeling"), max_length=60)
    object_type = models.CharField(_("soort"), max_length=40)
    object_key = models.CharField(_("object"), max_length=200, db_index=True)
    payload = models.JSONField(_("wat is vastgelegd"))
    digest = models.CharField(_("SHA-256 van wat is vastgelegd"), max_length=64)
    previous_hash = models.CharField(_("hash van de vorige vermelding"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("vermelding in het logboek")
        verbose_name_plural = _("logboek")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.object_key}"


class AuditLock(models.Model):
    """One row that every writer of the audit log locks first, so that the chain never forks."""

    class Meta:
        verbose_name = _("slot op het logboek")
        verbose_name_plural = _("slot op het logboek")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
