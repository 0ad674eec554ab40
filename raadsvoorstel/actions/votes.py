"""Amendments, moties and votes, and the council's decision they add up to; the law in
`gemeentewet.py` decides every result.

Order of voting: sub-amendments before their amendment, amendments before the proposal,
moties after it. A vote keeps who was present when it began, who had zitting that day, who
was excluded under art. 28 and, for a roll call, the order of the call from the member
drawn first (art. 32). A vote is serialised on its row: two members voting at once both
count, and closing while a member votes sees the ballot or a closed vote, never half of one.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import amendments, gemeentewet, permissions
from ..amendments import Change
from ..gemeentewet import InvalidVote, Outcome
from ..interchange import AmendmentDocument, DecisionDocument, MemberVoteDocument
from ..models import (
    Advice,
    AgendaItem,
    CouncilMember,
    Decision,
    DecisionPoint,
    MemberBallot,
    Motion,
    Proposal,
    Result,
    TabledAmendment,
    User,
    Vote,
    VoteExclusion,
    VoteMode,
    VoteStatus,
    WorkflowError,
    applying_amendments,
)
from ..text import plain
from .base import keep_revision, record
from .decisions import record_decision
from .meetings import locked, seated_count
from .notices import notify

__all__ = [
    "adopted_amendments",
    "cast_ballot",
    "close_vote",
    "correct_ballot",
    "current_points",
    "decided_advice",
    "start_vote",
    "table_amendment",
    "table_motion",
    "withdraw_vote",
]


def _require_griffie(user: User, item: AgendaItem) -> None:
    if not permissions.may_keep_meeting_records(user, item.meeting):
        raise PermissionDenied(_("Alleen de griffie houdt de stukken van de vergadering bij."))


def _refuse_unless_under_deliberation(item: AgendaItem, proposal: Proposal) -> None:
    if item.postponed or not proposal.is_before_council:
        raise WorkflowError(_("Over dit agendapunt wordt niet meer gestemd; er kan niets meer bij."))
    if item.meeting.is_closed:
        raise WorkflowError(_("Deze vergadering is gesloten."))


# --- What the council has before it ---


def adopted_amendments(item: AgendaItem) -> list[TabledAmendment]:
    """The item's adopted amendments (not sub-amendments) in the order they were adopted:
    those carried along from an earlier meeting first, as they were adopted there."""

    def adopted_when(amendment: TabledAmendment) -> tuple:
        vote = amendment.votes.filter(status=VoteStatus.CLOSED, outcome=Outcome.ADOPTED).first()
        return (0, None, amendment.pk) if vote is None else (1, vote.closed_at, amendment.pk)

    return sorted(item.amendments.filter(result=Result.AANGENOMEN, parent=None), key=adopted_when)


def current_points(item: AgendaItem) -> list[str]:
    """The decision points as they stand now: as proposed, with the adopted amendments."""
    proposed = list(item.proposal.decision_points.values_list("text", flat=True))
    return amendments.amended(proposed, [_changes(a) for a in adopted_amendments(item)])


def _changes(amendment: TabledAmendment) -> list[Change]:
    return [Change.of(change) for change in amendment.changes]


def decided_advice(proposal: Proposal, adopted: list[TabledAmendment]) -> tuple[str, str]:
    """The council's advice in a consultation: as the proposal proposed it, unless an adopted
    amendment changed it (the last one that did). Never read from words in the points."""
    advice, text = proposal.proposed_advice, proposal.proposed_advice_text
    for amendment in adopted:
        if amendment.advice:
            advice, text = amendment.advice, amendment.advice_text
    return advice, text if advice == Advice.OBJECTIONS else ""


# --- Amendments and moties ---


def table_amendment(
    item: AgendaItem,
    title: str,
    submitters: list[str],
    changes: list[Change],
    *,
    advice: str = "",
    advice_text: str = "",
    parent: TabledAmendment | None = None,
    by: User,
) -> TabledAmendment:
    """An amendment replaces, inserts or deletes decision points as they stand now, and may
    change the advice; with `parent` it is a sub-amendment: new changes for that amendment."""
    _require_griffie(by, item)
    submitters = [s.strip() for s in submitters if s.strip()]
    if not submitters:
        raise WorkflowError(_("Een amendement heeft ten minste één indiener."))
    changes = [Change(point=c.point, action=c.action, text=plain(c.text)) for c in changes]
    if advice == Advice.OBJECTIONS and not advice_text.strip():
        raise WorkflowError(_("Wensen en bedenkingen hebben een tekst nodig."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=item.proposal_id)
        item = AgendaItem.objects.select_related("meeting__municipality", "proposal__municipality").get(
            pk=item.pk
        )
        _refuse_unless_under_deliberation(item, proposal)
        if parent is not None:
            parent = item.amendments.filter(pk=parent.pk, parent=None, result="").first()
            if parent is None:
                raise WorkflowError(
                    _("Een subamendement hoort bij een amendement van dit punt waarover nog niet is gestemd.")
                )
        problems = amendments.problems(len(current_points(item)), changes)
        if problems:
            raise WorkflowError(" ".join(problems))
        amendment = TabledAmendment.objects.create(
            agenda_item=item,
            parent=parent,
            title=plain(title),
            submitters=submitters,
            changes=[change.as_dict() for change in changes],
            advice=advice,
            advice_text=plain(advice_text) if advice == Advice.OBJECTIONS else "",
        )
        record(
            "table_amendment",
            item.meeting,
            {
                "proposal": proposal.key,
                "title": amendment.title,
                "parent": parent.title if parent else None,
                "submitters": submitters,
                "changes": amendment.changes,
                "advice": advice,
                "advice_text": amendment.advice_text,
            },
            by=by,
        )
    return amendment


def table_motion(item: AgendaItem, title: str, text: str, submitters: list[str], *, by: User) -> Motion:
    """A motie on this item: voted on after the proposal, kept in the meeting's record."""
    _require_griffie(by, item)
    submitters = [s.strip() for s in submitters if s.strip()]
    if not submitters or not text.strip() or not title.strip():
        raise WorkflowError(_("Een motie heeft een titel, een tekst en ten minste één indiener."))
    with transaction.atomic():
        item = AgendaItem.objects.select_related("meeting__municipality", "proposal__municipality").get(
            pk=item.pk
        )
        if item.meeting.is_closed or item.postponed:
            raise WorkflowError(_("Bij dit agendapunt kan geen motie meer worden ingediend."))
        motion = Motion.objects.create(
            agenda_item=item, title=plain(title), text=plain(text), submitters=submitters
        )
        record(
            "table_motion",
            item.meeting,
            {
                "proposal": item.proposal.key,
                "title": motion.title,
                "text": motion.text,
                "submitters": submitters,
            },
            by=by,
        )
    return motion


