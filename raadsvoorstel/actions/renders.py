"""Rendering the raadsvoorstel and the concept raadsbesluit once per text, and keeping it.

A page asks for a document with `request_render`: a rendering of the same HTML (and the same
stylesheet and fonts) that is already kept is returned at once; a small document is
rendered there and then (up to `limits.INLINE_RENDER_CHARS` of HTML, about a second); a
large one is queued for the worker (`tasks.render_document`) and the page says it is being
made. No request waits for a large render, and none renders what was rendered before.

The kept PDFs are a cache, made again from the proposal whenever asked: no audit entry is
written for them (as none is for the search index), and an older rendering of the same
document is removed once a newer one is stored.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from .. import files, limits
from ..models import Proposal, RenderedDocument, RenderKind, RenderStatus
from ..models.renders import rendered_name

__all__ = ["document_html", "request_render", "store_render", "render_failed"]

logger = logging.getLogger(__name__)
FAILED_SHOWN_FOR = datetime.timedelta(minutes=1)


def document_html(proposal: Proposal, kind: str) -> str:
    """The HTML the document is rendered from; `proposal` as `Proposal.objects.with_document()`."""
    from .. import pdf

    if kind == RenderKind.RAADSVOORSTEL:
        return pdf.voorstel_html(proposal)
    if kind == RenderKind.BESLUIT_CONCEPT:
        return pdf.besluit_html(proposal)
    raise ValueError(f"unknown document {kind!r}")


def request_render(proposal: Proposal, kind: str) -> RenderedDocument:
    """The document's rendering of its current text: ready (kept, or small enough to render
    now), or queued for the worker. A failed rendering is shown as failed for a minute (the
    page then stops looking again by itself), and queued again by a request after that."""
    from .. import pdf
    from ..tasks import render_document

    html = document_html(proposal, kind)
    key = pdf.source_key(html)
    kept = RenderedDocument.objects.filter(proposal=proposal, kind=kind, source_key=key).first()
    if kept is not None and kept.status != RenderStatus.FAILED:
        return kept
    if kept is not None and timezone.now() - kept.requested_at < FAILED_SHOWN_FOR:
        return kept
    if len(html) <= limits.INLINE_RENDER_CHARS:
        return store_render(proposal.pk, kind, key, proposal.version, pdf.render(html))
    with transaction.atomic():
        row, created = RenderedDocument.objects.select_for_update().get_or_create(
            proposal=proposal,
            kind=kind,
            source_key=key,
            defaults={"version": proposal.version, "status": RenderStatus.QUEUED},
        )
        if created or row.status == RenderStatus.FAILED:
            row.status, row.error, row.requested_at = RenderStatus.QUEUED, "", timezone.now()
            row.save(update_fields=["status", "error", "requested_at"])
            # In this transaction: the task exists exactly when its row does (tasks.py).
            render_document.enqueue(row.pk)
    return row


def store_render(proposal_id: int, kind: str, key: str, version: int, content: bytes) -> RenderedDocument:
    """Keep a rendered PDF under its key, once: when another request or worker stored the same
    key first, theirs is kept and returned. Older renderings of the document are removed
    after the commit."""
    digest = hashlib.sha256(content).hexdigest()
    with files.removed_on_failure() as stored, transaction.atomic():
        row, _created = RenderedDocument.objects.select_for_update().get_or_create(
            proposal_id=proposal_id,
            kind=kind,
            source_key=key,
            defaults={"version": version, "status": RenderStatus.QUEUED},
        )
        if row.status == RenderStatus.READY:
            return row
        row.sha256, row.size, row.version = digest, len(content), version
        files.store(row.file, rendered_name(row, ""), content)
        stored.append(row.file)
        row.status, row.error, row.rendered_at = RenderStatus.READY, "", timezone.now()
        row.save()
        older = list(RenderedDocument.objects.filter(proposal_id=proposal_id, kind=kind).exclude(pk=row.pk))
        RenderedDocument.objects.filter(pk__in=[o.pk for o in older]).delete()
        transaction.on_commit(lambda: _remove_files(older))
    return row


def render_failed(render_id: int, error: str) -> None:
    """A queued rendering failed: the page says so, and the next request queues it again."""
    with transaction.atomic():
        RenderedDocument.objects.filter(pk=render_id).exclude(status=RenderStatus.READY).update(
            status=RenderStatus.FAILED, error=error[:2000]
        )


def _remove_files(rows: list[RenderedDocument]) -> None:
    for row in rows:
        if row.file and row.file.name != "":
            try:
                row.file.storage.delete(row.file.name)
            except OSError:
                logger.warning("Could not remove the old rendering %s", row.file.name)
