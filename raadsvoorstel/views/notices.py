"""A person's notices: what waits for them, newest first; the navigation counts the unread."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions, permissions
from ..forms import MailPreferenceForm
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
    return render(
        request,
        "notices/list.html",
        {
            "notices": notices,
            "mail_form": MailPreferenceForm(initial={"by_mail": request.user.mail_notices}),
            "may_hold_api_token": permissions.may_hold_api_token(request.user),
        },
    )


@login_required
@require_POST
def notice_mail_preference(request: HttpRequest) -> HttpResponse:
    """The person's own choice: notices in the app only, or by mail as well."""
    form = MailPreferenceForm(request.POST)
    form.is_valid()  # a checkbox: absent is "no"
    actions.set_mail_preference(request.user, by_mail=form.cleaned_data.get("by_mail", False))
    if request.user.mail_notices and not request.user.email:
        messages.warning(request, _("U krijgt meldingen per e-mail zodra uw account een e-mailadres heeft."))
    else:
        messages.success(request, _("Uw keuze is opgeslagen."))
    return redirect("notice_list")
