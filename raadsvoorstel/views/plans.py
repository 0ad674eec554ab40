"""The regional plans: the RBOP-secretaris drafts, sends, follows and adopts a plan and has
its bundle made; a member's griffie sees the plan and records its council's answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions, consultation, limits, permissions
from ..forms import AdoptionForm, AnswerForm, PlanForm, VersionForm, WithdrawPlanForm, error_list
from ..models import BundleStatus, PlanAnswer, RegionalBody, RegionalPlan, Role
from .shared import download_name, run_action, verified_file_response, visible_proposal


def _plan(request: HttpRequest, code: str) -> RegionalPlan:
    """The plan if this user may see it; others' plans do not exist for them."""
    return get_object_or_404(permissions.visible_plans(request.user), code=code)


def _managed(request: HttpRequest, code: str) -> RegionalPlan:
    plan = _plan(request, code)
    if not permissions.may_manage_plan(request.user, plan):
        raise PermissionDenied(_("Alleen de secretaris van het regionaal orgaan doet dit."))
    return plan


def _own_body(request: HttpRequest) -> RegionalBody:
    if request.user.role != Role.RBOP_SECRETARIS or request.user.regional_body is None:
        raise PermissionDenied(_("Alleen de secretaris van een regionaal orgaan maakt een plan."))
    return request.user.regional_body


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(permissions.visible_plans(request.user).order_by("-answer_deadline", "code"))
    counts = dict(
        PlanAnswer.objects.filter(plan__in=plans).values_list("plan_id").annotate(count=Count("pk"))
    )
    members = {
        body.pk: body.municipalities.count()
        for body in RegionalBody.objects.filter(plans__in=plans).distinct()
    }
    # The others' progress is the secretaris's to follow (a member sees the plan, not the count).
    rows = [
        (
            plan,
            counts.get(plan.pk, 0),
            members.get(plan.regional_body_id, 0),
            permissions.may_follow_consultation(request.user, plan),
        )
        for plan in plans
    ]
    return render(
        request,
        "plans/list.html",
        {
            "rows": rows,
            "may_create": request.user.role == Role.RBOP_SECRETARIS and request.user.regional_body_id,
        },
    )


@limits.limit_upload
@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    body = _own_body(request)
    form = PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        created = {}
        if run_action(
            request,
            lambda: created.setdefault(
                "plan",
                actions.create_plan(
                    body,
                    form.fields_for_action(),
                    document=form.cleaned_data.get("document"),
                    by=request.user,
                ),
            ),
            _("Het plan is opgeslagen als concept."),
        ):
            return redirect(created["plan"])
    return render(
        request,
        "plans/edit.html",
        {"form": form, "body": body, "plan": None, "errors": error_list(form)},
        status=400 if form.errors else 200,
    )


@limits.limit_upload
@login_required
def plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    plan = _managed(request, code)
    form = PlanForm(
        request.POST or None, request.FILES or None, plan=plan, initial=PlanForm.initial_for(plan)
    )
    if request.method == "POST" and form.is_valid():
        updated = {}
        if run_action(
            request,
            lambda: updated.setdefault(
                "plan",
                actions.update_plan(
                    plan,
                    form.fields_for_action(),
                    version=form.cleaned_data.get("version") or 0,
                    document=form.cleaned_data.get("document"),
                    by=request.user,
                ),
            ),
            _("Het plan is opgeslagen."),
        ):
            return redirect(updated["plan"])
    return render(
        request,
        "plans/edit.html",
        {"form": form, "body": plan.regional_body, "plan": plan, "errors": error_list(form)},
        status=400 if form.errors else 200,
    )


@login_required
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(request, code)
    picture = consultation.overview(plan)
    follows = permissions.may_follow_consultation(request.user, plan)
    context = {
        "plan": plan,
        "overview": picture,
        "follows": follows,
        "may_manage": permissions.may_manage_plan(request.user, plan),
        "rows": picture.rows_by_name
        if follows
        else [r for r in picture.rows if r.municipality.pk == request.user.municipality_id],
        "chart": _chart(picture) if follows else None,
        "withdraw_form": WithdrawPlanForm(initial={"version": plan.version}),
        "bundle": plan.bundles.first() if follows else None,
        "readable": set(
            permissions.visible_proposals(request.user)
            .filter(regional_plan=plan)
            .values_list("pk", flat=True)
        ),
        "adoption": getattr(plan, "adoption", None) if plan.is_adopted else None,
    }
    return render(request, "plans/detail.html", context)


def _chart(picture: consultation.Overview) -> dict:
    """The totals as bars, drawn on the server: widths in percent of the members."""
    total = max(picture.members, 1)
    bars = [
        {
            "key": key,
            "label": label,
            "count": count,
            "width": round(100 * count / total, 1),
            "y": 8 + 34 * index,
        }
        for index, (key, label, count) in enumerate(picture.totals)
    ]
    return {"bars": bars, "height": 8 + 34 * len(bars)}


