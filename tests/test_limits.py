"""The limits on what comes in (limits.py), each refused in Dutch with nothing stored; the
word diff on a long text; the raadsvoorstel and concept raadsbesluit rendered once per text,
large ones by the worker."""

from __future__ import annotations

import copy
import json
import random

import pytest
from django.conf import settings as project_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from raadsvoorstel import actions, history, limits
from raadsvoorstel.forms import ProposalEditor
from raadsvoorstel.interchange import InvalidDocuments, parse_documents
from raadsvoorstel.models import Attachment, Proposal, RenderedDocument, RenderStatus
from raadsvoorstel.text import ProposalText, plain

from .conftest import HAMERSTUK, with_state

GIB = str(2**30)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- Uploads: 20 MB, refused before the body is read ---


def test_the_settings_refuse_a_body_over_the_imports_limit():
    assert project_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == limits.MAX_IMPORT_BYTES


def test_a_1_gib_upload_to_the_archive_check_is_refused_before_it_is_read(db):
    # The CSRF check would read the body for its token: the size is checked before it.
    response = Client(enforce_csrf_checks=True).post(
        reverse("archive_check"), {"sha256": "0" * 64}, CONTENT_LENGTH=GIB
    )
    assert response.status_code == 413
    assert "Het bestand is te groot" in response.text
    assert "niet groter dan 20 MB" in response.text
    assert "Er is niets opgeslagen." in response.text


def test_a_1_gib_attachment_is_refused_and_nothing_is_stored(client, griffie, concept, settings):
    client.force_login(griffie)
    response = client.post(
        reverse("attachment_add", args=[concept.pk]), {"title": "Groot", "file": b""}, CONTENT_LENGTH=GIB
    )
    assert response.status_code == 413
    assert "niet groter dan 20 MB" in response.text
    assert not Attachment.objects.filter(title="Groot").exists()
    assert not any(p.is_file() for p in __import__("pathlib").Path(settings.MEDIA_ROOT).rglob("*"))


def test_a_file_over_20_mb_to_check_gets_the_forms_dutch_message(client, db):
    big = SimpleUploadedFile("groot.pdf", b"%PDF-1.4\n" + b"0" * (limits.MAX_UPLOAD_BYTES + 1) + b"%%EOF")
    response = client.post(reverse("archive_check"), {"file": big})
    assert response.status_code == 200
    assert "Het bestand is groter dan 20 MB" in response.text
    assert "Er is geen ondertekend raadsbesluit" not in response.text


