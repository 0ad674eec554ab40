"""Signing the raadsbesluit: voorzitter and griffier each for themself, or the griffier
recording a besluit signed in ink (Gemeentewet art. 32a)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import actions, limits, permissions
from ..forms import PaperSignatureForm, SignForm
from .shared import run_action, visible_proposal


@limits.limit_upload
@login_required
def proposal_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Voorzitter and griffier each sign here for themself; the griffier may instead record
    a besluit signed in ink, with its scan."""
    proposal = visible_proposal(request, pk)
    if not proposal.awaits_signatures:
        messages.error(
            request, _("Alleen een besluit met de status “Advies uitgebracht” kan worden ondertekend.")
        )
        return redirect("proposal_detail", pk=pk)
    role = permissions.signing_role(request.user, proposal.municipality)
    if role is None:
        raise PermissionDenied(
            _(
                "Alleen de voorzitter en de griffier (of hun vervangers) ondertekenen een raadsbesluit; "
                "een op papier getekend besluit legt de griffier vast."
            )
        )
    decision = proposal.decision
    signatures = list(decision.signatures.all())
    paper_posted = request.method == "POST" and "scan" in request.FILES
    form = SignForm(request.POST if request.method == "POST" and not paper_posted else None)
    paper = None
    if permissions.may_record_paper_signing(request.user, proposal.municipality) and not signatures:
        paper = PaperSignatureForm(
            request.POST if paper_posted else None,
            request.FILES if paper_posted else None,
            signatories=actions.signatories(proposal.municipality),
        )
    if request.method == "POST":
        if paper is not None and paper_posted:
            signed = paper.is_valid() and run_action(
                request,
                lambda: _sign_on_paper(request, proposal, paper.cleaned_data),
                _("Het op papier getekende besluit is vastgelegd."),
            )
        else:
            signed = form.is_valid() and run_action(
                request,
                lambda: actions.sign_decision(proposal, by=request.user),
                _("U hebt het besluit ondertekend."),
            )
        if signed:
            return redirect("proposal_detail", pk=pk)
    return render(
        request,
        "meetings/sign.html",
        {
            "proposal": proposal,
            "decision": decision,
            "form": form,
            "paper": paper,
            "role": role,
            "signatures": signatures,
        },
    )


def _sign_on_paper(request: HttpRequest, proposal, data: dict) -> None:
    actions.sign_on_paper(
        proposal,
        data["scan"],
        voorzitter=data["voorzitter"],
        griffier=data["griffier"],
        date=data["date"],
        by=request.user,
    )
