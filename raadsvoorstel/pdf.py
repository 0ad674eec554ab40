"""The raadsbesluit and the raadsvoorstel as PDF/A. The only module that imports WeasyPrint.

`besluit_html` and `voorstel_html` make the HTML (testable without WeasyPrint);
`render` turns HTML into PDF/A-2a bytes: tagged, `lang="nl"`, fonts embedded, with the
title and the municipality as author in its metadata. What a render may load is decided
here too: only the application's own static files (fonts, stylesheet, logo) — never
`file://`, the network, or `data:` beyond images.
"""

from __future__ import annotations

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
    decision = getattr(proposal, "decision", None)
    signatures = {s.role: s for s in decision.signatures.all()} if decision else {}
    points = list(proposal.decision_points.all())
    return render_to_string(
        "pdf/besluit.html",
        {
            "proposal": proposal,
            "municipality": proposal.municipality,
            "decision": decision,
            "points": points,
            "amended_by": [a for a in decision.amendments.all() if a.result == "aangenomen"]
            if decision
            else [],
            "advice_to_print": _advice_to_print(decision, points),
            "voorzitter": signatures.get("voorzitter"),
            "griffier": signatures.get("griffier"),
            # Before signing, the names of those who are to sign, where configured.
            "voorzitter_name": _signatory(signatures.get("voorzitter"), proposal.municipality.voorzitter),
            "griffier_name": _signatory(signatures.get("griffier"), proposal.municipality.griffier),
            "is_concept": not proposal.is_final,
            "title": _("Raadsbesluit %(number)s") % {"number": proposal.number},
        },
    )


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
