"""The PDFs: the raadsvoorstel at any state, the raadsbesluit from `advised` on (CONCEPT
until signed), the archived one byte for byte, and a check of any PDF against the archive.

A GET never archives: that is the background task's work. The raadsvoorstel and the
concept raadsbesluit are rendered once per text and kept (`actions.request_render`): a
large one by the worker, while the page answers 202 and looks again by itself. A stored file is served
only when its bytes still have the SHA-256 on its record; otherwise the visitor gets a
Dutch 503 and the log an error, never other bytes.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import actions, files, limits, permissions
from ..forms import ArchiveCheckForm
from ..models import ArchivedDecision, Decision, Proposal, RenderKind, RenderStatus
from .shared import download_name, unavailable, verified_file_response, visible_proposal

logger = logging.getLogger(__name__)
# Retry-After for a besluit still being archived: the worker takes seconds, not minutes.
ARCHIVING_RETRY_SECONDS = 30
# How often the "being made" page looks again: a large raadsvoorstel takes seconds to a minute.
RENDERING_RETRY_SECONDS = 3


def raadsbesluit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Public once signed in a public meeting (from the archive, unchanged), with a Link
    header to its canonical page; a signed besluit of a besloten vergadering only for the
    municipality's own people, from the archive too; before signing only for them, rendered
    fresh and marked CONCEPT. Anything else is the same 404 as a number that does not exist."""
    proposal = get_object_or_404(Proposal.objects.select_related("municipality", "decision"), pk=pk)
    if permissions.may_read_publicly(proposal):
        response = _archived_besluit(proposal)
        response["Link"] = f'<{request.build_absolute_uri(proposal.get_public_url())}>; rel="canonical"'
        return response
    if not permissions.may_view(request.user, proposal) or not proposal.has_besluit:
        raise Http404
    if proposal.is_final:
        return _archived_besluit(proposal)
    proposal = Proposal.objects.with_document().get(pk=proposal.pk)
    return _rendered(
        request, proposal, RenderKind.BESLUIT_CONCEPT, download_name(proposal, "raadsbesluit", "-concept")
    )


def public_raadsbesluit_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """The archived raadsbesluit at its address by municipality and number, for anyone."""
    proposal = get_object_or_404(
        permissions.public_decisions().select_related("municipality"), municipality__code=code, number=number
    )
    return _archived_besluit(proposal)


def _archived_besluit(proposal: Proposal) -> HttpResponse:
    """The signed raadsbesluit byte for byte as archived, or a 503 while it is being archived."""
    archived = ArchivedDecision.objects.filter(proposal=proposal).first()
    if archived is None:
        return unavailable(
            _(
                "Het ondertekende raadsbesluit wordt nu gearchiveerd; "
                "probeer het over een halve minuut opnieuw."
            ),
            retry_after=ARCHIVING_RETRY_SECONDS,
        )
    return verified_file_response(
        archived.file,
        archived.sha256,
        download_name(proposal, "raadsbesluit"),
        what=f"the archived raadsbesluit of {proposal.key}",
    )


def raadsvoorstel_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = Proposal.objects.with_document().get(pk=visible_proposal(request, pk).pk)
    return _rendered(request, proposal, RenderKind.RAADSVOORSTEL, download_name(proposal, "raadsvoorstel"))


def _rendered(request: HttpRequest, proposal: Proposal, kind: str, filename: str) -> HttpResponse:
    """The kept rendering of the document's current text; while the worker makes it, 202 and
    a page that looks again every few seconds (a Refresh header and its meta element: no
    script, whatever the Content-Security-Policy)."""
    rendered = actions.request_render(proposal, kind)
    if rendered.status == RenderStatus.READY:
        return verified_file_response(
            rendered.file, rendered.sha256, filename, what=f"the rendered {kind} of {proposal.key}"
        )
    failed = rendered.status == RenderStatus.FAILED
    response = render(
        request,
        "documents/rendering.html",
        {
            "proposal": proposal,
            "what": RenderKind(kind).label.capitalize(),
            "failed": failed,
            "retry_after": RENDERING_RETRY_SECONDS,
        },
        status=503 if failed else 202,
    )
    if not failed:
        response["Refresh"] = str(RENDERING_RETRY_SECONDS)
        response["Retry-After"] = str(RENDERING_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def paper_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan of a raadsbesluit signed in ink: the authentic document, public once signed."""
    proposal = get_object_or_404(Proposal.objects.select_related("municipality"), pk=pk)
    if not (permissions.may_read_publicly(proposal) or permissions.may_view(request.user, proposal)):
        raise Http404
    decision = Decision.objects.filter(proposal=proposal).exclude(paper_scan="").first()
    if decision is None:
        raise Http404
    return verified_file_response(
        decision.paper_scan,
        decision.paper_scan_sha256,
        download_name(proposal, "raadsbesluit", "-getekend"),
        what=f"the paper scan of {proposal.key}",
    )


@limits.limit_upload
@require_http_methods(["GET", "POST"])
def archive_check(request: HttpRequest) -> HttpResponse:
    """Anyone may check a PDF, or its SHA-256, against the archive of signed decisions:
    the archived rendering, or the scan of a besluit signed in ink."""
    form = ArchiveCheckForm(request.POST or None, request.FILES or None)
    found, scan_of, checked = None, None, False
    if request.method == "POST" and form.is_valid():
        checked = True
        digest = form.cleaned_data["sha256"]
        if form.cleaned_data.get("file"):
            digest = files.sha256_of(form.cleaned_data["file"])
        found = (
            ArchivedDecision.objects.select_related("proposal__municipality", "proposal__decision")
            .filter(sha256=digest)
            .first()
        )
        if found is None:
            scan_of = (
                Proposal.objects.final()
                .select_related("municipality", "decision")
                .filter(decision__paper_scan_sha256=digest)
                .first()
            )
    # The check confirms what the visitor holds; it links only to what anyone may read.
    found_proposal = found.proposal if found else scan_of
    public_url = (
        found_proposal.get_public_url()
        if found_proposal is not None and permissions.may_read_publicly(found_proposal)
        else None
    )
    return render(
        request,
        "documents/check.html",
        {"form": form, "found": found, "scan_of": scan_of, "checked": checked, "public_url": public_url},
    )
