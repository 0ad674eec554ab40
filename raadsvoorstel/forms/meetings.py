"""The council's forms: members, meetings, attendance, agenda, amendments and votes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..amendments import DELETE, INSERT, REPLACE, Change
from ..models import Advice, Ballot, CouncilMember, Meeting, Proposal, TabledAmendment, User, VoteMode
from .proposals import AttachmentForm, check_upload_size

__all__ = [
    "AgendaForm",
    "BallotForm",
    "AmendmentForm",
    "AttendanceForm",
    "CloseVoteForm",
    "CorrectBallotForm",
    "CorrectionForm",
    "MeetingForm",
    "MemberForm",
    "MemberImportForm",
    "MotionForm",
    "PaperSignatureForm",
    "PostponeForm",
    "PresenceForm",
    "SignForm",
    "StartVoteForm",
    "WithdrawVoteForm",
]


class PageForm(forms.Form):
    """A form that shares its page with others: its ids carry `id_prefix`, so that the labels
    of two forms with a field of the same name ("reden", "titel") each find their own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload)
        return upload


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["starts_at", "place", "public"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }
        help_texts = {"public": _("Uitzetten voor een besloten vergadering (art. 23 lid 2 Gemeentewet).")}


class AttendanceForm(PageForm):
    """The attendance list before opening; "Alle leden aanwezig" ticks everyone, to untick."""

    id_prefix = "aanwezig"
    members = forms.ModelMultipleChoiceField(
        label=_("Aanwezig"),
        queryset=CouncilMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = meeting.seated_members().order_by("name")
        self.fields["members"].label_from_instance = lambda member: f"{member.name} ({member.party})"


class PresenceForm(PageForm):
    id_prefix = "presentie"

    member = forms.ModelChoiceField(
        label=_("Raadslid"), queryset=CouncilMember.objects.none(), empty_label=_("— kies een raadslid —")
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = meeting.seated_members().order_by("name")
        self.fields["member"].label_from_instance = lambda member: f"{member.name} ({member.party})"


class CorrectionForm(PageForm):
    id_prefix = "correctie"

    reason = forms.CharField(
        label=_("Reden van de correctie"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgendaForm(PageForm):
    id_prefix = "agenda"

    proposal = forms.ModelChoiceField(
        label=_("Voorstel"), queryset=Proposal.objects.none(), empty_label=_("— kies een voorstel —")
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = (
            Proposal.objects.before_council()
            .filter(municipality=meeting.municipality_id)
            .exclude(agenda_items__postponed=False)
        )


ACTION_CHOICES = [("", _("ongewijzigd")), (REPLACE, _("vervangen door")), (DELETE, _("schrappen"))]
ADVICE_CHOICES = [("", _("ongewijzigd")), *Advice.choices]


class AmendmentForm(PageForm):
    """An amendment on the points as they stand now: per point, replace or strike it; one new
    point may be inserted; the advice may change. As a sub-amendment it gives an amendment of
    this item its new changes."""

    id_prefix = "amendement"
    title = forms.CharField(label=_("Titel"), max_length=300)
    submitters = forms.CharField(
        label=_("Indieners"), help_text=_("Gescheiden door komma's."), max_length=1000
    )
    parent = forms.ModelChoiceField(
        label=_("Subamendement op"),
        queryset=TabledAmendment.objects.none(),
        required=False,
        empty_label=_("— geen: een amendement op het voorstel —"),
    )

    def __init__(self, *args, points: list[str], item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        if item is not None:
            self.fields["parent"].queryset = item.amendments.filter(parent=None, result="")
        for number, text in enumerate(points, start=1):
            self.fields[f"point_{number}_action"] = forms.ChoiceField(
                label=_("Beslispunt %(n)s") % {"n": number},
                help_text=_("Nu: %(text)s") % {"text": text},
                choices=ACTION_CHOICES,
                required=False,
            )
            self.fields[f"point_{number}"] = forms.CharField(
                label=_("Nieuwe tekst van beslispunt %(n)s") % {"n": number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["insert_at"] = forms.TypedChoiceField(
            label=_("Nieuw beslispunt invoegen als punt"),
            choices=[("", _("geen nieuw punt"))] + [(n, str(n)) for n in range(1, len(points) + 2)],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["insert_text"] = forms.CharField(
            label=_("Tekst van het nieuwe beslispunt"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields["advice"] = forms.ChoiceField(
            label=_("Advies (wensen en bedenkingen)"), choices=ADVICE_CHOICES, required=False
        )
        self.fields["advice_text"] = forms.CharField(
            label=_("Tekst van de wensen en bedenkingen"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes() and not data.get("advice"):
            raise forms.ValidationError(_("Een amendement wijzigt ten minste één beslispunt of het advies."))
        for number in range(1, len(self.points) + 1):
            if data.get(f"point_{number}_action") == REPLACE and not data.get(f"point_{number}", "").strip():
                self.add_error(
                    f"point_{number}", _("Geef de nieuwe tekst van beslispunt %(n)s.") % {"n": number}
                )
        if data.get("insert_at") and not data.get("insert_text", "").strip():
            self.add_error("insert_text", _("Geef de tekst van het nieuwe beslispunt."))
        if data.get("advice") == Advice.OBJECTIONS and not data.get("advice_text", "").strip():
            self.add_error("advice_text", _("Wensen en bedenkingen hebben een tekst nodig."))
        return data

    def submitter_list(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["submitters"].split(",") if name.strip()]

    def changes(self) -> list[Change]:
        data = self.cleaned_data
        changes = []
        for number in range(1, len(self.points) + 1):
            action = data.get(f"point_{number}_action")
            if action == DELETE:
                changes.append(Change(number, DELETE))
            elif action == REPLACE and data.get(f"point_{number}", "").strip():
                changes.append(Change(number, REPLACE, data[f"point_{number}"].strip()))
        if data.get("insert_at") and data.get("insert_text", "").strip():
            changes.append(Change(data["insert_at"], INSERT, data["insert_text"].strip()))
        return changes


class MotionForm(PageForm):
    id_prefix = "motie"

    title = forms.CharField(label=_("Titel"), max_length=300)
    text = forms.CharField(label=_("Tekst van de motie"), widget=forms.Textarea(attrs={"rows": 4}))
    submitters = forms.CharField(
        label=_("Indieners"), help_text=_("Gescheiden door komma's."), max_length=1000
    )

    def submitter_list(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["submitters"].split(",") if name.strip()]


MODE_CHOICES = [("", _("— kies hoe er gestemd wordt —")), *VoteMode.choices]


class StartVoteForm(PageForm):
    """What is put to the vote, and how: nothing is chosen in advance. A hamerstuk is
    confirmed first, for it is adopted without a vote."""

    id_prefix = "stemming"
    subject = forms.ChoiceField(label=_("Over"))
    mode = forms.ChoiceField(label=_("Wijze van stemmen"), choices=MODE_CHOICES)
    excluded = forms.ModelMultipleChoiceField(
        label=_("Uitgesloten van deze stemming (art. 28)"),
        queryset=CouncilMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Een aanwezig lid dat zich van stemming moet onthouden, "
            "bijvoorbeeld wegens een persoonlijk belang."
        ),
    )
    exclusion_reason = forms.CharField(label=_("Reden van uitsluiting"), max_length=300, required=False)
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item, present: list[CouncilMember] = (), **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        undecided = item.amendments.filter(result="")
        for amendment in undecided.order_by("parent_id", "pk"):
            kind = _("subamendement") if amendment.parent_id else _("amendement")
            choices.append((f"amendment-{amendment.pk}", f"{kind} “{amendment.title}”"))
        if not undecided.exists() and item.proposal.is_before_council:
            choices.insert(0, ("proposal", _("het voorstel")))
        if not item.proposal.is_before_council:
            for motion in item.motions.filter(result=""):
                choices.append((f"motion-{motion.pk}", _("motie “%(title)s”") % {"title": motion.title}))
        self.fields["subject"].choices = choices
        self.fields["excluded"].queryset = CouncilMember.objects.filter(
            pk__in=[m.pk for m in present]
        ).order_by("name")
        self.fields["excluded"].label_from_instance = lambda member: f"{member.name} ({member.party})"
        self.item = item

    def clean(self):
        data = super().clean()
        if data.get("excluded") and not data.get("exclusion_reason", "").strip():
            self.add_error("exclusion_reason", _("Geef de reden van uitsluiting (art. 28)."))
        return data

    def subject_object(self) -> dict:
        kind, _sep, pk = self.cleaned_data["subject"].partition("-")
        if kind == "amendment":
            return {"amendment": self.item.amendments.get(pk=pk)}
        if kind == "motion":
            return {"motion": self.item.motions.get(pk=pk)}
        return {}

    def exclusions(self) -> list[tuple[CouncilMember, str]]:
        reason = self.cleaned_data.get("exclusion_reason", "")
        return [(member, reason) for member in self.cleaned_data.get("excluded", [])]

    @property
    def needs_confirmation(self) -> bool:
        return self.cleaned_data.get("mode") == VoteMode.HAMERSTUK and not self.cleaned_data.get("confirmed")


class CloseVoteForm(PageForm):
    id_prefix = "uitslag"

    votes_for = forms.IntegerField(label=_("Stemmen voor"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Stemmen tegen"), min_value=0, required=False)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(choices=Ballot.choices)


class CorrectBallotForm(PageForm):
    """A vote the griffie entered, corrected before the vote closes."""

    id_prefix = "stemcorrectie"
    member = forms.ModelChoiceField(
        label=_("Raadslid"), queryset=CouncilMember.objects.none(), empty_label=_("— kies een raadslid —")
    )
    choice = forms.ChoiceField(label=_("Juiste stem"), choices=Ballot.choices)
    reason = forms.CharField(label=_("Reden"), max_length=300)

    def __init__(self, *args, vote=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vote is not None:
            entered = [
                b.member_id
                for b in vote.ballots.select_related("member")
                if b.entered_by_id != b.member.user_id
            ]
            self.fields["member"].queryset = CouncilMember.objects.filter(pk__in=entered).order_by("name")


class WithdrawVoteForm(PageForm):
    id_prefix = "intrekken"

    reason = forms.CharField(label=_("Waarom wordt de stemming ingetrokken?"), max_length=500)


class PostponeForm(PageForm):
    id_prefix = "aanhouden"

    meeting = forms.ModelChoiceField(
        label=_("Naar de vergadering van"),
        queryset=Meeting.objects.none(),
        empty_label=_("— kies een vergadering —"),
    )

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
