"""The raadsbesluit, the raadsvoorstel, the besluitenlijst, the answer on a regional plan and the
consultation's bundle as PDF/A. The only module that imports WeasyPrint (and joins PDFs).

`besluit_html` and `voorstel_html` make the HTML (testable without WeasyPrint);
`render` turns HTML into PDF/A-2a bytes: tagged, `lang="nl"`, fonts embedded, with the
title and the municipality as author in its metadata. What a render may load is decided
here too: only the application's own static files (fonts, stylesheet, logo) — never
`file://`, the network, or `data:` beyond images.
"""

from __future__ import annotations

import functools
import hashlib
import io
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Proposal

# Relative URLs in the templates resolve against this base; the fetcher maps it onto the
# static files. The host is reserved (RFC 2606) and never contacted.
BASE_URL = "https://raadsvoorstel.invalid/static/"
# PDF/A-2a: PDF 1.7, tagged. Archives accept PDF/A-2 most widely, and A-3's one addition,
# embedded files of any kind, is what a raadsbesluit must not carry.
PDF_VARIANT = "pdf/a-2a"
DATA_IMAGE_TYPES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")


class RefusedResource(ValueError):
    """A resource the render may not load; WeasyPrint then leaves it out."""


def _fetch(url: str, timeout: int = 10, ssl_context=None):
    from weasyprint.urls import URLFetcherResponse

    if url.startswith(BASE_URL):
        relative = unquote(urlsplit(url).path.removeprefix("/static/"))
        found = finders.find(relative) if ".." not in Path(relative).parts else None
        if not found:
            raise RefusedResource(f"geen statisch bestand: {relative}")
        mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime_type})
    if url.lower().startswith(DATA_IMAGE_TYPES) and not url.lower().startswith("data:image/svg"):
        from weasyprint.urls import URLFetcher

        return URLFetcher(allowed_protocols={"data"}, allow_redirects=False).fetch(url)
    raise RefusedResource(f"niet toegestaan bij het maken van een PDF: {url[:80]}")


def url_fetcher():
    """WeasyPrint's fetcher, restricted to our own static files and inline images."""
    from weasyprint.urls import URLFetcher

    class AppOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return _fetch(url)

    return AppOnlyFetcher(allowed_protocols=set(), allow_redirects=False)


# --- HTML ---


def besluit_html(proposal: Proposal) -> str:
    """The raadsbesluit in the municipality's own wording; CONCEPT until both have signed."""
    return render_to_string("pdf/besluit.html", besluit_context(proposal))


def besluit_context(proposal: Proposal) -> dict:
    """What the raadsbesluit's words are made of. The PDF and the public page both render
    `includes/raadsbesluit.html` from it, so the two never say different things."""
    decision = getattr(proposal, "decision", None)
    signatures = {s.role: s for s in decision.signatures.all()} if decision else {}
    points = list(proposal.decision_points.all())
    return {
        "proposal": proposal,
        "municipality": proposal.municipality,
        "decision": decision,
        "points": points,
        "amended_by": [a for a in decision.amendments.all() if a.result == "aangenomen"] if decision else [],
        "advice_to_print": _advice_to_print(decision, points),
        "voorzitter": signatures.get("voorzitter"),
        "griffier": signatures.get("griffier"),
        # Before signing, the names of those who are to sign, where configured.
        "voorzitter_name": _signatory(signatures.get("voorzitter"), proposal.municipality.voorzitter),
        "griffier_name": _signatory(signatures.get("griffier"), proposal.municipality.griffier),
        "is_concept": not proposal.is_final,
        "title": _("Raadsbesluit %(number)s") % {"number": proposal.number},
    }


def _advice_to_print(decision, points) -> str:
    """The wensen en bedenkingen, printed once: not again when a decision point states them."""
    if decision is None or not decision.advice_text:
        return ""
    if any(decision.advice_text.strip() in point.text for point in points):
        return ""
    return decision.advice_text


def _signatory(signature, configured) -> str:
    if signature is not None:
        return signature.name
    return configured.display_name if configured is not None else ""


