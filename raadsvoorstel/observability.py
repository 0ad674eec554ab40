"""What the logs say about a request: its id, and one JSON line per record on stderr.

Every request gets an id (`X-Request-ID`): the one a proxy sent, when it looks like an id,
or a fresh one. It is on the response, on every log record written while the request runs
(a 500's traceback included), and on the 500 page, so a person's "it went wrong at 14:02"
leads to the one line that says why.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid

from django.conf import settings

# A proxy's or load balancer's id is taken over only when it is short and plain: it ends up
# in log lines and a response header, so nothing that could break either.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the request being answered in this thread, or "" outside a request."""
    return _current_request_id.get()


class RequestIdMiddleware:
    """Outermost middleware: sets the id before anything can log, and on every response."""

    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(self.header, "")
        request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response[self.header] = request_id
        return response


def client_ip(request) -> str:
    """The client's address. Behind a proxy (RAADSVOORSTEL_FORWARDED_FOR=1) that appends it to
    X-Forwarded-For, the last entry is the one that proxy saw; entries before it come from
    the client and are not trusted. Without a proxy, REMOTE_ADDR."""
    if settings.RAADSVOORSTEL_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, and for a request
    logged by Django its method, path and status; a traceback as one escaped string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current_request_id(),
        }
        if status := getattr(record, "status_code", None):
            entry["status"] = status
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
