"""Each person's start page: what waits for them, by their role."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import worklists


@login_required
def start(request: HttpRequest) -> HttpResponse:
    page = worklists.start_page(request.user)
    return render(request, "start.html", {"start": page, "lists": {w.key: w for w in page.lists}})


def waiting_work(request: HttpRequest) -> dict:
    """Context processor: the navigation's count of what waits, computed only where a page
    shows it (a template calls the callable), never for a fragment that does not."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"waiting_work": partial(worklists.waiting_count, user)}