def voorstel_html(proposal: Proposal) -> str:
    """The whole proposal as the council read it: its decision points as proposed, and what
    amendments did to them in an appendix."""
    decision = getattr(proposal, "decision", None)
    points = [point.text for point in proposal.decision_points.all()]
    return render_to_string(
        "pdf/voorstel.html",
        {
            "proposal": proposal,
            "points": decision.proposed_points
            if decision is not None and decision.proposed_points
            else points,
            "amendments": list(decision.amendments.all()) if decision is not None else [],
            "municipality": proposal.municipality,
            "title": _("Raadsvoorstel %(number)s: %(subject)s")
            % {
                "number": proposal.number,
                "subject": proposal.subject,
            },
        },
    )


# --- PDF ---

# What a render loads besides its HTML; a change to any of these is a new rendering.
RENDER_ASSETS = ("pdf", "fonts")


@functools.cache
def _assets_key() -> str:
    """The SHA-256 of the static files a render may load (stylesheet, fonts), of the PDF
    variant and of WeasyPrint's version: read once per process."""
    from weasyprint import __version__ as weasyprint_version

    digest = hashlib.sha256(f"{PDF_VARIANT}\0{weasyprint_version}\0".encode())
    for directory in RENDER_ASSETS:
        found = finders.find(directory, find_all=True) or []
        for root in sorted(found):
            for path in sorted(Path(root).rglob("*")):
                if path.is_file():
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def source_key(html: str) -> str:
    """What a rendering of `html` is kept under: the same HTML with the same stylesheet,
    fonts and WeasyPrint gives the same PDF, so it is rendered once."""
    return hashlib.sha256(_assets_key().encode() + html.encode("utf-8")).hexdigest()


def render(html: str) -> bytes:
    """HTML to PDF/A-2a bytes; title and author come from the HTML's <title> and <meta>."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        full_fonts=False,
        uncompressed_pdf=False,
    )


def render_besluit(proposal: Proposal) -> bytes:
    return render(besluit_html(proposal))


def render_voorstel(proposal: Proposal) -> bytes:
    return render(voorstel_html(proposal))


# --- The besluitenlijst of a meeting ---


def besluitenlijst_items(meeting) -> list[dict]:
    """Per agenda item: the proposal, its votes (with names for a roll call, in the order of
    the call), the amendments and moties with their results, and the besluit."""
    items = []
    for item in meeting.agenda_items.select_related("proposal").prefetch_related("amendments", "motions"):
        votes = (
            item.votes.exclude(status="open")
            .select_related("amendment", "motion")
            .order_by("opened_at", "pk")
        )
        decision = getattr(item.proposal, "decision", None)
        items.append(
            {
                "item": item,
                "proposal": item.proposal,
                "votes": [
                    {
                        "vote": vote,
                        "ballots": list(vote.ballots.select_related("member").order_by("position", "pk")),
                        "excluded": list(vote.exclusions.select_related("member")),
                    }
                    for vote in votes
                ],
                "amendments": list(item.amendments.order_by("parent_id", "pk")),
                "motions": list(item.motions.all()),
                "decision": decision if decision is not None and decision.meeting_id == meeting.pk else None,
                "points": list(item.proposal.decision_points.values_list("text", flat=True)),
            }
        )
    return items


def besluitenlijst_html(meeting) -> str:
    return render_to_string(
        "pdf/besluitenlijst.html",
        {
            "meeting": meeting,
            "municipality": meeting.municipality,
            "items": besluitenlijst_items(meeting),
            "title": _("Besluitenlijst van de raadsvergadering van %(date)s")
            % {"date": date_format(meeting.starts_at, "j F Y")},
        },
    )


def render_besluitenlijst(meeting) -> bytes:
    return render(besluitenlijst_html(meeting))


# --- The regional consultation: a council's answer, and the bundle of all answers ---


def answer_letter_html(proposal: Proposal, *, sent_to: str, sent_on, reference: str) -> str:
    """The letter with which the griffie sends the council's answer on a regional plan."""
    decision = proposal.decision
    municipality = proposal.municipality
    archived = getattr(proposal, "archived_decision", None)
    return render_to_string(
        "pdf/antwoordbrief.html",
        {
            "proposal": proposal,
            "plan": proposal.regional_plan,
            "municipality": municipality,
            "decision": decision,
            "sent_to": sent_to,
            "sent_on": sent_on,
            "reference": reference,
            "archived": archived,
            "griffier_name": _signatory(None, municipality.griffier),
            "title": _("Antwoord van de raad van %(name)s op %(plan)s")
            % {"name": municipality.name, "plan": proposal.regional_plan.title},
        },
    )


