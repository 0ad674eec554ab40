"""The council's meetings: planning (and convening again, art. 20 lid 2), the agenda,
the attendance list and opening (art. 20), arrivals and departures, holding an item over,
closing, and the griffier's recorded corrections of a closed meeting.

A meeting goes planned → open → closed. The attendance list is the one signed at opening;
after that, arrivals and departures are recorded with their time, and each vote keeps who
was present when it was taken.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import gemeentewet, permissions
from ..models import (
    AgendaItem,
    Attendance,
    CouncilMember,
    Meeting,
    MeetingState,
    Motion,
    Municipality,
    PresenceChange,
    Proposal,
    TabledAmendment,
    User,
    VoteStatus,
    WorkflowError,
)
from ..text import plain
from .base import record
from .notices import council_of, notify

__all__ = [
    "close_meeting",
    "correct_attendance",
    "open_meeting",
    "postpone_item",
    "put_on_agenda",
    "record_presence",
    "schedule_meeting",
    "set_attendance",
]


def _require_griffie(user: User, meeting_or_municipality) -> None:
    municipality = getattr(meeting_or_municipality, "municipality", meeting_or_municipality)
    if not permissions.is_griffie_of(user, municipality):
        raise PermissionDenied(_("Alleen de griffie houdt de stukken van de vergadering bij."))


def locked(meeting: Meeting) -> Meeting:
    """The meeting as it is now, holding its row until the transaction ends."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("municipality", "continues")
        .get(pk=meeting.pk)
    )


def seated_count(meeting: Meeting) -> int:
    """The members with zitting on the meeting's day: the seats less any vacancies."""
    return meeting.seated_members().count()


# --- Planning ---


def schedule_meeting(
    municipality: Municipality,
    starts_at: datetime.datetime,
    place: str,
    *,
    public: bool = True,
    continues: Meeting | None = None,
    convened_at: datetime.datetime | None = None,
    by: User,
) -> Meeting:
    """Plan a meeting. One that `continues` a meeting that could not open for want of
    quorum is convened again for the same items, at least 24 hours after its convocation
    (art. 20 lid 2); it then opens without that quorum (lid 3)."""
    _require_griffie(by, municipality)
    with transaction.atomic():
        if continues is not None:
            continues = locked(continues)
            if continues.municipality_id != municipality.pk or continues.opened_at is not None:
                raise WorkflowError(
                    _(
                        "Alleen een vergadering van deze raad die niet kon worden geopend, "
                        "wordt opnieuw belegd."
                    )
                )
            if convened_at is None or not gemeentewet.convened_in_time(convened_at, starts_at):
                raise WorkflowError(
                    _("Een opnieuw belegde vergadering is ten minste 24 uur na de oproeping (art. 20 lid 2).")
                )
        meeting = Meeting.objects.create(
            municipality=municipality,
            starts_at=starts_at,
            place=plain(place),
            public=public,
            continues=continues,
            convened_at=convened_at,
        )
        record(
            "schedule_meeting",
            meeting,
            {
                "starts_at": starts_at.isoformat(),
                "place": meeting.place,
                "public": public,
                "continues": continues.key if continues else None,
                "convened_at": convened_at.isoformat() if convened_at else None,
            },
            by=by,
        )
    return meeting


# --- The agenda ---


def put_on_agenda(meeting: Meeting, proposal: Proposal, *, by: User) -> AgendaItem:
    """A proposal before the council goes on one meeting's agenda at a time."""
    _require_griffie(by, meeting)
    if proposal.municipality_id != meeting.municipality_id:
        raise WorkflowError(_("Dit voorstel hoort bij een andere gemeente."))
    with transaction.atomic():
        # Decided on as they are now, under the lock, not as the caller loaded them.
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("municipality")
            .get(pk=proposal.pk)
        )
        meeting = locked(meeting)
        if not proposal.is_before_council:
            raise WorkflowError(_("Alleen een voorstel dat bij de raad ligt, komt op de agenda."))
        if meeting.is_closed:
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


