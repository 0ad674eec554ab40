"""The public side, without logging in: per municipality its signed decisions, each
raadsbesluit as text with its vote, amendments and archived PDF, and a regional plan with
the councils' answers and its vaststelling.

What may be shown is `permissions.public_decisions()` and `permissions.public_plans()`;
anything else is the same 404 as an address that never existed.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .. import linked_data, pdf, permissions
from ..models import Municipality, PlanAnswer, Theme
from .shared import verified_file_response

PER_PAGE = 25


def municipality_list(request: HttpRequest) -> HttpResponse:
    """The municipalities with at least one public decision, and the public regional plans."""
    municipalities = (
        Municipality.objects.filter(proposals__in=permissions.public_decisions())
        .annotate(decisions=Count("proposals"), latest=Max("proposals__decision__meeting_date"))
        .order_by("name")
    )
    plans = permissions.public_plans().select_related("regional_body").order_by("title")
    return render(request, "public/municipalities.html", {"municipalities": municipalities, "plans": plans})


def decision_list(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    decisions = (
        permissions.public_decisions()
        .filter(municipality=municipality)
        .select_related("municipality", "decision")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.select_related("parent")))
        .order_by("-decision__meeting_date", "-date", "-number")
    )
    page = Paginator(decisions, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "public/decisions.html", {"municipality": municipality, "page": page})


def decision_detail(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """The raadsbesluit in the words of its PDF, with the vote, the amendments and the
    archived PDF's hash; a number that is not public is a number that does not exist."""
    proposal = get_object_or_404(
        permissions.public_decisions().with_document(), municipality__code=code, number=number
    )
    archived = getattr(proposal, "archived_decision", None)
    canonical_url = request.build_absolute_uri(proposal.get_public_url())
    pdf_url = reverse("public_raadsbesluit_pdf", kwargs={"code": code, "number": proposal.number})
    metadata = linked_data.decision(
        proposal, url=canonical_url, pdf_url=request.build_absolute_uri(pdf_url), archived=archived
    )
    plan = proposal.regional_plan
    return render(
        request,
        "public/decision.html",
        {
            **pdf.besluit_context(proposal),
            "archived": archived,
            "canonical_url": canonical_url,
            "pdf_url": pdf_url,
            "plan": plan if plan is not None and permissions.may_read_plan_publicly(plan) else None,
            "json_ld": linked_data.as_script(metadata),
        },
    )


def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The plan, every answer of a council whose decision is public, and the vaststelling."""
    plan = get_object_or_404(permissions.public_plans().select_related("regional_body"), code=code)
    adoption = getattr(plan, "adoption", None) if plan.is_adopted else None
    handlings = dict(adoption.handlings.values_list("municipality_id", "text")) if adoption else {}
    answers = (
        PlanAnswer.objects.filter(plan=plan, proposal__in=permissions.public_decisions())
        .select_related("municipality", "proposal__municipality", "proposal__decision")
        .order_by("municipality__name")
    )
    return render(
        request,
        "public/plan.html",
        {
            "plan": plan,
            "canonical_url": request.build_absolute_uri(plan.get_public_url()),
            "adoption": adoption,
            "answers": [(answer, handlings.get(answer.municipality_id, "")) for answer in answers],
        },
    )


def plan_document(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(permissions.public_plans(), code=code)
    if not plan.document:
        raise Http404
    return verified_file_response(
        plan.document, plan.document_sha256, f"{plan.code}.pdf", what=f"the document of {plan.code}"
    )


def adopted_document(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(permissions.public_plans(), code=code)
    adoption = getattr(plan, "adoption", None) if plan.is_adopted else None
    if adoption is None:
        raise Http404
    return verified_file_response(
        adoption.document,
        adoption.document_sha256,
        f"{plan.code}-vastgesteld.pdf",
        what=f"the adopted plan {plan.code}",
    )
