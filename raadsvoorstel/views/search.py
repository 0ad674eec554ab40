"""Search, for everyone: the public finds public decisions; a logged-in person also finds
what their own pages show. Results are ranked, the words found are highlighted."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import permissions, search
from ..forms import SearchForm
from ..models import PUBLIC_STATES, State

PAGE_SIZE = 20


def search_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    states = list(State.values) if user.is_authenticated else [str(s) for s in PUBLIC_STATES]
    form = SearchForm(request.GET or None, states=states)
    page, query = None, ""
    if form.asks:
        found = form.filter(permissions.readable_proposals(user)).select_related(
            "municipality", "regional_plan__regional_body"
        )
        words = form.cleaned_data["q"]
        found = search.matching(found, words) if words else found.order_by("-date", "number")
        page = Paginator(found.prefetch_related("themes__parent"), PAGE_SIZE).get_page(
            request.GET.get("pagina")
        )
        for proposal in page.object_list:
            proposal.snippet = search.snippet(proposal, words) if words else ""
            # Where the person reads it: their own page if they may, else the public one.
            proposal.url = (
                proposal.get_absolute_url()
                if permissions.may_view(user, proposal)
                else proposal.get_public_url()
            )
        params = request.GET.copy()
        params.pop("pagina", None)
        query = params.urlencode()
    return render(request, "search.html", {"form": form, "page": page, "query": query})
