"""The consultation of a regional plan across its member councils, as plain rules and one
read of the whole picture (Politiewet 2012 art. 38b lid 2 and art. 39).

The rules are plain functions of dates and counts, used by the actions, the pages and the
report alike; `overview` reads the plan's state across all members in a fixed number of
queries, whatever the number of members.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import (
    Advice,
    AgendaItem,
    District,
    Municipality,
    PlanAnswer,
    Proposal,
    Proposer,
    RegionalPlan,
    Result,
    State,
)

PLACEHOLDER = "{gemeente}"


# --- The template each member council starts from ---


@dataclass
class PlanTemplate:
    """The raadsvoorstel a plan proposes to every member; `{gemeente}` becomes the member's name."""

    subject: str = ""
    proposer: str = Proposer.BURGEMEESTER
    legal_basis: list[str] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    decision_points: list[str] = field(default_factory=list)
    proposed_advice: str = Advice.NO_OBJECTIONS
    proposed_advice_text: str = ""

    @classmethod
    def of(cls, plan: RegionalPlan) -> PlanTemplate:
        data = plan.template or {}
        return cls(
            subject=data.get("subject", ""),
            proposer=data.get("proposer", Proposer.BURGEMEESTER),
            legal_basis=list(data.get("legal_basis", [])),
            sections=[(heading, body) for heading, body in data.get("sections", [])],
            decision_points=list(data.get("decision_points", [])),
            proposed_advice=data.get("proposed_advice", Advice.NO_OBJECTIONS),
            proposed_advice_text=data.get("proposed_advice_text", ""),
        )

    def as_json(self) -> dict:
        return {
            "subject": self.subject,
            "proposer": self.proposer,
            "legal_basis": self.legal_basis,
            "sections": [[heading, body] for heading, body in self.sections],
            "decision_points": self.decision_points,
            "proposed_advice": self.proposed_advice,
            "proposed_advice_text": self.proposed_advice_text,
        }

    def problems(self) -> list[str]:
        """What keeps this template from being sent, in the secretaris's words."""
        found = []
        if not self.subject.strip():
            found.append(_("Het sjabloon heeft geen onderwerp."))
        if len(self.subject.replace(PLACEHOLDER, "x" * 60)) > 300:
            found.append(_("Het onderwerp is te lang (ten hoogste 300 tekens, met de naam van de gemeente)."))
        if not any(point.strip() for point in self.decision_points):
            found.append(_("Het sjabloon heeft geen beslispunten."))
        if self.proposer not in Proposer.values or self.proposer == Proposer.RAADSLID:
            found.append(_("Een regionaal plan wordt voorgesteld door burgemeester, college of presidium."))
        if self.proposed_advice not in Advice.values:
            found.append(_("Kies het voorgestelde advies."))
        if self.proposed_advice == Advice.OBJECTIONS and not self.proposed_advice_text.strip():
            found.append(_("Wensen en bedenkingen hebben een tekst nodig."))
        return found

    def filled_in(self, municipality: Municipality) -> PlanTemplate:
        """The template with the member's name in every place `{gemeente}` stands."""

        def fill(text: str) -> str:
            return text.replace(PLACEHOLDER, municipality.name)

        return PlanTemplate(
            subject=fill(self.subject),
            proposer=self.proposer,
            legal_basis=[fill(clause) for clause in self.legal_basis],
            sections=[(fill(heading), fill(body)) for heading, body in self.sections],
            decision_points=[fill(point) for point in self.decision_points],
            proposed_advice=self.proposed_advice,
            proposed_advice_text=fill(self.proposed_advice_text),
        )


# --- The rules ---


def answer_is_late(sent_on: datetime.date, deadline: datetime.date | None) -> bool:
    """An answer sent after the deadline the body set."""
    return deadline is not None and sent_on > deadline


def overdue(
    *,
    sent_on: datetime.date | None,
    deadline: datetime.date | None,
    today: datetime.date,
    meets_on: datetime.date | None = None,
) -> bool:
    """A member past the deadline: answered after it, or not answered and either the deadline
    has passed or the council will only meet on the proposal after it."""
    if deadline is None:
        return False
    if sent_on is not None:
        return answer_is_late(sent_on, deadline)
    return today > deadline or (meets_on is not None and meets_on > deadline)


def may_adopt(*, members: int, answered: int, deadline: datetime.date | None, on: datetime.date) -> bool:
    """Art. 38b lid 2: every council is heard before the plan is adopted; the body may go on
    without an answer only when the deadline it set has passed."""
    return answered >= members or (deadline is not None and on > deadline)


def heard_after_adoption(sent_on: datetime.date | None, adopted_on: datetime.date | None) -> bool:
    """A council whose answer came only after the vaststelling was not heard before it (art. 38b)."""
    return sent_on is not None and adopted_on is not None and sent_on > adopted_on


# --- The picture across all members ---


@dataclass
class MemberRow:
    municipality: Municipality
    district: str
    proposal: Proposal | None
    answer: PlanAnswer | None
    advice: str  # an Advice value, or "" while the council has not given one
    advice_text: str
    meeting_date: datetime.date | None
    decided: bool
    overdue: bool
    heard_late: bool
    handling: str = ""

    @property
    def state(self) -> str:
        return self.proposal.state if self.proposal else ""

    @property
    def state_label(self) -> str:
        return self.proposal.get_state_display() if self.proposal else _("geen voorstel")

    @property
    def advice_label(self) -> str:
        return Advice(self.advice).label if self.advice else _("nog niet")

    @property
    def adopted_without_answer(self) -> bool:
        return self.answer is None


