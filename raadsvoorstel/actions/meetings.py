"""The council's writes: members, meetings, attendance, amendments, votes, and the
decision they add up to; each checks the Gemeentewet through `gemeentewet.py`.

Votes are serialised on their row: two members voting at once both count, and the
griffie closing a vote while a member votes sees either the ballot or a closed vote,
never half of it.
"""

from __future__ import annotations

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import gemeentewet, permissions
from ..gemeentewet import InvalidVote, Outcome
from ..interchange import AmendmentDocument, DecisionDocument, MemberVoteDocument
from ..models import (
    Advice,
    AgendaItem,
    Attendance,
    CouncilMember,
    DecisionPoint,
    Meeting,
    MemberBallot,
    Municipality,
    Proposal,
    Result,
    TabledAmendment,
    User,
    Vote,
    VoteMode,
    VoteStatus,
    WorkflowError,
    applying_amendments,
)
from ..text import plain
from .base import keep_revision, record
from .decisions import record_decision

__all__ = [
    "add_member",
    "import_members",
    "schedule_meeting",
    "put_on_agenda",
    "postpone_item",
    "set_attendance",
    "open_meeting",
    "table_amendment",
    "start_vote",
    "cast_ballot",
    "close_vote",
    "derived_advice",
]


def _require_griffie(user: User, municipality: Municipality, what: str) -> None:
    if not permissions.is_griffie_of(user, municipality):
        raise PermissionDenied(_("Alleen de griffie %(what)s.") % {"what": what})


def _member_payload(member: CouncilMember) -> dict:
    return {
        "name": member.name,
        "party": member.party,
        "seated_from": member.seated_from.isoformat(),
        "seated_until": member.seated_until.isoformat() if member.seated_until else None,
    }


# --- Members ---


def add_member(
    municipality: Municipality,
    name: str,
    party: str,
    seated_from: datetime.date,
    seated_until: datetime.date | None = None,
    *,
    by: User,
) -> CouncilMember:
    _require_griffie(by, municipality, _("beheert de raadsleden"))
    member = CouncilMember(
        municipality=municipality,
        name=name.strip(),
        party=party.strip(),
        seated_from=seated_from,
        seated_until=seated_until,
    )
    member.full_clean()
    with transaction.atomic():
        member.save()
        record("add_member", municipality, _member_payload(member), by=by)
    return member


