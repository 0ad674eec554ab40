"""Background work, on Django's tasks framework with the database backend (django-tasks-db).

`make run` starts a worker (`manage.py db_worker`) beside the web server; in production
it runs as its own process. A task is queued in the transaction of the change that needs
it, so it exists exactly when that change was committed.
"""

from __future__ import annotations

import datetime
import logging

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

# A failed archive is tried again after 30 s, 1, 2, 4 ... minutes: about four hours in all.
MAX_ATTEMPTS = 10


def backoff(attempt: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=30 * 2 ** (attempt - 1))


@task()
def archive_decision(proposal_id: int, attempt: int = 1) -> str:
    """Archive a signed raadsbesluit (actions.archive_signed_decision); returns its SHA-256.

    On failure the run is recorded as failed, the error is logged, and a new run is queued
    with a longer wait, up to MAX_ATTEMPTS. Running it twice is harmless: the second run
    finds the archive.
    """
    from . import actions
    from .models import Proposal

    try:
        return actions.archive_signed_decision(Proposal.objects.get(pk=proposal_id)).sha256
    except Exception:
        if attempt < MAX_ATTEMPTS:
            wait = backoff(attempt)
            logger.exception(
                "Archiving the raadsbesluit of proposal %s failed (attempt %s); trying again in %s",
                proposal_id,
                attempt,
                wait,
            )
            archive_decision.using(run_after=timezone.now() + wait).enqueue(proposal_id, attempt + 1)
        else:
            logger.exception(
                "Archiving the raadsbesluit of proposal %s failed %s times; giving up until "
                "`manage.py archive_pending` queues it again",
                proposal_id,
                attempt,
            )
        raise


def _retry_or_give_up(task, bundle_id: int, args: tuple, attempt: int, what: str) -> None:
    """A bundle's step failed: run it again later, or after MAX_ATTEMPTS mark the bundle failed."""
    from . import actions

    if attempt < MAX_ATTEMPTS:
        wait = backoff(attempt)
        logger.exception(
            "%s of bundle %s failed (attempt %s); trying again in %s", what, bundle_id, attempt, wait
        )
        task.using(run_after=timezone.now() + wait).enqueue(*args, attempt + 1)
    else:
        logger.exception("%s of bundle %s failed %s times; giving up", what, bundle_id, attempt)
        actions.bundle_failed(bundle_id, f"{what} mislukte {attempt} keer.")


@task()
def render_bundle_part(bundle_id: int, position: int, attempt: int = 1) -> str:
    """Render and store one part of a consultation's bundle (actions.store_bundle_part); any
    number of workers share these, and a part run twice is stored once."""
    from . import actions

    try:
        return actions.store_bundle_part(bundle_id, position).sha256
    except Exception:
        _retry_or_give_up(
            render_bundle_part, bundle_id, (bundle_id, position), attempt, f"Onderdeel {position}"
        )
        raise


@task()
def assemble_bundle(bundle_id: int, attempt: int = 1) -> str:
    """Put a bundle's parts together once the last one is in (actions.assemble_bundle)."""
    from . import actions

    try:
        return actions.assemble_bundle(bundle_id).sha256
    except Exception:
        _retry_or_give_up(assemble_bundle, bundle_id, (bundle_id,), attempt, "Het samenvoegen")
        raise


@task()
def render_document(render_id: int) -> str:
    """Render a queued raadsvoorstel or concept raadsbesluit (actions.request_render) and keep
    it; returns its SHA-256. When the text changed since it was asked for, nothing is
    rendered: the next request asks for the new text. A failure is recorded on the row (the
    page then says so, and the next request queues it again) and logged."""
    from . import actions, pdf
    from .actions.renders import document_html
    from .models import Proposal, RenderedDocument, RenderStatus

    row = RenderedDocument.objects.filter(pk=render_id).first()
    if row is None or row.status == RenderStatus.READY:
        return row.sha256 if row else ""
    try:
        proposal = Proposal.objects.with_document().get(pk=row.proposal_id)
        html = document_html(proposal, row.kind)
        key = pdf.source_key(html)
        if key != row.source_key:
            RenderedDocument.objects.filter(pk=row.pk, status=RenderStatus.QUEUED).delete()
            return ""
        return actions.store_render(proposal.pk, row.kind, key, proposal.version, pdf.render(html)).sha256
    except Exception as error:
        logger.exception("Rendering %s of proposal %s failed", row.kind, row.proposal_id)
        actions.render_failed(render_id, f"{type(error).__name__}: {error}")
        raise
