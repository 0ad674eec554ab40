"""PAdES seals on archived raadsbesluiten, where a municipality has a certificate.

A municipality's seal is configured in the environment, never in the database:

- `RAADSVOORSTEL_SEAL_<CBS-code>_PKCS12`: path to a PKCS#12 file with the seal's key and
  certificate (and its chain), e.g. `RAADSVOORSTEL_SEAL_GM0377_PKCS12=/etc/raadsvoorstel/gm0377.p12`;
- `RAADSVOORSTEL_SEAL_<CBS-code>_PASSPHRASE`: its passphrase (empty for an unencrypted file);
- `RAADSVOORSTEL_TIMESTAMP_URL` (optional, for every municipality): an RFC 3161 timestamp
  authority; when set, each seal carries its timestamp (PAdES B-T), otherwise the seal is B-B.

settings.py collects these into `RAADSVOORSTEL_SEALS` ({code: {"PKCS12": ..., "PASSPHRASE": ...}})
and `RAADSVOORSTEL_TIMESTAMP_URL`; they are read at every call, so a test can override them.

The seal is an incremental update (ISO 32000 7.5.6): the rendered PDF/A stays byte for byte the
first part of the sealed file, and the seal's signature covers all of it. It is visible on the
last page, bottom left in the page margin (“Digitaal verzegeld door de gemeente …”). The stamp's
text is set in the bundled DejaVu Sans, embedded as a subset, so the file keeps every font
embedded, as PDF/A requires; and the XMP keeps the same producer as the Info dictionary.

Failures (missing file, wrong passphrase, an unreachable timestamp authority) raise
`SealingError` with a message for the log; the caller decides what to store.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from fontTools import subset, ttLib
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import model as xmp
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.constants import ISO32002_CURVE_NAMES
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle

from .models import Municipality

FIELD_NAME = "Gemeentezegel"
REASON = "Ondertekend raadsbesluit"
STAMP_FONT = settings.BASE_DIR / "static" / "fonts" / "DejaVuSans.ttf"
STAMP_TEXT = "Digitaal verzegeld door de gemeente %(municipality)s\nTijdstip: %(ts)s"
STAMP_TIME_FORMAT = "%d-%m-%Y %H:%M:%S %Z"
# Where the stamp goes on the last page: in the bottom margin of pdf/print.css (25 mm),
# aligned with the text's left edge, clear of the page number on the right.
MM = 72 / 25.4
STAMP_LEFT, STAMP_BOTTOM, STAMP_WIDTH, STAMP_HEIGHT = 25 * MM, 5 * MM, 85 * MM, 15 * MM
TIMESTAMP_TIMEOUT = 10  # seconds


class SealingError(Exception):
    """The document could not be sealed with the configured certificate."""


@dataclass(frozen=True)
class SealConfig:
    pkcs12: Path
    passphrase: str


def configured_seal(municipality: Municipality) -> SealConfig | None:
    """The municipality's seal from the settings (and so the environment), if it has one."""
    entry = getattr(settings, "RAADSVOORSTEL_SEALS", {}).get(municipality.code)
    if not entry or not entry.get("PKCS12"):
        return None
    return SealConfig(pkcs12=Path(entry["PKCS12"]), passphrase=entry.get("PASSPHRASE") or "")


def seal_if_configured(document: bytes, municipality: Municipality) -> tuple[bytes, bool]:
    """The document sealed with the municipality's certificate, or as it is; and whether it was sealed."""
    config = configured_seal(municipality)
    if config is None:
        return document, False
    url = getattr(settings, "RAADSVOORSTEL_TIMESTAMP_URL", "")
    return seal(document, municipality, config, timestamper=timestamp_client(url) if url else None), True


def timestamp_client(url: str) -> TimeStamper:
    """The RFC 3161 client for the configured timestamp authority."""
    return HTTPTimeStamper(url, timeout=TIMESTAMP_TIMEOUT)


def seal(
    document: bytes,
    municipality: Municipality,
    config: SealConfig,
    *,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """A PAdES seal (ETSI.CAdES.detached) over the whole document, added as an incremental update."""
    signer = _load_signer(config, municipality)
    try:
        writer = _ConsistentMetadataWriter(BytesIO(document))
        page_ref, _ = writer.find_page_for_modification(-1)
        media_box = _media_box(page_ref.get_object())
        left, bottom = float(media_box[0]), float(media_box[1])
        x, y = left + STAMP_LEFT, bottom + STAMP_BOTTOM
        pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name=FIELD_NAME,
                subfilter=fields.SigSeedSubFilter.PADES,
                md_algorithm="sha256",
                reason=REASON,
                location=municipality.name,
                name=signer.subject_name or f"Gemeente {municipality.name}",
            ),
            signer=signer,
            timestamper=timestamper,
            stamp_style=TextStampStyle(
                stamp_text=STAMP_TEXT,
                timestamp_format=STAMP_TIME_FORMAT,
                text_box_style=TextBoxStyle(font=EmbeddedFontFactory(STAMP_FONT), font_size=8, leading=11),
                border_width=1,
            ),
            new_field_spec=fields.SigFieldSpec(
                sig_field_name=FIELD_NAME,
                on_page=-1,
                box=(round(x), round(y), round(x + STAMP_WIDTH), round(y + STAMP_HEIGHT)),
                readable_field_name=f"Digitaal verzegeld door de gemeente {municipality.name}",
            ),
        )
        sealed = pdf_signer.sign_pdf(writer, appearance_text_params={"municipality": municipality.name})
    except (SigningError, TimestampRequestError, PdfError, OSError, ValueError) as exc:
        raise SealingError(f"Sealing the document for {municipality.code} failed: {exc}") from exc
    return sealed.getvalue()


