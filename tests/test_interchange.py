"""The interchange format `raadsvoorstel/1`: what goes out comes back in, and what is
wrong is refused whole, at its place, with the reason in Dutch."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction

from raadsvoorstel import actions, demo
from raadsvoorstel.interchange import DocumentError, InvalidDocuments, dumps, export_proposal, parse_documents
from raadsvoorstel.models import Proposal, State
from tests.conftest import BLOEMENDAAL_FILE, HAMERSTUK, with_state

Mutation = Callable[[dict], dict]

SIGNATURES = [
    {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
    {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-09"},
]
# A roll call in Bloemendaal's council of 19: 15 take part, 10 for and 5 against.
ROLL_CALL = [
    ("Anne de Vries", "VVD", "voor"),
    ("Bart Smit", "VVD", "voor"),
    ("Carla Bos", "VVD", "voor"),
    ("Daan Mulder", "Liberaal Bloemendaal", "voor"),
    ("Eva de Boer", "Liberaal Bloemendaal", "voor"),
    ("Frank Visser", "D66", "voor"),
    ("Greet Peters", "D66", "voor"),
    ("Hans Hendriks", "CDA", "voor"),
    ("Ilse van Leeuwen", "PvdA", "voor"),
    ("Jan Dekker", "Hart voor Bloemendaal", "voor"),
    ("Karin Brouwer", "GroenLinks", "tegen"),
    ("Luuk de Wit", "GroenLinks", "tegen"),
    ("Mila Dijkstra", "GroenLinks", "tegen"),
    ("Nico Smits", "Hart voor Bloemendaal", "tegen"),
    ("Olga de Graaf", "Hart voor Bloemendaal", "tegen"),
]


def roll_call(members: list[tuple[str, str, str]]) -> dict:
    """A hoofdelijke stemming whose counts are those of its members."""
    return {
        "mode": "hoofdelijk",
        "for": sum(vote == "voor" for _, _, vote in members),
        "against": sum(vote == "tegen" for _, _, vote in members),
        "members": [{"name": name, "party": party, "vote": vote} for name, party, vote in members],
    }


def show_of_hands(votes_for, votes_against) -> dict:
    return {"mode": "handopsteking", "for": votes_for, "against": votes_against}


# --- Mutations of bloemendaal_document, for the tables below ---


def set_at(*path, value) -> Mutation:
    """Set the value at `path` (keys and list indexes) of the document."""

    def mutate(document: dict) -> dict:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return document

    return mutate


def without(*path) -> Mutation:
    """Remove the key at the end of `path`."""

    def mutate(document: dict) -> dict:
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return document

    return mutate


def decided(state: str, **changes) -> Mutation:
    """The document in `state` with Bloemendaal's hamerstuk decision, changed by `changes`."""
    return lambda document: with_state(document, state, {**HAMERSTUK, **changes})


def chain(*mutations: Mutation) -> Mutation:
    def mutate(document: dict) -> dict:
        for mutation in mutations:
            document = mutation(document)
        return document

    return mutate


# --- Helpers ---


def import_files(files: list[tuple[str, str]], *, replace: bool = False) -> list[Proposal]:
    """Parse and store, as the import command does."""
    return actions.import_proposals(parse_documents(files, replace=replace), replace=replace)


def refusal(files: list[tuple[str, str]], *, replace: bool = False) -> list[DocumentError]:
    """The errors for which `files` are refused; asserts that nothing new was stored."""
    count = Proposal.objects.count()
    with pytest.raises(InvalidDocuments) as raised:
        import_files(files, replace=replace)
    assert Proposal.objects.count() == count
    return raised.value.errors


def refusal_of(document, origin: str = "voorstel.json") -> list[DocumentError]:
    return refusal([(origin, json.dumps(document))])


def assert_refused_at(errors: list[DocumentError], path: str, reason: str) -> None:
    """Every error is at `path`, and one of them gives `reason`."""
    assert {error.path for error in errors} == {path}, errors
    assert any(reason in error.reason for error in errors), errors


def exported(proposal: Proposal) -> str:
    return dumps(export_proposal(Proposal.objects.with_document().get(pk=proposal.pk)))


@contextmanager
def forgotten() -> Iterator[None]:
    """Roll back whatever is stored inside, so that the next import meets an empty database.

    A signed proposal cannot be deleted, not even by a bulk delete (the database refuses),
    so another installation is simulated by undoing the first import instead.
    """
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def import_text(text: str) -> Proposal:
    (proposal,) = import_files([("export.json", text)])
    return proposal


# --- Round trips ---


@pytest.fixture
def signed_document(bloemendaal_document) -> dict:
    """A signed decision with everything the format can hold, in the order export writes it."""
    amended_point = (
        "de burgemeester te berichten dat de raad wensen en bedenkingen heeft over de aanpak van "
        "criminele aanwas onder jongeren, zoals verwoord in de bijlage."
    )
    document = with_state(
        bloemendaal_document,
        State.SIGNED,
        {
            "meeting_date": "2023-10-05",
            "result": "aangenomen",
            "advice": "wensen_en_bedenkingen",
            "advice_text": (
                "De raad vraagt aandacht voor:\n\n- preventie bij jongeren\n- de inzet van boa's"
            ),
            "vote": roll_call(ROLL_CALL),
            "amendments": [
                {
                    "title": "Amendement Weerbare jeugd",
                    "submitters": ["Karin Brouwer", "Frank Visser"],
                    "result": "aangenomen",
                    "changes": [{"point": 2, "text": amended_point}],
                }
            ],
            "signatures": SIGNATURES,
        },
    )
    document["decision_points"][1] = amended_point
    document["themes"] = [
        "Ondermijning",
        "Ondermijning/Weerbare jeugd/criminele aanwas",
        "Ondermijning/Mensenhandel",
        "Jeugd en Veiligheid",
    ]
    document["attachments"] = [
        {
            "title": "Concept Integraal Meerjarenbeleidsplan Veiligheid 2024-2027 Eenheid Noord-Holland",
            "sha256": hashlib.sha256(b"IMV 2024-2027").hexdigest(),
            "size": 2_483_112,
        },
        {"title": "Aanbiedingsbrief RBOP"},
    ]
    return document


@pytest.fixture
def rejected_document(bloemendaal_document) -> dict:
    """A proposal the council voted down by show of hands, after rejecting an amendment."""
    return with_state(
        bloemendaal_document,
        State.REJECTED,
        {
            "meeting_date": "2023-10-05",
            "result": "verworpen",
            "advice": None,
            "vote": show_of_hands(6, 11),
            "amendments": [
                {
                    "title": "Amendement Zorg en Veiligheid",
                    "submitters": ["Ilse van Leeuwen"],
                    "result": "verworpen",
                    "changes": [
                        {"point": 1, "text": "kennis te nemen van het concept IMV, met Zorg en Veiligheid;"}
                    ],
                }
            ],
            "signatures": [],
        },
    )


def test_export_of_the_imported_bloemendaal_fixture_is_the_fixture_file_byte_for_byte(concept):
    assert exported(concept).encode("utf-8") == BLOEMENDAAL_FILE.read_bytes()


def test_an_export_imported_into_an_empty_database_exports_the_same(concept, erase_everything):
    first = exported(concept)
    erase_everything()
    demo.load_reference_data()

    second = exported(import_text(first))

    assert second == first


@pytest.mark.parametrize("name", ["signed_document", "rejected_document"])
def test_a_decided_proposal_survives_export_and_import_unchanged(request, import_document, name):
    """Roll call, amendments, signatures, advice, attachments and sub-themes all come back."""
    document = request.getfixturevalue(name)
    with forgotten():
        first = exported(import_document(document))
    assert json.loads(first) == document
    assert not Proposal.objects.exists()

    again = import_text(first)

    assert again.state == document["state"]
    assert exported(again) == first


def test_a_sub_theme_with_a_slash_in_its_name_is_found_by_its_path(import_document, signed_document):
    proposal = import_document(signed_document)

    weerbare_jeugd = proposal.themes.get(name="Weerbare jeugd/criminele aanwas")

    assert weerbare_jeugd.parent.name == "Ondermijning"


def test_a_signed_import_keeps_its_roll_call_in_order(import_document, signed_document):
    proposal = import_document(signed_document)

    members = list(proposal.decision.member_votes.values_list("name", "party", "vote"))

    assert members == ROLL_CALL


# --- Refusals: the text itself ---


def test_malformed_json_is_refused_with_its_line_and_column(reference_data):
    errors = refusal([("kapot.json", '{\n  "format": "raadsvoorstel/1",\n  "number": \n}')])

    assert [(error.origin, error.path) for error in errors] == [("kapot.json", "")]
    assert "geen geldige JSON (regel 4, kolom 1" in errors[0].reason


@pytest.mark.parametrize("text", ['"raadsvoorstel/1"', "42", "null", "true"])
def test_a_top_level_that_is_not_an_object_is_refused(reference_data, text):
    assert_refused_at(refusal([("voorstel.json", text)]), "", "moet een JSON-object zijn")


def test_an_entry_of_a_list_that_is_not_an_object_is_refused_at_its_index(
    reference_data, bloemendaal_document
):
    assert_refused_at(refusal_of([bloemendaal_document, "2023000854"]), "[1]", "moet een JSON-object zijn")


def test_errors_in_a_list_are_prefixed_with_the_index_of_the_document(reference_data, bloemendaal_document):
    second = {**bloemendaal_document, "number": "2023000854", "subject": ""}

    errors = refusal_of([bloemendaal_document, second], origin="batch.json")

    assert [str(error) for error in errors] == ["batch.json: [1].subject: mag niet leeg zijn"]


def test_every_error_in_a_batch_is_reported_not_only_the_first(reference_data, bloemendaal_document):
    first = {**bloemendaal_document, "proposer": "wethouder"}
    second = {**bloemendaal_document, "number": "2023000854", "date": "22-08-2023"}

    errors = refusal([("a.json", json.dumps(first)), ("b.json", json.dumps(second))])

    assert [(error.origin, error.path) for error in errors] == [("a.json", "proposer"), ("b.json", "date")]


# --- Refusals: one field at a time ---

LONG_NUMBER = "2" * 41

BAD_FIELDS = [
    pytest.param(
        set_at("format", value="raadsvoorstel/2"), "format", "moet raadsvoorstel/1 zijn", id="format"
    ),
    pytest.param(set_at("number", value=2023000853), "number", "moet een tekst zijn", id="number-as-int"),
    pytest.param(
        set_at("decision_points", value="kennis te nemen van het IMV"),
        "decision_points",
        "moet een lijst zijn",
        id="decision-points-as-string",
    ),
    pytest.param(set_at("sections", value={}), "sections", "moet een lijst zijn", id="sections-as-object"),
    pytest.param(
        set_at("proposer", value="wethouder"), "proposer", "moet een van burgemeester", id="proposer"
    ),
    pytest.param(set_at("state", value="vastgesteld"), "state", "moet een van concept", id="state"),
    pytest.param(set_at("onderwerp", value="IMV"), "onderwerp", "onbekend veld", id="unknown-top-level"),
    pytest.param(
        set_at("municipality", "provincie", value="Noord-Holland"),
        "municipality.provincie",
        "onbekend veld",
        id="unknown-in-municipality",
    ),
    pytest.param(
        set_at("sections", 0, "subheading", value="Aanleiding"),
        "sections[0].subheading",
        "onbekend veld",
        id="unknown-in-section",
    ),
    pytest.param(without("subject"), "subject", "ontbreekt", id="missing-subject"),
    pytest.param(without("municipality"), "municipality", "ontbreekt", id="missing-municipality"),
    pytest.param(without("decision"), "decision", "ontbreekt", id="missing-decision"),
    pytest.param(without("sections", 0, "body"), "sections[0].body", "ontbreekt", id="missing-section-body"),
    pytest.param(
        set_at("municipality", "code", value="GM9999"),
        "municipality.code",
        "onbekende gemeente GM9999",
        id="unknown-municipality",
    ),
    pytest.param(
        set_at("municipality", "name", value="Heemstede"),
        "municipality.name",
        "GM0377 is Bloemendaal, niet Heemstede",
        id="name-not-of-code",
    ),
    pytest.param(
        set_at("municipality", "code", value="GM377"), "municipality.code", "CBS-code", id="cbs-code-short"
    ),
    pytest.param(
        set_at("municipality", "code", value="XX0377"), "municipality.code", "CBS-code", id="cbs-code-prefix"
    ),
    pytest.param(
        set_at("municipality", "code", value=377), "municipality.code", "CBS-code", id="cbs-code-as-int"
    ),
    pytest.param(
        set_at("themes", value=["Ondermijning", "Verkeersveiligheid"]),
        "themes[1]",
        "onbekend thema Verkeersveiligheid",
        id="unknown-theme",
    ),
    pytest.param(
        set_at("themes", value=["Ondermijning/Weerbare jeugd"]),
        "themes[0]",
        "onbekend thema Ondermijning/Weerbare jeugd",
        id="half-a-sub-theme-with-a-slash",
    ),
    pytest.param(
        set_at("themes", value=["Ondermijning", "Jeugd en Veiligheid", "Ondermijning"]),
        "themes[2]",
        "thema Ondermijning staat er al",
        id="duplicate-theme",
    ),
    pytest.param(
        set_at("regional_plan", value="imv-nh-2019-2022"),
        "regional_plan",
        "onbekend regionaal plan imv-nh-2019-2022",
        id="unknown-regional-plan",
    ),
    pytest.param(
        set_at("subject", value="x" * 301),
        "subject",
        "is 301 tekens lang; ten hoogste 300 toegestaan",
        id="subject-301",
    ),
    pytest.param(
        set_at("number", value=LONG_NUMBER),
        "number",
        "is 41 tekens lang; ten hoogste 40 toegestaan",
        id="number-41",
    ),
    pytest.param(
        set_at("sections", 0, "heading", value="x" * 201),
        "sections[0].heading",
        "is 201 tekens lang; ten hoogste 200 toegestaan",
        id="heading-201",
    ),
    pytest.param(set_at("subject", value="   "), "subject", "mag niet leeg zijn", id="blank-subject"),
    pytest.param(
        set_at("decision_points", 1, value=""), "decision_points[1]", "mag niet leeg zijn", id="empty-point"
    ),
    pytest.param(
        set_at("date", value="2023-02-30"), "date", "2023-02-30 is geen bestaande datum", id="date-feb-30"
    ),
    pytest.param(
        set_at("date", value="22-08-2023"),
        "date",
        "moet een datum zijn als 2023-08-22",
        id="date-dutch-order",
    ),
    pytest.param(set_at("date", value=20230822), "date", "moet een datum zijn", id="date-as-int"),
    pytest.param(
        set_at("attachments", 0, "sha256", value="AB" * 32),
        "attachments[0].sha256",
        "64 hexadecimale tekens",
        id="sha256-upper-case",
    ),
    pytest.param(
        set_at("attachments", 0, "size", value=-1),
        "attachments[0].size",
        "geheel getal van 0 of meer",
        id="negative-size",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), BAD_FIELDS)