def test_a_normal_check_still_passes_the_csrf_check(db):
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(reverse("archive_check"), {"sha256": "0" * 64}).status_code == 403
    page = csrf_client.get(reverse("archive_check"))
    token = page.cookies[project_settings.CSRF_COOKIE_NAME].value
    response = csrf_client.post(reverse("archive_check"), {"sha256": "0" * 64, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Er is geen ondertekend raadsbesluit met deze inhoud." in response.text


# --- Imports: 5 MB a file or request body ---


def test_the_import_command_names_the_file_that_is_too_large(
    reference_data, bloemendaal_document, tmp_path, capsys
):
    good, large = tmp_path / "goed.json", tmp_path / "groot.json"
    good.write_text(json.dumps(bloemendaal_document))
    padded = copy.deepcopy(bloemendaal_document)
    padded["number"] = "2023000999"
    padded["sections"][0]["body"] = "x" * (limits.MAX_IMPORT_BYTES + 1)
    large.write_text(json.dumps(padded))
    with pytest.raises(CommandError, match="Niets geïmporteerd"):
        call_command("import_proposals", str(good), str(large))
    assert f"{large}: het bestand is 5,0 MB; een importbestand is ten hoogste 5 MB" in capsys.readouterr().err
    assert not Proposal.objects.exists()


@pytest.fixture
def token(griffie) -> str:
    return actions.create_token("DMS Bloemendaal", by=griffie)[1]


def test_an_api_document_over_5_mb_is_refused_with_413(client, reference_data, bloemendaal_document, token):
    document = copy.deepcopy(bloemendaal_document)
    document["sections"][0]["body"] = "x" * limits.MAX_IMPORT_BYTES
    response = client.post(
        "/api/v1/proposals", json.dumps(document), content_type="application/json", **bearer(token)
    )
    assert response.status_code == 413
    assert response.json() == {
        "errors": [{"path": "", "message": "Het document is groter dan 5 MB; er is niets opgeslagen."}]
    }
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/proposals", "/api/v1/proposals/GM0377/2023000853/transitions"])
def test_an_api_request_announcing_1_gib_is_refused_before_it_is_read(client, concept, token, url):
    response = client.post(url, "{}", content_type="application/json", CONTENT_LENGTH=GIB, **bearer(token))
    assert response.status_code == 413
    message = response.json()["errors"][0]["message"]
    assert message == "Het document is groter dan 5 MB; er is niets opgeslagen."


# --- Sections: 100,000 characters each, 500,000 in all ---


def test_the_parser_refuses_a_section_over_the_limit_with_its_path(reference_data, bloemendaal_document):
    document = copy.deepcopy(bloemendaal_document)
    document["sections"][3]["body"] = "x" * (limits.MAX_SECTION_CHARS + 1)
    with pytest.raises(InvalidDocuments) as refused:
        parse_documents([("voorstel.json", json.dumps(document))])
    assert [str(error) for error in refused.value.errors] == [
        "voorstel.json: sections[3].body: is 100001 tekens lang; ten hoogste 100000 toegestaan"
    ]


def test_the_parser_refuses_a_text_over_the_total_limit(reference_data, bloemendaal_document):
    document = copy.deepcopy(bloemendaal_document)
    document["sections"] = [{"heading": f"Deel {n}", "body": "x" * 90_000} for n in range(6)]
    with pytest.raises(InvalidDocuments) as refused:
        parse_documents([("voorstel.json", json.dumps(document))])
    (error,) = refused.value.errors
    assert error.path == "sections"
    length = 540_036 + sum(len(point) for point in document["decision_points"])
    assert error.reason == (
        f"de onderdelen en beslispunten zijn samen {length} tekens lang; ten hoogste 500000 toegestaan"
    )


def test_the_api_refuses_a_section_over_the_limit_and_stores_nothing(
    client, reference_data, bloemendaal_document, token
):
    document = copy.deepcopy(bloemendaal_document)
    document["sections"][0]["body"] = "x" * (limits.MAX_SECTION_CHARS + 1)
    response = client.post(
        "/api/v1/proposals", json.dumps(document), content_type="application/json", **bearer(token)
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "sections[0].body", "message": "is 100001 tekens lang; ten hoogste 100000 toegestaan"}
    ]
    assert not Proposal.objects.exists()


def editor_with(concept: Proposal, sections: list[tuple[str, str]]) -> ProposalEditor:
    text = ProposalText.of(concept)
    text.sections = sections
    data = ProposalEditor.data_for(text, version=concept.version)
    return ProposalEditor(data, municipality=concept.municipality, proposal=concept)


def test_the_editor_refuses_a_section_over_the_limit(concept):
    editor = editor_with(concept, [("Aanleiding", "x" * (limits.MAX_SECTION_CHARS + 1))])
    assert not editor.is_valid()
    assert "Onderdeel 1, tekst: De tekst is 100001 tekens; een onderdeel mag er hoogstens 100000 hebben." in [
        message for _id, message in editor.error_list()
    ]


def test_the_editor_refuses_a_text_over_the_total_limit(concept):
    editor = editor_with(concept, [(f"Deel {n}", "x" * 90_000) for n in range(6)])
    assert not editor.is_valid()
    assert any("samen" in message and "500000" in message for _id, message in editor.error_list())


def test_a_post_of_a_section_over_the_limit_stores_nothing(client, griffie, concept):
    client.force_login(griffie)
    text = ProposalText.of(concept)
    text.sections = [("Aanleiding", "x" * (limits.MAX_SECTION_CHARS + 1))]
    version = concept.version
    response = client.post(
        reverse("proposal_edit", args=[concept.pk]), ProposalEditor.data_for(text, version=version)
    )
    assert response.status_code in (200, 400)
    assert "een onderdeel mag er hoogstens 100000 hebben" in response.text
    concept.refresh_from_db()
    assert concept.version == version


# --- The word diff on a long text ---


def long_text(words: int, rng: random.Random) -> list[list[str]]:
    vocabulary = [
        "de",
        "het",
        "een",
        "van",
        "raad",
        "college",
        "gemeente",
        "voorstel",
        "besluit",
        "veiligheid",
        "politie",
        "regio",
    ]
    paragraphs, left = [], words
    while left:
        size = min(left, rng.randint(60, 140))
        paragraph = [rng.choice(vocabulary) for _ in range(size)]
        for at in range(14, size, 15):  # sentences of 15 words
            paragraph[at] += "."
        paragraphs.append(paragraph)
        left -= size
    return paragraphs


@pytest.mark.parametrize("as_one_paragraph", [False, True], ids=["paragraphs", "one-paragraph"])
def test_the_word_diff_of_a_16000_word_text_is_right_and_marks_only_the_edits(as_one_paragraph):
    rng = random.Random(13)
    paragraphs = long_text(16_000, rng)
    edited = [list(p) for p in paragraphs]
    places = sorted(rng.sample(range(len(edited)), 20))
    for index in places:
        edited[index][len(edited[index]) // 2] = "gewijzigd"
    glue = " " if as_one_paragraph else "\n\n"
    old = glue.join(" ".join(p) for p in paragraphs)
    new = glue.join(" ".join(p) for p in edited)

    changes = history.word_diff(old, new)

    assert "".join(c.text for c in changes if c.op != "insert") == plain(old)
    assert "".join(c.text for c in changes if c.op != "delete") == plain(new)
    # Only the edited words are marked: a few words each, never the text around them.
    inserted = [c.text.split() for c in changes if c.op == "insert"]
    assert sum(words.count("gewijzigd") for words in inserted) == 20
    assert sum(len(c.text.split()) for c in changes if c.op != "equal") <= 20 * 2 * 3


def test_the_word_diff_still_marks_words_in_a_short_text():
    changes = history.word_diff("De raad besluit vandaag.", "De raad besluit morgen.")
    assert [(c.op, c.text) for c in changes] == [
        ("equal", "De raad besluit "),
        ("delete", "vandaag."),
        ("insert", "morgen."),
    ]


# --- The raadsvoorstel and concept raadsbesluit, rendered once per text ---


@pytest.fixture
def in_the_background(monkeypatch):
    """Every document counts as large: rendered by the worker, not in the request."""
    monkeypatch.setattr(limits, "INLINE_RENDER_CHARS", 0)


def queued_renders() -> int:
    return DBTaskResult.objects.filter(task_path="raadsvoorstel.tasks.render_document").count()


def test_a_large_raadsvoorstel_is_made_by_the_worker_while_the_page_says_so(
    client, griffie, concept, run_tasks, in_the_background
):
    client.force_login(griffie)
    url = reverse("raadsvoorstel_pdf", args=[concept.pk])

    waiting = client.get(url)
    assert waiting.status_code == 202
    assert "Het document wordt gemaakt…" in waiting.text
    assert '<meta http-equiv="refresh" content="3">' in waiting.text
    assert waiting["Refresh"] == "3" and waiting["Retry-After"] == "3"
    assert "<script" not in waiting.text.split("<main", 1)[-1]
    assert client.get(url).status_code == 202
    assert queued_renders() == 1  # asked twice, queued once

    assert run_tasks() == 1
    ready = client.get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready.content.startswith(b"%PDF-")
    assert client.get(url).content == ready.content  # served as kept, not rendered again
    assert queued_renders() == 1

    # A new version of the text is rendered anew; the old rendering goes.
    section = concept.sections.first()
    section.body += "\n\nEen nieuwe alinea."
    section.save()
    assert client.get(url).status_code == 202
    assert run_tasks() == 1
    again = client.get(url)
    assert again.status_code == 200 and again.content != ready.content
    assert RenderedDocument.objects.filter(proposal=concept).count() == 1


def test_a_small_raadsvoorstel_is_rendered_in_the_request_once(client, griffie, concept, monkeypatch):
    client.force_login(griffie)
    url = reverse("raadsvoorstel_pdf", args=[concept.pk])
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert RenderedDocument.objects.get(proposal=concept).status == RenderStatus.READY

    def no_second_render(html):
        raise AssertionError("rendered again")

    monkeypatch.setattr("raadsvoorstel.pdf.render", no_second_render)
    assert client.get(url).content == first.content
    assert queued_renders() == 0


def test_a_failed_render_says_so_and_is_queued_again_later(
    client, griffie, concept, run_tasks, in_the_background, monkeypatch
):
    client.force_login(griffie)
    url = reverse("raadsvoorstel_pdf", args=[concept.pk])
    assert client.get(url).status_code == 202

    def broken(html):
        raise RuntimeError("WeasyPrint is stuk")

    monkeypatch.setattr("raadsvoorstel.pdf.render", broken)
    run_tasks()
    failed = client.get(url)
    assert failed.status_code == 503
    assert "Het document kon niet worden gemaakt" in failed.text
    assert "Refresh" not in failed

    RenderedDocument.objects.update(
        requested_at=RenderedDocument.objects.get().requested_at.replace(year=2000)
    )
    monkeypatch.undo()
    monkeypatch.setattr(limits, "INLINE_RENDER_CHARS", 0)
    assert client.get(url).status_code == 202
    run_tasks()
    assert client.get(url).status_code == 200


def test_the_concept_besluit_is_made_by_the_worker_and_made_anew_after_a_signature(
    client, griffie, import_document, bloemendaal_document, run_tasks, in_the_background
):
    advised = import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))
    client.force_login(griffie)
    url = reverse("raadsbesluit_pdf", args=[advised.pk])
    assert client.get(url).status_code == 202
    run_tasks()
    ready = client.get(url)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF-")
    assert RenderedDocument.objects.get(proposal=advised).kind == "raadsbesluit-concept"
