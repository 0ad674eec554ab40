"""The checks behind /gezond/, for a load balancer: the database, the file storage and the
background worker, each answering "ok" or why not.

The worker (`manage.py worker`, which is django-tasks-db's db_worker) writes a heartbeat
file every few seconds; the check reads its age. The file lives where
RAADSVOORSTEL_WORKER_HEARTBEAT says (var/worker.heartbeat by default), so the web server
and the worker must see the same file system there.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY_SECONDS = 10
# Six missed beats: a worker busy rendering still beats (the beat is its own thread).
HEARTBEAT_MAX_AGE_SECONDS = 60
OK = "ok"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health: the database does not answer")
        return "fout: database antwoordt niet"
    return OK


def check_storage() -> str:
    """Writes a small file through the storage uploads use, reads it back, and removes it."""
    name = f"gezond/{uuid.uuid4().hex}.txt"
    try:
        stored = default_storage.save(name, ContentFile(b"ok"))
        try:
            with default_storage.open(stored) as file:
                if file.read() != b"ok":
                    return "fout: opslag geeft iets anders terug"
        finally:
            default_storage.delete(stored)
    except Exception:
        logger.exception("health: the file storage cannot be written")
        return "fout: opslag niet schrijfbaar"
    return OK


def heartbeat_path() -> Path:
    return Path(settings.RAADSVOORSTEL_WORKER_HEARTBEAT)


def write_heartbeat() -> None:
    path = heartbeat_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{time.time():.0f}\n", encoding="ascii")
    temporary.replace(path)


def check_worker() -> str:
    try:
        age = time.time() - heartbeat_path().stat().st_mtime
    except FileNotFoundError:
        return "fout: geen hartslag van de worker"
    if age > HEARTBEAT_MAX_AGE_SECONDS:
        return f"fout: laatste hartslag van de worker {age:.0f} s geleden"
    return OK


def check_all() -> dict[str, str]:
    # Looked up by name at call time, so a test can replace one check.
    return {"database": check_database(), "storage": check_storage(), "worker": check_worker()}


def start_heartbeat() -> threading.Event:
    """Beats in a daemon thread until the returned event is set (or the process ends)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            try:
                write_heartbeat()
            except OSError:
                logger.exception("worker: could not write the heartbeat")
            stop.wait(HEARTBEAT_EVERY_SECONDS)

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()
    return stop
