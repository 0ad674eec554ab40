"""What waits for someone: the lists of their start page, by role, and their count for the
navigation. Every list is a query over what `permissions` lets the person see, so a start
page never shows what the person's other pages would refuse."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import consultation, permissions
from .models import (
    AgendaItem,
    PlanAnswer,
    PlanState,
    Proposal,
    Role,
    Signature,
    State,
    User,
    Vote,
    VoteMode,
    VoteStatus,
)


@dataclass
class Worklist:
    """One list on a start page: its heading, its query, and what to say when it is empty.

    The query stays lazy: the navigation only counts it, the start page shows its rows,
    each passed through `present` where a row needs more than the object itself."""

    key: str
    title: str
    query: QuerySet
    empty: str
    # Whether its rows are work waiting for this person (counted in the navigation).
    counts: bool = True
    present: Callable[[list], list] | None = None
    # A start page shows the first rows; the full list is a page of its own.
    limit: int = 25

    @cached_property
    def rows(self) -> list:
        rows = list(self.query[: self.limit])
        return self.present(rows) if self.present else rows

    @cached_property
    def count(self) -> int:
        return len(self.rows) if len(self.rows) < self.limit else self.query.count()

    @property
    def is_cut(self) -> bool:
        return self.count > len(self.rows)


@dataclass
class StartPage:
    lists: list[Worklist] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(worklist.count for worklist in self.lists if worklist.counts)


def start_page(user: User, *, today: datetime.date | None = None) -> StartPage:
    today = today or timezone.localdate()
    page = StartPage()
    if not user.is_authenticated:
        return page
    municipality = user.municipality
    if municipality is not None:
        if permissions.is_griffie_of(user, municipality):
            page.lists += _griffie_lists(user, today)
        if permissions.signing_role(user, municipality) is not None:
            page.lists.append(_awaiting_my_signature(user))
        if user.role == Role.RAADSLID or getattr(user, "council_member", None) is not None:
            page.lists += _council_lists(user)
    elif user.role == Role.RBOP_SECRETARIS and user.regional_body_id:
        page.lists += _regional_body_lists(user, today)
    return page


def waiting_count(user: User) -> int:
    """The navigation's count: what waits for this person now."""
    return start_page(user).waiting


# --- The griffie ---


def _griffie_lists(user: User, today: datetime.date) -> list[Worklist]:
    own = permissions.visible_proposals(user).select_related("municipality")
    on_an_open_agenda = AgendaItem.objects.filter(
        proposal=OuterRef("pk"), postponed=False, meeting__closed_at__isnull=True
    )
    return [
        Worklist(
            "concepts",
            _("Concepten om af te maken"),
            own.filter(state=State.CONCEPT).order_by("-date", "number"),
            _("Geen concepten."),
        ),
        Worklist(
            "to_agenda",
            _("Voorstellen om te agenderen"),
            own.filter(state=State.COUNCIL_ADVICE)
            .exclude(Exists(on_an_open_agenda))
            .order_by("date", "number"),
            _("Elk voorstel bij de raad staat op een agenda."),
        ),
        Worklist(
            "meetings",
            _("Vergaderingen om voor te bereiden"),
            permissions.visible_meetings(user)
            .filter(closed_at__isnull=True)
            .annotate(items=Count("agenda_items", distinct=True), present=Count("attendances", distinct=True))
            .order_by("starts_at"),
            _("Geen vergaderingen gepland."),
            counts=False,
        ),
        Worklist(
            "awaiting_signatures",
            _("Besluiten die op handtekeningen wachten"),
            own.filter(state=State.ADVISED)
            .select_related("decision")
            .prefetch_related("decision__signatures")
            .order_by("decision__meeting_date", "number"),
            _("Geen besluiten die op handtekeningen wachten."),
        ),
        Worklist(
            "answers_due",
            _("Regionale antwoorden te versturen"),
            _answers_due(own),
            _("Geen regionale antwoorden open."),
            present=lambda proposals: [_with_deadline(proposal, today) for proposal in proposals],
        ),
    ]


@dataclass(frozen=True)
class AnswerDue:
    proposal: Proposal
    deadline: datetime.date | None
    overdue: bool