def test_a_bad_field_is_refused_at_its_path_and_nothing_is_stored(
    reference_data, bloemendaal_document, mutate, path, reason
):
    assert_refused_at(refusal_of(mutate(bloemendaal_document)), path, reason)


# --- Refusals: a document incomplete or inconsistent for its state ---

BAD_DECISIONS = [
    pytest.param(
        lambda document: with_state(document, State.ADVISED, None),
        "decision",
        "ontbreekt; vereist bij status advised",
        id="no-decision-at-advised",
    ),
    pytest.param(
        lambda document: with_state(document, State.SIGNED, None),
        "decision",
        "vereist bij status signed",
        id="no-decision-at-signed",
    ),
    pytest.param(
        lambda document: with_state(document, State.CONCEPT, HAMERSTUK),
        "decision",
        "hoort niet bij een voorstel met status concept",
        id="decision-at-concept",
    ),
    pytest.param(
        lambda document: with_state(document, State.COUNCIL_ADVICE, HAMERSTUK),
        "decision",
        "hoort niet bij een voorstel met status council_advice",
        id="decision-at-council-advice",
    ),
    pytest.param(
        decided(State.SIGNED, signatures=SIGNATURES[:1]),
        "decision.signatures",
        "voorzitter en griffier beiden getekend",
        id="one-signature-at-signed",
    ),
    pytest.param(
        decided(State.RBOP_ADOPTED, signatures=SIGNATURES[1:]),
        "decision.signatures",
        "voorzitter en griffier beiden getekend",
        id="one-signature-at-rbop-adopted",
    ),
    pytest.param(
        decided(State.ADVISED, signatures=SIGNATURES),
        "decision.signatures",
        "met beide handtekeningen is de status signed",
        id="two-signatures-at-advised",
    ),
    pytest.param(
        decided(State.REJECTED, result="verworpen", vote=show_of_hands(5, 12), signatures=SIGNATURES[:1]),
        "decision.signatures",
        "een verworpen voorstel wordt niet ondertekend",
        id="signature-at-rejected",
    ),
    pytest.param(
        decided(State.ADVISED, signatures=[SIGNATURES[0], SIGNATURES[0]]),
        "decision.signatures[1].role",
        "de voorzitter heeft al getekend",
        id="voorzitter-signs-twice",
    ),
    pytest.param(
        chain(decided(State.ADVISED), set_at("decision_points", value=[])),
        "decision_points",
        "ten minste één beslispunt",
        id="no-decision-points-at-advised",
    ),
    pytest.param(
        chain(set_at("state", value=State.COUNCIL_ADVICE), set_at("decision_points", value=[])),
        "decision_points",
        "ten minste één beslispunt",
        id="no-decision-points-at-council-advice",
    ),
    pytest.param(
        chain(decided(State.RBOP_ADOPTED, signatures=SIGNATURES), set_at("regional_plan", value=None)),
        "regional_plan",
        "hoort bij een regionaal plan",
        id="rbop-adopted-without-regional-plan",
    ),
    pytest.param(
        decided(State.ADVISED, result="verworpen", vote=show_of_hands(5, 12)),
        "decision.result",
        "bij status advised moet de uitslag aangenomen zijn",
        id="rejection-at-advised",
    ),
    pytest.param(
        decided(State.REJECTED, result="aangenomen", vote=show_of_hands(12, 5)),
        "decision.result",
        "bij status rejected moet de uitslag verworpen zijn",
        id="adoption-at-rejected",
    ),
    pytest.param(
        decided(State.ADVISED, advice="wensen_en_bedenkingen"),
        "decision.advice_text",
        "vereist bij wensen_en_bedenkingen",
        id="wensen-en-bedenkingen-without-text",
    ),
    pytest.param(
        decided(State.ADVISED, advice="wensen_en_bedenkingen", advice_text=" \n "),
        "decision.advice_text",
        "vereist bij wensen_en_bedenkingen",
        id="wensen-en-bedenkingen-with-blank-text",
    ),
    pytest.param(
        decided(State.ADVISED, advice_text="Geen opmerkingen."),
        "decision.advice_text",
        "hoort alleen bij wensen_en_bedenkingen",
        id="advice-text-without-wensen-en-bedenkingen",
    ),
    pytest.param(
        decided(State.ADVISED, advice="zienswijze"),
        "decision.advice",
        "moet een van geen_wensen_en_bedenkingen",
        id="unknown-advice",
    ),
    pytest.param(
        decided(State.ADVISED, notulen="zie bijlage"),
        "decision.notulen",
        "onbekend veld",
        id="unknown-in-decision",
    ),
    pytest.param(
        chain(decided(State.ADVISED), without("decision", "meeting_date")),
        "decision.meeting_date",
        "ontbreekt",
        id="missing-meeting-date",
    ),
    pytest.param(
        decided(State.ADVISED, meeting_date="2023-08-01"),
        "decision.meeting_date",
        "de vergadering ligt vóór de datum van het voorstel",
        id="meeting-before-proposal",
    ),
    pytest.param(
        decided(State.ADVISED, meeting_date="2023-10-32"),
        "decision.meeting_date",
        "2023-10-32 is geen bestaande datum",
        id="meeting-on-october-32",
    ),
    pytest.param(
        decided(
            State.SIGNED,
            signatures=[{**SIGNATURES[0], "date": "2023-10-04"}, SIGNATURES[1]],
        ),
        "decision.signatures[0].date",
        "getekend vóór de vergadering waarin werd besloten",
        id="signature-before-meeting",
    ),
    pytest.param(
        decided(
            State.ADVISED,
            amendments=[
                {
                    "title": "Amendement beslispunt 3",
                    "submitters": ["Karin Brouwer"],
                    "result": "verworpen",
                    "changes": [{"point": 3, "text": "een derde beslispunt"}],
                }
            ],
        ),
        "decision.amendments[0].changes[0].point",
        "moet een beslispunt van 1 tot en met 2 zijn",
        id="amendment-of-point-3-of-2",
    ),
    pytest.param(
        decided(
            State.ADVISED,
            amendments=[
                {
                    "title": "Amendement zonder indiener",
                    "submitters": [],
                    "result": "verworpen",
                    "changes": [{"point": 1, "text": "iets anders"}],
                }
            ],
        ),
        "decision.amendments[0].submitters",
        "ten minste één indiener",
        id="amendment-without-submitters",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), BAD_DECISIONS)
