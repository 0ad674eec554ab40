"""The pydantic description of `raadsvoorstel/1` (schema.py) says what the format is: every
export validates against it, and its fields are the parser's and docs/interchange.md's."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.conf import settings
from pydantic import BaseModel, ValidationError

from raadsvoorstel import interchange, schema
from raadsvoorstel.interchange import InvalidDocuments, dumps, export_proposal, parse_documents
from raadsvoorstel.models import Proposal
from tests.conftest import with_state

FIXTURES = sorted((settings.BASE_DIR / "fixtures" / "proposals").glob("*.json"))
DOCS = settings.BASE_DIR / "docs" / "interchange.md"


def fields_of(model: type[BaseModel]) -> list[str]:
    """The names as they stand in a document ("for", not votes_for)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def exported(proposal: Proposal) -> str:
    return dumps(export_proposal(Proposal.objects.with_document().get(pk=proposal.pk)))


# --- Every export validates ---


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_every_fixture_validates(path):
    schema.RaadsvoorstelDocument.model_validate_json(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_every_fixture_exported_after_import_validates(import_document, path):
    proposal = import_document(json.loads(path.read_text(encoding="utf-8")))

    schema.RaadsvoorstelDocument.model_validate_json(exported(proposal))


def test_a_decision_signed_after_a_roll_call_and_archived_exports_valid(
    concept, sign_after_roll_call, settings, tmp_path, run_tasks
):
    settings.MEDIA_ROOT = tmp_path
    signed = sign_after_roll_call(concept)
    run_tasks()

    document = schema.RaadsvoorstelDocument.model_validate_json(exported(signed))

    assert document.decision.vote.mode == "hoofdelijk"
    assert len(document.decision.vote.members) == 12
    assert document.decision.pdf_sha256


# --- The same fields everywhere ---


def docs_table(heading: str) -> dict[str, str]:
    """The rows (field → rest of the row) of the first table after `heading` in the docs."""
    text = DOCS.read_text(encoding="utf-8")
    after = text[text.index(heading) + len(heading) :]
    rows = {}
    for line in after.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in ("field", "") or set(cells[0]) <= {"-"}:
            continue
        rows[cells[0]] = " ".join(cells[1:])
    return rows


DOCUMENT_ROWS = docs_table("## Fields")
DECISION_ROWS = docs_table("`decision`:")


def test_the_document_fields_are_those_of_the_docs_and_the_parser_in_order():
    assert fields_of(schema.RaadsvoorstelDocument) == list(DOCUMENT_ROWS) == list(interchange.DOCUMENT_FIELDS)


def test_the_decision_fields_are_those_of_the_docs_and_the_parser():
    assert fields_of(schema.DocumentDecision) == list(DECISION_ROWS)
    assert set(fields_of(schema.DocumentDecision)) == set(interchange.DECISION_FIELDS)


@pytest.mark.parametrize(
    ("row", "model"),
    [
        (DOCUMENT_ROWS["municipality"], schema.DocumentMunicipality),
        (DOCUMENT_ROWS["sections"], schema.DocumentSection),
        (DOCUMENT_ROWS["attachments"], schema.DocumentAttachment),
        (DECISION_ROWS["vote"], schema.DocumentVote),
        (DECISION_ROWS["vote"], schema.DocumentMemberVote),
        (DECISION_ROWS["vote"], schema.DocumentExcludedMember),
        (DECISION_ROWS["amendments"], schema.DocumentAmendment),
        (DECISION_ROWS["amendments"], schema.DocumentAmendmentChange),
        (DECISION_ROWS["signatures"], schema.DocumentSignature),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_the_docs_name_every_field_of_each_part(row, model):
    named = set(re.findall(r"[a-z_0-9]+", " ".join(re.findall(r"`([^`]*)`", row))))
    assert set(fields_of(model)) <= named


@pytest.mark.parametrize(
    ("row", "model", "field"),
    [
        (DOCUMENT_ROWS["proposer"], schema.RaadsvoorstelDocument, "proposer"),
        (DOCUMENT_ROWS["state"], schema.RaadsvoorstelDocument, "state"),
        (DECISION_ROWS["result"], schema.DocumentDecision, "result"),
        (DECISION_ROWS["advice"], schema.DocumentDecision, "advice"),
        (DECISION_ROWS["vote"], schema.DocumentVote, "mode"),
        (DECISION_ROWS["amendments"], schema.DocumentAmendment, "result"),
        (DECISION_ROWS["amendments"], schema.DocumentAmendmentChange, "action"),
        (DECISION_ROWS["signatures"], schema.DocumentSignature, "role"),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else "",
)
def test_the_docs_list_the_choices_the_schema_allows(row, model, field):
    allowed = model.model_json_schema()["properties"][field]
    choices = next((option["enum"] for option in allowed.get("anyOf", []) if "enum" in option), None)
    for choice in choices or allowed["enum"]:
        assert f"`{choice}`" in row


# --- Both refuse what the format does not have ---


@pytest.fixture
def rich_document(bloemendaal_document) -> dict:
    """A signed roll call with an amendment, excluded member and substitute: every part."""
    members = [{"name": f"Lid {n}", "party": "Partij", "vote": "voor"} for n in range(12)]
    decision = {
        "meeting_date": "2023-10-05",
        "result": "aangenomen",
        "advice": "geen_wensen_en_bedenkingen",
        "vote": {
            "mode": "hoofdelijk",
            "for": 12,
            "against": 0,
            "members": members,
            "seated": 18,
            "excluded": [{"name": "Lid 99", "party": "Partij"}],
        },
        "meeting_public": False,
        "amendments": [
            {
                "title": "Amendement A",
                "submitters": ["Lid 1"],
                "result": "verworpen",
                "changes": [{"point": 1, "text": "iets anders."}],
            }
        ],
        "signatures": [
            {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06", "as_substitute": True},
            {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-09"},
        ],
        "pdf_sha256": "0" * 64,
    }
    document = with_state({**bloemendaal_document, "number": "2023000999"}, "signed", decision)
    document["attachments"] = [{"title": "Bijlage", "sha256": "1" * 64, "size": 10}]
    return document


def test_the_rich_document_is_valid_to_both(reference_data, rich_document):
    parse_documents([("rijk.json", json.dumps(rich_document))])
    schema.RaadsvoorstelDocument.model_validate_json(json.dumps(rich_document))


@pytest.mark.parametrize(
    "path",
    [
        "",
        "municipality",
        "sections[0]",
        "attachments[0]",
        "decision",
        "decision.vote",
        "decision.vote.members[0]",
        "decision.vote.excluded[0]",
        "decision.amendments[0]",
        "decision.amendments[0].changes[0]",
        "decision.signatures[0]",
    ],
)
def test_an_unknown_field_is_refused_by_both_at_the_same_place(reference_data, rich_document, path):
    document = copy.deepcopy(rich_document)
    part = document
    for step in filter(None, re.split(r"\.|(?=\[)", path)):
        part = part[int(step[1:-1])] if step.startswith("[") else part[step]
    part["onbekend"] = 1

    with pytest.raises(InvalidDocuments) as parser:
        parse_documents([("rijk.json", json.dumps(document))])
    with pytest.raises(ValidationError) as pydantic:
        schema.RaadsvoorstelDocument.model_validate_json(json.dumps(document))

    where = f"{path}.onbekend" if path else "onbekend"
    assert [(e.path, e.reason) for e in parser.value.errors] == [(where, "onbekend veld")]
    assert [e["type"] for e in pydantic.value.errors()] == ["extra_forbidden"]
