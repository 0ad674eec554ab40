"""The answers when something refuses: the 500 page, and the login page after too many tries."""

import sys
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from ..middleware import DATABASE_UNAVAILABLE, database_unavailable_response, log_database_unavailable
from ..observability import current_request_id


@requires_csrf_token
def server_error(request):
    """templates/500.html with the request's id, rendered without context processors: what
    failed may be the database they read. A database that is away, found outside a view (the
    session saved after it), is the 503 of middleware.DatabaseUnavailableMiddleware instead."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        log_database_unavailable(request, error)
        return database_unavailable_response(request)
    request_id = getattr(request, "request_id", "") or current_request_id()
    html = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponseServerError(html)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login while locked out: the login page again, with why (429).
    The password is not checked at all until the lock has passed."""
    cooloff = settings.AXES_COOLOFF_TIME or timedelta(0)
    minutes = max(1, round(cooloff.total_seconds() / 60))
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    message = _(
        "Te veel mislukte pogingen om in te loggen. Uw account is voor dit adres %(minutes)s "
        "minuten geblokkeerd; probeer het daarna opnieuw."
    ) % {"minutes": minutes}
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