def test_a_document_incomplete_or_inconsistent_for_its_state_is_refused(
    reference_data, bloemendaal_document, mutate, path, reason
):
    assert_refused_at(refusal_of(mutate(bloemendaal_document)), path, reason)


# --- Refusals: a vote that cannot be true (Gemeentewet art. 29, 30 and 32) ---

BAD_VOTES = [
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands("12", 3)),
        "decision.vote.for",
        "moet een geheel getal van 0 of meer zijn",
        id="for-as-string",
    ),
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands(True, 3)),
        "decision.vote.for",
        "moet een geheel getal van 0 of meer zijn",
        id="for-as-true",
    ),
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands(12.0, 3)),
        "decision.vote.for",
        "moet een geheel getal van 0 of meer zijn",
        id="for-as-float",
    ),
    pytest.param(
        decided(State.ADVISED, vote={"mode": "handopsteking", "for": 12}),
        "decision.vote.against",
        "ontbreekt",
        id="show-of-hands-without-against",
    ),
    pytest.param(
        decided(State.ADVISED, vote={"mode": "bij acclamatie"}),
        "decision.vote.mode",
        "moet een van hamerstuk, handopsteking, hoofdelijk zijn",
        id="unknown-mode",
    ),
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands(15, 5)),
        "decision.vote",
        "Er zijn 20 stemmen uitgebracht, maar 19 leden met zitting mochten stemmen.",
        id="more-votes-than-seats",
    ),
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands(6, 3)),
        "decision.vote",
        "Er hebben 9 leden gestemd; van de 19 leden met zitting die mochten stemmen moeten dat er "
        "ten minste 10 zijn (art. 29).",
        id="9-of-19-taking-part",
    ),
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands(8, 8)),
        "decision.vote",
        "Bij staking van stemmen is een voorstel niet aangenomen (art. 32).",
        id="tie-marked-aangenomen",
    ),
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands(7, 10)),
        "decision.vote",
        "Met 7 stemmen voor en 10 tegen is het voorstel niet aangenomen (art. 30).",
        id="minority-marked-aangenomen",
    ),
    pytest.param(
        decided(State.REJECTED, result="verworpen", vote=show_of_hands(10, 7)),
        "decision.vote",
        "Met 10 stemmen voor en 7 tegen is het voorstel aangenomen (art. 30).",
        id="majority-marked-verworpen",
    ),
    pytest.param(
        decided(State.REJECTED, result="verworpen"),
        "decision.vote",
        "Een hamerstuk is aangenomen",
        id="hamerstuk-marked-verworpen",
    ),
    pytest.param(
        decided(State.ADVISED, vote={"mode": "hamerstuk", "for": 19}),
        "decision.vote.for",
        "hoort niet bij een hamerstuk",
        id="hamerstuk-with-counts",
    ),
    pytest.param(
        decided(State.ADVISED, vote={**show_of_hands(10, 5), "members": []}),
        "decision.vote.members",
        "hoort alleen bij een hoofdelijke stemming",
        id="show-of-hands-with-members",
    ),
    pytest.param(
        decided(State.ADVISED, vote=show_of_hands(10, 5) | {"mode": "hoofdelijk"}),
        "decision.vote.members",
        "ontbreekt; vereist bij een hoofdelijke stemming",
        id="roll-call-without-members",
    ),
    pytest.param(
        decided(State.ADVISED, vote=roll_call(ROLL_CALL) | {"for": 11}),
        "decision.vote.for",
        "is 11, maar 10 leden stemden voor",
        id="roll-call-for-not-its-members",
    ),
    pytest.param(
        decided(State.ADVISED, vote=roll_call(ROLL_CALL) | {"against": 4}),
        "decision.vote.against",
        "is 4, maar 5 leden stemden tegen",
        id="roll-call-against-not-its-members",
    ),
    pytest.param(
        decided(State.ADVISED, vote=roll_call([*ROLL_CALL, ("Anne de Vries", "VVD", "voor")])),
        "decision.vote.members[15].name",
        "Anne de Vries heeft al gestemd",
        id="member-votes-twice",
    ),
    pytest.param(
        decided(
            State.ADVISED,
            vote=roll_call([*ROLL_CALL[:-1], ("Olga de Graaf", "Hart voor Bloemendaal", "blanco")]),
        ),
        "decision.vote.members[14].vote",
        "moet een van voor, tegen zijn",
        id="member-votes-blanco",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "reason"), BAD_VOTES)
