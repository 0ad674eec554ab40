"""A proposal's text as a value: what the drafting form delivers, the actions write,
and each revision keeps as one plain document for the history's word diff."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.utils.formats import date_format

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
