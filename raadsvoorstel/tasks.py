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