def import_members(municipality: Municipality, text: str, *, by: User) -> list[CouncilMember]:
    """Members from CSV (naam;fractie;vanaf;tot en met — a header row, ';' or ','), all or
    nothing: `ValidationError` listing each bad line, and nothing stored."""
    _require_griffie(by, municipality, _("beheert de raadsleden"))
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else ";", delimiters=";,")
    rows = list(csv.reader(io.StringIO(text), dialect))
    errors, members = [], []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) not in (3, 4):
            errors.append(
                _("regel %(n)s: verwacht naam, fractie, vanaf en eventueel tot en met") % {"n": number}
            )
            continue
        try:
            seated_from = datetime.date.fromisoformat(row[2].strip())
            seated_until = (
                datetime.date.fromisoformat(row[3].strip()) if len(row) == 4 and row[3].strip() else None
            )
        except ValueError:
            errors.append(_("regel %(n)s: een datum schrijft u als 2022-03-31") % {"n": number})
            continue
        member = CouncilMember(
            municipality=municipality,
            name=row[0].strip(),
            party=row[1].strip(),
            seated_from=seated_from,
            seated_until=seated_until,
        )
        try:
            member.full_clean()
        except ValidationError as error:
            errors += [f"regel {number}: {message}" for message in error.messages]
            continue
        key = (member.name, member.seated_from)
        if key in seen:
            errors.append(
                _("regel %(n)s: %(name)s staat al op regel %(other)s")
                % {"n": number, "name": member.name, "other": seen[key]}
            )
            continue
        seen[key] = number
        members.append(member)
    if not rows[1:] and not errors:
        errors.append(_("het bestand bevat geen raadsleden"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for member in members:
            member.save()
        record("import_members", municipality, {"members": [_member_payload(m) for m in members]}, by=by)
    return members


# --- Meetings and their agenda ---


def schedule_meeting(
    municipality: Municipality, starts_at: datetime.datetime, place: str, *, by: User
) -> Meeting:
    _require_griffie(by, municipality, _("plant vergaderingen"))
    with transaction.atomic():
        meeting = Meeting.objects.create(municipality=municipality, starts_at=starts_at, place=plain(place))
        record(
            "schedule_meeting", meeting, {"starts_at": starts_at.isoformat(), "place": meeting.place}, by=by
        )
    return meeting


def put_on_agenda(meeting: Meeting, proposal: Proposal, *, by: User) -> AgendaItem:
    """A proposal before the council goes on one meeting's agenda at a time."""
    _require_griffie(by, meeting.municipality, _("stelt de agenda vast"))
    if proposal.municipality_id != meeting.municipality_id:
        raise WorkflowError(_("Dit voorstel hoort bij een andere gemeente."))
    with transaction.atomic():
        # Decided on as they are now, under the lock, not as the caller loaded them.
        proposal = Proposal.objects.select_for_update().select_related("municipality").get(pk=proposal.pk)
        meeting = Meeting.objects.select_related("municipality").get(pk=meeting.pk)
        if not proposal.is_before_council:
            raise WorkflowError(_("Alleen een voorstel dat bij de raad ligt, komt op de agenda."))
        if meeting.closed_at:
            raise WorkflowError(_("Deze vergadering is al gesloten."))
        if AgendaItem.objects.filter(proposal=proposal, postponed=False).exclude(meeting=meeting).exists():
            raise WorkflowError(_("Dit voorstel staat al op de agenda van een andere vergadering."))
        position = (meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                item = AgendaItem.objects.create(meeting=meeting, proposal=proposal, position=position)
        except IntegrityError:
            raise WorkflowError(_("Dit voorstel staat al op de agenda van deze vergadering.")) from None
        record("put_on_agenda", meeting, {"proposal": proposal.key, "position": position}, by=by)
        return item


def postpone_item(item: AgendaItem, to: Meeting, *, by: User, on_tie: bool = False) -> AgendaItem:
    """Aangehouden: the proposal moves to a later meeting; this item stays, marked."""
    _require_griffie(by, item.meeting.municipality, _("houdt een voorstel aan"))
    with transaction.atomic():
        # Decided on as they are now, under the locks, not as the caller loaded them.
        proposal = (
            Proposal.objects.select_for_update().select_related("municipality").get(pk=item.proposal_id)
        )
        item = AgendaItem.objects.select_for_update().select_related("meeting__municipality").get(pk=item.pk)
        to = Meeting.objects.select_related("municipality").get(pk=to.pk)
        # Held over by a tie (art. 32), an item waits for the griffie to move it; once moved,
        # the proposal has its live item on the later agenda.
        if AgendaItem.objects.filter(proposal=proposal, postponed=False).exclude(pk=item.pk).exists():
            raise WorkflowError(_("Dit agendapunt is al aangehouden tot een latere vergadering."))
        if not proposal.is_before_council:
            raise WorkflowError(_("Over dit voorstel is al besloten; het wordt niet meer aangehouden."))
        if item.votes.filter(status=VoteStatus.OPEN).exists():
            raise WorkflowError(_("Tijdens een stemming wordt een voorstel niet aangehouden."))
        if to.municipality_id != item.meeting.municipality_id or to.starts_at <= item.meeting.starts_at:
            raise WorkflowError(
                _("Een voorstel wordt aangehouden tot een latere vergadering van dezelfde raad.")
            )
        if to.closed_at:
            raise WorkflowError(_("Die vergadering is al gesloten."))
        if to.agenda_items.filter(proposal=proposal).exists():
            raise WorkflowError(_("Dit voorstel staat al op de agenda van die vergadering."))
        item.postponed = True
        item.postponed_on_tie = item.postponed_on_tie or on_tie
        item.save(update_fields=["postponed", "postponed_on_tie"])
        position = (to.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1
        later = AgendaItem.objects.create(
            meeting=to, proposal=item.proposal, position=position, postponed_on_tie=item.postponed_on_tie
        )
        # The amendments go along, with the results they already had: the proposal comes
        # back as it stood when the decision was postponed.
        TabledAmendment.objects.bulk_create(
            TabledAmendment(
                agenda_item=later, title=a.title, submitters=a.submitters, changes=a.changes, result=a.result
            )
            for a in item.amendments.all()
        )
        record(
            "postpone_item",
            item.meeting,
            {"proposal": item.proposal.key, "to": to.key, "on_tie": item.postponed_on_tie},
            by=by,
        )
        return later


def set_attendance(meeting: Meeting, members: list[CouncilMember], *, by: User) -> None:
    """The attendance list as the griffie keeps it: exactly these members signed."""
    _require_griffie(by, meeting.municipality, _("houdt de presentielijst bij"))
    seated = set(meeting.seated_members().values_list("pk", flat=True))
    strangers = [member for member in members if member.pk not in seated]
    if strangers:
        raise WorkflowError(
            _("%(name)s heeft op de dag van de vergadering geen zitting in de raad.")
            % {"name": strangers[0].name}
        )
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.votes_open():
            raise WorkflowError(_("Tijdens een stemming verandert de presentielijst niet."))
        if meeting.has_signed_decisions():
            raise WorkflowError(
                _("Een besluit van deze vergadering is ondertekend; haar presentielijst ligt daarmee vast.")
            )
        meeting.attendances.exclude(member__in=members).delete()
        present = set(meeting.attendances.values_list("member_id", flat=True))
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member=m) for m in members if m.pk not in present
        )
        record("set_attendance", meeting, {"present": sorted(m.name for m in members)}, by=by)


def open_meeting(meeting: Meeting, *, by: User) -> None:
    """Art. 20: the meeting opens when more than half of the seated members are present."""
    _require_griffie(by, meeting.municipality, _("opent de vergadering"))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        present, seats = meeting.attendances.count(), meeting.municipality.seats
        if not gemeentewet.meeting_may_open(present, seats):
            raise WorkflowError(
                _(
                    "Er zijn %(present)s leden aanwezig; om te openen zijn er ten minste "
                    "%(needed)s nodig (art. 20)."
                )
                % {"present": present, "needed": gemeentewet.more_than_half(seats)}
            )
        meeting.opened_at = meeting.opened_at or timezone.now()
        meeting.save(update_fields=["opened_at"])
        record(
            "open_meeting", meeting, {"opened_at": meeting.opened_at.isoformat(), "present": present}, by=by
        )


# --- Amendments and votes ---


def table_amendment(
    item: AgendaItem, title: str, submitters: list[str], changes: list[tuple[int, str]], *, by: User
) -> TabledAmendment:
    _require_griffie(by, item.meeting.municipality, _("legt amendementen vast"))
    if not [s for s in submitters if s.strip()]:
        raise WorkflowError(_("Een amendement heeft ten minste één indiener."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=item.proposal_id)
        item = AgendaItem.objects.select_related("meeting__municipality", "proposal__municipality").get(
            pk=item.pk
        )
        if item.postponed or not proposal.is_before_council:
            raise WorkflowError(
                _("Over dit agendapunt wordt niet meer gestemd; er kan geen amendement meer bij.")
            )
        points = proposal.decision_points.count()
        if not changes or any(not 1 <= point <= points or not text.strip() for point, text in changes):
            raise WorkflowError(
                _("Een amendement geeft een nieuwe tekst voor een of meer bestaande beslispunten.")
            )
        amendment = TabledAmendment.objects.create(
            agenda_item=item,
            title=plain(title),
            submitters=[s.strip() for s in submitters if s.strip()],
            changes=[{"point": point, "text": plain(text)} for point, text in changes],
        )
        record(
            "table_amendment",
            item.meeting,
            {
                "proposal": item.proposal.key,
                "title": amendment.title,
                "submitters": amendment.submitters,
                "changes": amendment.changes,
            },
            by=by,
        )
    return amendment


def start_vote(item: AgendaItem, mode: str, *, amendment: TabledAmendment | None = None, by: User) -> Vote:
    """Put the proposal, or first one of its amendments, to the vote. A hamerstuk needs no
    vote (art. 32 lid 3): it is adopted at once."""
    if not permissions.may_start_vote(by, item.meeting):
        raise PermissionDenied(_("Alleen de griffie of de voorzitter brengt een voorstel in stemming."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        # As it is now, not as the caller loaded it: a tie or a decision may have come since.
        item = AgendaItem.objects.select_related("proposal").get(pk=item.pk)
        if not meeting.is_open:
            raise WorkflowError(_("Er wordt pas gestemd als de vergadering is geopend."))
        if item.postponed or not item.proposal.is_before_council:
            raise WorkflowError(_("Over dit agendapunt wordt niet meer gestemd."))
        if meeting.votes_open():
            raise WorkflowError(_("Er loopt al een stemming; sluit die eerst."))
        if amendment is not None:
            amendment = item.amendments.filter(pk=amendment.pk).first()
            if amendment is None:
                raise WorkflowError(_("Dit amendement hoort niet bij dit agendapunt."))
        if amendment is None and item.amendments.filter(result="").exists():
            raise WorkflowError(_("Eerst wordt over de amendementen gestemd."))
        if amendment is not None and amendment.result:
            raise WorkflowError(_("Over dit amendement is al gestemd."))
        vote = Vote.objects.create(agenda_item=item, amendment=amendment, mode=mode)
        record(
            "start_vote",
            meeting,
            {
                "vote": vote.pk,
                "proposal": item.proposal.key,
                "amendment": amendment.title if amendment else None,
                "mode": mode,
            },
            by=by,
        )
        if mode == VoteMode.HAMERSTUK:
            _conclude(vote, Outcome.ADOPTED, by=by)
        return vote


def cast_ballot(vote: Vote, member: CouncilMember, choice: str, *, by: User) -> MemberBallot:
    """A member votes in a roll call, in their own browser or through the griffie."""
    if not permissions.may_cast_ballot(by, member):
        raise PermissionDenied(_("U kunt alleen uw eigen stem uitbrengen."))
    with transaction.atomic():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
        if vote.mode != VoteMode.HOOFDELIJK:
            raise WorkflowError(_("Alleen bij een hoofdelijke stemming stemt elk lid apart."))
        if not vote.is_open:
            raise WorkflowError(_("Deze stemming is gesloten."))
        if not vote.agenda_item.meeting.attendances.filter(member=member).exists():
            raise WorkflowError(
                _("%(name)s staat niet op de presentielijst en kan niet stemmen.") % {"name": member.name}
            )
        if vote.ballots.filter(member=member).exists():
            raise WorkflowError(_("%(name)s heeft al gestemd.") % {"name": member.name})
        ballot = MemberBallot.objects.create(vote=vote, member=member, choice=choice, entered_by=by)
        record(
            "cast_ballot",
            vote.agenda_item.meeting,
            {"vote": vote.pk, "member": member.name, "party": member.party, "choice": choice},
            by=by,
        )
        return ballot


def close_vote(
    vote: Vote, *, by: User, votes_for: int | None = None, votes_against: int | None = None
) -> Vote:
    """Close the vote and let the law decide (art. 29, 30, 32): counts given by hand for a
    show of hands, tallied from the ballots for a roll call."""
    item = vote.agenda_item
    if not permissions.may_keep_meeting_records(by, item.meeting):
        raise PermissionDenied(_("Alleen de griffie sluit een stemming."))
    with transaction.atomic():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
        if not vote.is_open:
            raise WorkflowError(_("Deze stemming is al gesloten."))
        # The item as it is now: whether an earlier tie held it over (art. 32) is read here.
        item = vote.agenda_item = AgendaItem.objects.select_related("meeting__municipality", "proposal").get(
            pk=vote.agenda_item_id
        )
        if vote.mode == VoteMode.HOOFDELIJK:
            votes_for = vote.ballots.filter(choice="voor").count()
            votes_against = vote.ballots.filter(choice="tegen").count()
        elif votes_for is None or votes_against is None:
            raise WorkflowError(_("Vul het aantal stemmen voor en tegen in."))
        present = item.meeting.attendances.count()
        vote.votes_for, vote.votes_against, vote.present = votes_for, votes_against, present
        try:
            outcome = gemeentewet.outcome_of_vote(
                votes_for,
                votes_against,
                seats=item.meeting.municipality.seats,
                present=present,
                postponed_before=item.postponed_on_tie,
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
            "for": vote.votes_for,
            "against": vote.votes_against,
            "present": vote.present,
            "outcome": str(outcome),
        },
        by=by,
    )
    if outcome == Outcome.POSTPONED:
        # Art. 32: the decision waits for the next meeting; the griffie moves the item there.
        AgendaItem.objects.filter(pk=item.pk).update(postponed=True, postponed_on_tie=True)
        return
    if vote.amendment_id:
        TabledAmendment.objects.filter(pk=vote.amendment_id).update(result=outcome)
        return
    _record_council_decision(item, vote, outcome, by=by)


def _record_council_decision(item: AgendaItem, vote: Vote, outcome: Outcome, *, by: User) -> None:
    """Write the adopted amendments into the decision points, then the Decision itself."""
    proposal = Proposal.objects.get(pk=item.proposal_id)
    amendments = list(item.amendments.all())
    adopted = [a for a in amendments if a.result == Result.AANGENOMEN]
    if adopted and outcome == Outcome.ADOPTED:
        _apply_amendments(proposal, adopted, by=by)
    points = list(proposal.decision_points.values_list("text", flat=True))
    # A rejected proposal carries no advice: its wording is what the council voted down.
    advice, advice_text = derived_advice(proposal, points) if outcome == Outcome.ADOPTED else ("", "")
    document = DecisionDocument(
        meeting_date=item.meeting.date,
        result=Result.AANGENOMEN if outcome == Outcome.ADOPTED else Result.VERWORPEN,
        advice=advice,
        advice_text=advice_text,
        vote_mode=vote.mode,
        votes_for=vote.votes_for if vote.mode != VoteMode.HAMERSTUK else None,
        votes_against=vote.votes_against if vote.mode != VoteMode.HAMERSTUK else None,
        member_votes=[
            MemberVoteDocument(name=b.member.name, party=b.member.party, vote=b.choice)
            for b in vote.ballots.select_related("member")
        ],
        amendments=[
            AmendmentDocument(
                title=a.title,
                submitters=a.submitters,
                result=a.result,
                changes=[(c["point"], c["text"]) for c in a.changes],
            )
            for a in amendments
        ],
    )
    # The griffie records; the voorzitter may too, as record_decision's rule allows.
    record_decision(proposal, document, by=by, meeting=item.meeting)


def _apply_amendments(proposal: Proposal, amendments: list[TabledAmendment], *, by: User) -> None:
    """The one change to a proposal before the council: its adopted amendments. Both texts
    stay in the history (the decision points' own history and a new Revision)."""
    with applying_amendments():
        for amendment in amendments:
            for change in amendment.changes:
                point = DecisionPoint.objects.get(proposal=proposal, position=change["point"])
                point.text = change["text"]
                point._history_user = by
                point.save()
    proposal.version += 1
    proposal.skip_history_when_saving = True
    proposal.save(update_fields=["version", "updated_at"])
    del proposal.skip_history_when_saving
    keep_revision(proposal, by=by)


def derived_advice(proposal: Proposal, points: list[str]) -> tuple[str, str]:
    """The council's advice in a consultation, as its adopted decision points say it: the
    Bloemendaal dictum says "geen wensen en bedenkingen"; a point that states wensen en
    bedenkingen carries them as its text. Not a consultation: no advice."""
    if proposal.regional_plan_id is None:
        return "", ""
    lowered = [point.lower() for point in points]
    if any("geen wensen en bedenkingen" in point for point in lowered):
        return Advice.NO_OBJECTIONS, ""
    stating = [point for point, low in zip(points, lowered, strict=True) if "wensen en bedenkingen" in low]
    if stating:
        return Advice.OBJECTIONS, "\n\n".join(stating)
    return "", ""
