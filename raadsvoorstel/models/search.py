"""The full-text index of a proposal: what the search reads, kept beside the proposal so that
indexing never writes to the proposal's own (guarded, historied) row."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .proposals import Proposal

__all__ = ["SearchEntry"]


class SearchEntry(models.Model):
    """Subject and body (sections, decision points, the advice) as plain text. On PostgreSQL
    `vector` holds them stemmed with the `dutch` configuration (the subject weighted above
    the body) under a GIN index; SQLite leaves it empty and searches the text itself."""

    proposal = models.OneToOneField(
        Proposal, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    subject = models.TextField(_("onderwerp"))
    body = models.TextField(_("tekst"))
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("zoekindex")
        verbose_name_plural = _("zoekindex")

    def __str__(self) -> str:
        return self.subject
