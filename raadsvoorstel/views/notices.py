"""A person's notices: what waits for them, newest first; the navigation counts the unread."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import actions
from ..models import Notice


def unread_notices(request: HttpRequest) -> dict:
    """Context processor: the number of unread notices, for the navigation (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": Notice.objects.filter(user=user, read_at__isnull=True).count()}


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        actions.mark_notices_read(request.user)
        return redirect("notice_list")
    notices = list(Notice.objects.filter(user=request.user)[:100])
    return render(request, "notices/list.html", {"notices": notices})
