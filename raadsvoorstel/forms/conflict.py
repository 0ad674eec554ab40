"""The choice a user makes when their save met a newer version: per part, theirs or mine."""

from __future__ import annotations

__all__ = ["ConflictChoiceForm"]

from django import forms
from django.utils.translation import gettext_lazy as _

from ..history import Conflict

MINE, THEIRS = "mine", "theirs"


class ConflictChoiceForm(forms.Form):
    """One radio group per part that differs, `choice_<key>`: "mine" or "theirs".

    A part only one side changed since the version both started from comes with that
    side's version chosen; a part both changed (or whose history is unknown) has nothing
    chosen: the user decides, as nobody can do it for them.
    """

    def __init__(self, data=None, *, conflict: Conflict, kept=None, **kwargs):
        """`kept`: choices sent before (a page overtaken by yet another save), chosen again
        wherever the same part still differs."""
        super().__init__(data, **kwargs)
        labels = (
            (_("Versie uit dit venster"), _("Versie uit het andere venster"))
            if conflict.by_same_user
            else (_("Mijn versie"), _("Hun versie"))
        )
        self.differences = conflict.differences
        for difference in conflict.differences:
            name = f"choice_{difference.key}"
            self.fields[name] = forms.ChoiceField(
                label=difference.label,
                choices=[(MINE, labels[0]), (THEIRS, labels[1])],
                widget=forms.RadioSelect,
                initial=difference.default,
                error_messages={"required": _("Kies welke versie u houdt.")},
            )
            if kept is not None and kept.get(name) in (MINE, THEIRS):
                self.initial[name] = kept[name]

    @staticmethod
    def base_version_of(data) -> int | None:
        """The version the user's text started from, which the page carries (`base_version`):
        who changed which part is judged against it. Needed before the form can be built."""
        try:
            return int(data.get("base_version", ""))
        except ValueError:
            return None

    def rows(self) -> list[tuple]:
        """(difference, bound field) per part, for the page."""
        return [(difference, self[f"choice_{difference.key}"]) for difference in self.differences]

    def take_mine(self) -> set[str]:
        """The keys of the parts the user keeps as they typed them."""
        return {
            difference.key
            for difference in self.differences
            if self.cleaned_data.get(f"choice_{difference.key}") == MINE
        }

    def error_list(self) -> list[tuple[str, str]]:
        """(first radio's id, "Part: message"), for the summary above the form."""
        return [
            (f"{self[name].auto_id}_0", f"{self.fields[name].label}: {error}")
            for name, errors in self.errors.items()
            for error in errors
        ]