@login_required
@require_POST
def plan_send(request: HttpRequest, code: str) -> HttpResponse:
    plan = _managed(request, code)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Deze pagina was niet meer actueel; bekijk het plan opnieuw."))
        return redirect(plan)
    version = form.cleaned_data["version"]
    made = []
    run_action(
        request,
        lambda: made.extend(actions.send_plan(plan, version=version, by=request.user)),
        _("Het plan is verstuurd."),
    )
    if made:
        messages.info(
            request, _("%(count)s raden hebben een raadsvoorstel in concept gekregen.") % {"count": len(made)}
        )
    return redirect(plan)


@login_required
@require_POST
def plan_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    plan = _managed(request, code)
    form = WithdrawPlanForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.withdraw_plan(
                plan,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                by=request.user,
            ),
            _("Het plan is ingetrokken."),
        )
    else:
        for error in form.errors.get("reason", []) or [
            _("Deze pagina was niet meer actueel; bekijk het plan opnieuw.")
        ]:
            messages.error(request, error)
    return redirect(plan)


@limits.limit_upload
@login_required
def plan_adopt(request: HttpRequest, code: str) -> HttpResponse:
    """The vaststelling: allowed once every member answered or the deadline passed; the page
    names the councils without an answer, and the record keeps them."""
    plan = _managed(request, code)
    picture = consultation.overview(plan)
    form = AdoptionForm(
        request.POST or None,
        request.FILES or None,
        objections=picture.objections,
        initial={
            "version": plan.version,
            "adopted_on": timezone.localdate(),
            "meeting": plan.adoption_meeting,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            request,
            lambda: actions.adopt_plan(
                plan,
                adopted_on=form.cleaned_data["adopted_on"],
                meeting=form.cleaned_data["meeting"],
                legal_ground=form.cleaned_data["legal_ground"],
                document=form.cleaned_data["document"],
                handlings=form.handlings(),
                version=form.cleaned_data["version"],
                by=request.user,
            ),
            _("De vaststelling is vastgelegd."),
        )
    ):
        return redirect(plan)
    return render(
        request,
        "plans/adopt.html",
        {"plan": plan, "overview": picture, "form": form, "errors": error_list(form)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def plan_report(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(request, code)
    if not permissions.may_follow_consultation(request.user, plan):
        raise PermissionDenied(_("Alleen de secretaris van het regionaal orgaan ziet het hele overzicht."))
    response = HttpResponse(
        consultation.report_csv(consultation.overview(plan)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.code}.csv"'
    return response


@login_required
def plan_document(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(request, code)
    if not plan.document:
        raise Http404
    return verified_file_response(
        plan.document, plan.document_sha256, f"{plan.code}.pdf", what=f"the document of {plan.code}"
    )


@login_required
def adopted_document(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(request, code)
    adoption = getattr(plan, "adoption", None) if plan.is_adopted else None
    if adoption is None:
        raise Http404
    return verified_file_response(
        adoption.document,
        adoption.document_sha256,
        f"{plan.code}-vastgesteld.pdf",
        what=f"the adopted plan {plan.code}",
    )


# --- The bundle ---


@login_required
@require_POST
def bundle_request(request: HttpRequest, code: str) -> HttpResponse:
    plan = _managed(request, code)
    run_action(
        request,
        lambda: actions.request_bundle(plan, by=request.user),
        _("De bundel wordt gemaakt; de voortgang staat hieronder."),
    )
    return redirect(f"{plan.get_absolute_url()}#bundel")


@login_required
def bundle_progress(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The progress bar alone, which htmx fetches every two seconds while the bundle is made."""
    plan = _managed(request, code)
    bundle = get_object_or_404(plan.bundles, pk=pk)
    response = render(request, "plans/_bundle.html", {"plan": plan, "bundle": bundle, "may_manage": True})
    if request.htmx and not bundle.is_busy:
        response.status_code = 286  # htmx: the last update; stop polling
    return response


@login_required
def bundle_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _managed(request, code)
    bundle = get_object_or_404(plan.bundles, pk=pk, status=BundleStatus.DONE)
    return verified_file_response(
        bundle.file, bundle.sha256, f"bundel-{plan.code}.pdf", what=f"bundle {bundle.pk}"
    )


# --- A council's answer ---


@login_required
@require_POST
def answer_record(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = visible_proposal(request, pk)
    if not permissions.may_record_answer(request.user, proposal):
        raise PermissionDenied(
            _("Alleen de griffie legt het antwoord van de raad vast, als het besluit is ondertekend.")
        )
    form = AnswerForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.record_answer(
                proposal,
                sent_to=form.cleaned_data["sent_to"],
                sent_on=form.cleaned_data["sent_on"],
                reference=form.cleaned_data["reference"],
                by=request.user,
            ),
            _("Het antwoord is vastgelegd; de brief is gearchiveerd."),
        )
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label}: {error}" if field in form.fields else error
                )
    return redirect(proposal)


@login_required
def answer_letter(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = visible_proposal(request, pk)
    answer = PlanAnswer.objects.filter(proposal=proposal).first()
    if answer is None:
        raise Http404
    return verified_file_response(
        answer.letter,
        answer.letter_sha256,
        download_name(proposal, "antwoord"),
        what=f"the answer letter of {proposal.key}",
    )
