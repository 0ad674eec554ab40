"""The council's pages: members, meetings, an agenda item's amendments and votes, a
councillor's own ballot, and signing."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions, gemeentewet, permissions
from ..forms import (
    AgendaForm,
    AmendmentForm,
    AttendanceForm,
    BallotForm,
    CloseVoteForm,
    MeetingForm,
    MemberForm,
    MemberImportForm,
    PaperSignatureForm,
    PostponeForm,
    SignForm,
    StartVoteForm,
)
from ..models import AgendaItem, CouncilMember, Meeting, Vote, VoteStatus, WorkflowError
from .shared import visible_proposal


def _own_municipality(request: HttpRequest):
    if request.user.municipality is None:
        raise PermissionDenied(_("Deze pagina hoort bij een gemeente; uw account hoort bij geen gemeente."))
    return request.user.municipality


def _griffie_only(request: HttpRequest, municipality) -> None:
    if not permissions.may_manage_members(request.user, municipality):
        raise PermissionDenied(_("Alleen de griffie doet dit."))


def _done(request: HttpRequest, run, success: str) -> bool:
    """Run one action; a refusal becomes a message in the griffie's words."""
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


# --- Members ---


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    may_manage = permissions.may_manage_members(request.user, municipality)
    form, upload = MemberForm(), MemberImportForm()
    if request.method == "POST":
        _griffie_only(request, municipality)
        if "file" in request.FILES:
            upload = MemberImportForm(request.POST, request.FILES)
            if upload.is_valid():
                text = upload.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
                if _done(
                    request,
                    lambda: actions.import_members(municipality, text, by=request.user),
                    _("De raadsleden zijn ingelezen."),
                ):
                    return redirect("member_list")
        else:
            form = MemberForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                if _done(
                    request,
                    lambda: actions.add_member(
                        municipality,
                        data["name"],
                        data["party"],
                        data["seated_from"],
                        data["seated_until"],
                        by=request.user,
                    ),
                    _("Het raadslid is toegevoegd."),
                ):
                    return redirect("member_list")
    members = CouncilMember.objects.filter(municipality=municipality).order_by("party", "name")
    return render(
        request,
        "meetings/members.html",
        {
            "members": members,
            "form": form,
            "upload": upload,
            "may_manage": may_manage,
            "municipality": municipality,
        },
    )


