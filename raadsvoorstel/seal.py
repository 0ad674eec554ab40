"""PAdES seals on archived raadsbesluiten, where a municipality has a certificate.

Until the sealing is built (pyHanko), every archived PDF is stored unsealed and the
proposal's page says so.
"""

from __future__ import annotations

from .models import Municipality


def seal_if_configured(document: bytes, municipality: Municipality) -> tuple[bytes, bool]:
    """The document sealed with the municipality's certificate, or as it is; and whether it was sealed."""
    return document, False
