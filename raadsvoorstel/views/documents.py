"""The PDFs: the raadsvoorstel at any state, the raadsbesluit from `advised` on (CONCEPT
until signed), the archived one byte for byte, and a check of any PDF against the archive."""

from __future__ import annotations

import hashlib
import logging

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import actions, pdf
from ..forms import ArchiveCheckForm
from ..models import ArchivedDecision, Proposal, State
from .proposals import _visible_proposal

SIGNED_STATES = (State.SIGNED, State.RBOP_ADOPTED)
logger = logging.getLogger(__name__)


def _pdf_response(document: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def raadsbesluit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Public once signed (from the archive, unchanged); before that only for the
    municipality's own people, rendered fresh and marked CONCEPT."""
    archived = ArchivedDecision.objects.filter(proposal_id=pk).only("file", "proposal_id").first()
    if archived is None and Proposal.objects.filter(pk=pk, state__in=SIGNED_STATES).exists():
        try:
            archived = actions.archive_signed_decision(Proposal.objects.get(pk=pk))  # its first request
        except Exception:
            logger.exception("Archiving the raadsbesluit of proposal %s failed", pk)
            return HttpResponse(
                _(
                    "Het ondertekende raadsbesluit kan nu niet worden gearchiveerd; "
                    "de beheerder is gewaarschuwd."
                ),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
    if archived is not None:
        response = FileResponse(archived.file.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="raadsbesluit-{pk}.pdf"'
        return response
    if not request.user.is_authenticated:
        raise Http404
    proposal = _visible_proposal(request, pk)
    if proposal.state not in (State.ADVISED, *SIGNED_STATES):
        raise Http404(_("Er is nog geen raadsbesluit."))
    proposal = Proposal.objects.with_document().get(pk=proposal.pk)
    return _pdf_response(pdf.render_besluit(proposal), f"raadsbesluit-{proposal.number}-concept.pdf")


def raadsvoorstel_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    proposal = Proposal.objects.with_document().get(pk=_visible_proposal(request, pk).pk)
    return _pdf_response(pdf.render_voorstel(proposal), f"raadsvoorstel-{proposal.number}.pdf")


@require_http_methods(["GET", "POST"])
def archive_check(request: HttpRequest) -> HttpResponse:
    """Anyone may check a PDF, or its SHA-256, against the archive of signed decisions."""
    form = ArchiveCheckForm(request.POST or None, request.FILES or None)
    found, checked = None, False
    if request.method == "POST" and form.is_valid():
        checked = True
        digest = form.cleaned_data["sha256"]
        if form.cleaned_data.get("file"):
            digest = hashlib.sha256()
            for chunk in form.cleaned_data["file"].chunks():
                digest.update(chunk)
            digest = digest.hexdigest()
        found = (
            ArchivedDecision.objects.select_related("proposal__municipality", "proposal__decision")
            .filter(sha256=digest)
            .first()
        )
    return render(request, "documents/check.html", {"form": form, "found": found, "checked": checked})
