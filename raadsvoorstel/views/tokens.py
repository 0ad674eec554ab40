"""The griffie's API tokens (/api-sleutels/): made with a name, shown once, listed, revoked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import actions, permissions
from ..forms import TokenForm
from ..models import WorkflowError
from .shared import run_action


# Never cached: the page that shows a new token is the only place it is ever shown.
@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    if not permissions.may_hold_api_token(request.user):
        raise PermissionDenied(_("API-sleutels zijn er alleen voor de griffie."))
    form = TokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = actions.create_token(form.cleaned_data["name"], by=request.user)
        except WorkflowError as refusal:
            form.add_error("name", str(refusal))
        else:
            # Rendered, not redirected: the secret is not stored anywhere it could be shown again.
            form = TokenForm()
    tokens = permissions.visible_tokens(request.user).select_related("user")
    return render(
        request, "tokens/list.html", {"form": form, "tokens": tokens, "created": created, "secret": secret}
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Another municipality's token, or any for someone outside the griffie, does not exist here.
    token = get_object_or_404(permissions.visible_tokens(request.user).select_related("user"), pk=pk)
    run_action(
        request,
        lambda: actions.revoke_token(token, by=request.user),
        _("De sleutel “%(name)s” is ingetrokken; hij werkt niet meer.") % {"name": token.name},
    )
    return redirect("token_list")