def _load_signer(config: SealConfig, municipality: Municipality) -> signers.SimpleSigner:
    try:
        data = config.pkcs12.read_bytes()
    except OSError as exc:
        raise SealingError(
            f"Cannot read the PKCS#12 file for {municipality.code} ({config.pkcs12}): {exc.strerror}"
        ) from exc
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=config.passphrase.encode() or None
        )
    except ValueError as exc:
        raise SealingError(
            f"Cannot load the PKCS#12 file for {municipality.code} ({config.pkcs12}): "
            "wrong passphrase, or not a PKCS#12 file with a key and certificate"
        ) from exc
    _refuse_pdf_2_keys(signer, municipality)
    return signer


def _refuse_pdf_2_keys(signer: signers.SimpleSigner, municipality: Municipality) -> None:
    """A seal must leave the document at PDF 1.7, the base of PDF/A-2. pyHanko declares
    PDF 2.0 (ISO 32001/32002) for EdDSA keys and for ECDSA on the NIST and Brainpool curves,
    so such a certificate is refused with a message that says what to use instead."""
    public_key = signer.signing_cert.public_key
    algorithm = public_key.algorithm
    if algorithm in ("ed25519", "ed448") or (
        algorithm == "ec" and public_key.curve[1] in ISO32002_CURVE_NAMES
    ):
        raise SealingError(
            f"The seal certificate for {municipality.code} has a {algorithm} key, which makes the sealed "
            "PDF declare version 2.0 and so no longer PDF/A-2; use an RSA key (3072 bits or more)"
        )


def _media_box(page: generic.DictionaryObject) -> generic.ArrayObject:
    while "/MediaBox" not in page:
        page = page["/Parent"]
    return page["/MediaBox"]


# --- PDF/A: the metadata ---


