"""A proposal's text as a value: what the drafting form delivers, the actions write,
and each revision keeps as one plain document for the history's word diff."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Advice, Proposal, Proposer, Theme


def plain(value: str) -> str:
    """Text as it is stored: line endings as `\\n`, whatever the browser or file sent.

    Browsers submit a textarea with CRLF; stored as sent, one changed word would mark
    every paragraph ending in the history as removed and added again.
    """
    return value.replace("\r\n", "\n").replace("\r", "\n")


# "Leave the proposal's regional plan as it is": a text that does not say which plan it answers.
KEEP_PLAN = object()


@dataclass
class ProposalText:
    """A proposal's editable text, as the drafting form delivers it."""

    number: str
    subject: str
    proposer: str
    date: datetime.date
    legal_basis: list[str]
    themes: list[Theme]
    sections: list[tuple[str, str]]
    decision_points: list[str]
    # In a consultation: the advice the proposal asks the council to give, as data.
    proposed_advice: str = ""
    proposed_advice_text: str = ""
    initiator: str = ""
    # The regional plan the proposal answers (None: none), or KEEP_PLAN.
    regional_plan: object = KEEP_PLAN

    def normalised(self) -> ProposalText:
        """The same text with every line ending stored as `\\n`."""
        return dataclasses.replace(
            self,
            subject=plain(self.subject),
            legal_basis=[plain(clause) for clause in self.legal_basis],
            sections=[(plain(heading), plain(body)) for heading, body in self.sections],
            decision_points=[plain(point) for point in self.decision_points],
            proposed_advice_text=plain(self.proposed_advice_text),
        )

    @classmethod
    def of(cls, proposal: Proposal) -> ProposalText:
        return cls(
            number=proposal.number,
            subject=proposal.subject,
            proposer=proposal.proposer,
            date=proposal.date,
            legal_basis=list(proposal.legal_basis),
            themes=list(proposal.themes.select_related("parent")),
            sections=[(section.heading, section.body) for section in proposal.sections.all()],
            decision_points=[point.text for point in proposal.decision_points.all()],
            proposed_advice=proposal.proposed_advice,
            proposed_advice_text=proposal.proposed_advice_text,
            initiator=proposal.initiator,
            regional_plan=proposal.regional_plan,
        )


def text_of(proposal: Proposal) -> str:
    """The proposal's whole text as one plain document, the unit a revision keeps."""
    return render_text(ProposalText.of(proposal))


def render_text(text: ProposalText) -> str:
    """A `ProposalText`, saved or only typed, as the plain document revisions compare."""
    lines = [
        f"Nummer: {text.number}",
        f"Onderwerp: {text.subject}",
        f"Indiener: {Proposer(text.proposer).label}" + (f", {text.initiator}" if text.initiator else ""),
        f"Datum: {date_format(text.date, 'j F Y')}",
    ]
    lines += [f"Gelet op: {clause}" for clause in text.legal_basis]
    lines.append("Thema's: " + ", ".join(theme.path for theme in text.themes))
    for heading, body in text.sections:
        lines += ["", heading, body]
    lines += ["", "Voorgesteld besluit"]
    lines += [f"{position}. {point}" for position, point in enumerate(text.decision_points, start=1)]
    if text.proposed_advice:
        lines += ["", f"Voorgesteld advies: {Advice(text.proposed_advice).label}"]
        if text.proposed_advice_text:
            lines.append(text.proposed_advice_text)
    return "\n".join(lines)


# --- A text in parts: what a conflict between two versions is resolved by ---

# The fields, in the editor's order, each with the attributes of `ProposalText` it carries;
# fields that only make sense together (the advice and its text) are one part.
FIELD_PARTS = [
    ("number", ("number",)),
    ("subject", ("subject",)),
    ("proposer", ("proposer", "initiator")),
    ("date", ("date",)),
    ("legal_basis", ("legal_basis",)),
    ("themes", ("themes",)),
    ("regional_plan", ("regional_plan",)),
    ("advice", ("proposed_advice", "proposed_advice_text")),
]


@dataclass(frozen=True)
class Part:
    """One field, decision point or section (by position) as the reader sees it."""

    key: str  # "subject", "point_2", "section_3"
    kind: str  # "field", "point" or "section"
    label: str
    shown: str


def parts_of(text: ProposalText) -> dict[str, Part]:
    """The text's parts in the editor's order: its fields, decision points and sections."""
    labels = {
        "number": _("Registratienummer"),
        "subject": _("Onderwerp"),
        "proposer": _("Indiener"),
        "date": _("Datum"),
        "legal_basis": _("Gelet op"),
        "themes": _("Thema's"),
        "regional_plan": _("Regionaal plan"),
        "advice": _("Voorgesteld advies"),
    }
    plan = text.regional_plan
    shown = {
        "number": text.number,
        "subject": text.subject,
        "proposer": str(Proposer(text.proposer).label) + (f", {text.initiator}" if text.initiator else ""),
        "date": date_format(text.date, "j F Y"),
        "legal_basis": "\n".join(text.legal_basis),
        # Sorted: the same themes ticked are the same, whichever order a page listed them in.
        "themes": ", ".join(sorted(theme.path for theme in text.themes)),
        "regional_plan": "" if plan is None or plan is KEEP_PLAN else str(plan),
        "advice": (
            str(Advice(text.proposed_advice).label)
            # The text of wensen en bedenkingen only counts with that advice (the action drops it otherwise).
            + (f"\n{text.proposed_advice_text}" if text.proposed_advice == Advice.OBJECTIONS else "")
            if text.proposed_advice
            else ""
        ),
    }
    parts = {key: Part(key, "field", str(labels[key]), shown[key]) for key, _names in FIELD_PARTS}
    for number, point in enumerate(text.decision_points, start=1):
        key = f"point_{number}"
        parts[key] = Part(key, "point", _("Beslispunt %(number)s") % {"number": number}, point)
    for number, (heading, body) in enumerate(text.sections, start=1):
        key = f"section_{number}"
        label = _("Onderdeel %(number)s: %(heading)s") % {"number": number, "heading": heading}
        parts[key] = Part(key, "section", label, f"{heading}\n\n{body}")
    return parts


def combine(mine: ProposalText, theirs: ProposalText, take_mine: set[str]) -> ProposalText:
    """`theirs`, with the parts whose keys are in `take_mine` as they are in `mine`.

    Decision points and sections go by position: where the chosen version has no row at
    a position (the other added one), the merged text has none there either.
    """
    merged = dataclasses.replace(theirs)
    for key, names in FIELD_PARTS:
        if key in take_mine:
            for name in names:
                setattr(merged, name, getattr(mine, name))
    merged.decision_points = _combine_rows(mine.decision_points, theirs.decision_points, "point", take_mine)
    merged.sections = _combine_rows(mine.sections, theirs.sections, "section", take_mine)
    return merged


def _combine_rows(mine: list, theirs: list, kind: str, take_mine: set[str]) -> list:
    rows = []
    for index in range(max(len(mine), len(theirs))):
        source = mine if f"{kind}_{index + 1}" in take_mine else theirs
        if index < len(source):
            rows.append(source[index])
    return rows