# --- Votes ---


def start_vote(
    item: AgendaItem,
    mode: str,
    *,
    amendment: TabledAmendment | None = None,
    motion: Motion | None = None,
    excluded: list[tuple[CouncilMember, str]] = (),
    by: User,
) -> Vote:
    """Put the proposal, an amendment or a motie to the vote, in the law's order. A hamerstuk
    needs no vote (art. 32 lid 3): it is adopted at once. `excluded`: present members who must
    refrain under art. 28, each with the reason."""
    if not permissions.may_start_vote(by, item.meeting, hamerstuk=mode == VoteMode.HAMERSTUK):
        raise PermissionDenied(_("Alleen de griffie of de voorzitter brengt een voorstel in stemming."))
    with transaction.atomic():
        meeting = locked(item.meeting)
        # As it is now, not as the caller loaded it: a tie or a decision may have come since.
        item = AgendaItem.objects.select_related("proposal__municipality", "meeting__municipality").get(
            pk=item.pk
        )
        subject = _subject_to_vote_on(item, amendment, motion)
        if not meeting.is_open:
            raise WorkflowError(_("Er wordt alleen gestemd in een geopende vergadering."))
        if meeting.votes_open():
            raise WorkflowError(_("Er loopt al een stemming; sluit die eerst."))
        present = meeting.present_members()
        seated = seated_count(meeting)
        new_item = (
            meeting.is_reconvened
            and not meeting.continues.agenda_items.filter(proposal=item.proposal).exists()
        )
        if new_item and not gemeentewet.may_take_up_new_items(len(present), seated):
            raise WorkflowError(
                _(
                    "Dit punt stond niet op de agenda van de vergadering die niet kon worden geopend; "
                    "daarvoor is ten minste de helft van de leden nodig (art. 20 lid 3)."
                )
            )
        exclusions = _checked_exclusions(excluded, present)
        voters = [member for member in present if member.pk not in exclusions]
        vote = Vote.objects.create(
            agenda_item=item,
            amendment=subject if isinstance(subject, TabledAmendment) else None,
            motion=subject if isinstance(subject, Motion) else None,
            mode=mode,
            seated=seated,
            present=len(present),
            call_order=_call_order(voters, meeting.municipality) if mode == VoteMode.HOOFDELIJK else [],
        )
        vote.present_members.set(present)
        VoteExclusion.objects.bulk_create(
            VoteExclusion(vote=vote, member_id=member_id, reason=reason)
            for member_id, reason in exclusions.items()
        )
        record(
            "start_vote",
            meeting,
            {
                "vote": vote.pk,
                "proposal": item.proposal.key,
                "subject": vote.subject_title,
                "mode": mode,
                "present": sorted(m.name for m in present),
                "seated": seated,
                "excluded": sorted((m.name, exclusions[m.pk]) for m in present if m.pk in exclusions),
                "call_order": [m.name for m in _in_order(vote.call_order, voters)],
            },
            by=by,
        )
        if mode == VoteMode.HAMERSTUK:
            _conclude(vote, Outcome.ADOPTED, by=by)
        elif mode == VoteMode.HOOFDELIJK:
            # Each member called votes for themself, from their own page.
            notify(
                User.objects.filter(council_member__in=voters),
                _("Hoofdelijke stemming geopend: %(subject)s. Breng uw stem uit.")
                % {"subject": vote.subject_title},
                reverse("my_votes"),
            )
        return vote


