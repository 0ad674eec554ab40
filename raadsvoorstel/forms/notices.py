"""A person's own settings for notices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["MailPreferenceForm"]


class MailPreferenceForm(forms.Form):
    by_mail = forms.BooleanField(
        label=_("Meldingen ook per e-mail ontvangen"),
        required=False,
        help_text=_("Meldingen staan altijd hier; met dit vinkje krijgt u ze ook per e-mail."),
    )
