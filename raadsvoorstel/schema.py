"""The interchange format `raadsvoorstel/1` as pydantic models: its one machine-readable
description, which the API publishes in its OpenAPI document (`/api/v1/openapi.json`).

What a document looks like is said here; whether it may be stored is `interchange.py`'s to
decide. Its parser keeps its own checks and Dutch messages (each with the path where it
found the problem), and adds the rules a shape cannot say: a theme or plan that must exist,
a number not yet used, the Gemeentewet's vote counts, what each state requires. These
models do not replace it. The tests keep the three in step: every export validates against
`RaadsvoorstelDocument`, and the field lists here, in the parser and in docs/interchange.md agree.

The choices are taken from the models' own enums, so a new state or vote mode cannot be
missed here.
"""

import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .amendments import ACTIONS
from .models import Advice, Ballot, Proposer, Result, SignatureRole, State, VoteMode

__all__ = [
    "FORMAT",
    "DocumentAmendment",
    "DocumentAmendmentChange",
    "DocumentAttachment",
    "DocumentDecision",
    "DocumentExcludedMember",
    "DocumentMemberVote",
    "DocumentMunicipality",
    "DocumentSection",
    "DocumentSignature",
    "DocumentVote",
    "RaadsvoorstelDocument",
]

# Pydantic's annotations are evaluated when the classes are made: no `from __future__ import
# annotations` here.

FORMAT = "raadsvoorstel/1"


def _one_of(*values: str) -> Any:
    return Literal[values]  # type: ignore[valid-type]


def _optional(description: str, **constraints) -> Any:
    """A field that may be left out (an export leaves it out at its default) but is never
    null: absent is the default, and the schema says so without claiming `null` is allowed."""
    return Field(default=None, description=description, json_schema_extra=_without_default, **constraints)


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


def _text(max_length: int | None = None) -> Any:
    # The parser refuses text that is empty or only whitespace.
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length, pattern=r"\S")]


SHA256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, Field(ge=0, le=32767)]


class _Part(BaseModel):
    # Unknown fields are refused, as the parser refuses them; no type is coerced.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class DocumentMunicipality(_Part):
    code: Annotated[str, StringConstraints(pattern=r"^GM[0-9]{4}$")] = Field(
        description="CBS code: GM and four digits, e.g. GM0377."
    )
    name: _text() = Field(description="The municipality's name as known for that code, e.g. Bloemendaal.")


class DocumentSection(_Part):
    heading: _text(200) = Field(description="1-200 characters.")
    body: str = Field(
        description="Plain text: paragraphs separated by a blank line; a line starting with "
        "`- ` is a list item. No HTML: markup is text."
    )


class DocumentAttachment(_Part):
    title: _text(300)
    sha256: SHA256 = _optional("Export only: the SHA-256 of the stored file.")
    size: Annotated[int, Field(ge=0, le=2**63 - 1)] = _optional(
        "Export only: the stored file's size in bytes."
    )


class DocumentMemberVote(_Part):
    name: _text(200)
    party: _text(200)
    vote: _one_of(*Ballot.values)


class DocumentExcludedMember(_Part):
    name: _text(200)
    party: _text(200)


class DocumentVote(_Part):
    mode: _one_of(*VoteMode.values)
    votes_for: Count = _optional("Votes for; absent for a hamerstuk.", alias="for")
    against: Count = _optional("Votes against; absent for a hamerstuk.")
    members: list[DocumentMemberVote] = _optional(
        "For `hoofdelijk` only: each member in the order called, the first drawn by lot."
    )
    seated: Count = _optional(
        "Members who had zitting that day, where fewer than the seats (default: the seats)."
    )
    excluded: list[DocumentExcludedMember] = _optional(
        "Members who had to refrain under Gemeentewet art. 28 (default: none)."
    )


class DocumentAmendmentChange(_Part):
    point: Annotated[int, Field(ge=1)] = Field(
        description="The decision point's number as the points stood when the amendment was voted on."
    )
    action: _one_of(*ACTIONS) = _optional("`replace` (the default), `insert` or `delete`.")
    text: _text() = _optional("The point's new text; absent for `delete`.")


class DocumentAmendment(_Part):
    title: _text(300)
    submitters: list[_text(200)] = Field(min_length=1)
    result: _one_of(*Result.values)
    changes: list[DocumentAmendmentChange] = Field(min_length=1)


class DocumentSignature(_Part):
    role: _one_of(*SignatureRole.values)
    name: _text(200)
    date: datetime.date = Field(description="On or after the meeting, not in the future.")
    as_substitute: bool = _optional(
        "True for the waarnemend voorzitter or plaatsvervangend griffier (default false)."
    )


class DocumentDecision(_Part):
    meeting_date: datetime.date = Field(description="The council meeting; not before the proposal's date.")
    result: _one_of(Result.AANGENOMEN.value, Result.VERWORPEN.value) = Field(
        description="`verworpen` exactly when the state is `rejected`."
    )
    advice: _one_of(*Advice.values) | None = Field(
        description="The advice a consultation asked for, or null where none was asked."
    )
    advice_text: str = _optional("Required, non-empty, when advice is `wensen_en_bedenkingen`.")
    vote: DocumentVote
    meeting_public: bool = _optional("False for a besloten vergadering (Gemeentewet art. 23 lid 2).")
    amendments: list[DocumentAmendment] = _optional(
        "An adopted amendment's changes are in `decision_points` already."
    )
    signatures: list[DocumentSignature] = _optional("Voorzitter and griffier; both from `signed` on.")
    pdf_sha256: SHA256 = _optional("Export only: the SHA-256 of the archived, signed raadsbesluit PDF.")


class RaadsvoorstelDocument(_Part):
    """One proposal with everything that happened to it (docs/interchange.md)."""

    format: Literal["raadsvoorstel/1"]
    municipality: DocumentMunicipality
    number: _text(40) = Field(description="Unique within the municipality.")
    subject: _text(300)
    proposer: _one_of(*Proposer.values)
    date: datetime.date
    legal_basis: list[_text(500)] = Field(description="The “gelet op” clauses, in order; may be empty.")
    sections: list[DocumentSection]
    decision_points: list[_text()] = Field(
        description="In order, numbered 1, 2, … in every rendering; at least one to leave `concept`."
    )
    themes: list[_text()] = Field(description="A theme, or `theme/subtheme`; each must exist.")
    regional_plan: str | None = Field(description="The code of the regional plan this proposal answers.")
    attachments: list[DocumentAttachment]
    state: _one_of(*State.values)
    decision: DocumentDecision | None = Field(
        description="Null for a concept; required from `advised` on, and for `rejected`."
    )
