"""Search: the words of subject, sections, decision points and advice, ranked and marked;
the public finds only public decisions, a logged-in person also their own municipality's;
the filters narrow; on PostgreSQL Dutch stemming finds a word's other forms."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from raadsvoorstel import actions, search
from raadsvoorstel.models import Proposal, SearchEntry
from tests.conftest import HAMERSTUK, with_state

SIGNED = {
    **HAMERSTUK,
    "signatures": [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ],
}
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Dutch stemming is PostgreSQL's; CI runs this on PostgreSQL"
)


@pytest.fixture
def signed(import_document, bloemendaal_document) -> Proposal:
    return import_document(with_state(bloemendaal_document, "signed", SIGNED))


@pytest.fixture
def other(import_document, bloemendaal_document):
    """`other(number, state, subject, decision=None)`: another Bloemendaal proposal."""

    def make(number: str, state: str = "concept", subject: str = "Verordening afvalstoffen", **changes):
        document = {**bloemendaal_document, "number": number, "regional_plan": None, "subject": subject}
        document.update(changes)
        decision = SIGNED if state == "signed" else None
        return import_document(with_state(document, state, decision) if state != "concept" else document)

    return make


def results(client, **params) -> list[str]:
    page = client.get(reverse("search"), params)
    assert page.status_code == 200
    return [p.number for p in (page.context["page"].object_list if page.context["page"] else [])]


def test_every_write_of_the_text_keeps_the_index_current(concept, griffie):
    assert "kennis te nemen" in SearchEntry.objects.get(proposal=concept).body

    from raadsvoorstel.text import ProposalText

    text = ProposalText.of(concept)
    text.subject = "Fietsenstalling bij het station"
    actions.update_proposal(concept, text, version=concept.version, by=griffie)

    assert SearchEntry.objects.get(proposal=concept).subject == "Fietsenstalling bij het station"


def test_the_public_finds_a_signed_decision_by_a_word_of_its_decision_points(client, signed):
    assert results(client, q="Meerjarenbeleidsplan") == [signed.number]


def test_the_public_never_finds_a_concept_or_a_proposal_before_the_council(client, signed, other):
    other("2023000901", "concept", "Meerjarenbeleidsplan jeugd")
    other("2023000902", "council_advice", "Meerjarenbeleidsplan sport")

    assert results(client, q="Meerjarenbeleidsplan") == [signed.number]


def test_the_public_never_finds_a_decision_of_a_besloten_vergadering(
    client, import_document, bloemendaal_document
):
    closed = {**SIGNED, "meeting_public": False}
    import_document(with_state(bloemendaal_document, "signed", closed))

    assert results(client, q="Meerjarenbeleidsplan") == []


def test_a_griffie_also_finds_its_own_concepts_and_not_anothers(client, griffie, signed, other, make_user):
    concept = other("2023000901", "concept", "Meerjarenbeleidsplan jeugd")
    client.force_login(griffie)

    assert sorted(results(client, q="Meerjarenbeleidsplan")) == sorted([signed.number, concept.number])

    from raadsvoorstel.models import Municipality, Role

    haarlem = make_user(Role.GRIFFIEMEDEWERKER, "haarlem", Municipality.objects.get(code="GM0392"))
    client.force_login(haarlem)
    assert results(client, q="Meerjarenbeleidsplan") == [signed.number]


def test_a_word_in_the_subject_ranks_above_one_in_the_text(client, other):
    in_text = other("2023000910", "signed", "Verordening parkeren", decision_points=["Fietsen stallen."])
    in_subject = other("2023000911", "signed", "Fietsen in het centrum")

    assert results(client, q="fietsen") == [in_subject.number, in_text.number]


def test_the_words_found_are_marked_and_the_rest_escaped(client, other):
    other("2023000920", "signed", "Verordening", decision_points=["<script>alert(1)</script> fietsen mag."])

    page = client.get(reverse("search"), {"q": "fietsen"}).text

    assert "<mark>fietsen</mark>" in page
    # PostgreSQL's headline drops the tags, SQLite's stand-in escapes them: never markup.
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"municipality": "other"}, []),
        ({"state": "rbop_adopted"}, []),
        ({"state": "signed"}, ["2023000853"]),
        ({"since": "2023-08-23"}, []),
        ({"until": "2023-08-22"}, ["2023000853"]),
    ],
)
def test_the_filters_narrow_the_results(client, signed, filters, found):
    from raadsvoorstel.models import Municipality

    if filters.get("municipality") == "other":
        filters = {"municipality": Municipality.objects.get(code="GM0392").pk}
    assert results(client, q="Meerjarenbeleidsplan", **filters) == found


def test_a_period_that_ends_before_it_starts_is_an_error_that_keeps_the_words(client, signed):
    page = client.get(reverse("search"), {"q": "plan", "since": "2024-01-01", "until": "2023-01-01"})

    assert "De einddatum ligt vóór de begindatum." in page.text
    assert 'value="plan"' in page.text and page.context["page"] is None


def test_the_public_may_not_filter_on_a_state_it_cannot_see(client, signed):
    page = client.get(reverse("search"), {"q": "plan", "state": "concept"})
    assert page.context["page"] is None and "geen beschikbare keuze" in page.text


def test_sql_metacharacters_are_just_words(client, signed):
    for text in ["'; DROP TABLE raadsvoorstel_proposal; --", "%", "_", "plan & | ! (", '"']:
        assert client.get(reverse("search"), {"q": text}).status_code == 200
    assert Proposal.objects.filter(pk=signed.pk).exists()


def test_the_snippet_falls_back_to_the_text_around_the_first_hit():
    body = " ".join(f"woord{n}" for n in range(100)) + " fietsen " + " ".join(f"x{n}" for n in range(100))
    headline = search._plain_headline(body, ["fietsen"])

    assert f"{search.START}fietsen{search.STOP}" in headline and headline.startswith("… ")


@on_postgresql
def test_dutch_stemming_finds_another_form_of_the_word(client, other):
    found = other("2023000930", "signed", "Veilige fietsroutes voor scholieren")

    assert results(client, q="veiligheid") == [found.number]  # veilige, veiligheid: "veilig"
    assert results(client, q="scholier") == [found.number]  # scholieren: "scholier"


@on_postgresql
def test_the_index_is_a_gin_index_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'searchentry_vector_gin'")
        assert "USING gin" in cursor.fetchone()[0]
