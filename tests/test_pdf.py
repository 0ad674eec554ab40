"""The raadsbesluit and raadsvoorstel as PDF/A, read back as text; the archive; and
what a render refuses to load."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from raadsvoorstel import actions, pdf
from raadsvoorstel.models import ArchivedDecision, Decision, Proposal, TextFrozen
from tests.conftest import HAMERSTUK, with_state

pytestmark = pytest.mark.django_db

SIGNATURES = [
    {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
    {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-09"},
]


def text_of(document: bytes) -> str:
    """The PDF's text with lines joined: Dutch hyphenation (‐) and words broken at their
    own hyphen ("Noord- Holland") are put back together."""
    reader = PdfReader(io.BytesIO(document))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return re.sub(r"(\w)- (\w)", r"\1-\2", text.replace("\u2010 ", ""))


@pytest.fixture
def signed(import_document, bloemendaal_document) -> Proposal:
    decision = {**HAMERSTUK, "signatures": SIGNATURES}
    return import_document(with_state(bloemendaal_document, "signed", decision))


@pytest.fixture
def archived(signed, settings, tmp_path) -> ArchivedDecision:
    settings.MEDIA_ROOT = tmp_path
    return actions.archive_signed_decision(signed)


# --- The raadsbesluit ---


def test_the_signed_raadsbesluit_reads_as_bloemendaals_form(signed, bloemendaal_document):
    text = text_of(pdf.render_besluit(Proposal.objects.with_document().get(pk=signed.pk)))

    assert "De raad van de gemeente Bloemendaal;" in text
    assert "gelezen het voorstel van de burgemeester van 22 augustus 2023;" in text
    assert "besluit:" in text
    for point in bloemendaal_document["decision_points"]:
        assert point in text
    assert "De raad voornoemd, d.d. 5 oktober 2023" in text
    assert "Pieter van Dam" in text and "Marieke Janssen" in text
    assert "CONCEPT" not in text


def test_an_unsigned_raadsbesluit_is_marked_concept(import_document, bloemendaal_document):
    advised = import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))
    assert "CONCEPT" in text_of(pdf.render_besluit(advised))


def test_the_wording_is_the_municipalitys_setting(signed):
    municipality = signed.municipality
    municipality.decision_cites_number = True
    municipality.decision_cites_legal_basis = True
    municipality.decision_closing = "aldus"
    municipality.save()

    html = pdf.besluit_html(Proposal.objects.with_document().get(pk=signed.pk))
    html = re.sub(r"</?span[^>]*>", "", html)  # dates and numbers are marked never to hyphenate

    assert "van 22 augustus 2023, nr. 2023000853;" in html
    assert "gelet op artikel 38b, tweede lid, van de Politiewet 2012 en artikel 39" in html
    assert "Aldus besloten in de openbare vergadering van 5 oktober 2023." in html


def test_a_substitute_is_named_as_such(signed):
    signature = signed.decision.signatures.get(role="voorzitter")
    html = pdf.besluit_html(signed)
    assert "de voorzitter," in html
    assert signature.as_substitute is False


# --- Archival quality: the markers that can be read without veraPDF ---


def test_the_pdf_is_tagged_pdf_a_2a_in_dutch_with_every_font_embedded(signed):
    document = pdf.render_besluit(signed)
    reader = PdfReader(io.BytesIO(document))
    root = reader.trailer["/Root"]

    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]{1,3}2", xmp) and re.search(r"pdfaid:conformance[^A-Z]{1,3}A", xmp)
    assert "/OutputIntents" in root
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "Raadsbesluit 2023000853"
    assert reader.metadata.author == "Gemeente Bloemendaal"
    assert not reader.is_encrypted
    assert "/JavaScript" not in root.get("/Names", {}) and "/EmbeddedFiles" not in root.get("/Names", {})
    assert "/OpenAction" not in root
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
            "/FontDescriptor"
        ]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
        assert "DejaVu" in font["/BaseFont"]


def test_page_numbers_say_pagina_x_van_y(signed):
    assert "pagina 1 van" in text_of(pdf.render_voorstel(signed))


# --- The raadsvoorstel ---


def test_the_raadsvoorstel_holds_every_section_and_the_proposed_decision(concept, bloemendaal_document):
    text = text_of(pdf.render_voorstel(Proposal.objects.with_document().get(pk=concept.pk)))
    for section in bloemendaal_document["sections"]:
        assert section["heading"] in text
    assert "Voorgesteld besluit" in text
    assert "Weerbare jeugd/criminele aanwas" in text
    assert "Concept Integraal Meerjarenbeleidsplan Veiligheid 2024-2027 Eenheid Noord-Holland" in text


# --- Hostile and unusual text ---


@pytest.mark.parametrize(
    "body",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        "<style>body { background: url(http://example.org/x.png) }</style>",
        '<b>vet</b> <script>alert("x")</script>',
    ],
)
def test_markup_in_a_section_is_printed_as_text_and_loads_nothing(concept, body):
    section = concept.sections.first()
    section.body = body
    section.save()

    document = pdf.render_voorstel(Proposal.objects.with_document().get(pk=concept.pk))

    assert body.split(">")[0].lstrip("<").split()[0] in text_of(document)  # the tag's name, as text
    assert b"root:" not in document
    assert b"/EmbeddedFiles" not in document


def test_the_fetcher_serves_our_static_files_and_refuses_the_rest():
    assert pdf._fetch(pdf.BASE_URL + "fonts/DejaVuSans.ttf").read()[:4] == b"\x00\x01\x00\x00"
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        pdf.BASE_URL + "../settings.py",
        pdf.BASE_URL + "fonts/../../raadsvoorstel/settings.py",
        "data:text/html,<b>x</b>",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
    ]:
        with pytest.raises(pdf.RefusedResource):
            pdf._fetch(url)


def test_every_character_of_a_dutch_text_is_printed(concept):
    text = "ĳsbaan, café, ruïne, € 12,50 – „citaat” en ‘los’ ÏJ"
    section = concept.sections.first()
    section.body = text
    section.save()
    assert text in text_of(pdf.render_voorstel(Proposal.objects.with_document().get(pk=concept.pk)))


@pytest.mark.slow
def test_a_200_page_proposal_renders(concept):
    paragraph = "De raad wordt gevraagd en ongevraagd geïnformeerd door de burgemeester. " * 40
    section = concept.sections.first()
    section.body = "\n\n".join([paragraph] * 300)
    section.save()
    reader = PdfReader(io.BytesIO(pdf.render_voorstel(Proposal.objects.with_document().get(pk=concept.pk))))
    assert len(reader.pages) >= 200


# --- The archive ---


def test_signing_archives_the_decision_once_with_its_hash(archived, signed):
    with archived.file.open("rb") as stored:
        document = stored.read()
    assert hashlib.sha256(document).hexdigest() == archived.sha256
    assert actions.archive_signed_decision(signed) == archived  # once
    assert ArchivedDecision.objects.count() == 1


def test_the_archived_decision_is_served_byte_for_byte_even_to_the_public(client, archived, signed):
    response = client.get(reverse("raadsbesluit_pdf", args=[signed.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == archived.sha256


def test_a_later_change_of_template_never_changes_the_archived_decision(archived, signed, client, settings):
    settings.TEMPLATES[0]["DIRS"] = []  # whatever the templates become
    body = client.get(reverse("raadsbesluit_pdf", args=[signed.pk])).content
    assert hashlib.sha256(body).hexdigest() == archived.sha256


def test_an_archived_decision_cannot_change(archived):
    with pytest.raises(TextFrozen):
        archived.save()
    with pytest.raises(TextFrozen):
        archived.delete()


def test_anyone_can_check_a_pdf_against_the_archive(client, archived):
    with archived.file.open("rb") as stored:
        document = stored.read()
    from django.core.files.uploadedfile import SimpleUploadedFile

    found = client.post(reverse("archive_check"), {"file": SimpleUploadedFile("x.pdf", document)})
    assert (
        "Dit is het ondertekende raadsbesluit van de gemeente Bloemendaal over voorstel 2023000853"
        in found.text
    )

    by_hash = client.post(reverse("archive_check"), {"sha256": archived.sha256.upper()})
    assert "Dit is het ondertekende raadsbesluit" in by_hash.text

    other = client.post(reverse("archive_check"), {"file": SimpleUploadedFile("x.pdf", document + b" ")})
    assert "Er is geen ondertekend raadsbesluit met deze inhoud." in other.text

    bad = client.post(reverse("archive_check"), {"sha256": "xyz"})
    assert "64 tekens" in bad.text


def test_the_export_names_the_archived_pdf(archived, signed):
    from raadsvoorstel.interchange import export_proposal

    exported = export_proposal(Proposal.objects.with_document().get(pk=signed.pk))
    assert exported["decision"]["pdf_sha256"] == archived.sha256


def test_a_concept_has_no_raadsbesluit_and_the_public_sees_no_concepts(client, griffie, concept):
    assert client.get(reverse("raadsbesluit_pdf", args=[concept.pk])).status_code == 404
    assert client.get(reverse("raadsvoorstel_pdf", args=[concept.pk])).status_code == 404
    client.force_login(griffie)
    assert client.get(reverse("raadsbesluit_pdf", args=[concept.pk])).status_code == 404
    response = client.get(reverse("raadsvoorstel_pdf", args=[concept.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_commands_write_both_documents(archived, signed, tmp_path):
    besluit, voorstel = tmp_path / "besluit.pdf", tmp_path / "voorstel.pdf"
    call_command("besluit_pdf", "GM0377", signed.number, "-o", str(besluit))
    call_command("voorstel_pdf", "GM0377", signed.number, "-o", str(voorstel))
    assert hashlib.sha256(besluit.read_bytes()).hexdigest() == archived.sha256
    assert "Voorgesteld besluit" in text_of(voorstel.read_bytes())


def test_the_quick_starts_demo_seal_seals_the_archived_decision(signed, settings, tmp_path):
    from raadsvoorstel import demo

    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "demo-seal.p12"
    assert demo.create_demo_seal(path, "geheim")
    assert not demo.create_demo_seal(path, "geheim")  # made once
    settings.RAADSVOORSTEL_SEALS = {"GM0377": {"PKCS12": str(path), "PASSPHRASE": "geheim"}}

    archived = actions.archive_signed_decision(signed)

    assert archived.sealed
    with archived.file.open("rb") as stored:
        assert b"/ETSI.CAdES.detached" in stored.read()


def test_a_besluit_signed_in_ink_says_so_and_names_its_scan(advised_by_hand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    archived = actions.archive_signed_decision(advised_by_hand)
    with archived.file.open("rb") as stored:
        text = text_of(stored.read())
    scan_sha256 = advised_by_hand.decision.paper_scan_sha256
    assert "op 6 oktober 2023 op papier ondertekend" in text
    assert scan_sha256 in text.replace(" ", "")


@pytest.fixture
def advised_by_hand(import_document, bloemendaal_document, griffier, voorzitter, settings, tmp_path):
    """Signed in ink and recorded by the griffier with the scan."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    proposal = import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n% getekend\n%%EOF\n", content_type="application/pdf")
    actions.sign_on_paper(
        proposal, scan, voorzitter=voorzitter, griffier=griffier, date=datetime.date(2023, 10, 6), by=griffier
    )
    return Proposal.objects.with_document().get(pk=proposal.pk)


def test_the_check_page_recognises_the_scan_of_a_besluit_signed_in_ink(client, advised_by_hand):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n% getekend\n%%EOF\n", content_type="application/pdf")
    response = client.post(reverse("archive_check"), {"file": scan})
    assert "de scan van het op papier ondertekende raadsbesluit" in response.text
    assert "authentieke besluit" in response.text


# --- The council procedure in the documents ---


@pytest.mark.parametrize(
    ("proposer", "initiator", "phrase"),
    [
        ("burgemeester", "", "gelezen het voorstel van de burgemeester van 22 augustus 2023;"),
        ("college", "", "gelezen het voorstel van burgemeester en wethouders van 22 augustus 2023;"),
        ("presidium", "", "gelezen het voorstel van het presidium van 22 augustus 2023;"),
        ("raadslid", "Eva Jansen", "gelezen het initiatiefvoorstel van Eva Jansen van 22 augustus 2023;"),
    ],
)
def test_the_raadsbesluit_names_the_proposer_as_practice_does(signed, proposer, initiator, phrase):
    # The text of a signed decision is final: render a copy with another proposer.
    copy = Proposal.objects.with_document().get(pk=signed.pk)
    copy.proposer, copy.initiator = proposer, initiator
    html = re.sub(r"</?span[^>]*>", "", pdf.besluit_html(copy))
    assert phrase in html
    assert "van de college" not in html and "van de presidium" not in html


