"""Checking a PDF against the archive of signed raadsbesluiten."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .proposals import check_upload_size

__all__ = ["ArchiveCheckForm"]


class ArchiveCheckForm(forms.Form):
    file = forms.FileField(label=_("PDF-bestand"), required=False)
    sha256 = forms.CharField(
        label=_("of de SHA-256 van het bestand"),
        required=False,
        max_length=64,
        help_text=_("64 tekens, 0-9 en a-f."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload_size(upload)
        return upload

    def clean_sha256(self) -> str:
        value = self.cleaned_data["sha256"].strip().lower()
        if value and not re.fullmatch(r"[0-9a-f]{64}", value):
            raise forms.ValidationError(_("Een SHA-256 bestaat uit 64 tekens 0-9 en a-f."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("sha256"):
            raise forms.ValidationError(_("Kies een PDF-bestand of vul een SHA-256 in."))
        return data
