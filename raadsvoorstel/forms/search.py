"""The search form: words, and filters by municipality, theme, state and period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Municipality, State
from .proposals import ThemeFilterField, with_theme

__all__ = ["SearchForm"]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Zoekwoorden"), required=False, max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        required=False,
        empty_label=_("Alle"),
        queryset=Municipality.objects.order_by("name"),
    )
    theme = ThemeFilterField(label=_("Thema"))
    state = forms.ChoiceField(label=_("Status"), required=False)
    since = forms.DateField(label=_("Vanaf datum"), required=False, widget=DATE)
    until = forms.DateField(label=_("Tot en met datum"), required=False, widget=DATE)

    def __init__(self, *args, states: list[str], **kwargs):
        """`states`: the states this person may find (the public only finds decisions)."""
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Alle"))] + [(s, State(s).label) for s in states]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("De einddatum ligt vóór de begindatum."))
        return data

    @property
    def asks(self) -> bool:
        """Whether the person searched or filtered at all (an empty form lists nothing)."""
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def filter(self, proposals):
        data = self.cleaned_data
        if data["municipality"]:
            proposals = proposals.filter(municipality=data["municipality"])
        if data["theme"]:
            proposals = proposals.filter(with_theme(data["theme"]))
        if data["state"]:
            proposals = proposals.filter(state=data["state"])
        if data["since"]:
            proposals = proposals.filter(date__gte=data["since"])
        if data["until"]:
            proposals = proposals.filter(date__lte=data["until"])
        return proposals
