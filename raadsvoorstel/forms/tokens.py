"""The griffie's API tokens: a new one is only given a name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["TokenForm"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Naam van de sleutel"),
        max_length=100,
        help_text=_("Waarvoor de sleutel dient, zodat u hem later herkent, zoals “Zaaksysteem”."),
    )