@dataclass
class Overview:
    plan: RegionalPlan
    rows: list[MemberRow]
    today: datetime.date

    @property
    def members(self) -> int:
        return len(self.rows)

    @property
    def rows_by_name(self) -> list[MemberRow]:
        """For the page: alphabetical as a reader looks a council up ("Den Helder" under D)."""
        return sorted(self.rows, key=lambda row: row.municipality.name.casefold())

    @property
    def answered(self) -> int:
        return sum(row.answer is not None for row in self.rows)

    @property
    def without_answer(self) -> list[MemberRow]:
        return [row for row in self.rows if row.answer is None]

    @property
    def may_adopt_today(self) -> bool:
        return may_adopt(
            members=self.members, answered=self.answered, deadline=self.plan.answer_deadline, on=self.today
        )

    @property
    def totals(self) -> list[tuple[str, str, int]]:
        """(key, label, count) for the chart, in a fixed order that adds up to the members."""
        counts = {"geen": 0, "wensen": 0, "verworpen": 0, "open": 0}
        for row in self.rows:
            if row.advice == Advice.NO_OBJECTIONS:
                counts["geen"] += 1
            elif row.advice == Advice.OBJECTIONS:
                counts["wensen"] += 1
            elif row.state == State.REJECTED:
                counts["verworpen"] += 1
            else:
                counts["open"] += 1
        labels = {
            "geen": _("geen wensen en bedenkingen"),
            "wensen": _("wensen en bedenkingen"),
            "verworpen": _("voorstel verworpen"),
            "open": _("nog geen advies"),
        }
        return [(key, labels[key], counts[key]) for key in counts]

    @property
    def overdue_count(self) -> int:
        return sum(row.overdue for row in self.rows)

    @property
    def objections(self) -> list[MemberRow]:
        return [row for row in self.rows if row.advice == Advice.OBJECTIONS]


def overview(plan: RegionalPlan, *, today: datetime.date | None = None) -> Overview:
    """Every member of the plan's body with its proposal, advice, meeting, answer and flags,
    read in six queries whatever the number of members."""
    from django.utils import timezone

    today = today or timezone.localdate()
    members = list(Municipality.objects.filter(regional_bodies=plan.regional_body_id).order_by("code"))
    districts = dict(
        District.municipalities.through.objects.filter(
            district__regional_body=plan.regional_body_id
        ).values_list("municipality_id", "district__name")
    )
    # A member's current proposal on this plan: the latest that is not withdrawn, else the latest.
    proposals: dict[int, Proposal] = {}
    for proposal in (
        Proposal.objects.filter(regional_plan=plan)
        .select_related("decision", "plan_answer")
        .order_by("municipality_id", "created_at", "pk")
    ):
        current = proposals.get(proposal.municipality_id)
        if current is None or proposal.state != State.WITHDRAWN or current.state == State.WITHDRAWN:
            proposals[proposal.municipality_id] = proposal
    # The meeting a proposal is (last) on the agenda of, for those not decided yet.
    scheduled = dict(
        AgendaItem.objects.filter(proposal__regional_plan=plan, postponed=False)
        .order_by("meeting__starts_at")
        .values_list("proposal_id", "meeting__starts_at")
    )
    adoption = getattr(plan, "adoption", None) if plan.is_adopted else None
    handlings = dict(adoption.handlings.values_list("municipality_id", "text")) if adoption else {}
    rows = []
    for municipality in members:
        proposal = proposals.get(municipality.pk)
        decision = getattr(proposal, "decision", None) if proposal else None
        answer = getattr(proposal, "plan_answer", None) if proposal else None
        decided = decision is not None
        adopted = decided and decision.result == Result.AANGENOMEN
        starts_at = scheduled.get(proposal.pk) if proposal and not decided else None
        meeting_date = (
            decision.meeting_date if decided else (timezone.localdate(starts_at) if starts_at else None)
        )
        rows.append(
            MemberRow(
                municipality=municipality,
                district=districts.get(municipality.pk, ""),
                proposal=proposal,
                answer=answer,
                advice=decision.advice if adopted else "",
                advice_text=decision.advice_text if adopted else "",
                meeting_date=meeting_date,
                decided=decided,
                overdue=overdue(
                    sent_on=answer.sent_on if answer else None,
                    deadline=plan.answer_deadline,
                    today=today,
                    meets_on=meeting_date,
                ),
                heard_late=decided
                and heard_after_adoption(meeting_date, adoption.adopted_on if adoption else None),
                handling=handlings.get(municipality.pk, ""),
            )
        )
    return Overview(plan=plan, rows=rows, today=today)


REPORT_HEADER = ["code", "name", "state", "advice", "meeting_date", "answer_sent_on"]


def report_csv(overview: Overview) -> str:
    """The overview as CSV: the header `REPORT_HEADER`, one row per member, sorted by code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_HEADER)
    for row in sorted(overview.rows, key=lambda row: row.municipality.code):
        writer.writerow(
            [
                row.municipality.code,
                row.municipality.name,
                row.state,
                row.advice,
                row.meeting_date.isoformat() if row.meeting_date else "",
                row.answer.sent_on.isoformat() if row.answer else "",
            ]
        )
    return out.getvalue()
