"""The council at work: its members, its meetings with their attendance and agenda,
the amendments tabled there, and the votes with each member's ballot.

When the council has decided, `actions.record_council_decision` turns what happened
here into the proposal's `Decision`, the record the interchange format carries.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .proposals import Advice, Ballot, Municipality, Proposal, Result, User, VoteMode

__all__ = [
    "AgendaItem",
    "AmendmentAction",
    "Attendance",
    "CouncilMember",
    "Meeting",
    "MeetingState",
    "MemberBallot",
    "Motion",
    "PresenceChange",
    "TabledAmendment",
    "Vote",
    "VoteExclusion",
    "VoteStatus",
]


class CouncilMemberQuerySet(models.QuerySet):
    def seated_on(self, day: datetime.date) -> CouncilMemberQuerySet:
        """The members who held a seat on `day`."""
        return self.filter(Q(seated_until__isnull=True) | Q(seated_until__gte=day), seated_from__lte=day)


class CouncilMember(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("naam"), max_length=200)
    party = models.CharField(_("fractie"), max_length=200)
    seated_from = models.DateField(_("lid vanaf"))
    seated_until = models.DateField(_("lid tot en met"), null=True, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="council_member",
        help_text=_("Het account waarmee het raadslid zelf stemt."),
    )

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("raadslid")
        verbose_name_plural = _("raadsleden")
        ordering = ["party", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name", "seated_from"], name="member_unique_per_term"
            ),
            models.CheckConstraint(
                condition=Q(seated_until__isnull=True) | Q(seated_until__gte=models.F("seated_from")),
                name="member_term_in_order",
                violation_error_message=_("Het lidmaatschap eindigt niet vóór het begint."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party})"


class Meeting(models.Model):
    """A raadsvergadering: it opens only with a quorum (Gemeentewet art. 20)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("aanvang"))
    place = models.CharField(_("plaats"), max_length=200, default="Raadzaal")
    # Art. 23: the council meets in public; lid 2 lets it meet behind closed doors.
    public = models.BooleanField(_("openbaar"), default=True)
    # Art. 20 lid 2: a meeting convened again because the one it continues could not open.
    continues = models.ForeignKey(
        "self",
        verbose_name=_("opnieuw belegd voor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconvened_as",
    )
    convened_at = models.DateTimeField(_("opgeroepen op"), null=True, blank=True)
    # When the griffie published the agenda to the council; the members are notified then.
    agenda_published_at = models.DateTimeField(_("agenda gepubliceerd op"), null=True, blank=True)
    opened_at = models.DateTimeField(_("geopend om"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten om"), null=True, blank=True)

    class Meta:
        verbose_name = _("raadsvergadering")
        verbose_name_plural = _("raadsvergaderingen")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return _("Raadsvergadering van %(date)s") % {"date": date_format(self.starts_at, "j F Y")}

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", kwargs={"pk": self.pk})

    audit_type = "meeting"

    @property
    def key(self) -> str:
        """How the audit log names it: meetings have no number of their own."""
        return f"{self.municipality.code}/vergadering/{self.pk}"

    @property
    def date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def state(self) -> MeetingState:
        if self.closed_at is not None:
            return MeetingState.CLOSED
        return MeetingState.OPEN if self.opened_at is not None else MeetingState.PLANNED

    @property
    def is_open(self) -> bool:
        return self.state == MeetingState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == MeetingState.CLOSED

    @property
    def is_reconvened(self) -> bool:
        return self.continues_id is not None

    def present_members(self) -> list[CouncilMember]:
        """Who is in the room now: the attendance list signed at opening, with every arrival
        and departure recorded since, in the order of the council's list."""
        present = set(self.attendances.values_list("member_id", flat=True))
        for member_id, arrived in self.presence_changes.order_by("at", "pk").values_list(
            "member_id", "arrived"
        ):
            if arrived:
                present.add(member_id)
            else:
                present.discard(member_id)
        return list(CouncilMember.objects.filter(pk__in=present).order_by("name"))

    def has_signed_decisions(self) -> bool:
        """A decision taken here is signed: the meeting's records are final (db_guards.py)."""
        return self.agenda_items.filter(proposal__in=Proposal.objects.final()).exists()

    def votes_open(self) -> bool:
        return Vote.objects.filter(agenda_item__meeting=self, status=VoteStatus.OPEN).exists()

    def seated_members(self) -> CouncilMemberQuerySet:
        return CouncilMember.objects.filter(municipality=self.municipality_id).seated_on(self.date)


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("gepland")
    OPEN = "open", _("geopend")
    CLOSED = "closed", _("gesloten")


class Attendance(models.Model):
    """A member's signature on the attendance list (presentielijst)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="attendances")
    signed_at = models.DateTimeField(_("getekend om"), auto_now_add=True)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("presentielijst")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attend_once"),
        ]

    def __str__(self) -> str:
        return str(self.member)


class PresenceChange(models.Model):
    """A member arriving at or leaving an open meeting, with the time: the attendance list
    signed at opening stays as it was."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="presence_changes")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    arrived = models.BooleanField(_("binnengekomen"))
    at = models.DateTimeField(_("tijdstip"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("komst of vertrek")
        verbose_name_plural = _("komst en vertrek")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.member} {_('komt binnen') if self.arrived else _('vertrekt')}"


class AgendaItem(models.Model):
    """A proposal on a meeting's agenda; when it is postponed (aangehouden) the item stays,
    marked, and the proposal goes on the agenda of a later meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    postponed = models.BooleanField(_("aangehouden"), default=False)
    # Art. 32: a tie on the proposal that postponed its decision rejects it when it recurs.
    postponed_on_tie = models.BooleanField(_("aangehouden bij staking van stemmen"), default=False)
    # Art. 29 lid 2: after an invalid vote on the proposal, the next one needs no quorum.
    invalid_before = models.BooleanField(_("eerder ongeldig gestemd"), default=False)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "proposal"], name="proposal_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.proposal.subject}"


class AmendmentAction(models.TextChoices):
    REPLACE = "replace", _("vervangt beslispunt")
    INSERT = "insert", _("voegt beslispunt in")
    DELETE = "delete", _("schrapt beslispunt")


class TabledAmendment(models.Model):
    """An amendment tabled at the meeting: it replaces, inserts or deletes decision points
    (and may change the advice); a sub-amendment (with `parent`) gives its amendment new
    changes, and is voted on first."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="amendments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("subamendement op"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_amendments",
    )
    title = models.CharField(_("titel"), max_length=300)
    submitters = models.JSONField(_("indieners"), default=list)
    # [{"point": 2, "action": "replace", "text": "…"}], point numbers as the points stand when
    # the amendment is voted on; "delete" has no text.
    changes = models.JSONField(_("wijzigingen"), default=list)
    # An amendment may also change the proposed advice (wensen en bedenkingen).
    advice = models.CharField(_("advies"), max_length=40, choices=Advice.choices, blank=True)
    advice_text = models.TextField(_("tekst van het advies"), blank=True)
    result = models.CharField(_("uitslag"), max_length=20, choices=Result.choices, blank=True)
    tied_before = models.BooleanField(_("eerder staking van stemmen"), default=False)
    invalid_before = models.BooleanField(_("eerder ongeldig gestemd"), default=False)

    class Meta:
        verbose_name = _("ingediend amendement")
        verbose_name_plural = _("ingediende amendementen")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def points(self) -> set[int]:
        return {change["point"] for change in self.changes}


class Motion(models.Model):
    """A motie: the council's wish or judgement on an item, voted on after the proposal."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="motions")
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"))
    submitters = models.JSONField(_("indieners"), default=list)
    result = models.CharField(_("uitslag"), max_length=20, choices=Result.choices, blank=True)
    tied_before = models.BooleanField(_("eerder staking van stemmen"), default=False)
    invalid_before = models.BooleanField(_("eerder ongeldig gestemd"), default=False)

    class Meta:
        verbose_name = _("motie")
        verbose_name_plural = _("moties")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class VoteStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("gesloten")
    # Opened by mistake and withdrawn before any result, with the reason.
    WITHDRAWN = "withdrawn", _("ingetrokken")


class Vote(models.Model):
    """A stemming on an agenda item's proposal, or on one of its amendments."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    amendment = models.ForeignKey(
        TabledAmendment, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    motion = models.ForeignKey(Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="votes")
    mode = models.CharField(_("wijze van stemmen"), max_length=20, choices=VoteMode.choices)
    status = models.CharField(_("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN)
    # Counted by hand for handopsteking; tallied from the ballots for hoofdelijk.
    votes_for = models.PositiveSmallIntegerField(_("voor"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("tegen"), null=True, blank=True)
    present = models.PositiveSmallIntegerField(_("aanwezig"), null=True, blank=True)
    # Who was in the room when the vote was taken, and how many had zitting that day.
    present_members = models.ManyToManyField(CouncilMember, related_name="+", blank=True)
    seated = models.PositiveSmallIntegerField(_("leden met zitting"), null=True, blank=True)
    # A roll call's order: member ids from the one drawn first (art. 32).
    call_order = models.JSONField(_("volgorde van de oproeping"), default=list, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, blank=True)
    withdrawal_reason = models.TextField(_("reden van intrekking"), blank=True)
    opened_at = models.DateTimeField(_("geopend om"), auto_now_add=True)
    closed_at = models.DateTimeField(_("gesloten om"), null=True, blank=True)

    class Meta:
        verbose_name = _("stemming")
        verbose_name_plural = _("stemmingen")
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}: {self.subject_title}"

    @property
    def subject_title(self) -> str:
        if self.amendment_id:
            return self.amendment.title
        if self.motion_id:
            return self.motion.title
        return self.agenda_item.proposal.subject

    @property
    def subject(self):
        """What is voted on: an amendment, a motie, or the agenda item (for its proposal)."""
        return self.amendment or self.motion or self.agenda_item

    @property
    def is_open(self) -> bool:
        return self.status == VoteStatus.OPEN

    def called_members(self) -> list[CouncilMember]:
        """A roll call's members in the order they were called (art. 32)."""
        members = CouncilMember.objects.in_bulk(self.call_order)
        return [members[pk] for pk in self.call_order if pk in members]

    def call_order_names(self) -> list[str]:
        return [member.name for member in self.called_members()]


class VoteExclusion(models.Model):
    """Art. 28: a present member who must refrain from this vote, and why."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="exclusions")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reden"), max_length=300)

    class Meta:
        verbose_name = _("uitsluiting van stemming (art. 28)")
        verbose_name_plural = _("uitsluitingen van stemming (art. 28)")
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="excluded_once")]

    def __str__(self) -> str:
        return f"{self.member}: {self.reason}"


class MemberBallot(models.Model):
    """One member's voor or tegen in a roll call: cast by themselves, or entered by the griffie."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(_("stem"), max_length=5, choices=Ballot.choices)
    # Its place in the roll call (art. 32), from 1.
    position = models.PositiveSmallIntegerField(_("volgorde"), null=True, blank=True)
    cast_at = models.DateTimeField(_("uitgebracht om"), auto_now_add=True)
    entered_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    corrected = models.BooleanField(_("gecorrigeerd"), default=False)

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        ordering = ["member__party", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"