def _subject_to_vote_on(item: AgendaItem, amendment: TabledAmendment | None, motion: Motion | None):
    """The amendment, motie or proposal that may be voted on now, in the law's order."""
    proposal = item.proposal
    if motion is not None:
        motion = item.motions.filter(pk=motion.pk).first()
        if motion is None:
            raise WorkflowError(_("Deze motie hoort niet bij dit agendapunt."))
        if motion.result:
            raise WorkflowError(_("Over deze motie is al gestemd."))
        if proposal.is_before_council:
            raise WorkflowError(_("Over een motie wordt gestemd na het voorstel."))
        return motion
    _refuse_unless_under_deliberation(item, proposal)
    if amendment is not None:
        amendment = item.amendments.filter(pk=amendment.pk).first()
        if amendment is None:
            raise WorkflowError(_("Dit amendement hoort niet bij dit agendapunt."))
        if amendment.result:
            raise WorkflowError(_("Over dit amendement is al gestemd."))
        if amendment.sub_amendments.filter(result="").exists():
            raise WorkflowError(_("Eerst wordt over de subamendementen gestemd."))
        return amendment
    if item.amendments.filter(result="").exists():
        raise WorkflowError(_("Eerst wordt over de amendementen gestemd."))
    return item


def _checked_exclusions(excluded, present: list[CouncilMember]) -> dict[int, str]:
    present_ids = {member.pk for member in present}
    exclusions = {}
    for member, reason in excluded:
        if member.pk not in present_ids:
            raise WorkflowError(
                _("%(name)s is niet aanwezig en hoeft niet van stemming te worden uitgesloten.")
                % {"name": member.name}
            )
        if not reason.strip():
            raise WorkflowError(
                _("Geef bij %(name)s de reden van uitsluiting (art. 28).") % {"name": member.name}
            )
        exclusions[member.pk] = plain(reason.strip())
    return exclusions


def _call_order(voters: list[CouncilMember], municipality) -> list[int]:
    """Art. 32: everyone is called, from the member drawn by lot (or as the Reglement van Orde
    says), in the order of the council's list, going round."""
    names = [member.name for member in voters]
    if not names:
        return []
    first = names[0] if municipality.roll_call_start == "alphabetical" else secrets.choice(names)
    by_name = {member.name: member.pk for member in voters}
    return [by_name[name] for name in gemeentewet.call_order(names, first)]


