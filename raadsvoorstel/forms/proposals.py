"""The griffie's forms. They check input and say in Dutch what is wrong; the actions write."""

from __future__ import annotations

__all__ = [
    "ThemeTreeField",
    "ProposalForm",
    "SectionForm",
    "DecisionPointForm",
    "OrderedFormSet",
    "ProposalEditor",
    "TransitionForm",
    "AttachmentForm",
    "ProposalFilterForm",
    "SectionFormSet",
    "DecisionPointFormSet",
    "USUAL_HEADINGS",
    "MAX_ATTACHMENT_BYTES",
]

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import history, limits, search
from ..models import Advice, PlanState, Proposal, Proposer, RegionalPlan, State, Theme
from ..text import KEEP_PLAN, ProposalText

SUBJECT_MAX_LENGTH = Proposal._meta.get_field("subject").max_length

# The one limit on an uploaded file (limits.py); the name is kept for those who import it.
MAX_ATTACHMENT_BYTES = limits.MAX_UPLOAD_BYTES

# The headings a new proposal starts with: the usual outline of a raadsvoorstel.
USUAL_HEADINGS = [
    "Aanleiding en beoogd effect",
    "Politieke keuzeruimte",
    "Gedachtegang",
    "Overwegingen",
    "Middelen",
    "Participatie",
    "Communicatie",
    "Samenwerking",
    "Vervolgproces/evaluatie",
    "Bijlagen",
    "Achterliggende documenten",
]