def publish_agenda(meeting: Meeting, *, by: User) -> None:
    """Send the agenda to the council: its members and the voorzitter are told. Published
    again after a change, it tells them the agenda was brought up to date."""
    _require_griffie(by, meeting)
    with transaction.atomic():
        meeting = locked(meeting)
        if meeting.is_closed:
            raise WorkflowError(_("Deze vergadering is al gesloten."))
        items = list(meeting.agenda_items.select_related("proposal").order_by("position"))
        if not items:
            raise WorkflowError(
                _("Zet eerst een voorstel op de agenda; een lege agenda wordt niet gepubliceerd.")
            )
        again = meeting.agenda_published_at is not None
        meeting.agenda_published_at = timezone.now()
        meeting.save(update_fields=["agenda_published_at"])
        record("publish_agenda", meeting, {"items": [item.proposal.key for item in items]}, by=by)
        text = (
            _("De agenda van de raadsvergadering van %(date)s is bijgewerkt.")
            if again
            else _("De agenda van de raadsvergadering van %(date)s is gepubliceerd.")
        )
        notify(
            council_of(meeting.municipality_id),
            text % {"date": date_format(timezone.localtime(meeting.starts_at), "j F Y")},
            meeting.get_absolute_url(),
            actor=by,
        )


def postpone_item(item: AgendaItem, to: Meeting, *, by: User) -> AgendaItem:
    """Aangehouden: the proposal moves to a later meeting; this item stays, marked. Its
    undecided amendments and moties go along, each with what happened to it before (a tie
    or an invalid vote, art. 29 lid 2 and 32), and so does the proposal's own."""
    _require_griffie(by, item.meeting)
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("municipality")
            .get(pk=item.proposal_id)
        )
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("meeting__municipality")
            .get(pk=item.pk)
        )
        to = locked(to)
        # Held over by a tie or an invalid vote, an item waits for the griffie to move it;
        # once moved, the proposal has its live item on the later agenda.
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
        if to.is_closed:
            raise WorkflowError(_("Die vergadering is al gesloten."))
        if to.agenda_items.filter(proposal=proposal).exists():
            raise WorkflowError(_("Dit voorstel staat al op de agenda van die vergadering."))
        item.postponed = True
        item.save(update_fields=["postponed"])
        position = (to.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1
        later = AgendaItem.objects.create(
            meeting=to,
            proposal=proposal,
            position=position,
            postponed_on_tie=item.postponed_on_tie,
            invalid_before=item.invalid_before,
        )
        _carry_along(item, later)
        record(
            "postpone_item",
            item.meeting,
            {
                "proposal": proposal.key,
                "to": to.key,
                "tied_before": item.postponed_on_tie,
                "invalid_before": item.invalid_before,
            },
            by=by,
        )
        return later


def _carry_along(item: AgendaItem, later: AgendaItem) -> None:
    """The amendments and moties come along as they stood: those decided with their results
    (an adopted amendment still counts), sub-amendments with their amendment."""
    copies: dict[int, TabledAmendment] = {}
    for amendment in item.amendments.order_by("parent_id", "pk"):
        copies[amendment.pk] = TabledAmendment.objects.create(
            agenda_item=later,
            parent=copies.get(amendment.parent_id),
            title=amendment.title,
            submitters=amendment.submitters,
            changes=amendment.changes,
            advice=amendment.advice,
            advice_text=amendment.advice_text,
            result=amendment.result,
            tied_before=amendment.tied_before,
            invalid_before=amendment.invalid_before,
        )
    Motion.objects.bulk_create(
        Motion(
            agenda_item=later,
            title=motion.title,
            text=motion.text,
            submitters=motion.submitters,
            result=motion.result,
            tied_before=motion.tied_before,
            invalid_before=motion.invalid_before,
        )
        for motion in item.motions.filter(result="")
    )


# --- Attendance and opening ---


def _refuse_strangers(meeting: Meeting, members: list[CouncilMember]) -> None:
    seated = set(meeting.seated_members().values_list("pk", flat=True))
    strangers = [member for member in members if member.pk not in seated]
    if strangers:
        raise WorkflowError(
            _("%(name)s heeft op de dag van de vergadering geen zitting in de raad.")
            % {"name": strangers[0].name}
        )


def _write_attendance(meeting: Meeting, members: list[CouncilMember]) -> None:
    meeting.attendances.exclude(member__in=members).delete()
    present = set(meeting.attendances.values_list("member_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m) for m in members if m.pk not in present
    )


def set_attendance(meeting: Meeting, members: list[CouncilMember], *, by: User) -> None:
    """The attendance list before opening: exactly these members signed it. After opening,
    arrivals and departures are recorded instead (`record_presence`)."""
    _require_griffie(by, meeting)
    _refuse_strangers(meeting, members)
    with transaction.atomic():
        meeting = locked(meeting)
        if meeting.has_signed_decisions():
            raise WorkflowError(
                _("Een besluit van deze vergadering is ondertekend; haar presentielijst ligt daarmee vast.")
            )
        if meeting.opened_at is not None:
            raise WorkflowError(
                _("De vergadering is geopend: de presentielijst ligt vast; leg komst en vertrek vast.")
            )
        _write_attendance(meeting, members)
        record("set_attendance", meeting, {"present": sorted(m.name for m in members)}, by=by)


def open_meeting(meeting: Meeting, *, members: list[CouncilMember] | None = None, by: User) -> None:
    """Open the meeting: more than half of the members with zitting have signed the list
    (art. 20 lid 1), unless it was convened again after one that could not open (lid 3).
    With `members`, the list is saved and the meeting opened in one step."""
    _require_griffie(by, meeting)
    if members is not None:
        _refuse_strangers(meeting, members)
    with transaction.atomic():
        meeting = locked(meeting)
        if meeting.state != MeetingState.PLANNED:
            raise WorkflowError(_("Deze vergadering is al geopend."))
        if members is not None:
            _write_attendance(meeting, members)
        present, seated = meeting.attendances.count(), seated_count(meeting)
        if not gemeentewet.meeting_may_open(present, seated, reconvened=meeting.is_reconvened):
            raise WorkflowError(
                _(
                    "Er zijn %(present)s leden aanwezig van de %(seated)s met zitting; om te openen zijn er "
                    "ten minste %(needed)s nodig (art. 20)."
                )
                % {"present": present, "seated": seated, "needed": gemeentewet.more_than_half(seated)}
            )
        meeting.opened_at = timezone.now()
        meeting.save(update_fields=["opened_at"])
        names = sorted(meeting.attendances.values_list("member__name", flat=True))
        record(
            "open_meeting",
            meeting,
            {"opened_at": meeting.opened_at.isoformat(), "present": names, "seated": seated},
            by=by,
        )


def record_presence(meeting: Meeting, member: CouncilMember, *, arrived: bool, by: User) -> PresenceChange:
    """A member comes in or leaves during the open meeting, at this moment. A vote already
    open keeps those present when it began."""
    _require_griffie(by, meeting)
    _refuse_strangers(meeting, [member])
    with transaction.atomic():
        meeting = locked(meeting)
        if not meeting.is_open:
            raise WorkflowError(_("Komst en vertrek worden vastgelegd zolang de vergadering open is."))
        present = member in meeting.present_members()
        if arrived and present:
            raise WorkflowError(_("%(name)s is al aanwezig.") % {"name": member.name})
        if not arrived and not present:
            raise WorkflowError(_("%(name)s is niet aanwezig.") % {"name": member.name})
        change = PresenceChange.objects.create(
            meeting=meeting, member=member, arrived=arrived, at=timezone.now(), recorded_by=by
        )
        record(
            "record_presence",
            meeting,
            {"member": member.name, "arrived": arrived, "at": change.at.isoformat()},
            by=by,
        )
        return change


def close_meeting(meeting: Meeting, *, by: User) -> None:
    """Close the meeting: the voting ends, and nothing of it changes after but through the
    griffier's recorded correction."""
    _require_griffie(by, meeting)
    with transaction.atomic():
        meeting = locked(meeting)
        if not meeting.is_open:
            raise WorkflowError(_("Alleen een geopende vergadering wordt gesloten."))
        if meeting.votes_open():
            raise WorkflowError(_("Er loopt nog een stemming; sluit die eerst."))
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["closed_at"])
        record("close_meeting", meeting, {"closed_at": meeting.closed_at.isoformat()}, by=by)


def correct_attendance(meeting: Meeting, members: list[CouncilMember], *, reason: str, by: User) -> None:
    """The griffier corrects the attendance list of a closed meeting, with the reason; the
    correction is in the audit log, and a meeting whose decision is signed is not corrected."""
    if not permissions.may_record_paper_signing(by, meeting.municipality):
        raise PermissionDenied(_("Alleen de griffier corrigeert de stukken van een gesloten vergadering."))
    if not reason.strip():
        raise WorkflowError(_("Geef een reden op voor de correctie."))
    _refuse_strangers(meeting, members)
    with transaction.atomic():
        meeting = locked(meeting)
        if not meeting.is_closed:
            raise WorkflowError(
                _("Alleen de presentielijst van een gesloten vergadering wordt gecorrigeerd.")
            )
        if meeting.has_signed_decisions():
            raise WorkflowError(
                _("Een besluit van deze vergadering is ondertekend; haar presentielijst ligt daarmee vast.")
            )
        before = sorted(meeting.attendances.values_list("member__name", flat=True))
        _write_attendance(meeting, members)
        record(
            "correct_attendance",
            meeting,
            {"before": before, "after": sorted(m.name for m in members), "reason": reason.strip()},
            by=by,
        )