def _in_order(call_order: list[int], members: list[CouncilMember]) -> list[CouncilMember]:
    by_pk = {member.pk: member for member in members}
    return [by_pk[pk] for pk in call_order if pk in by_pk]


def _locked_vote(vote: Vote) -> Vote:
    """The vote as it is now, holding its row (only its own: the meeting it joins is read)."""
    return Vote.objects.select_for_update(of=("self",)).select_related("agenda_item__meeting").get(pk=vote.pk)


def cast_ballot(vote: Vote, member: CouncilMember, choice: str, *, by: User) -> MemberBallot:
    """A member votes in a roll call, in their own browser or through the griffie."""
    if not permissions.may_cast_ballot(by, member):
        raise PermissionDenied(_("U kunt alleen uw eigen stem uitbrengen."))
    with transaction.atomic():
        vote = _locked_vote(vote)
        if vote.mode != VoteMode.HOOFDELIJK:
            raise WorkflowError(_("Alleen bij een hoofdelijke stemming stemt elk lid apart."))
        if not vote.is_open:
            raise WorkflowError(_("Deze stemming is gesloten."))
        if member.pk not in vote.call_order:
            if vote.exclusions.filter(member=member).exists():
                raise WorkflowError(
                    _("%(name)s is van deze stemming uitgesloten (art. 28).") % {"name": member.name}
                )
            raise WorkflowError(
                _("%(name)s was niet aanwezig toen de stemming begon en kan niet stemmen.")
                % {"name": member.name}
            )
        if vote.ballots.filter(member=member).exists():
            raise WorkflowError(_("%(name)s heeft al gestemd.") % {"name": member.name})
        ballot = MemberBallot.objects.create(
            vote=vote,
            member=member,
            choice=choice,
            entered_by=by,
            position=vote.call_order.index(member.pk) + 1,
        )
        record(
            "cast_ballot",
            vote.agenda_item.meeting,
            {"vote": vote.pk, "member": member.name, "party": member.party, "choice": choice},
            by=by,
        )
        return ballot


def correct_ballot(vote: Vote, member: CouncilMember, choice: str, *, reason: str, by: User) -> MemberBallot:
    """Before closing, the griffie corrects a vote it entered wrongly; a member's own vote is
    theirs. The correction, with the reason, is in the audit log."""
    _require_griffie(by, vote.agenda_item)
    if not reason.strip():
        raise WorkflowError(_("Geef een reden op voor de correctie."))
    with transaction.atomic():
        vote = _locked_vote(vote)
        if not vote.is_open:
            raise WorkflowError(_("Een gesloten stemming wordt niet meer gecorrigeerd."))
        ballot = vote.ballots.select_related("member__user").filter(member=member).first()
        if ballot is None:
            raise WorkflowError(_("%(name)s heeft nog niet gestemd.") % {"name": member.name})
        if ballot.member.user_id is not None and ballot.entered_by_id == ballot.member.user_id:
            raise WorkflowError(
                _("%(name)s heeft zelf gestemd; die stem corrigeert de griffie niet.") % {"name": member.name}
            )
        before = ballot.choice
        ballot.choice, ballot.corrected = choice, True
        ballot.save(update_fields=["choice", "corrected"])
        record(
            "correct_ballot",
            vote.agenda_item.meeting,
            {"vote": vote.pk, "member": member.name, "from": before, "to": choice, "reason": reason.strip()},
            by=by,
        )
        return ballot


def withdraw_vote(vote: Vote, *, reason: str, by: User) -> Vote:
    """A vote opened by mistake is withdrawn before any result, with the reason."""
    _require_griffie(by, vote.agenda_item)
    if not reason.strip():
        raise WorkflowError(_("Geef een reden op voor het intrekken van de stemming."))
    with transaction.atomic():
        vote = _locked_vote(vote)
        if not vote.is_open:
            raise WorkflowError(_("Alleen een open stemming wordt ingetrokken."))
        vote.status, vote.withdrawal_reason, vote.closed_at = (
            VoteStatus.WITHDRAWN,
            reason.strip(),
            timezone.now(),
        )
        vote.save(update_fields=["status", "withdrawal_reason", "closed_at"])
        record(
            "withdraw_vote",
            vote.agenda_item.meeting,
            {"vote": vote.pk, "reason": vote.withdrawal_reason},
            by=by,
        )
        return vote


