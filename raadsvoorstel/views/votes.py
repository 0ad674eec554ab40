"""An agenda item's pages: its points as they stand, amendments and moties, the vote (which
keeps itself current through htmx, or a refresh link without JavaScript), and a councillor's
own ballot."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from .. import actions, permissions
from ..forms import (
    AmendmentForm,
    BallotForm,
    CloseVoteForm,
    CorrectBallotForm,
    MotionForm,
    PostponeForm,
    StartVoteForm,
    WithdrawVoteForm,
)
from ..models import AgendaItem, CouncilMember, Vote, VoteMode, VoteStatus
from .shared import run_action


def _item(request: HttpRequest, pk: int, item_pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__municipality", "meeting__continues", "proposal"),
        pk=item_pk,
        meeting_id=pk,
        meeting__in=permissions.visible_meetings(request.user),
    )


def _back(item: AgendaItem) -> HttpResponse:
    return redirect("item_detail", pk=item.meeting_id, item_pk=item.pk)


def vote_panel_context(request: HttpRequest, item: AgendaItem) -> dict:
    """The open vote as the griffie follows it: the running tally, who voted what, who not yet."""
    vote = item.votes.filter(status=VoteStatus.OPEN).select_related("amendment", "motion").first()
    context = {"item": item, "meeting": item.meeting, "open_vote": vote, "close_form": CloseVoteForm()}
    context["may_manage"] = permissions.may_keep_meeting_records(request.user, item.meeting)
    if vote is not None and vote.mode == VoteMode.HOOFDELIJK:
        ballots = {ballot.member_id: ballot for ballot in vote.ballots.all()}
        called = vote.called_members()
        context.update(
            roll_call=[(member, ballots.get(member.pk)) for member in called],
            tally=Counter(ballot.choice for ballot in ballots.values()),
            waiting=[member for member in called if member.pk not in ballots],
            correct_form=CorrectBallotForm(vote=vote),
        )
    if vote is not None:
        context["withdraw_form"] = WithdrawVoteForm()
    return context


@login_required
def item_detail(request: HttpRequest, pk: int, item_pk: int, **forms) -> HttpResponse:
    item = _item(request, pk, item_pk)
    return _render_item(request, item, **forms)


def _render_item(request: HttpRequest, item: AgendaItem, status: int = 200, **forms) -> HttpResponse:
    points = actions.current_points(item)
    closed = list(
        item.votes.exclude(status=VoteStatus.OPEN)
        .select_related("amendment", "motion")
        .prefetch_related("ballots__member", "exclusions__member")
    )
    context = vote_panel_context(request, item) | {
        "proposal": item.proposal,
        "points": points,
        "amended": bool(actions.adopted_amendments(item)),
        "amendments": item.amendments.filter(parent=None).prefetch_related("sub_amendments"),
        "motions": item.motions.all(),
        "amendment_form": forms.get("amendment_form") or AmendmentForm(points=points, item=item),
        "motion_form": forms.get("motion_form") or MotionForm(),
        "start_form": forms.get("start_form")
        or StartVoteForm(item=item, present=item.meeting.present_members()),
        "postpone_form": PostponeForm(item=item),
        "closed_votes": [(vote, _tally(vote)) for vote in closed],
        "decided": not item.proposal.is_before_council,
        "confirm_hamerstuk": forms.get("confirm_hamerstuk", False),
    }
    return render(request, "meetings/item.html", context, status=status)


def _tally(vote: Vote) -> dict:
    """Voor and tegen per party, and each member by name in the order of the call."""
    ballots = sorted(vote.ballots.all(), key=lambda ballot: (ballot.position or 0, ballot.member.name))
    per_party = Counter((ballot.member.party, ballot.choice) for ballot in ballots)
    parties = sorted({party for party, _choice in per_party})
    return {
        "ballots": ballots,
        "parties": [(party, per_party[(party, "voor")], per_party[(party, "tegen")]) for party in parties],
        "excluded": list(vote.exclusions.all()),
    }


@login_required
def item_vote_panel(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The open vote alone, for htmx to swap in every few seconds."""
    item = _item(request, pk, item_pk)
    context = vote_panel_context(request, item)
    if context["open_vote"] is None and request.htmx:
        # The vote has closed: the whole page shows the result.
        return HttpResponseClientRefresh()
    return render(request, "meetings/_vote_panel.html", context)


