"""The history's word diff and text versions."""

import pytest

from raadsvoorstel import actions
from raadsvoorstel.history import revisions_with_changes, word_diff
from raadsvoorstel.text import ProposalText


def marked(old: str, new: str) -> str:
    marks = {"equal": "{}", "insert": "[+{}]", "delete": "[-{}]"}
    return "".join(marks[change.op].format(change.text) for change in word_diff(old, new))


def test_a_changed_word_is_marked_removed_and_added():
    assert marked("de raad besluit", "de raad beslist") == "de raad [-besluit][+beslist]"


def test_white_space_and_line_breaks_survive_the_diff():
    old, new = "eerste regel\n\ntweede  regel", "eerste regel\n\nderde  regel"
    changes = word_diff(old, new)
    assert "".join(c.text for c in changes if c.op != "insert") == old
    assert "".join(c.text for c in changes if c.op != "delete") == new


def test_a_long_text_diffs_word_by_word():
    """A proposal of 3,000 words with a change every hundred words still diffs exactly."""
    words = [f"woord{n}" for n in range(3000)]
    changed = [f"ander{n}" if n % 100 == 0 else word for n, word in enumerate(words)]
    changes = word_diff(" ".join(words), " ".join(changed))
    assert sum(change.op == "insert" for change in changes) == 30


@pytest.mark.django_db
def test_each_saved_version_is_listed_newest_first_with_its_changes(concept, griffie):
    text = ProposalText.of(concept)
    text.subject = "Veiligheidsbeleid, herzien"
    actions.update_proposal(concept, text, version=concept.version, by=griffie)

    newest, first = revisions_with_changes(concept)

    assert (newest.revision.version, first.revision.version) == (2, 1)
    assert newest.revision.saved_by == griffie
    assert [c.text.strip() for c in newest.changes if c.op == "insert"] == ["Veiligheidsbeleid, herzien"]


# --- Line endings: stored as \n on every path ---


def test_crlf_and_lf_differ_only_where_the_words_do():
    old = "Eerste alinea.\r\n\r\nTweede alinea met een woord."
    new = "Eerste alinea.\n\nTweede alinea met een ander woord."
    assert marked(old, new) == "Eerste alinea.\n\nTweede alinea met een [+ander ]woord."


@pytest.mark.django_db
def test_a_browser_save_with_crlf_stores_newlines_and_the_history_marks_one_word(client, concept, griffie):
    from django.urls import reverse

    from tests.test_views import editor_data

    client.force_login(griffie)
    section = concept.sections.first()
    body = section.body.replace("\n", "\r\n").replace("Eenheid", "Politie-eenheid", 1)
    data = editor_data(concept, **{"sections-TOTAL_FORMS": "1", "sections-0-heading": section.heading})
    data["sections-0-body"] = body
    data["points-TOTAL_FORMS"] = str(concept.decision_points.count())
    for n, point in enumerate(concept.decision_points.all()):
        data[f"points-{n}-text"] = point.text.replace(" ", " \r\n", 1)
        data[f"points-{n}-ORDER"] = str(n + 1)
    assert client.post(reverse("proposal_edit", args=[concept.pk]), data).status_code == 302

    stored = concept.sections.first().body
    assert "\r" not in stored and stored == body.replace("\r\n", "\n")
    assert all("\r" not in point.text for point in concept.decision_points.all())
    latest = revisions_with_changes(concept)[0]
    inserted = [change.text for change in latest.changes if change.op == "insert"]
    assert any("Politie-eenheid" in text for text in inserted)
    assert not any(text.strip() == "" for text in inserted)  # no paragraph endings marked


@pytest.mark.django_db
def test_an_import_with_crlf_stores_newlines(import_document, bloemendaal_document):
    bloemendaal_document["sections"][0]["body"] = "Eerste.\r\n\r\nTweede."
    bloemendaal_document["decision_points"][0] = "kennis te nemen\r\nvan het plan; en"
    proposal = import_document(bloemendaal_document)
    assert proposal.sections.first().body == "Eerste.\n\nTweede."
    assert proposal.decision_points.first().text == "kennis te nemen\nvan het plan; en"


@pytest.mark.django_db
def test_the_data_migration_normalises_concepts_and_leaves_signed_text_alone(
    concept, import_document, bloemendaal_document, decision_document
):
    import importlib

    from django.apps import apps
    from django.db import connection

    from raadsvoorstel import db_guards
    from raadsvoorstel.models import Section

    decision_document["signatures"] = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    signed_document = {
        **bloemendaal_document,
        "regional_plan": None,
        "number": "2023000900",
        "state": "signed",
    }
    signed_document["sections"] = [{"heading": "Kop", "body": "Getekend.\r\nZo gebleven."}]
    signed_document["decision"] = decision_document
    signed = import_document(signed_document)
    # Both as they were stored before normalisation, as the browser sent them; the signed one
    # behind the guards' back, as only an old installation could have it.
    Section.objects.filter(proposal=concept, position=1).update(body="Oud.\r\n\r\nOpgeslagen.")
    with connection.cursor() as cursor:
        for statement in db_guards.drop_statements(connection.vendor):
            cursor.execute(statement)
        Section.objects.filter(proposal=signed).update(body="Getekend.\r\nZo gebleven.")
        for statement in db_guards.create_statements(connection.vendor):
            cursor.execute(statement)

    migration = importlib.import_module("raadsvoorstel.migrations.0008_concepts_store_newlines")
    migration.normalise_concepts(apps, None)

    assert concept.sections.get(position=1).body == "Oud.\n\nOpgeslagen."
    assert signed.sections.get().body == "Getekend.\r\nZo gebleven."
