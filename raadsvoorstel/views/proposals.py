"""The griffie's pages: parse the request, call one action or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions, history, permissions
from ..forms import AnswerForm, AttachmentForm, ProposalEditor, ProposalFilterForm, TransitionForm
from ..models import ArchivedDecision, Attachment, PlanAnswer, Proposal, StaleCopy, WorkflowError
from ..text import render_text, text_of
from .shared import stale, verified_file_response, visible_proposal


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    filters = ProposalFilterForm(request.GET or None)
    proposals = filters.filter(permissions.visible_proposals(request.user)).prefetch_related("themes__parent")
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
    proposal = visible_proposal(request, pk)
    if not permissions.may_change(request.user, proposal):
        raise PermissionDenied(
            _(
                "Dit voorstel kunt u niet bewerken: het is niet meer in concept, "
                "of u bent niet van de griffie."
            )
        )
    editor = ProposalEditor(request.POST or None, municipality=proposal.municipality, proposal=proposal)
    if request.method == "POST" and not editor.wants_another_row and editor.is_valid():
        try:
            actions.update_proposal(
                proposal, editor.text(), version=editor.submitted_version, by=request.user
            )
        except actions.EditConflict:
            return _conflict(request, proposal, editor)
        except IntegrityError:
            # Someone else took the number between the form's check and the write.
            editor.form.add_error("number", _("Deze gemeente heeft al een voorstel met dit nummer."))
        except WorkflowError as refusal:
            # Moved on meanwhile (sent to the council, say): its text is no longer editable.
            messages.error(request, str(refusal))
            return redirect("proposal_detail", pk=proposal.pk)
        else:
            messages.success(request, _("Het voorstel is opgeslagen."))
            return redirect("proposal_detail", pk=proposal.pk)
    return render(request, "proposals/edit.html", {"editor": editor, "proposal": proposal})


def _conflict(request: HttpRequest, proposal: Proposal, editor: ProposalEditor) -> HttpResponse:
    """Show the user's own input, still in the form, beside what was saved meanwhile.

    The form now carries the stored version, so saving it again is a deliberate choice
    to replace what the other person saved.
    """
    proposal = Proposal.objects.select_related("municipality").get(pk=proposal.pk)
    data = editor.form.data.copy()
    data["version"] = proposal.version
    mine = ProposalEditor(data, municipality=proposal.municipality, proposal=proposal)
    mine.is_valid()
    theirs = text_of(proposal)
    changes = history.word_diff(theirs, render_text(mine.text()) if mine.is_valid() else "")
    latest = proposal.revisions.select_related("saved_by").last()
    return render(
        request,
        "proposals/conflict.html",
        {"editor": mine, "proposal": proposal, "theirs": theirs, "changes": changes, "latest": latest},
        status=409,
    )


@login_required
@require_POST
def proposal_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    proposal = visible_proposal(request, pk)
    transition = actions.USER_TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    form = TransitionForm(request.POST)
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
        f"bijlage-{attachment.pk}.pdf",
        what=f"attachment {attachment.pk} of {proposal.key}",
        attachment=True,
    )