def close_vote(
    vote: Vote, *, by: User, votes_for: int | None = None, votes_against: int | None = None
) -> Vote:
    """Close the vote and let the law decide (art. 28–32): counts given by hand for a show of
    hands, tallied from the ballots for a roll call, which every member called must answer."""
    _require_griffie(by, vote.agenda_item)
    with transaction.atomic():
        vote = _locked_vote(vote)
        if not vote.is_open:
            raise WorkflowError(_("Deze stemming is al gesloten."))
        # The item as it is now: what happened to this subject before is read here.
        item = vote.agenda_item = AgendaItem.objects.select_related(
            "meeting__municipality", "meeting__continues", "proposal"
        ).get(pk=vote.agenda_item_id)
        if vote.mode == VoteMode.HOOFDELIJK:
            called = _in_order(vote.call_order, list(vote.present_members.all()))
            voted = set(vote.ballots.values_list("member_id", flat=True))
            missing = [member.name for member in called if member.pk not in voted]
            if missing:
                raise WorkflowError(
                    _("Nog niet gestemd (art. 32): %(names)s.") % {"names": ", ".join(missing)}
                )
            votes_for = vote.ballots.filter(choice="voor").count()
            votes_against = vote.ballots.filter(choice="tegen").count()
        elif votes_for is None or votes_against is None:
            raise WorkflowError(_("Vul het aantal stemmen voor en tegen in."))
        subject = vote.amendment or vote.motion
        tied_before = subject.tied_before if subject else item.postponed_on_tie
        invalid_before = subject.invalid_before if subject else item.invalid_before
        vote.votes_for, vote.votes_against = votes_for, votes_against
        try:
            outcome = gemeentewet.outcome_of_vote(
                votes_for,
                votes_against,
                seated=vote.seated,
                present=vote.present,
                excluded=vote.exclusions.count(),
                tied_before=tied_before,
                exempt=invalid_before or item.meeting.is_reconvened,
            )
        except InvalidVote as invalid:
            raise WorkflowError(str(invalid)) from None
        _conclude(vote, outcome, by=by)
        return vote


def _conclude(vote: Vote, outcome: Outcome, *, by: User) -> None:
    vote.status, vote.outcome, vote.closed_at = VoteStatus.CLOSED, outcome, timezone.now()
    vote.save()
    item = vote.agenda_item
    record(
        "close_vote",
        item.meeting,
        {
            "vote": vote.pk,
            "proposal": item.proposal.key,
            "subject": vote.subject_title,
            "for": vote.votes_for,
            "against": vote.votes_against,
            "present": vote.present,
            "seated": vote.seated,
            "outcome": str(outcome),
        },
        by=by,
    )
    subject = vote.amendment or vote.motion
    if outcome in (Outcome.POSTPONED, Outcome.INVALID):
        # Art. 32 (a tie) and art. 29 (too few): this subject waits for the next meeting, and
        # remembers why; an amendment's wait holds up the proposal, so the item goes along.
        flag = "tied_before" if outcome == Outcome.POSTPONED else "invalid_before"
        if subject is not None:
            setattr(subject, flag, True)
            subject.save(update_fields=[flag])
        else:
            setattr(item, "postponed_on_tie" if flag == "tied_before" else flag, True)
        if vote.motion_id is None:
            item.postponed = True
        item.save(update_fields=["postponed", "postponed_on_tie", "invalid_before"])
        return
    result = Result.AANGENOMEN if outcome == Outcome.ADOPTED else Result.VERWORPEN
    if vote.motion_id:
        Motion.objects.filter(pk=vote.motion_id).update(result=result)
        return
    if vote.amendment_id:
        _conclude_amendment(vote.amendment, result, by=by)
        return
    _record_council_decision(item, vote, outcome, by=by)


