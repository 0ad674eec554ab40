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

from .proposals import Ballot, Municipality, Proposal, Result, User, VoteMode

__all__ = [
    "AgendaItem",
    "Attendance",
    "CouncilMember",
    "Meeting",
    "MemberBallot",
    "TabledAmendment",
    "Vote",
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
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None

    def has_signed_decisions(self) -> bool:
        """A decision taken here is signed: the meeting's records are final (db_guards.py)."""
        return self.agenda_items.filter(proposal__in=Proposal.objects.final()).exists()

    def votes_open(self) -> bool:
        return Vote.objects.filter(agenda_item__meeting=self, status=VoteStatus.OPEN).exists()

    def seated_members(self) -> CouncilMemberQuerySet:
        return CouncilMember.objects.filter(municipality=self.municipality_id).seated_on(self.date)


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


class AgendaItem(models.Model):
    """A proposal on a meeting's agenda; when it is postponed (aangehouden) the item stays,
    marked, and the proposal goes on the agenda of a later meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    postponed = models.BooleanField(_("aangehouden"), default=False)
    # Art. 32: a tie that postponed the decision rejects the proposal when it recurs.
    postponed_on_tie = models.BooleanField(_("aangehouden bij staking van stemmen"), default=False)

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


class TabledAmendment(models.Model):
    """An amendment tabled at the meeting: the new text of one or more decision points."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="amendments")
    title = models.CharField(_("titel"), max_length=300)
    submitters = models.JSONField(_("indieners"), default=list)
    # [{"point": 2, "text": "…"}]: the new text of each decision point it changes.
    changes = models.JSONField(_("wijzigingen"), default=list)
    result = models.CharField(_("uitslag"), max_length=20, choices=Result.choices, blank=True)

    class Meta:
        verbose_name = _("ingediend amendement")
        verbose_name_plural = _("ingediende amendementen")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class VoteStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("gesloten")


class Vote(models.Model):
    """A stemming on an agenda item's proposal, or on one of its amendments."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    amendment = models.ForeignKey(
        TabledAmendment, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    mode = models.CharField(_("wijze van stemmen"), max_length=20, choices=VoteMode.choices)
    status = models.CharField(_("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN)
    # Counted by hand for handopsteking; tallied from the ballots for hoofdelijk.
    votes_for = models.PositiveSmallIntegerField(_("voor"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("tegen"), null=True, blank=True)
    present = models.PositiveSmallIntegerField(_("aanwezig"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, blank=True)
    opened_at = models.DateTimeField(_("geopend om"), auto_now_add=True)
    closed_at = models.DateTimeField(_("gesloten om"), null=True, blank=True)

    class Meta:
        verbose_name = _("stemming")
        verbose_name_plural = _("stemmingen")
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        subject = self.amendment.title if self.amendment_id else self.agenda_item.proposal.subject
        return f"{self.get_mode_display()}: {subject}"

    @property
    def is_open(self) -> bool:
        return self.status == VoteStatus.OPEN


class MemberBallot(models.Model):
    """One member's voor or tegen in a roll call: cast by themselves, or entered by the griffie."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(_("stem"), max_length=5, choices=Ballot.choices)
    cast_at = models.DateTimeField(_("uitgebracht om"), auto_now_add=True)
    entered_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        ordering = ["member__party", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"