# --- Meetings ---


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        _griffie_only(request, municipality)
        if form.is_valid():
            meeting = actions.schedule_meeting(
                municipality, form.cleaned_data["starts_at"], form.cleaned_data["place"], by=request.user
            )
            messages.success(request, _("De vergadering is gepland."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": Meeting.objects.filter(municipality=municipality),
            "form": form,
            "may_manage": permissions.is_griffie_of(request.user, municipality),
        },
    )


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(permissions.visible_meetings(request.user).select_related("municipality"), pk=pk)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    present = meeting.attendances.count()
    seats = meeting.municipality.seats
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "attendance": AttendanceForm(
                meeting=meeting,
                initial={"members": list(meeting.attendances.values_list("member_id", flat=True))},
            ),
            "agenda_form": AgendaForm(meeting=meeting),
            "items": meeting.agenda_items.select_related("proposal"),
            "present": present,
            "needed": gemeentewet.more_than_half(seats),
            "has_quorum": gemeentewet.meeting_may_open(present, seats),
            "may_manage": permissions.may_keep_meeting_records(request.user, meeting),
        },
    )


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AttendanceForm(request.POST, meeting=meeting)
    if form.is_valid():
        _done(
            request,
            lambda: actions.set_attendance(meeting, list(form.cleaned_data["members"]), by=request.user),
            _("De presentielijst is opgeslagen."),
        )
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_open(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    _done(request, lambda: actions.open_meeting(meeting, by=request.user), _("De vergadering is geopend."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AgendaForm(request.POST, meeting=meeting)
    if form.is_valid():
        _done(
            request,
            lambda: actions.put_on_agenda(meeting, form.cleaned_data["proposal"], by=request.user),
            _("Het voorstel staat op de agenda."),
        )
    else:
        messages.error(request, _("Kies een voorstel dat bij de raad ligt."))
    return redirect("meeting_detail", pk=meeting.pk)


# --- An agenda item: amendments and votes ---


def _item(request: HttpRequest, pk: int, item_pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__municipality", "proposal"),
        pk=item_pk,
        meeting_id=pk,
        meeting__in=permissions.visible_meetings(request.user),
    )


@login_required
def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    points = list(item.proposal.decision_points.values_list("text", flat=True))
    return _render_item(request, item, AmendmentForm(points=points))


def _render_item(request, item: AgendaItem, amendment_form: AmendmentForm, status: int = 200) -> HttpResponse:
    votes = list(item.votes.select_related("amendment").prefetch_related("ballots__member"))
    open_vote = next((vote for vote in votes if vote.is_open), None)
    present = list(
        item.meeting.attendances.select_related("member").order_by("member__party", "member__name")
    )
    ballots = {ballot.member_id: ballot for ballot in open_vote.ballots.all()} if open_vote else {}
    return render(
        request,
        "meetings/item.html",
        {
            "item": item,
            "meeting": item.meeting,
            "proposal": item.proposal,
            "amendments": item.amendments.all(),
            "amendment_form": amendment_form,
            "start_form": StartVoteForm(item=item),
            "close_form": CloseVoteForm(),
            "postpone_form": PostponeForm(item=item),
            "closed_votes": [vote for vote in votes if not vote.is_open],
            "open_vote": open_vote,
            "roll_call": [(attendance.member, ballots.get(attendance.member_id)) for attendance in present],
            "tallies": [_tally(vote) for vote in votes if vote.mode == "hoofdelijk"],
            "may_manage": permissions.may_keep_meeting_records(request.user, item.meeting),
            "decided": not item.proposal.is_before_council,
        },
        status=status,
    )


def _tally(vote: Vote) -> dict:
    """Voor and tegen per party, for the roll call's result."""
    per_party = Counter((ballot.member.party, ballot.choice) for ballot in vote.ballots.all())
    parties = sorted({party for party, _choice in per_party})
    return {
        "vote": vote,
        "rows": [(party, per_party[(party, "voor")], per_party[(party, "tegen")]) for party in parties],
    }


@login_required
@require_POST
def item_amendment(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    points = list(item.proposal.decision_points.values_list("text", flat=True))
    form = AmendmentForm(request.POST, points=points)
    if not form.is_valid():
        return _render_item(request, item, form, status=400)
    if _done(
        request,
        lambda: actions.table_amendment(
            item, form.cleaned_data["title"], form.submitter_list(), form.changes(), by=request.user
        ),
        _("Het amendement is ingediend."),
    ):
        return redirect("item_detail", pk=pk, item_pk=item.pk)
    return _render_item(request, item, form, status=400)


@login_required
@require_POST
def item_start_vote(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = StartVoteForm(request.POST, item=item)
    if form.is_valid():
        _done(
            request,
            lambda: actions.start_vote(
                item, form.cleaned_data["mode"], amendment=form.cleaned_data["amendment"], by=request.user
            ),
            _("De stemming is geopend."),
        )
    return redirect("item_detail", pk=pk, item_pk=item.pk)


@login_required
@require_POST
def item_ballot(request: HttpRequest, pk: int, item_pk: int, vote_pk: int, member_pk: int) -> HttpResponse:
    """The griffie enters a member's ballot in a roll call."""
    item = _item(request, pk, item_pk)
    vote = get_object_or_404(Vote, pk=vote_pk, agenda_item=item)
    member = get_object_or_404(CouncilMember, pk=member_pk, municipality=item.meeting.municipality)
    form = BallotForm(request.POST)
    if form.is_valid():
        _done(
            request,
            lambda: actions.cast_ballot(vote, member, form.cleaned_data["choice"], by=request.user),
            _("De stem van %(name)s is vastgelegd.") % {"name": member.name},
        )
    return redirect("item_detail", pk=pk, item_pk=item.pk)


@login_required
@require_POST
def item_close_vote(request: HttpRequest, pk: int, item_pk: int, vote_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    vote = get_object_or_404(Vote, pk=vote_pk, agenda_item=item)
    form = CloseVoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _done(
            request,
            lambda: actions.close_vote(
                vote, votes_for=data["votes_for"], votes_against=data["votes_against"], by=request.user
            ),
            _("De stemming is gesloten."),
        )
    else:
        messages.error(request, _("Een aantal stemmen is een geheel getal van 0 of meer."))
    return redirect("item_detail", pk=pk, item_pk=item.pk)


@login_required
@require_POST
def item_postpone(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = PostponeForm(request.POST, item=item)
    if form.is_valid():
        _done(
            request,
            lambda: actions.postpone_item(item, form.cleaned_data["meeting"], by=request.user),
            _("Het voorstel is aangehouden tot de volgende vergadering."),
        )
    else:
        messages.error(request, _("Kies een latere vergadering."))
    return redirect("item_detail", pk=pk, item_pk=item.pk)


# --- A councillor's own vote ---


@login_required
def my_votes(request: HttpRequest) -> HttpResponse:
    member = getattr(request.user, "council_member", None)
    if member is None:
        raise PermissionDenied(_("Alleen een raadslid met een eigen account stemt hier."))
    if request.method == "POST":
        vote = get_object_or_404(
            Vote, pk=request.POST.get("vote"), agenda_item__meeting__municipality=member.municipality
        )
        form = BallotForm(request.POST)
        if form.is_valid():
            _done(
                request,
                lambda: actions.cast_ballot(vote, member, form.cleaned_data["choice"], by=request.user),
                _("Uw stem is uitgebracht."),
            )
        return redirect("my_votes")
    open_votes = Vote.objects.filter(
        status=VoteStatus.OPEN,
        mode="hoofdelijk",
        agenda_item__meeting__municipality=member.municipality,
        agenda_item__meeting__attendances__member=member,
    ).select_related("agenda_item__proposal", "amendment")
    cast = dict(member.ballots.filter(vote__in=open_votes).values_list("vote_id", "choice"))
    return render(
        request,
        "meetings/my_votes.html",
        {
            "member": member,
            "votes": [(vote, cast.get(vote.pk)) for vote in open_votes],
        },
    )


# --- Signing ---


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
            signed = paper.is_valid() and _done(
                request,
                lambda: _sign_on_paper(request, proposal, paper.cleaned_data),
                _("Het op papier getekende besluit is vastgelegd."),
            )
        else:
            signed = form.is_valid() and _done(
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