def _conclude_amendment(amendment: TabledAmendment, result: str, *, by: User) -> None:
    TabledAmendment.objects.filter(pk=amendment.pk).update(result=result)
    if result != Result.AANGENOMEN:
        return
    if amendment.parent_id:
        # An adopted sub-amendment gives its amendment its own changes (and advice).
        parent = TabledAmendment.objects.get(pk=amendment.parent_id)
        parent.changes = amendment.changes
        if amendment.advice:
            parent.advice, parent.advice_text = amendment.advice, amendment.advice_text
        parent.save(update_fields=["changes", "advice", "advice_text"])
        return
    # Other amendments on the same points lapse: they were written against the old text.
    lapsed = [
        other
        for other in amendment.agenda_item.amendments.filter(result="", parent=None).exclude(pk=amendment.pk)
        if amendments.overlap(_changes(other), _changes(amendment))
    ]
    TabledAmendment.objects.filter(pk__in=[a.pk for a in lapsed]).update(result=Result.VERVALLEN)
    TabledAmendment.objects.filter(parent__in=lapsed, result="").update(result=Result.VERVALLEN)


def _record_council_decision(item: AgendaItem, vote: Vote, outcome: Outcome, *, by: User) -> None:
    """Write the adopted amendments into the decision points, then the Decision itself."""
    proposal = Proposal.objects.select_related("municipality").get(pk=item.proposal_id)
    adopted = adopted_amendments(item)
    proposed = list(proposal.decision_points.values_list("text", flat=True))
    amended = outcome == Outcome.ADOPTED and bool(adopted)
    if amended:
        _write_points(proposal, amendments.amended(proposed, [_changes(a) for a in adopted]), by=by)
    # A rejected proposal carries no advice: its wording is what the council voted down.
    advice, advice_text = decided_advice(proposal, adopted) if outcome == Outcome.ADOPTED else ("", "")
    ballots = vote.ballots.select_related("member").order_by("position", "pk")
    document = DecisionDocument(
        meeting_date=item.meeting.date,
        result=Result.AANGENOMEN if outcome == Outcome.ADOPTED else Result.VERWORPEN,
        advice=advice,
        advice_text=advice_text,
        vote_mode=vote.mode,
        votes_for=vote.votes_for if vote.mode != VoteMode.HAMERSTUK else None,
        votes_against=vote.votes_against if vote.mode != VoteMode.HAMERSTUK else None,
        member_votes=[
            MemberVoteDocument(name=b.member.name, party=b.member.party, vote=b.choice) for b in ballots
        ],
        amendments=[
            AmendmentDocument(title=a.title, submitters=a.submitters, result=a.result, changes=_changes(a))
            for a in item.amendments.filter(parent=None).order_by("pk")
        ],
        meeting_public=item.meeting.public,
        seated=vote.seated if vote.seated != proposal.municipality.seats else None,
        excluded=[(e.member.name, e.member.party) for e in vote.exclusions.select_related("member")],
    )
    # The griffie records; the voorzitter may too, as record_decision's rule allows.
    record_decision(proposal, document, by=by, meeting=item.meeting)
    if amended:
        Decision.objects.filter(proposal=proposal).update(proposed_points=proposed)


def _write_points(proposal: Proposal, points: list[str], *, by: User) -> None:
    """The one change to a proposal before the council: its adopted amendments. Both texts
    stay in the history (each point's own history, and a new Revision)."""
    with applying_amendments():
        existing = list(DecisionPoint.objects.filter(proposal=proposal).order_by("position"))
        for point in existing[len(points) :]:
            point._history_user = by
            point.delete()
        for position, text in enumerate(points, start=1):
            point = (
                existing[position - 1]
                if position <= len(existing)
                else DecisionPoint(proposal=proposal, position=position)
            )
            if point.pk is None or point.text != text:
                point.text = text
                point._history_user = by
                point.save()
    proposal.version += 1
    proposal.skip_history_when_saving = True
    proposal.save(update_fields=["version", "updated_at"])
    del proposal.skip_history_when_saving
    keep_revision(proposal, by=by)
