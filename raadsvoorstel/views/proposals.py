"""The griffie's pages: parse the request, call one action or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions, history, limits, permissions
from ..forms import (
    AnswerForm,
    AttachmentForm,
    ConflictChoiceForm,
    ProposalEditor,
    ProposalFilterForm,
    TransitionForm,
)
from ..models import ArchivedDecision, Attachment, PlanAnswer, Proposal, StaleCopy, WorkflowError
from ..text import ProposalText, combine, render_text
from .shared import download_name, stale, verified_file_response, visible_proposal


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    filters = ProposalFilterForm(request.GET or None)
    proposals = (
        filters.filter(permissions.visible_proposals(request.user))
        .select_related("municipality")
        .prefetch_related("themes__parent")
    )
    page = Paginator(proposals, 25).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "proposals/list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            # Who works across municipalities (the RBOP) sees which one each row is.
            "show_municipality": request.user.municipality_id is None,
            "may_draft": request.user.municipality is not None
            and permissions.is_griffie_of(request.user, request.user.municipality),
        },
    )


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    municipality = request.user.municipality
    if municipality is None or not permissions.is_griffie_of(request.user, municipality):
        raise PermissionDenied(_("Alleen de griffie maakt raadsvoorstellen."))
    editor = ProposalEditor(request.POST or None, municipality=municipality)
    if request.method == "POST" and not editor.wants_another_row and editor.is_valid():
        try:
            proposal = actions.create_proposal(municipality, editor.text(), by=request.user)
        except IntegrityError:
            # Someone else took the number between the form's check and the write.
            editor.form.add_error("number", _("Deze gemeente heeft al een voorstel met dit nummer."))
        else:
            messages.success(request, _("Het voorstel is aangemaakt."))
            return redirect("proposal_detail", pk=proposal.pk)
    return render(request, "proposals/edit.html", {"editor": editor, "proposal": None})


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visible_proposal(request, pk), AttachmentForm())


def _render_detail(
    request: HttpRequest, proposal: Proposal, attachment_form: AttachmentForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "transitions": actions.transitions_for(proposal, request.user),
            "may_edit": permissions.may_change(request.user, proposal),
            "may_sign": proposal.awaits_signatures and permissions.may_sign(request.user, proposal),
            "attachment_form": attachment_form,
            "archived": ArchivedDecision.objects.filter(proposal=proposal).first(),
            **_plan_context(request, proposal),
        },
        status=status,
    )


def _plan_context(request: HttpRequest, proposal: Proposal) -> dict:
    """The regional plan the proposal answers: the answer sent, or the form to record it."""
    plan = proposal.regional_plan
    if plan is None:
        return {}
    answer = PlanAnswer.objects.filter(proposal=proposal).first()
    return {
        "answer": answer,
        "may_view_plan": permissions.may_view_plan(request.user, plan),
        "may_record_answer": answer is None and permissions.may_record_answer(request.user, proposal),
        "answer_form": AnswerForm(
            initial={"sent_to": plan.regional_body.name, "sent_on": timezone.localdate()}
        ),
    }


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _editable(request, pk)
    editor = ProposalEditor(request.POST or None, municipality=proposal.municipality, proposal=proposal)
    if request.method == "POST" and not editor.wants_another_row and editor.is_valid():
        return _save(request, proposal, editor, mine=editor.text(), base_version=editor.submitted_version)
    return render(request, "proposals/edit.html", {"editor": editor, "proposal": proposal})


@login_required
@require_POST
def proposal_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """The conflict page sent back: the user's own text (in hidden fields) and, per part
    that differs, whether to keep the user's version or the stored one. The merge is saved
    through the same action with the version the page showed, so that a save made meanwhile
    is caught again."""
    proposal = _editable(request, pk)
    sent = ProposalEditor(request.POST, municipality=proposal.municipality, proposal=proposal)
    if not sent.is_valid():
        # The page carried a checked text: only a page changed on the way gets here.
        return render(request, "proposals/edit.html", {"editor": sent, "proposal": proposal})
    mine, base_version = sent.text(), ConflictChoiceForm.base_version_of(request.POST)
    if sent.submitted_version != proposal.version:
        # Saved again while the user chose: the choices were made against an older text.
        return _conflict(request, proposal, mine, base_version=base_version, kept=request.POST)
    conflict = history.Conflict.of(proposal, mine, base_version=base_version, user=request.user)
    choices = ConflictChoiceForm(request.POST, conflict=conflict)
    if not choices.is_valid():
        return _render_conflict(request, proposal, conflict, mine, choices, base_version)
    merged = combine(mine, conflict.theirs, choices.take_mine())
    if "edit" in request.POST:
        editor = ProposalEditor(municipality=proposal.municipality, proposal=proposal, text=merged)
        return render(request, "proposals/edit.html", {"editor": editor, "proposal": proposal})
    editor = ProposalEditor(
        ProposalEditor.data_for(merged, version=proposal.version),
        municipality=proposal.municipality,
        proposal=proposal,
    )
    if not editor.is_valid():
        # Two valid versions can still make an invalid whole: the editor shows why, with it all.
        return render(request, "proposals/edit.html", {"editor": editor, "proposal": proposal})
    return _save(request, proposal, editor, mine=mine, base_version=base_version, kept=request.POST)


def _editable(request: HttpRequest, pk: int) -> Proposal:
    proposal = visible_proposal(request, pk)
    if not permissions.may_change(request.user, proposal):
        raise PermissionDenied(
            _(
                "Dit voorstel kunt u niet bewerken: het is niet meer in concept, "
                "of u bent niet van de griffie."
            )
        )
    return proposal


def _save(
    request: HttpRequest,
    proposal: Proposal,
    editor: ProposalEditor,
    *,
    mine: ProposalText,
    base_version: int | None,
    kept=None,
) -> HttpResponse:
    """Save the editor's checked text with the version it carries. A newer version stored
    meanwhile shows the conflict page: `mine`, the user's own text, against the stored one,
    judged from `base_version`, the version the user started from."""
    try:
        actions.update_proposal(proposal, editor.text(), version=editor.submitted_version, by=request.user)
    except actions.EditConflict:
        return _conflict(request, proposal, mine, base_version=base_version, kept=kept)
    except IntegrityError:
        # Someone else took the number between the form's check and the write.
        editor.form.add_error("number", _("Deze gemeente heeft al een voorstel met dit nummer."))
        return render(request, "proposals/edit.html", {"editor": editor, "proposal": proposal})
    except WorkflowError as refusal:
        # Moved on meanwhile (sent to the council, say): its text is no longer editable.
        messages.error(request, str(refusal))
        return redirect("proposal_detail", pk=proposal.pk)
    messages.success(request, _("Het voorstel is opgeslagen."))
    return redirect("proposal_detail", pk=proposal.pk)


def _conflict(
    request: HttpRequest, proposal: Proposal, mine: ProposalText, *, base_version: int | None, kept=None
) -> HttpResponse:
    """Nothing of the user's was saved: show who saved meanwhile, what differs, and per part
    the choice between their text and the stored one (`kept`: choices made before)."""
    proposal = Proposal.objects.select_related("municipality").get(pk=proposal.pk)
    conflict = history.Conflict.of(proposal, mine, base_version=base_version, user=request.user)
    choices = ConflictChoiceForm(conflict=conflict, kept=kept)
    return _render_conflict(request, proposal, conflict, mine, choices, base_version)


def _render_conflict(
    request: HttpRequest,
    proposal: Proposal,
    conflict: history.Conflict,
    mine: ProposalText,
    choices: ConflictChoiceForm,
    base_version: int | None,
) -> HttpResponse:
    return render(
        request,
        "proposals/conflict.html",
        {
            "proposal": proposal,
            "conflict": conflict,
            "choices": choices,
            "base_version": base_version,
            # The user's text travels with the page, so that nothing of it is lost.
            "mine_data": ProposalEditor.data_for(mine.normalised(), version=proposal.version),
            "changes": history.word_diff(render_text(conflict.theirs), render_text(mine)),
        },
        status=409,
    )


@login_required
def proposal_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """A step from the proposal page. One that cannot be undone (withdrawing) is asked on a
    page of its own first: GET shows that page, and only its confirmed POST takes the step."""
    proposal = visible_proposal(request, pk)
    transition = actions.USER_TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    if request.method != "POST" and not transition.confirm:
        return HttpResponseNotAllowed(["POST"])
    form = TransitionForm(
        request.POST if request.method == "POST" else None, initial={"version": proposal.version}
    )
    if transition.confirm and not (form.is_bound and form.is_valid() and _confirmed(form, transition)):
        if transition not in actions.transitions_for(proposal, request.user):
            raise PermissionDenied(_("Deze stap is nu niet aan u."))
        return render(
            request,
            "proposals/confirm_transition.html",
            {"proposal": proposal, "transition": transition, "form": form},
            status=400 if form.is_bound else 200,
        )
    form.is_valid()
    # The button acts on the proposal as the page showed it: the version it was rendered with.
    if form.cleaned_data.get("version") is not None:
        proposal.version = form.cleaned_data["version"]
    try:
        transition.run(proposal, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except StaleCopy as refusal:
        return stale(request, proposal, refusal)
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Gelukt: het voorstel heeft nu de status “%(state)s”.")
            % {"state": proposal.get_state_display()},
        )
    return redirect("proposal_detail", pk=proposal.pk)


def _confirmed(form: TransitionForm, transition) -> bool:
    """The confirmation page's own POST, with the reason the step asks for."""
    if not form.cleaned_data.get("confirmed"):
        return False
    if transition.reason_label and not form.cleaned_data.get("reason", "").strip():
        form.add_error("reason", _("Geef een reden op."))
        return False
    return True