class _ConsistentMetadataWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, with the XMP's producer and date kept equal to the Info's.

    pyHanko 0.38 appends itself to the Info dictionary's /Producer (“WeasyPrint 70.0; pyHanko
    0.38.0”) but writes only “pyHanko 0.38.0” as the XMP's pdf:Producer, and it takes the
    time for /ModDate and xmp:ModifyDate separately. PDF/A wants each Info entry equal to its
    XMP counterpart, so after pyHanko's update the XMP gets the Info's producer, and the Info
    (where it has a /ModDate) the XMP's modification time.
    """

    def _update_meta(self):
        super()._update_meta()
        if self._info is None or "/Metadata" not in self.root:
            return
        info = self._info.get_object()
        stream = self.root["/Metadata"]
        values = {key: value for structure in stream.xmp for key, value in structure}
        values[xmp.PDF_PRODUCER] = xmp.XmpValue(str(info["/Producer"]))
        if "/ModDate" in info and xmp.XMP_MODDATE in values:
            modified = datetime.datetime.fromisoformat(values[xmp.XMP_MODDATE].value)
            info["/ModDate"] = generic.pdf_date(modified)
            self.mark_update(self._info)
        # As MetadataStream.update_xmp_with_meta does, with these values instead of pyHanko's;
        # the stream is already marked for the update.
        stream._xmp = [xmp.XmpStructure(values)]
        stream._reserialise()
        stream._encoded_data = None


# --- PDF/A: the stamp's font ---
#
# pyHanko's own engine for embedded fonts (pyhanko.pdf_utils.font.opentype) needs HarfBuzz
# (uharfbuzz, the pyHanko[opentype] extra), which is not among our requirements. The stamp is
# two lines of Latin text that need no shaping: this engine maps characters to glyphs through
# the font's cmap and embeds the glyphs used as a CIDFontType2 subset (Identity-H, a ToUnicode
# CMap, widths in 1/1000 em), with fontTools, which WeasyPrint brings.


class EmbeddedFontFactory(FontEngineFactory):
    def __init__(self, font_file: Path):
        self.font_file = font_file

    def create_font_engine(self, writer, obj_stream=None) -> EmbeddedFontEngine:
        return EmbeddedFontEngine(writer, self.font_file)


class EmbeddedFontEngine(FontEngine):
    """Text in a TrueType font, embedded as a subset of the glyphs it showed."""

    def __init__(self, writer, font_file: Path):
        self.tt = ttLib.TTFont(BytesIO(font_file.read_bytes()))  # subsetting changes it
        self.ps_name = self.tt["name"].getDebugName(6)
        super().__init__(writer, self.ps_name, embedded_subset=True)
        self.cmap = self.tt.getBestCmap()
        self.units_per_em = self.tt["head"].unitsPerEm
        self.used: dict[int, str] = {}  # glyph id (= CID) -> the character it shows
        self.font_ref = writer.allocate_placeholder()
        self.written = False

    @property
    def uses_complex_positioning(self) -> bool:
        return False

    def _advance(self, gid: int) -> int:
        return self.tt["hmtx"][self.tt.getGlyphName(gid)][0]

    def shape(self, txt: str) -> ShapeResult:
        gids = []
        for char in txt:
            glyph_name = self.cmap.get(ord(char))
            if glyph_name is None:
                raise ValueError(f"{self.ps_name} has no glyph for {char!r} (U+{ord(char):04X})")
            gid = self.tt.getGlyphID(glyph_name)
            self.used.setdefault(gid, char)
            gids.append(gid)
        ops = b"<" + b"".join(b"%04x" % gid for gid in gids) + b"> Tj"
        advance = sum(self._advance(gid) for gid in gids) / self.units_per_em
        return ShapeResult(graphics_ops=ops, x_advance=advance, y_advance=0)

    def as_resource(self) -> generic.IndirectObject:
        return self.font_ref

    def prepare_write(self) -> None:
        """Embed the subset; the writer calls this once the stamp is laid out."""
        if self.written:
            return
        self.written = True
        writer, font_name = self.writer, f"{self.subset_prefix}+{self.ps_name}"
        scale = 1000 / self.units_per_em

        def number(value: float) -> generic.NumberObject:
            return generic.NumberObject(round(value * scale))

        widths = [(gid, number(self._advance(gid))) for gid in sorted(self.used)]
        head, hhea, os2 = self.tt["head"], self.tt["hhea"], self.tt["OS/2"]
        descriptor = generic.DictionaryObject(
            {
                _name("Type"): _name("FontDescriptor"),
                _name("FontName"): _name(font_name),
                _name("Flags"): generic.NumberObject(0b100),  # symbolic: glyphs are found by CID
                _name("FontBBox"): generic.ArrayObject(
                    map(number, (head.xMin, head.yMin, head.xMax, head.yMax))
                ),
                _name("ItalicAngle"): generic.NumberObject(0),
                _name("Ascent"): number(hhea.ascent),
                _name("Descent"): number(hhea.descent),
                _name("CapHeight"): number(getattr(os2, "sCapHeight", hhea.ascent)),
                _name("StemV"): generic.NumberObject(80),
                _name("FontFile2"): writer.add_object(self._font_program()),
            }
        )
        cid_font = generic.DictionaryObject(
            {
                _name("Type"): _name("Font"),
                _name("Subtype"): _name("CIDFontType2"),
                _name("BaseFont"): _name(font_name),
                _name("CIDSystemInfo"): generic.DictionaryObject(
                    {
                        _name("Registry"): generic.TextStringObject("Adobe"),
                        _name("Ordering"): generic.TextStringObject("Identity"),
                        _name("Supplement"): generic.NumberObject(0),
                    }
                ),
                _name("FontDescriptor"): writer.add_object(descriptor),
                _name("CIDToGIDMap"): _name("Identity"),
                _name("W"): generic.ArrayObject(
                    item
                    for gid, width in widths
                    for item in (generic.NumberObject(gid), generic.ArrayObject([width]))
                ),
            }
        )
        type0 = generic.DictionaryObject(
            {
                _name("Type"): _name("Font"),
                _name("Subtype"): _name("Type0"),
                _name("BaseFont"): _name(f"{font_name}-Identity-H"),
                _name("Encoding"): _name("Identity-H"),
                _name("DescendantFonts"): generic.ArrayObject([writer.add_object(cid_font)]),
                _name("ToUnicode"): writer.add_object(self._to_unicode()),
            }
        )
        writer.add_object(type0, idnum=self.font_ref.idnum)

    def _font_program(self) -> generic.StreamObject:
        # Glyph ids are kept, so that CID = GID (CIDToGIDMap /Identity) holds in the subset.
        options = subset.Options(layout_closure=False, retain_gids=True, notdef_outline=True)
        options.drop_tables += ["GPOS", "GDEF", "GSUB", "FFTM"]
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(gids=list(self.used))
        subsetter.subset(self.tt)
        program = BytesIO()
        self.tt.save(program)
        stream = generic.StreamObject(
            {_name("Length1"): generic.NumberObject(len(program.getvalue()))}, stream_data=program.getvalue()
        )
        stream.compress()
        return stream

    def _to_unicode(self) -> generic.StreamObject:
        pairs = [f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>" for gid, char in sorted(self.used.items())]
        blocks = "".join(
            f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
            for chunk in (pairs[i : i + 100] for i in range(0, len(pairs), 100))
        )
        cmap = (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        )
        stream = generic.StreamObject(stream_data=cmap.encode("ascii"))
        stream.compress()
        return stream


def _name(name: str) -> generic.NameObject:
    return generic.NameObject("/" + name)