def render_answer_letter(proposal: Proposal, *, sent_to: str, sent_on, reference: str) -> bytes:
    return render(answer_letter_html(proposal, sent_to=sent_to, sent_on=sent_on, reference=reference))


def bundle_summary_html(overview) -> str:
    """The bundle's first part: every member's answer in a table, then every wensen en
    bedenkingen in full."""
    plan = overview.plan
    return render_to_string(
        "pdf/bundel.html",
        {
            "plan": plan,
            "body": plan.regional_body,
            "overview": overview,
            "title": _("Bundel van de consultatie: %(plan)s") % {"plan": plan.title},
        },
    )


def bundle_council_html(proposal: Proposal) -> str:
    """The cover of one council's part: who answered what, and the archive it comes from."""
    return render_to_string(
        "pdf/bundel_raad.html",
        {
            "proposal": proposal,
            "plan": proposal.regional_plan,
            "body": proposal.regional_plan.regional_body,
            "decision": proposal.decision,
            "answer": getattr(proposal, "plan_answer", None),
            "archived": getattr(proposal, "archived_decision", None),
            "title": _("Raadsbesluit van %(name)s") % {"name": proposal.municipality.name},
        },
    )


def render_bundle_council(proposal: Proposal, archived: bytes) -> bytes:
    """The council's cover page followed by its raadsbesluit's pages as archived. The seal's
    field is left out: a seal covers its own file only; the cover names that file's SHA-256."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(render(bundle_council_html(proposal)))))
    writer.append(PdfReader(io.BytesIO(archived)), import_outline=False)
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]
    return _written(writer)


def assemble_bundle(parts: list[bytes], *, title: str, author: str) -> bytes:
    """One PDF/A-2b of the parts in order. Each part is PDF/A; their pages are put together
    and the first part's output intent and fonts kept, so the whole is PDF/A-2 level B (the
    tagging of level A does not survive joining files)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    first = PdfReader(io.BytesIO(parts[0]))
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)), import_outline=False)
    root = writer._root_object
    for key in ("/StructTreeRoot", "/MarkInfo", "/AcroForm"):
        if key in root:
            del root[key]
    intents = first.trailer["/Root"].get("/OutputIntents")
    if intents is not None:
        root[NameObject("/OutputIntents")] = intents.clone(writer)
    if "/Lang" in first.trailer["/Root"]:
        root[NameObject("/Lang")] = first.trailer["/Root"]["/Lang"].clone(writer)
    writer.add_metadata({"/Title": title, "/Author": author, "/Producer": "Raadsvoorstel"})
    _set_pdfa_xmp(writer, title=title, author=author)
    return _written(writer)


def _set_pdfa_xmp(writer, *, title: str, author: str) -> None:
    """XMP metadata that declares PDF/A-2b and repeats the document information."""
    from xml.sax.saxutils import escape

    from pypdf.generic import NameObject, StreamObject

    xmp = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>Raadsvoorstel</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = StreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)


def _written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(document: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(document)).pages)


def plan_document_html(plan, sections: list[tuple[str, str]]) -> str:
    """A plan document made from a proposal's text: the quick start's stand-in for the real one."""
    return render_to_string(
        "pdf/plandocument.html",
        {
            "plan": plan,
            "body": plan.regional_body,
            "sections": sections,
            "title": _("Concept %(plan)s") % {"plan": plan.title},
        },
    )
