"""The PAdES seal on archived raadsbesluiten: valid, over the whole file, added as an
incremental update that leaves the PDF/A as it was, with every font still embedded."""

from __future__ import annotations

import datetime
import io
import os
import re
import runpy
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings as django_settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from raadsvoorstel import actions, pdf, seal
from raadsvoorstel.models import Municipality
from tests.conftest import HAMERSTUK, with_state

PASSPHRASE = "throwaway-passphrase"
BLOEMENDAAL = Municipality(code="GM0377", name="Bloemendaal", seats=19)
XMP = {
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


@dataclass
class Certificate:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))


def make_certificate(
    common_name: str, *, issuer: Certificate | None = None, tsa: bool = False
) -> Certificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Gemeente Bloemendaal"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=not tsa, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=not tsa,
                crl_sign=not tsa,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Certificate(builder.sign(issuer.key if issuer else key, hashes.SHA256()), key)


@pytest.fixture(scope="module")
def certificate() -> Certificate:
    """A throwaway self-signed seal certificate; the validation below trusts it as root."""
    return make_certificate("Gemeente Bloemendaal (test)")


@pytest.fixture
def pkcs12_file(certificate, tmp_path) -> Path:
    path = tmp_path / "gm0377.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal",
            certificate.key,
            certificate.cert,
            None,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    return path


@pytest.fixture
def configured(settings, pkcs12_file) -> Path:
    """Bloemendaal has a seal (and no timestamp authority), as the environment would say."""
    settings.RAADSVOORSTEL_SEALS = {"GM0377": {"PKCS12": str(pkcs12_file), "PASSPHRASE": PASSPHRASE}}
    settings.RAADSVOORSTEL_TIMESTAMP_URL = ""
    return pkcs12_file


@pytest.fixture(scope="module")
def document() -> bytes:
    """A real PDF/A of more than one page, so that 'the last page' means something."""
    paragraphs = "".join(f"<p>Overweging {n}: de raad besluit zoals voorgesteld.</p>" for n in range(50))
    return pdf.render(
        "<html lang='nl'><head><meta charset='utf-8'><title>Raadsbesluit</title>"
        "<meta name='author' content='Gemeente Bloemendaal'>"
        f"<link rel='stylesheet' href='pdf/print.css'></head><body>{paragraphs}</body></html>"
    )


@pytest.fixture
def sealed(configured, document) -> bytes:
    sealed_document, was_sealed = seal.seal_if_configured(document, BLOEMENDAAL)
    assert was_sealed
    return sealed_document


def signature_of(document: bytes):
    (signature,) = PdfFileReader(io.BytesIO(document)).embedded_signatures
    return signature


def trusting(certificate: Certificate) -> ValidationContext:
    return ValidationContext(trust_roots=[certificate.asn1], allow_fetching=False)


def fonts_in(resources, seen: set) -> list:
    """Every font reachable from a resource dictionary, through its form XObjects too."""
    found = []
    resources = resources.get_object() if resources is not None else {}
    for font in resources.get("/Font", {}).values():
        found.append(font.get_object())
    for xobject in resources.get("/XObject", {}).values():
        if xobject.idnum in seen:
            continue
        seen.add(xobject.idnum)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            found += fonts_in(xobject.get("/Resources"), seen)
    return found


def every_font(document: bytes) -> list:
    reader = PdfReader(io.BytesIO(document))
    seen: set = set()
    fonts = []
    for page in reader.pages:
        fonts += fonts_in(page.get("/Resources"), seen)
        for annotation in page.get("/Annots", []):
            appearance = annotation.get_object().get("/AP", {}).get("/N")
            if appearance is not None:
                fonts += fonts_in(appearance.get_object().get("/Resources"), seen)
    return fonts


def xmp_values(document: bytes) -> dict[str, str]:
    """The XMP's simple properties, whether written as attributes or as elements."""
    metadata = PdfReader(io.BytesIO(document)).trailer["/Root"]["/Metadata"].get_object().get_data()
    values = {}
    for description in ET.fromstring(metadata.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0]).iter(
        f"{{{XMP['rdf']}}}Description"
    ):
        values.update(description.attrib)
        values.update({child.tag: child.text for child in description if child.text and child.text.strip()})
    return values


# --- The seal ---


def test_a_configured_municipality_gets_a_valid_seal_over_the_whole_file(sealed, certificate):
    status = validate_pdf_signature(signature_of(sealed), trusting(certificate))
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"


def test_the_seal_is_pades_with_reason_location_and_the_certificates_name(sealed):
    signature = signature_of(sealed)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Ondertekend raadsbesluit"
    assert signature.sig_object["/Location"] == "Bloemendaal"
    assert signature.sig_object["/Name"] == "Gemeente Bloemendaal (test)"
    assert signature.field_name == "Gemeentezegel"


def test_the_seal_is_an_incremental_update_that_covers_the_original(sealed, document):
    assert sealed.startswith(document)
    assert len(sealed) > len(document)
    signature = signature_of(sealed)
    assert signature.signed_revision == 1  # revision 0 is the rendered PDF/A, untouched
    assert signature.byte_range[0] == 0
    assert signature.byte_range[2] + signature.byte_range[3] == len(sealed)


