"""schema.org metadata of a public raadsbesluit, as JSON-LD on its public page.

The type is `Legislation` ("a legal document such as an act, decree, bill, etc. (enforceable
or not)"): a raadsbesluit is the council's decree, with the municipality as its jurisdiction,
the council as the body that passed it, and the archived PDF/A as its encoding, named by
the SHA-256 that `/controle/` checks. Callers pass only public decisions (`permissions`).
"""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import ArchivedDecision, Proposal

# As Django's json_script does: in a <script> element these three could end it or open a
# comment; escaped as JSON, they read the same to any parser.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def decision(proposal: Proposal, *, url: str, pdf_url: str, archived: ArchivedDecision | None) -> dict:
    """The raadsbesluit as a schema.org `Legislation`; `url` and `pdf_url` are absolute."""
    municipality = proposal.municipality
    decided = proposal.decision
    signed_on = max((s.date for s in decided.signatures.all()), default=decided.meeting_date)
    names = {"number": proposal.number, "subject": proposal.subject}
    name = _("Raadsbesluit %(number)s: %(subject)s") % names
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": url,
        "url": url,
        "name": name,
        "identifier": proposal.key,
        "legislationIdentifier": proposal.key,
        "legislationType": _("raadsbesluit"),
        "legislationDate": decided.meeting_date.isoformat(),
        # Public from the second signature on.
        "datePublished": signed_on.isoformat(),
        "inLanguage": "nl",
        "legislationJurisdiction": {
            "@type": "AdministrativeArea",
            "name": municipality.name,
            "identifier": municipality.code,
        },
        "legislationPassedBy": {
            "@type": "GovernmentOrganization",
            "name": _("Gemeenteraad van %(name)s") % {"name": municipality.name},
        },
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": _("Gemeente %(name)s") % {"name": municipality.name},
            "identifier": municipality.code,
        },
    }
    themes = [theme.path for theme in proposal.themes.all()]
    if themes:
        data["keywords"] = themes
    if archived is not None:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": pdf_url,
            "encodingFormat": "application/pdf",
            "sha256": archived.sha256,
            "contentSize": str(archived.size),
        }
    return data


def as_script(data: dict) -> SafeString:
    """The JSON for a `<script type="application/ld+json">` element, safe whatever the text."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped above