def test_a_vote_that_cannot_be_true_is_refused(reference_data, bloemendaal_document, mutate, path, reason):
    assert_refused_at(refusal_of(mutate(bloemendaal_document)), path, reason)


@pytest.mark.parametrize(
    ("state", "result", "votes_for", "votes_against"),
    [
        pytest.param(State.REJECTED, "verworpen", 9, 9, id="tie-marked-verworpen"),
        pytest.param(State.ADVISED, "aangenomen", 6, 4, id="exactly-10-of-19-taking-part"),
        pytest.param(State.ADVISED, "aangenomen", 10, 9, id="all-19-taking-part"),
        pytest.param(State.ADVISED, "aangenomen", 19, 0, id="unanimous"),
    ],
)
def test_a_vote_the_law_allows_is_accepted(
    import_document, bloemendaal_document, state, result, votes_for, votes_against
):
    """A tie recorded as rejected is accepted: it is the law's answer in a full meeting."""
    document = decided(state, result=result, vote=show_of_hands(votes_for, votes_against))(
        bloemendaal_document
    )

    proposal = import_document(document)

    assert proposal.state == state
    assert (proposal.decision.votes_for, proposal.decision.votes_against) == (votes_for, votes_against)


def test_texts_at_their_greatest_length_are_accepted(import_document, bloemendaal_document):
    document = copy.deepcopy(bloemendaal_document)
    document["subject"] = "s" * 300
    document["number"] = "n" * 40
    document["sections"][0]["heading"] = "h" * 200

    proposal = import_document(document)

    assert (len(proposal.subject), len(proposal.number)) == (300, 40)


def test_a_wensen_en_bedenkingen_advice_with_its_text_is_stored(import_document, bloemendaal_document):
    document = decided(State.ADVISED, advice="wensen_en_bedenkingen", advice_text="Let op de jeugd.")(
        bloemendaal_document
    )

    proposal = import_document(document)

    assert (proposal.decision.advice, proposal.decision.advice_text) == (
        "wensen_en_bedenkingen",
        "Let op de jeugd.",
    )


# --- Refusals: numbers that are taken ---


def test_a_number_twice_in_one_file_is_refused_at_the_second(reference_data, bloemendaal_document):
    errors = refusal_of([bloemendaal_document, bloemendaal_document], origin="batch.json")

    assert [error.origin for error in errors] == ["batch.json"]
    assert_refused_at(errors, "[1].number", "nummer 2023000853 staat ook in batch.json[0]")


def test_a_number_in_two_files_is_refused_in_the_second(reference_data, bloemendaal_document):
    text = json.dumps(bloemendaal_document)

    errors = refusal([("a.json", text), ("b.json", text)])

    assert [error.origin for error in errors] == ["b.json"]
    assert_refused_at(errors, "number", "nummer 2023000853 staat ook in a.json")


def test_a_number_already_stored_is_refused_without_replace(concept, bloemendaal_document):
    bloemendaal_document["subject"] = "Een ander onderwerp"

    errors = refusal_of(bloemendaal_document)

    assert_refused_at(errors, "number", "Bloemendaal heeft al een voorstel 2023000853 (gebruik --replace")
    concept.refresh_from_db()
    assert concept.subject == "Veiligheidsbeleid 2024-2027 van de Eenheid Noord-Holland"


def test_replace_gives_a_stored_concept_the_document_in_its_place(concept, bloemendaal_document):
    bloemendaal_document["subject"] = "Veiligheidsbeleid 2024-2027, herzien"
    bloemendaal_document["decision_points"] = ["kennis te nemen van het herziene IMV."]

    (replaced,) = import_files([("voorstel.json", json.dumps(bloemendaal_document))], replace=True)

    assert Proposal.objects.get() == replaced
    assert replaced.subject == "Veiligheidsbeleid 2024-2027, herzien"
    assert [point.text for point in replaced.decision_points.all()] == [
        "kennis te nemen van het herziene IMV."
    ]


def test_replace_refuses_to_replace_a_proposal_past_concept(import_document, bloemendaal_document):
    stored = import_document(decided(State.ADVISED)(bloemendaal_document))

    errors = refusal([("voorstel.json", json.dumps(bloemendaal_document))], replace=True)

    assert_refused_at(errors, "number", "het opgeslagen voorstel 2023000853 is niet meer in concept")
    stored.refresh_from_db()
    assert stored.state == State.ADVISED
    assert stored.decision.vote_mode == "hamerstuk"


def test_a_refused_batch_stores_not_even_its_good_documents(reference_data, bloemendaal_document):
    good = {**bloemendaal_document, "number": "2023000854"}
    bad = {**bloemendaal_document, "number": "2023000855", "themes": ["Verkeersveiligheid"]}

    errors = refusal([("goed.json", json.dumps(good)), ("fout.json", json.dumps(bad))])

    assert [str(error) for error in errors] == ["fout.json: themes[0]: onbekend thema Verkeersveiligheid"]
    assert not Proposal.objects.exists()


# --- Bad input that gets past the parser ---


def test_an_attachment_size_beyond_what_can_be_stored_is_refused_at_its_path(
    reference_data, bloemendaal_document
):
    bloemendaal_document["attachments"][0]["size"] = 10**20

    assert_refused_at(refusal_of(bloemendaal_document), "attachments[0].size", "")


def test_json_nested_too_deeply_is_refused_as_an_error_of_the_file(reference_data):
    errors = refusal([("diep.json", "[" * 100_000 + "]" * 100_000)])

    assert [(error.origin, error.path) for error in errors] == [("diep.json", "")]


