"""The raadsvoorstel and concept raadsbesluit as rendered PDFs, kept so that a document is
rendered once per text, not on every request (README: "The raadsbesluit and raadsvoorstel
as PDF"). A cache: what it holds can always be made again from the proposal, and it is
never the authentic document (that is `ArchivedDecision`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .proposals import Proposal

__all__ = ["RenderedDocument", "RenderKind", "RenderStatus"]


class RenderKind(models.TextChoices):
    RAADSVOORSTEL = "raadsvoorstel", _("raadsvoorstel")
    BESLUIT_CONCEPT = "raadsbesluit-concept", _("raadsbesluit, concept")


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("wordt gemaakt")
    READY = "ready", _("klaar")
    FAILED = "failed", _("mislukt")


def rendered_name(rendered: RenderedDocument, filename: str) -> str:
    return f"weergaven/{rendered.proposal_id}/{rendered.kind}-v{rendered.version}-{rendered.sha256}.pdf"


class RenderedDocument(models.Model):
    """One rendering of one document of a proposal, keyed by what it was rendered from:
    `source_key` is the SHA-256 of the HTML and of the static files the render loads, so a
    new version of the text, a signature on the concept besluit or a new stylesheet each
    make a new key (`pdf.source_key`). `version` says which version of the text it shows."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="rendered_documents")
    kind = models.CharField(_("document"), max_length=30, choices=RenderKind.choices)
    version = models.PositiveIntegerField(_("versie"))
    source_key = models.CharField(_("sleutel van de bron"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=RenderStatus.choices)
    file = models.FileField(_("PDF"), upload_to=rendered_name, blank=True, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("grootte in bytes"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)
    requested_at = models.DateTimeField(_("gevraagd op"), default=timezone.now)
    rendered_at = models.DateTimeField(_("gemaakt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("gemaakte PDF")
        verbose_name_plural = _("gemaakte PDF's")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind", "source_key"], name="one_render_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.proposal_id} v{self.version} ({self.status})"
