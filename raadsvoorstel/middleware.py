"""Input no page may take: refused before any view sees it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


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