def test_the_stamp_is_on_the_last_page_in_its_bottom_margin(sealed):
    reader = PdfReader(io.BytesIO(sealed))
    assert len(reader.pages) > 1
    assert not any("/Annots" in page for page in reader.pages[:-1])
    (annotation,) = [a.get_object() for a in reader.pages[-1]["/Annots"]]
    assert annotation["/Subtype"] == "/Widget"
    assert annotation["/TU"] == "Digitaal verzegeld door de gemeente Bloemendaal"
    assert annotation["/F"] & 4  # printed, as PDF/A wants
    assert "/N" in annotation["/AP"]
    left, right = sorted(float(x) for x in annotation["/Rect"][::2])
    bottom, top = sorted(float(y) for y in annotation["/Rect"][1::2])
    margin = 25 * 72 / 25.4  # pdf/print.css: 25 mm at the bottom and on the left
    assert 0 < bottom < top <= margin  # below the text
    assert left >= margin - 1  # aligned with the text,
    assert right < float(reader.pages[-1].mediabox.width) * 0.7  # clear of the page number


def test_the_sealed_pdf_keeps_every_font_embedded(sealed):
    fonts = every_font(sealed)
    assert len(fonts) >= 2  # the text's, and the stamp's
    for font in fonts:
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = described["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
        assert "DejaVu" in font["/BaseFont"]
        assert "/ToUnicode" in font


def stamp_lines(document: bytes) -> list[str]:
    """The stamp's lines of text, read back through its font's ToUnicode map."""
    (annotation,) = PdfReader(io.BytesIO(document)).pages[-1]["/Annots"]
    appearance = annotation.get_object()["/AP"]["/N"].get_object()
    (font,) = appearance["/Resources"]["/Font"].values()
    to_unicode = font.get_object()["/ToUnicode"].get_object().get_data().decode()
    characters = {code: chr(int(char, 16)) for code, char in re.findall(r"<(\w{4})> <(\w{4})>", to_unicode)}
    return [
        "".join(characters[glyphs[i : i + 4]] for i in range(0, len(glyphs), 4))
        for glyphs in re.findall(r"<(\w+)> Tj", appearance.get_data().decode("latin-1"))
    ]


def test_the_stamp_says_who_sealed_it_and_when_in_text_that_can_be_read(sealed):
    first, second = stamp_lines(sealed)
    assert first == "Digitaal verzegeld door de gemeente Bloemendaal"
    assert re.fullmatch(r"Tijdstip: \d\d-\d\d-\d{4} \d\d:\d\d:\d\d CES?T", second)


def test_the_metadata_stays_pdf_a_and_agrees_with_the_info_dictionary(sealed):
    info = PdfReader(io.BytesIO(sealed)).metadata
    xmp = xmp_values(sealed)
    assert xmp[f"{{{XMP['pdfaid']}}}part"] == "2"
    assert xmp[f"{{{XMP['pdfaid']}}}conformance"] == "A"
    assert xmp[f"{{{XMP['pdf']}}}Producer"] == info["/Producer"]
    assert info["/Producer"].startswith("WeasyPrint")
    assert info["/Title"] == "Raadsbesluit"


def test_a_modification_date_in_the_info_dictionary_agrees_with_the_xmp(configured, document):
    writer = PdfWriter(clone_from=io.BytesIO(document))
    writer.add_metadata({"/ModDate": "D:20231005120000+02'00'"})
    with_date = io.BytesIO()
    writer.write(with_date)
    sealed_document, _ = seal.seal_if_configured(with_date.getvalue(), BLOEMENDAAL)
    info_date = PdfReader(io.BytesIO(sealed_document)).metadata.modification_date
    xmp_date = datetime.datetime.fromisoformat(xmp_values(sealed_document)[f"{{{XMP['xmp']}}}ModifyDate"])
    assert info_date == xmp_date
    assert info_date.year > 2023


def test_a_timestamp_authority_is_used_when_configured(
    configured, document, certificate, settings, monkeypatch
):
    tsa = make_certificate("Tijdstempeldienst (test)", issuer=certificate, tsa=True)
    tsa_key = asn1_keys.PrivateKeyInfo.load(
        tsa.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.RAADSVOORSTEL_TIMESTAMP_URL = "https://tsa.invalid/"
    asked = []

    def dummy_timestamper(url):
        asked.append(url)
        return DummyTimeStamper(tsa_cert=tsa.asn1, tsa_key=tsa_key, certs_to_embed=[certificate.asn1])

    monkeypatch.setattr(seal, "timestamp_client", dummy_timestamper)
    sealed_document, was_sealed = seal.seal_if_configured(document, BLOEMENDAAL)
    assert was_sealed
    assert asked == ["https://tsa.invalid/"]
    status = validate_pdf_signature(
        signature_of(sealed_document), trusting(certificate), ts_validation_context=trusting(certificate)
    )
    assert status.bottom_line
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact
    assert status.timestamp_validity.valid
    assert status.timestamp_validity.trusted


# --- Without a seal, and when it fails ---


def test_without_configuration_the_document_comes_back_unchanged(settings, document):
    settings.RAADSVOORSTEL_SEALS = {}
    result, was_sealed = seal.seal_if_configured(document, BLOEMENDAAL)
    assert result is document
    assert was_sealed is False


def test_another_municipalitys_seal_is_not_used(configured, document):
    haarlem = Municipality(code="GM0392", name="Haarlem", seats=39)
    assert seal.seal_if_configured(document, haarlem) == (document, False)


def test_a_wrong_passphrase_raises_sealing_error(configured, settings, document):
    settings.RAADSVOORSTEL_SEALS = {"GM0377": {"PKCS12": str(configured), "PASSPHRASE": "wrong"}}
    with pytest.raises(seal.SealingError, match="GM0377.*wrong passphrase"):
        seal.seal_if_configured(document, BLOEMENDAAL)


def test_a_missing_pkcs12_file_raises_sealing_error(settings, tmp_path, document):
    missing = tmp_path / "nowhere.p12"
    settings.RAADSVOORSTEL_SEALS = {"GM0377": {"PKCS12": str(missing), "PASSPHRASE": PASSPHRASE}}
    with pytest.raises(seal.SealingError, match=f"Cannot read the PKCS#12 file for GM0377 \\({missing}\\)"):
        seal.seal_if_configured(document, BLOEMENDAAL)


def test_the_environment_configures_seals_per_cbs_code(monkeypatch):
    for name in os.environ:
        if name.startswith("RAADSVOORSTEL_SEAL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RAADSVOORSTEL_SEAL_GM0377_PKCS12", "/etc/raadsvoorstel/gm0377.p12")
    monkeypatch.setenv("RAADSVOORSTEL_SEAL_GM0377_PASSPHRASE", "geheim")
    monkeypatch.setenv("RAADSVOORSTEL_SEAL_GM0392_PKCS12", "")
    monkeypatch.setenv("RAADSVOORSTEL_TIMESTAMP_URL", "https://tsa.example/")
    read = runpy.run_path(str(django_settings.BASE_DIR / "raadsvoorstel" / "settings.py"))
    assert read["RAADSVOORSTEL_SEALS"] == {
        "GM0377": {"PKCS12": "/etc/raadsvoorstel/gm0377.p12", "PASSPHRASE": "geheim"}
    }
    assert read["RAADSVOORSTEL_TIMESTAMP_URL"] == "https://tsa.example/"


# --- Archiving ---


@pytest.mark.django_db
def test_archiving_seals_the_signed_raadsbesluit(
    configured, import_document, bloemendaal_document, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    signatures = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-09"},
    ]
    signed = import_document(
        with_state(bloemendaal_document, "signed", {**HAMERSTUK, "signatures": signatures})
    )
    archived = actions.archive_signed_decision(signed)
    assert archived.sealed
    with archived.file.open("rb") as stored:
        signature = signature_of(stored.read())
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Location"] == "Bloemendaal"


# --- The sealed file stays PDF 1.7, as PDF/A-2 requires ---


def catalog_version(document: bytes) -> str:
    """The version the file declares: its header, raised by the catalog's /Version if any."""
    header = document[:8].decode("latin-1").removeprefix("%PDF-")
    declared = PdfReader(io.BytesIO(document)).trailer["/Root"].get("/Version")
    return str(declared).lstrip("/") if declared is not None else header


@pytest.mark.django_db
def test_the_quick_starts_sealed_raadsbesluit_stays_pdf_1_7_and_pdf_a_2a(
    import_document, bloemendaal_document, settings, tmp_path
):
    from raadsvoorstel import demo

    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "demo-seal.p12"
    demo.create_demo_seal(path, "geheim")
    settings.RAADSVOORSTEL_SEALS = {"GM0377": {"PKCS12": str(path), "PASSPHRASE": "geheim"}}
    signatures = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-09"},
    ]
    signed = import_document(
        with_state(bloemendaal_document, "signed", {**HAMERSTUK, "signatures": signatures})
    )

    with actions.archive_signed_decision(signed).file.open("rb") as stored:
        sealed = stored.read()

    assert catalog_version(sealed) == "1.7"
    xmp = xmp_values(sealed)
    assert (xmp[f"{{{XMP['pdfaid']}}}part"], xmp[f"{{{XMP['pdfaid']}}}conformance"]) == ("2", "A")
    root = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    demo_certificate = pkcs12.load_key_and_certificates(path.read_bytes(), b"geheim")[1]
    trust = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(demo_certificate.public_bytes(serialization.Encoding.DER))],
        allow_fetching=False,
    )
    status = validate_pdf_signature(root, trust)
    assert status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_a_certificate_that_would_make_the_pdf_version_2_0_is_refused(settings, tmp_path, document):
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Gemeente Bloemendaal (EC)")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "ec.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"ec", key, certificate, None, serialization.NoEncryption())
    )
    settings.RAADSVOORSTEL_SEALS = {"GM0377": {"PKCS12": str(path), "PASSPHRASE": ""}}

    with pytest.raises(seal.SealingError, match="version 2.0"):
        seal.seal_if_configured(document, BLOEMENDAAL)