class ThemeTreeField(forms.ModelMultipleChoiceField):
    """Themes as nested checkboxes: each theme with its sub-themes beneath it."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Theme.objects.select_related("parent"), **kwargs)

    def tree(self) -> list[tuple[Theme, list[Theme]]]:
        themes = list(self.queryset)
        roots = sorted((t for t in themes if t.parent_id is None), key=lambda t: (t.position, t.name))
        return [
            (root, sorted((t for t in themes if t.parent_id == root.pk), key=lambda t: (t.position, t.name)))
            for root in roots
        ]


class ProposalForm(forms.Form):
    number = forms.CharField(label=_("Registratienummer"), max_length=40)
    # No max_length here: it becomes the input's maxlength, and a browser cuts a longer text
    # (pasted, say) off without a word. clean_subject says how long it is instead.
    subject = forms.CharField(
        label=_("Onderwerp"),
        # Lazily, like every label here: `%` would translate it once, at import.
        help_text=format_lazy(_("Hoogstens {limit} tekens."), limit=SUBJECT_MAX_LENGTH),
    )
    proposer = forms.ChoiceField(label=_("Indiener"), choices=Proposer.choices)
    initiator = forms.CharField(
        label=_("Naam van de indiener"),
        max_length=200,
        required=False,
        help_text=_("Bij een initiatiefvoorstel van een raadslid: het raadsbesluit noemt de naam."),
    )
    date = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    legal_basis = forms.CharField(
        label=_("Gelet op"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("De wettelijke grondslag: één bepaling per regel."),
    )
    themes = ThemeTreeField(label=_("Thema's"), required=False)
    regional_plan = forms.ModelChoiceField(
        label=_("Regionaal plan"),
        queryset=RegionalPlan.objects.none(),
        required=False,
        empty_label=_("— geen: dit voorstel beantwoordt geen regionaal plan —"),
        help_text=_("Het plan waarover de raad wordt gehoord, zoals het IMV van het RBOP."),
    )
    proposed_advice = forms.ChoiceField(
        label=_("Voorgesteld advies"),
        choices=[("", _("geen: dit is geen consultatie")), *Advice.choices],
        required=False,
        help_text=_(
            "Bij een consultatie, zoals over een regionaal plan: "
            "het advies dat de raad geeft als hij het voorstel aanneemt."
        ),
    )
    proposed_advice_text = forms.CharField(
        label=_("Tekst van de wensen en bedenkingen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen bij wensen en bedenkingen."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality=None, proposal: Proposal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.proposal = proposal
        # The plans in consultation of the bodies this municipality belongs to, and the one it answers.
        plans = (
            Q(state=PlanState.CONSULTATION, regional_body__municipalities=municipality)
            if municipality
            else Q(pk=None)
        )
        if proposal is not None and proposal.regional_plan_id:
            plans |= Q(pk=proposal.regional_plan_id)
        self.fields["regional_plan"].queryset = RegionalPlan.objects.filter(plans).distinct()

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        taken = Proposal.objects.filter(municipality=self.municipality, number=number)
        if self.proposal is not None:
            taken = taken.exclude(pk=self.proposal.pk)
        if taken.exists():
            raise ValidationError(_("Deze gemeente heeft al een voorstel met dit nummer."))
        return number

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if len(subject) > SUBJECT_MAX_LENGTH:
            raise ValidationError(
                _("Het onderwerp is %(length)s tekens; het mag er hoogstens %(limit)s zijn."),
                params={"length": len(subject), "limit": SUBJECT_MAX_LENGTH},
            )
        return subject

    def clean(self):
        data = super().clean()
        if (
            data.get("proposed_advice") == Advice.OBJECTIONS
            and not data.get("proposed_advice_text", "").strip()
        ):
            self.add_error("proposed_advice_text", _("Wensen en bedenkingen hebben een tekst nodig."))
        return data

    def clean_legal_basis(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["legal_basis"].splitlines()]
        too_long = [line for line in lines if len(line) > 500]
        if too_long:
            raise ValidationError(_("Een bepaling is ten hoogste 500 tekens lang."))
        return [line for line in lines if line]

    @classmethod
    def initial_for(cls, proposal: Proposal) -> dict:
        return cls.initial_of(ProposalText.of(proposal), version=proposal.version)

    @classmethod
    def initial_of(cls, text: ProposalText, *, version: int | None) -> dict:
        plan = text.regional_plan
        return {
            "number": text.number,
            "subject": text.subject,
            "proposer": text.proposer,
            "initiator": text.initiator,
            "date": text.date,
            "legal_basis": "\n".join(text.legal_basis),
            "themes": list(text.themes),
            "regional_plan": None if plan is None or plan is KEEP_PLAN else plan.pk,
            "proposed_advice": text.proposed_advice,
            "proposed_advice_text": text.proposed_advice_text,
            "version": version,
        }


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Kop"), max_length=200)
    # How templatetags/proposal_text.py (the page and the PDF) lays a body out.
    body = forms.CharField(
        label=_("Tekst"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Een witregel begint een nieuwe alinea. Een alinea waarvan elke regel begint met "
            "“- ” (streepje, spatie) wordt een opsomming: elke regel een punt."
        ),
    )

    def clean_body(self) -> str:
        # Not max_length: a browser would cut a longer (pasted) text off without a word.
        body = self.cleaned_data["body"]
        if len(body) > limits.MAX_SECTION_CHARS:
            raise ValidationError(
                _("De tekst is %(length)s tekens; een onderdeel mag er hoogstens %(limit)s hebben."),
                params={"length": len(body), "limit": limits.MAX_SECTION_CHARS},
            )
        return body


class DecisionPointForm(forms.Form):
    text = forms.CharField(label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 2}))


class OrderedFormSet(forms.BaseFormSet):
    """Rows the user may add, remove and reorder; blank new rows are ignored."""

    def ordered_data(self) -> list[dict]:
        rows = [form for form in self.ordered_forms if form.has_changed() or form.initial]
        return [{k: v for k, v in form.cleaned_data.items() if k not in ("ORDER", "DELETE")} for form in rows]


SectionFormSet = forms.formset_factory(
    SectionForm,
    formset=OrderedFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=100,
    validate_max=True,
)
DecisionPointFormSet = forms.formset_factory(
    DecisionPointForm,
    formset=OrderedFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class ProposalEditor:
    """The proposal form with its sections and decision points, bound or fresh, as one."""

    def __init__(
        self, data=None, *, municipality, proposal: Proposal | None = None, text: ProposalText | None = None
    ):
        """`text`, when given, is what a fresh form shows instead of the stored proposal (a
        merge of two versions, to edit further before saving it over `proposal`)."""
        self.proposal = proposal
        if text is None and proposal is not None:
            text = ProposalText.of(proposal)
        if text is not None:
            initial = ProposalForm.initial_of(text, version=proposal.version if proposal else None)
            sections = [{"heading": heading, "body": body} for heading, body in text.sections]
            points = [{"text": point} for point in text.decision_points]
        else:
            initial = {"proposer": Proposer.BURGEMEESTER}
            sections = [{"heading": heading, "body": ""} for heading in USUAL_HEADINGS]
            points = []
        self.form = ProposalForm(data, initial=initial, municipality=municipality, proposal=proposal)
        self.sections = SectionFormSet(data, initial=sections, prefix="sections")
        self.points = DecisionPointFormSet(data, initial=points, prefix="points")
        if data is not None:
            # "Add a row" buttons submit the form without saving it: show one more row.
            if "add_section" in data:
                self.sections = _with_extra_row(self.sections)
            if "add_point" in data:
                self.points = _with_extra_row(self.points)
            if self.wants_another_row:
                self._show_without_errors()

    @property
    def wants_another_row(self) -> bool:
        return any(key in self.form.data for key in ("add_section", "add_point"))

    def _show_without_errors(self) -> None:
        """Adding a row is not saving: show what was typed without judging it yet.

        A bound form validates the first time its errors are read; setting them empty
        beforehand (Django's own "not validated" marker is None) keeps the page calm.
        """
        for form in [self.form, *self.sections.forms, *self.points.forms]:
            form._errors = ErrorDict()
            form.cleaned_data = {}
        for formset in (self.sections, self.points):
            formset._errors = [form._errors for form in formset.forms]
            formset._non_form_errors = formset.error_class()

    def is_valid(self) -> bool:
        valid = [self.form.is_valid(), self.sections.is_valid(), self.points.is_valid()]
        return all(valid) and self._text_within_limit()

    def _text_within_limit(self) -> bool:
        """All sections and decision points together stay within `limits.MAX_TEXT_CHARS`."""
        length = sum(len(row["heading"]) + len(row["body"]) for row in self.sections.ordered_data())
        length += sum(len(row["text"]) for row in self.points.ordered_data())
        if length <= limits.MAX_TEXT_CHARS:
            return True
        self.form.add_error(
            None,
            ValidationError(
                _(
                    "De onderdelen en beslispunten zijn samen %(length)s tekens; een voorstel mag er "
                    "hoogstens %(limit)s hebben. Zet lange stukken in een bijlage."
                ),
                params={"length": length, "limit": limits.MAX_TEXT_CHARS},
            ),
        )
        return False

    def text(self) -> ProposalText:
        data = self.form.cleaned_data
        return ProposalText(
            number=data["number"],
            subject=data["subject"],
            proposer=data["proposer"],
            date=data["date"],
            legal_basis=data["legal_basis"],
            themes=list(data["themes"]),
            sections=[(row["heading"], row["body"]) for row in self.sections.ordered_data()],
            decision_points=[row["text"] for row in self.points.ordered_data()],
            proposed_advice=data.get("proposed_advice", ""),
            proposed_advice_text=data.get("proposed_advice_text", ""),
            initiator=data.get("initiator", "").strip(),
            regional_plan=data.get("regional_plan"),
        )

    @property
    def section_rows(self) -> list:
        return _in_submitted_order(self.sections)

    @property
    def point_rows(self) -> list:
        return _in_submitted_order(self.points)

    @property
    def open_sections(self) -> set[str]:
        """The prefixes of the sections shown unfolded: the section being worked on.

        That is every section with an error or changed in what was sent (so that nothing
        typed is hidden), a section just added; on a fresh form the section changed last, by
        the history; else the first.
        """
        rows = self.section_rows
        if not rows:
            return set()
        if self.sections.is_bound:
            worked_on = {
                form.prefix
                for form in rows
                if form.errors or {"heading", "body", "DELETE"} & set(form.changed_data)
            }
            if "add_section" in self.form.data:
                worked_on.add(self.sections.forms[-1].prefix)
            if worked_on:
                return worked_on
        elif self.proposal is not None:
            position = history.last_edited_section(self.proposal)
            if position is not None and position <= len(rows):
                return {rows[position - 1].prefix}
        return {rows[0].prefix}

    @staticmethod
    def data_for(text: ProposalText, *, version: int | None) -> QueryDict:
        """`text` as this editor posts it, every row in place: a text nobody typed (a merge
        of two versions) is checked by the same rules as one typed, and can be carried by
        a page in hidden fields."""
        data = QueryDict(mutable=True)
        plan = text.regional_plan
        data.update(
            {
                "number": text.number,
                "subject": text.subject,
                "proposer": text.proposer,
                "initiator": text.initiator,
                "date": text.date.isoformat(),
                "legal_basis": "\n".join(text.legal_basis),
                "regional_plan": "" if plan is None or plan is KEEP_PLAN else str(plan.pk),
                "proposed_advice": text.proposed_advice,
                "proposed_advice_text": text.proposed_advice_text,
                "version": "" if version is None else str(version),
            }
        )
        data.setlist("themes", [str(theme.pk) for theme in text.themes])
        for prefix, rows in (
            ("sections", [{"heading": heading, "body": body} for heading, body in text.sections]),
            ("points", [{"text": point} for point in text.decision_points]),
        ):
            # Every row an initial one: the formset keeps a row equal to the stored one, and
            # judges each in full.
            data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
            for index, row in enumerate(rows):
                for name, value in row.items():
                    data[f"{prefix}-{index}-{name}"] = value
                data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        return data

    @property
    def selected_themes(self) -> set[str]:
        """The theme ids ticked: as submitted, or as stored."""
        return {str(value) for value in self.form["themes"].value() or []}

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, "Label: message") for every error, for the summary above the form."""
        if not self.form.is_bound:
            return []
        errors = [("", error) for error in self.form.non_field_errors()]
        for field in self.form:
            errors += [(field.auto_id, f"{field.label}: {error}") for error in field.errors]
        for formset, noun in ((self.sections, _("Onderdeel")), (self.points, _("Beslispunt"))):
            errors += [("", error) for error in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                for field in form:
                    errors += [
                        (field.auto_id, f"{noun} {number}, {field.label.lower()}: {error}")
                        for error in field.errors
                    ]
        return errors

    @property
    def submitted_version(self) -> int | None:
        return self.form.cleaned_data.get("version")


def _in_submitted_order(formset) -> list:
    """The rows in the order the user gave them, so a form shown again with its errors
    keeps a reordering (the formset itself lists rows in the order they were sent)."""

    def position(item):
        index, form = item
        try:
            return (int(form["ORDER"].value()), index)
        except (TypeError, ValueError):
            return (len(formset.forms) + index, index)

    return [form for _index, form in sorted(enumerate(formset.forms), key=position)]


def _with_extra_row(formset: forms.BaseFormSet) -> forms.BaseFormSet:
    """The same formset as submitted, with one empty row appended (within its maximum)."""
    data = formset.data.copy()
    # total_form_count() reads a checked management form: a tampered count is no crash.
    total = min(formset.total_form_count() + 1, formset.max_num)
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(total)
    # With its initial rows, so that what the user changed still shows as changed.
    return type(formset)(data, initial=formset.initial, prefix=formset.prefix)


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The version the page showed: a step taken on an older page is refused (409).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Sent only by the page that asks to confirm a step that cannot be undone.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    file = forms.FileField(label=_("Bestand (PDF, ten hoogste 20 MB)"))

    def clean_file(self):
        return self.clean_pdf(self.cleaned_data["file"])

    @staticmethod
    def clean_pdf(upload):
        """A PDF of at most 20 MB (limits.MAX_UPLOAD_BYTES), judged by its content, not by its name."""
        if upload.size == 0:
            raise ValidationError(_("Het bestand is leeg."))
        check_upload_size(upload)
        # A PDF starts with %PDF- and ends with %%EOF (within its last kilobyte).
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(max(upload.size - 1024, 0))
        tail = upload.read()
        upload.seek(0)
        if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
            raise ValidationError(_("Dit is geen PDF-bestand."))
        return upload


def with_theme(theme: Theme) -> Exists:
    """Tagged with `theme` or one of its sub-themes: a semi-join, so no row comes twice and
    no DISTINCT has to sort the whole list."""
    links = Proposal.themes.through.objects.filter(proposal=OuterRef("pk"))
    return Exists(links.filter(Q(theme=theme) | Q(theme__parent=theme)))


class ThemeFilterField(forms.ModelChoiceField):
    """One theme to filter by, offered as a tree: each main theme in (position, name) order,
    followed by its sub-themes in theirs, indented. Filtering by a main theme includes its
    sub-themes (`with_theme`)."""

    # A sub-theme's option is indented by an em space, which browsers keep in an option.
    SUB_THEME_INDENT = "\u2003"

    def __init__(self, **kwargs):
        super().__init__(queryset=Theme.objects.all(), required=False, empty_label=_("Alle"), **kwargs)

    def _get_choices(self):
        # Lazy, as Django's own model choices are: the form class is built before any database.
        return ThemeTree(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class ThemeTree(BaseChoiceIterator):
    def __init__(self, field: ThemeFilterField):
        self.field = field

    def __iter__(self):
        yield ("", self.field.empty_label)
        themes = list(Theme.objects.order_by("position", "name"))
        for main in (t for t in themes if t.parent_id is None):
            yield (main.pk, main.name)
            for sub in (t for t in themes if t.parent_id == main.pk):
                yield (sub.pk, self.field.SUB_THEME_INDENT + sub.name)


class ProposalFilterForm(forms.Form):
    SORTS = [
        ("-date", _("Nieuwste eerst")),
        ("date", _("Oudste eerst")),
        ("number", _("Nummer")),
        ("subject", _("Onderwerp")),
        ("state", _("Status")),
    ]
    q = forms.CharField(label=_("Zoek op onderwerp of nummer"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Alle"))] + State.choices)
    theme = ThemeFilterField(label=_("Thema"))
    sort = forms.ChoiceField(label=_("Sorteer"), required=False, choices=SORTS)

    def filter(self, proposals):
        if not self.is_valid():
            return proposals
        data = self.cleaned_data
        if data["state"]:
            proposals = proposals.filter(state=data["state"])
        if data["theme"]:
            proposals = proposals.filter(with_theme(data["theme"]))
        if data["q"]:
            # Full text (search.py), best match first unless the user chose an order.
            proposals = search.matching(proposals, data["q"])
            return proposals.order_by(data["sort"], "number") if data["sort"] else proposals
        return proposals.order_by(data["sort"] or "-date", "number")


def check_upload_size(upload) -> None:
    """Refuse an uploaded file larger than `limits.MAX_UPLOAD_BYTES`, naming both sizes."""
    if upload.size > limits.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Het bestand is groter dan %(limit)s (het is %(size)s)."),
            params={
                "limit": limits.megabytes(limits.MAX_UPLOAD_BYTES),
                "size": limits.megabytes(upload.size),
            },
        )