def test_a_decision_of_a_besloten_vergadering_says_so(import_document, bloemendaal_document):
    decision = {**HAMERSTUK, "meeting_public": False, "signatures": SIGNATURES}
    proposal = import_document(with_state(bloemendaal_document, "signed", decision))
    text = text_of(pdf.render_besluit(Proposal.objects.with_document().get(pk=proposal.pk)))
    assert "De raad voornoemd, d.d. 5 oktober 2023, in besloten vergadering" in text
    assert "openbare" not in text


def test_the_wensen_en_bedenkingen_are_printed_once(import_document, bloemendaal_document):
    wishes = "De raad wil dat de aanpak van drugsafval in de duinen een eigen plaats krijgt."
    document = {
        **bloemendaal_document,
        "decision_points": [bloemendaal_document["decision_points"][0], wishes],
    }
    decision = {
        **HAMERSTUK,
        "advice": "wensen_en_bedenkingen",
        "advice_text": wishes,
        "signatures": SIGNATURES,
    }
    proposal = import_document(with_state(document, "signed", decision))
    text = text_of(pdf.render_besluit(Proposal.objects.with_document().get(pk=proposal.pk)))
    assert text.count("drugsafval in de duinen") == 1


def test_dates_numbers_names_and_addresses_are_never_hyphenated(import_document, bloemendaal_document):
    point = (
        "kennis te nemen van het plan van 12 september 2023, nr. 2023/0815, "
        "te vinden op https://www.politie.nl/informatie/imv-noord-holland-2024-2027.html."
    )
    document = {**bloemendaal_document, "decision_points": [point] * 3}
    proposal = import_document(with_state(document, "signed", {**HAMERSTUK, "signatures": SIGNATURES}))
    html = pdf.besluit_html(Proposal.objects.with_document().get(pk=proposal.pk))
    assert '<span class="whole">12 september 2023</span>' in html
    assert '<span class="whole">2023/0815</span>' in html
    assert (
        '<span class="url">https://www.politie.nl/informatie/imv-noord-holland-2024-2027.html</span>' in html
    )
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(pdf.render_besluit(proposal))).pages
    )
    assert "septem-" not in text and "septem\u2010" not in text and "htt-" not in text


def test_the_raadsvoorstel_shows_the_points_as_proposed_and_the_amendments_in_an_appendix(
    import_document, bloemendaal_document
):
    proposed = bloemendaal_document["decision_points"]
    amended = [proposed[0], "de burgemeester te berichten dat de raad wensen heeft."]
    decision = {
        **HAMERSTUK,
        "amendments": [
            {
                "title": "Wensen",
                "submitters": ["Eva Jansen"],
                "result": "aangenomen",
                "changes": [{"point": 2, "text": amended[1]}],
            }
        ],
    }
    proposal = import_document(
        with_state({**bloemendaal_document, "decision_points": amended}, "advised", decision)
    )
    Decision.objects.filter(proposal=proposal).update(proposed_points=proposed)

    text = text_of(pdf.render_voorstel(Proposal.objects.with_document().get(pk=proposal.pk)))

    assert proposed[1] in text
    assert "Bijlage: amendementen" in text and "Wensen — aangenomen" in text
    assert f"Beslispunt 2 wordt: {amended[1]}" in text
