"""What several views share: finding a proposal the user may see, answering a stale page,
and serving a stored file only when it is intact."""

from __future__ import annotations

import logging
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .. import files, permissions
from ..models import Proposal, StaleCopy, WorkflowError

logger = logging.getLogger(__name__)


def visible_proposal(request: HttpRequest, pk: int) -> Proposal:
    """The proposal if this user may see it; others' proposals do not exist for them."""
    return get_object_or_404(
        permissions.visible_proposals(request.user).select_related("municipality", "regional_plan"), pk=pk
    )


def stale(request: HttpRequest, proposal: Proposal, refusal: StaleCopy) -> HttpResponse:
    """A change made on a page that no longer shows the proposal as it is: 409, nothing stored."""
    return render(
        request, "proposals/stale.html", {"proposal": proposal, "message": str(refusal)}, status=409
    )


def download_name(proposal: Proposal, kind: str, suffix: str = "") -> str:
    """`raadsbesluit-GM0377-2023000853.pdf`: the number made safe for a file name."""
    number = re.sub(r"[^A-Za-z0-9._-]+", "-", proposal.number).strip("-.") or "zonder-nummer"
    return f"{kind}-{proposal.municipality.code}-{number}{suffix}.pdf"


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def unavailable(message: str, *, retry_after: int | None = None) -> HttpResponse:
    response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def verified_file_response(file, sha256: str, filename: str, *, what: str, attachment: bool = False):
    """The stored file if its bytes still have their hash; else a 503 and an error in the log."""
    try:
        content = files.read_verified(file, sha256)
    except files.DamagedFile as damage:
        logger.error("Refused to serve %s: %s", what, damage)
        return unavailable(
            _(
                "Dit bestand kan nu niet worden geleverd: het is beschadigd of ontbreekt. "
                "De beheerder is gewaarschuwd."
            )
        )
    return pdf_response(content, filename, attachment=attachment)


def run_action(request: HttpRequest, run, success: str) -> bool:
    """Run one action; a refusal becomes a message in the griffie's words, and nothing of it
    is stored. Returns whether it was done."""
    try:
        run()
    except (WorkflowError, ValidationError) as refusal:
        for message in getattr(refusal, "messages", [str(refusal)]):
            messages.error(request, message)
        return False
    except IntegrityError as refusal:
        # The database's guards refused (they speak Dutch); the action's transaction is undone.
        messages.error(request, _("Niet opgeslagen: %(reason)s") % {"reason": str(refusal).splitlines()[0]})
        return False
    messages.success(request, success)
    return True


def own_municipality(request: HttpRequest):
    from django.core.exceptions import PermissionDenied

    if request.user.municipality is None:
        raise PermissionDenied(_("Deze pagina hoort bij een gemeente; uw account hoort bij geen gemeente."))
    return request.user.municipality