@login_required
@require_POST
def item_amendment(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = AmendmentForm(request.POST, points=actions.current_points(item), item=item)
    if form.is_valid() and run_action(
        request,
        lambda: actions.table_amendment(
            item,
            form.cleaned_data["title"],
            form.submitter_list(),
            form.changes(),
            advice=form.cleaned_data.get("advice", ""),
            advice_text=form.cleaned_data.get("advice_text", ""),
            parent=form.cleaned_data.get("parent"),
            by=request.user,
        ),
        _("Het amendement is ingediend."),
    ):
        return _back(item)
    return _render_item(request, item, status=400, amendment_form=form)


@login_required
@require_POST
def item_motion(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = MotionForm(request.POST)
    if form.is_valid() and run_action(
        request,
        lambda: actions.table_motion(
            item,
            form.cleaned_data["title"],
            form.cleaned_data["text"],
            form.submitter_list(),
            by=request.user,
        ),
        _("De motie is ingediend."),
    ):
        return _back(item)
    return _render_item(request, item, status=400, motion_form=form)


@login_required
@require_POST
def item_start_vote(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Open a vote. A hamerstuk is asked to be confirmed first: it is adopted without a vote."""
    item = _item(request, pk, item_pk)
    form = StartVoteForm(request.POST, item=item, present=item.meeting.present_members())
    if not form.is_valid():
        return _render_item(request, item, status=400, start_form=form)
    if form.needs_confirmation:
        return _render_item(request, item, start_form=form, confirm_hamerstuk=True)
    hamerstuk = form.cleaned_data["mode"] == VoteMode.HAMERSTUK
    run_action(
        request,
        lambda: actions.start_vote(
            item,
            form.cleaned_data["mode"],
            excluded=form.exclusions(),
            by=request.user,
            **form.subject_object(),
        ),
        _("Zonder stemming aangenomen (hamerstuk).") if hamerstuk else _("De stemming is geopend."),
    )
    return _back(item)


def _open_vote(item: AgendaItem, vote_pk: int) -> Vote:
    return get_object_or_404(Vote, pk=vote_pk, agenda_item=item)


@login_required
@require_POST
def item_ballot(request: HttpRequest, pk: int, item_pk: int, vote_pk: int, member_pk: int) -> HttpResponse:
    """The griffie enters a member's ballot in a roll call."""
    item = _item(request, pk, item_pk)
    vote = _open_vote(item, vote_pk)
    member = get_object_or_404(CouncilMember, pk=member_pk, municipality=item.meeting.municipality)
    form = BallotForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.cast_ballot(vote, member, form.cleaned_data["choice"], by=request.user),
            _("De stem van %(name)s is vastgelegd.") % {"name": member.name},
        )
    return _back(item)


@login_required
@require_POST
def item_correct_ballot(request: HttpRequest, pk: int, item_pk: int, vote_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    vote = _open_vote(item, vote_pk)
    form = CorrectBallotForm(request.POST, vote=vote)
    if form.is_valid():
        member = form.cleaned_data["member"]
        run_action(
            request,
            lambda: actions.correct_ballot(
                vote, member, form.cleaned_data["choice"], reason=form.cleaned_data["reason"], by=request.user
            ),
            _("De stem van %(name)s is gecorrigeerd.") % {"name": member.name},
        )
    else:
        messages.error(request, _("Geef de juiste stem en de reden van de correctie."))
    return _back(item)


@login_required
@require_POST
def item_withdraw_vote(request: HttpRequest, pk: int, item_pk: int, vote_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    vote = _open_vote(item, vote_pk)
    form = WithdrawVoteForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.withdraw_vote(vote, reason=form.cleaned_data["reason"], by=request.user),
            _("De stemming is ingetrokken."),
        )
    else:
        messages.error(request, _("Geef de reden waarom de stemming wordt ingetrokken."))
    return _back(item)


@login_required
@require_POST
def item_close_vote(request: HttpRequest, pk: int, item_pk: int, vote_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    vote = _open_vote(item, vote_pk)
    form = CloseVoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.close_vote(
                vote, votes_for=data["votes_for"], votes_against=data["votes_against"], by=request.user
            ),
            _("De stemming is gesloten."),
        )
    else:
        messages.error(request, _("Een aantal stemmen is een geheel getal van 0 of meer."))
    return _back(item)


@login_required
@require_POST
def item_postpone(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = PostponeForm(request.POST, item=item)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.postpone_item(item, form.cleaned_data["meeting"], by=request.user),
            _("Het voorstel is aangehouden tot de volgende vergadering."),
        )
    else:
        messages.error(request, _("Kies een latere vergadering."))
    return _back(item)


# --- A councillor's own vote ---


@login_required
def my_votes(request: HttpRequest) -> HttpResponse:
    """The roll calls a councillor is called in: what is voted on (an amendment's text and
    the points it changes), and "Voor" and "Tegen" of equal weight."""
    member = getattr(request.user, "council_member", None)
    if member is None:
        raise PermissionDenied(_("Alleen een raadslid met een eigen account stemt hier."))
    if request.method == "POST":
        vote = get_object_or_404(
            Vote, pk=request.POST.get("vote"), agenda_item__meeting__municipality=member.municipality
        )
        form = BallotForm(request.POST)
        if form.is_valid():
            run_action(
                request,
                lambda: actions.cast_ballot(vote, member, form.cleaned_data["choice"], by=request.user),
                _("Uw stem is uitgebracht."),
            )
        return redirect("my_votes")
    open_votes = [
        vote
        for vote in Vote.objects.filter(
            status=VoteStatus.OPEN,
            mode=VoteMode.HOOFDELIJK,
            agenda_item__meeting__municipality=member.municipality,
        ).select_related("agenda_item__proposal", "amendment", "motion")
        if member.pk in vote.call_order
    ]
    cast = dict(member.ballots.filter(vote__in=open_votes).values_list("vote_id", "choice"))
    return render(
        request,
        "meetings/my_votes.html",
        {
            "member": member,
            "votes": [
                (vote, cast.get(vote.pk), actions.current_points(vote.agenda_item)) for vote in open_votes
            ],
        },
    )
