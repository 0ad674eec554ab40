"""Input no page may take, refused before any view sees it; and a 503 while the database is away."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader

from .observability import current_request_id

logger = logging.getLogger(__name__)


class RefuseNulMiddleware:
    """A NUL character in the address or the query: no number, word or parameter holds one,
    and PostgreSQL refuses it in any text (a 500 if it got that far). 400, in Dutch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _nul_in_query(request):
            return HttpResponseBadRequest(
                "Het adres bevat een ongeldig teken (NUL).", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


def _nul_in_query(request: HttpRequest) -> bool:
    # The raw query string carries it percent-encoded (%00); the decoded values show it.
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


# What Django raises when the database cannot be reached or the connection broke mid-request
# (a restart, a failover, a full connection table). Not a fault in the request: try again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After, in Dutch, rendered without the database: JSON in the API's error
    shape under /api/, otherwise templates/503.html without context processors (they read the
    database). The request's transaction, if any, was rolled back, so nothing half-done stays."""
    message = (
        "De database is even niet bereikbaar. Er is niets opgeslagen; probeer het over een minuut opnieuw."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"errors": [{"path": "", "message": message}]}, status=503)
    else:
        request_id = getattr(request, "request_id", "") or current_request_id()
        html = loader.get_template("503.html").render({"request_id": request_id, "message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A database that is down or was restarted answers 503 "try again" instead of a 500 with a
    traceback. Right after RequestIdMiddleware, so the page and the log line carry the id.

    A view's error comes here through process_exception (before Django's 500 handling, and
    before django-ninja's, which in DEBUG would answer with a traceback); an error in another
    middleware (the session saved after the view) reaches views.errors.server_error, which
    answers the same. Logged as a warning, once per request, with the error's first line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_UNAVAILABLE as error:  # only when raised outside Django's own wrapping
            return self.process_exception(request, error)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        log_database_unavailable(request, exception)
        return database_unavailable_response(request)


def log_database_unavailable(request: HttpRequest, error: BaseException) -> None:
    logger.warning(
        "Database unavailable during %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )
