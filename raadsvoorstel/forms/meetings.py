"""The council's forms: members, meetings, attendance, agenda, amendments and votes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Ballot, CouncilMember, Meeting, Proposal, TabledAmendment, User, VoteMode
from .proposals import AttachmentForm

__all__ = [
    "AgendaForm",
    "BallotForm",
    "AmendmentForm",
    "AttendanceForm",
    "CloseVoteForm",
    "MeetingForm",
    "MemberForm",
    "MemberImportForm",
    "PaperSignatureForm",
    "PostponeForm",
    "SignForm",
    "StartVoteForm",
]


class MemberForm(forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = ["name", "party", "seated_from", "seated_until"]
        widgets = {
            "seated_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "seated_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_("Kolommen naam, fractie, vanaf en tot en met (leeg als nog lid), met een kopregel."),
    )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["starts_at", "place"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }


class AttendanceForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Aanwezig"),
        queryset=CouncilMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = meeting.seated_members()
        self.fields["members"].label_from_instance = lambda member: f"{member.name} ({member.party})"


class AgendaForm(forms.Form):
    proposal = forms.ModelChoiceField(label=_("Voorstel"), queryset=Proposal.objects.none())

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = (
            Proposal.objects.before_council()
            .filter(municipality=meeting.municipality_id)
            .exclude(agenda_items__postponed=False)
        )


class AmendmentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    submitters = forms.CharField(
        label=_("Indieners"), help_text=_("Gescheiden door komma's."), max_length=1000
    )

    def __init__(self, *args, points: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        for number, text in enumerate(points, start=1):
            self.fields[f"point_{number}"] = forms.CharField(
                label=_("Nieuwe tekst van beslispunt %(n)s") % {"n": number},
                help_text=_("Leeg laten als het amendement dit punt niet wijzigt. Nu: %(text)s")
                % {"text": text},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        if not self.changes():
            raise forms.ValidationError(_("Een amendement wijzigt ten minste één beslispunt."))
        return data

    def submitter_list(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["submitters"].split(",") if name.strip()]

    def changes(self) -> list[tuple[int, str]]:
        return [
            (number, self.cleaned_data[f"point_{number}"].strip())
            for number in range(1, len(self.points) + 1)
            if self.cleaned_data.get(f"point_{number}", "").strip()
        ]


class StartVoteForm(forms.Form):
    mode = forms.ChoiceField(label=_("Wijze van stemmen"), choices=VoteMode.choices)
    amendment = forms.ModelChoiceField(
        label=_("Over"),
        queryset=TabledAmendment.objects.none(),
        required=False,
        empty_label=_("het voorstel zelf"),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amendment"].queryset = item.amendments.filter(result="")


class CloseVoteForm(forms.Form):
    votes_for = forms.IntegerField(label=_("Stemmen voor"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Stemmen tegen"), min_value=0, required=False)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(choices=Ballot.choices)


class PostponeForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Naar de vergadering van"), queryset=Meeting.objects.none())

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            municipality=item.meeting.municipality_id,
            starts_at__gt=item.meeting.starts_at,
            closed_at__isnull=True,
        ).order_by("starts_at")


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ik heb het raadsbesluit gelezen en onderteken het."),
        error_messages={"required": _("Bevestig dat u het besluit hebt gelezen.")},
    )


class SignatoryField(forms.ModelChoiceField):
    """One of the people configured on the municipality for a signing role, or their substitute."""

    def __init__(self, options: list[tuple], **kwargs):
        self.substitutes = {user.pk for user, as_substitute in options if as_substitute}
        queryset = User.objects.filter(pk__in=[user.pk for user, _as_substitute in options])
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, user) -> str:
        if user.pk in self.substitutes:
            return _("%(name)s (als vervanger)") % {"name": user.display_name}
        return user.display_name


class PaperSignatureForm(forms.Form):
    """A raadsbesluit signed in ink: the scan, who signed it (chosen, never typed) and when."""

    scan = forms.FileField(label=_("Scan van het getekende raadsbesluit (PDF)"))
    date = forms.DateField(label=_("Datum van ondertekening"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, signatories: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voorzitter"] = SignatoryField(
            signatories["voorzitter"],
            label=_("Getekend door de voorzitter"),
            empty_label=_("— kies wie tekende —"),
            help_text=_("De voorzitter of de waarnemend voorzitter, zoals ingesteld bij de gemeente."),
        )
        self.fields["griffier"] = SignatoryField(
            signatories["griffier"],
            label=_("Getekend door de griffier"),
            empty_label=_("— kies wie tekende —"),
            help_text=_("De griffier of de plaatsvervangend griffier, zoals ingesteld bij de gemeente."),
        )
        self.order_fields(["scan", "voorzitter", "griffier", "date"])

    def clean_scan(self):
        return AttachmentForm.clean_pdf(self.cleaned_data["scan"])