@login_required
def proposal_history(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = visible_proposal(request, pk)
    return render(
        request,
        "proposals/history.html",
        {
            "proposal": proposal,
            "transitions": history.transitions(proposal),
            "revisions": history.revisions_with_changes(proposal),
        },
    )


@limits.limit_upload
@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = visible_proposal(request, pk)
    if not permissions.may_change(request.user, proposal):
        raise PermissionDenied(_("Alleen de griffie voegt bijlagen toe aan een concept."))
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, proposal, form, status=400)
    try:
        actions.add_attachment(
            proposal, form.cleaned_data["title"], form.cleaned_data["file"], by=request.user
        )
    except StaleCopy as refusal:
        return stale(request, proposal, refusal)
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("De bijlage is toegevoegd."))
    return redirect("proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    proposal = visible_proposal(request, pk)
    attachment = get_object_or_404(
        Attachment.objects.select_related("proposal"), pk=attachment_pk, proposal=proposal
    )
    try:
        actions.remove_attachment(attachment, by=request.user)
    except StaleCopy as refusal:
        return stale(request, proposal, refusal)
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("De bijlage is verwijderd."))
    return redirect("proposal_detail", pk=proposal.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    proposal = visible_proposal(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    if not attachment.file:
        raise Http404(_("Van deze bijlage is geen bestand opgeslagen."))
    return verified_file_response(
        attachment.file,
        attachment.sha256,
        download_name(proposal, "bijlage", f"-{attachment.position}"),
        what=f"attachment {attachment.pk} of {proposal.key}",
        attachment=True,
    )