def _answers_due(own: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """This council's proposals on a plan in consultation that has no answer of it yet."""
    answered = PlanAnswer.objects.filter(
        plan=OuterRef("regional_plan"), municipality=OuterRef("municipality")
    )
    return (
        own.filter(regional_plan__state=PlanState.CONSULTATION)
        .exclude(state=State.WITHDRAWN)
        .exclude(Exists(answered))
        .select_related("regional_plan", "decision")
        .order_by("regional_plan__answer_deadline", "number")
    )


def _with_deadline(proposal: Proposal, today: datetime.date) -> AnswerDue:
    deadline = proposal.regional_plan.answer_deadline
    meets_on = proposal.decision.meeting_date if hasattr(proposal, "decision") else None
    return AnswerDue(
        proposal,
        deadline,
        consultation.overdue(sent_on=None, deadline=deadline, today=today, meets_on=meets_on),
    )


# --- Voorzitter and griffier ---


def _awaiting_my_signature(user: User) -> Worklist:
    """Besluiten the council took that still lack this person's signature, oldest first."""
    role = permissions.signing_role(user, user.municipality)
    signed = Signature.objects.filter(decision__proposal=OuterRef("pk"), role=role)
    proposals = (
        Proposal.objects.filter(municipality=user.municipality, state=State.ADVISED)
        .exclude(Exists(signed))
        .select_related("decision", "municipality")
        .order_by("decision__meeting_date", "number")
    )
    return Worklist(
        "my_signature",
        _("Wacht op uw handtekening"),
        proposals,
        _("Er wacht niets op uw handtekening."),
    )


# --- Councillors ---


def _council_lists(user: User) -> list[Worklist]:
    meetings = (
        permissions.visible_meetings(user)
        # Every meeting not yet closed, the next first: one that ran late is still to come.
        .filter(closed_at__isnull=True)
        .order_by("starts_at")
        .prefetch_related("agenda_items__proposal__attachments")
    )
    member = getattr(user, "council_member", None)
    # Open roll calls in which this member is called (present, not excluded under art. 28)
    # and has not yet voted: the call order holds exactly those members.
    open_votes = (
        Vote.objects.filter(
            status=VoteStatus.OPEN, agenda_item__meeting__municipality_id=user.municipality_id
        )
        .filter(mode=VoteMode.HOOFDELIJK, present_members=member)
        .exclude(exclusions__member=member)
        .exclude(ballots__member=member)
        .select_related("agenda_item__proposal", "agenda_item__meeting", "amendment", "motion")
        .order_by("opened_at")
    )
    decided = (
        permissions.visible_proposals(user)
        .decided()
        .filter(~Q(state=State.WITHDRAWN))
        .select_related("decision")
        .order_by("-decision__meeting_date", "-number")
    )
    return [
        Worklist(
            "open_votes",
            _("Stemmingen die nu open zijn"),
            open_votes if member is not None else Vote.objects.none(),
            _("Er loopt geen stemming waarin u stemt."),
        ),
        Worklist(
            "next_meetings",
            _("Komende vergaderingen"),
            meetings,
            _("Geen vergaderingen gepland."),
            counts=False,
            limit=3,
        ),
        Worklist(
            "decided",
            _("Genomen besluiten"),
            decided,
            _("Nog geen besluiten."),
            counts=False,
            limit=10,
        ),
    ]


# --- The RBOP-secretaris ---


def _regional_body_lists(user: User, today: datetime.date) -> list[Worklist]:
    plans = (
        permissions.visible_plans(user)
        .filter(state__in=[PlanState.CONCEPT, PlanState.CONSULTATION])
        .annotate(
            answered=Count("answers", distinct=True),
            members=Count("regional_body__municipalities", distinct=True),
        )
        .order_by("answer_deadline", "code")
    )
    answers = (
        PlanAnswer.objects.filter(plan__regional_body_id=user.regional_body_id)
        .select_related("municipality", "plan", "proposal__decision")
        .order_by("-sent_on", "municipality__name")
    )
    return [
        Worklist(
            "plans",
            _("Plannen in voorbereiding en consultatie"),
            plans,
            _("Geen plannen in consultatie."),
        ),
        Worklist(
            "recent_answers",
            _("Laatst ontvangen antwoorden"),
            answers,
            _("Nog geen antwoorden."),
            counts=False,
            limit=10,
        ),
    ]


__all__ = ["AnswerDue", "StartPage", "Worklist", "start_page", "waiting_count"]