def test_a_field_given_twice_in_one_object_is_refused_not_silently_overwritten(reference_data):
    text = '{"format": "raadsvoorstel/1", "number": "1", "number": "2"}'
    errors = refusal([("dubbel.json", text)])
    assert [str(error) for error in errors] == [
        "dubbel.json: het veld number staat twee keer in hetzelfde object"
    ]


def test_an_empty_list_is_refused_as_a_file_without_proposals(reference_data):
    errors = refusal([("leeg.json", "[]")])
    assert [str(error) for error in errors] == ["leeg.json: de lijst bevat geen voorstellen"]


def test_a_date_in_digits_of_another_script_is_no_iso_date(reference_data, bloemendaal_document):
    bloemendaal_document["date"] = "２０２３-08-22"
    assert_refused_at(refusal_of(bloemendaal_document), "date", "moet een datum zijn als 2023-08-22")


def test_a_cbs_code_in_digits_of_another_script_is_refused(reference_data, bloemendaal_document):
    bloemendaal_document["municipality"]["code"] = "GM０３７７"
    assert_refused_at(refusal_of(bloemendaal_document), "municipality.code", "CBS-code")


# --- The optional fields of the council procedure ---


def test_a_document_with_every_optional_field_round_trips(reference_data, bloemendaal_document):
    """seated and excluded (art. 28/29), the order of the call, a besloten vergadering, and
    amendments that insert, delete and lapse: exported exactly as imported."""
    points = bloemendaal_document["decision_points"]
    members = [(f"Lid {n:02}", "Partij", "voor" if n < 9 else "tegen") for n in range(14)]
    decision = {
        "meeting_date": "2023-10-05",
        "result": "aangenomen",
        "advice": None,
        "vote": {**roll_call(members), "seated": 17, "excluded": [{"name": "Lid 20", "party": "Partij"}]},
        "amendments": [
            {
                "title": "Erbij",
                "submitters": ["Lid 01"],
                "result": "aangenomen",
                "changes": [{"point": 2, "action": "insert", "text": points[1]}],
            },
            {
                "title": "Eraf",
                "submitters": ["Lid 02"],
                "result": "aangenomen",
                "changes": [{"point": 3, "action": "delete"}],
            },
            {
                "title": "Anders",
                "submitters": ["Lid 03"],
                "result": "vervallen",
                "changes": [{"point": 2, "text": "iets."}],
            },
        ],
        "signatures": [],
        "meeting_public": False,
    }
    document = with_state({**bloemendaal_document, "regional_plan": None}, "advised", decision)
    text = dumps(document)

    with forgotten():
        proposal = import_text(text)
        assert (proposal.decision.seated, proposal.decision.excluded) == (17, [["Lid 20", "Partij"]])
        assert [m.name for m in proposal.decision.member_votes.all()] == [name for name, _p, _v in members]
        assert exported(proposal) == text


@pytest.mark.parametrize(
    ("vote", "path", "reason"),
    [
        ({**show_of_hands(10, 0), "seated": 20}, "decision.vote.seated", "dan de raad zetels heeft (19)"),
        (
            {**show_of_hands(8, 0), "seated": 17, "excluded": [{"name": "A", "party": "B"}]},
            "decision.vote",
            "ten minste 9",
        ),
        (
            {**roll_call([("A", "B", "voor")] * 1), "excluded": [{"name": "A", "party": "B"}]},
            "decision.vote",
            "A is uitgesloten (art. 28) en stemt niet",
        ),
    ],
    ids=[
        "more seated than seats",
        "too few of those with zitting and not excluded",
        "an excluded member voted",
    ],
)
def test_the_vote_is_checked_on_those_with_zitting_less_the_excluded(
    reference_data, bloemendaal_document, vote, path, reason
):
    errors = refusal_of(with_state(bloemendaal_document, "advised", {**HAMERSTUK, "vote": vote}))
    assert any(error.path.startswith(path) and reason in error.reason for error in errors), errors


def test_a_struck_point_has_no_text(reference_data, bloemendaal_document):
    amendments = [
        {
            "title": "Eraf",
            "submitters": ["X"],
            "result": "aangenomen",
            "changes": [{"point": 1, "action": "delete", "text": "x"}],
        }
    ]
    errors = refusal_of(with_state(bloemendaal_document, "advised", {**HAMERSTUK, "amendments": amendments}))
    assert_refused_at(
        errors, "decision.amendments[0].changes[0].text", "een geschrapt beslispunt heeft geen tekst"
    )
