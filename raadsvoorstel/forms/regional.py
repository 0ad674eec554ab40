"""The regional body's forms: a plan with the raadsvoorstel it proposes to every member,
its vaststelling, and a council's answer."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..consultation import PLACEHOLDER, PlanTemplate
from ..models import Advice, LegalGround, Proposer, RegionalPlan
from .proposals import AttachmentForm, ThemeTreeField

__all__ = [
    "AdoptionForm",
    "AnswerForm",
    "PlanForm",
    "VersionForm",
    "WithdrawPlanForm",
    "error_list",
    "parse_sections",
    "sections_as_text",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SECTION_MARK = "## "
PLAN_PROPOSERS = [(value, label) for value, label in Proposer.choices if value != Proposer.RAADSLID]


def error_list(form: forms.Form) -> list[tuple[str, str]]:
    """Every error of the form as (the field's id, "Label: message"), for the error summary."""
    found = []
    for name, errors in form.errors.items():
        for error in errors:
            if name in form.fields and form.fields[name].label:
                found.append((form[name].id_for_label, f"{form.fields[name].label}: {error}"))
            else:
                found.append(("", error))
    return found


def parse_sections(text: str) -> list[tuple[str, str]]:
    """`## Kop` starts a section; the lines after it, up to the next, are its text."""
    sections: list[tuple[str, list[str]]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(SECTION_MARK):
            sections.append((line[len(SECTION_MARK) :].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            raise ValidationError(_("Begin met een kop: een regel die met ‘## ’ begint."))
    return [(heading, "\n".join(lines).strip()) for heading, lines in sections]


def sections_as_text(sections: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"{SECTION_MARK}{heading}\n{body}".rstrip() for heading, body in sections)


class PlanForm(forms.Form):
    """The plan, and the raadsvoorstel each member council starts from. Once the plan is sent,
    only its dates and meeting can change: the councils were asked about this text."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Kleine letters, cijfers en streepjes, zoals imv-nh-2024-2027."),
    )
    title = forms.CharField(label=_("Titel van het plan"), max_length=300)
    document_title = forms.CharField(label=_("Titel van het plandocument"), max_length=300, required=False)
    document = forms.FileField(
        label=_("Plandocument (PDF, ten hoogste 20 MB)"),
        required=False,
        help_text=_("Gaat als bijlage mee met elk raadsvoorstel."),
    )
    answer_deadline = forms.DateField(label=_("Uiterste datum voor de antwoorden"), widget=DATE)
    adoption_date = forms.DateField(label=_("Geplande vaststelling"), widget=DATE, required=False)
    adoption_meeting = forms.CharField(label=_("Geplande vergadering"), max_length=200, required=False)
    themes = ThemeTreeField(label=_("Thema's"), required=False)
    subject = forms.CharField(
        label=_("Onderwerp van het raadsvoorstel"),
        max_length=300,
        help_text=_("{gemeente} wordt de naam van elke gemeente."),
    )
    proposer = forms.ChoiceField(label=_("Indiener"), choices=PLAN_PROPOSERS, initial=Proposer.BURGEMEESTER)
    legal_basis = forms.CharField(
        label=_("Gelet op"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén bepaling per regel."),
    )
    sections = forms.CharField(
        label=_("Tekst van het raadsvoorstel"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Begin elke paragraaf met een regel ‘## Kop’. Een regel die met ‘- ’ begint, wordt een "
            "opsomming. {gemeente} wordt de naam van elke gemeente."
        ),
    )
    decision_points = forms.CharField(
        label=_("Beslispunten"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Eén beslispunt per regel."),
    )
    proposed_advice = forms.ChoiceField(label=_("Voorgesteld advies"), choices=Advice.choices)
    proposed_advice_text = forms.CharField(
        label=_("Voorgestelde wensen en bedenkingen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen bij ‘wensen en bedenkingen’."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    CHANGEABLE_AFTER_SENDING = ("answer_deadline", "adoption_date", "adoption_meeting", "version")

    def __init__(self, *args, plan: RegionalPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan is not None and not plan.is_concept:
            for name, field in self.fields.items():
                if name not in self.CHANGEABLE_AFTER_SENDING:
                    field.disabled = True

    @classmethod
    def initial_for(cls, plan: RegionalPlan) -> dict:
        template = PlanTemplate.of(plan)
        return {
            "code": plan.code,
            "title": plan.title,
            "document_title": plan.document_title,
            "answer_deadline": plan.answer_deadline,
            "adoption_date": plan.adoption_date,
            "adoption_meeting": plan.adoption_meeting,
            "themes": list(plan.themes.all()),
            "subject": template.subject,
            "proposer": template.proposer,
            "legal_basis": "\n".join(template.legal_basis),
            "sections": sections_as_text(template.sections),
            "decision_points": "\n".join(template.decision_points),
            "proposed_advice": template.proposed_advice,
            "proposed_advice_text": template.proposed_advice_text,
            "version": plan.version,
        }

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        return AttachmentForm.clean_pdf(upload) if upload else None

    def clean_code(self) -> str:
        from ..actions.regional import RESERVED_CODES

        code = self.cleaned_data["code"]
        if code in RESERVED_CODES:
            raise ValidationError(_("Deze code is gereserveerd; kies een andere."))
        return code

    def clean_sections(self) -> list[tuple[str, str]]:
        sections = parse_sections(self.cleaned_data["sections"])
        for heading, _body in sections:
            if not heading:
                raise ValidationError(_("Elke paragraaf heeft een kop na ‘## ’."))
            if len(heading) > 200:
                raise ValidationError(_("Een kop is ten hoogste 200 tekens."))
        return sections

    def clean_decision_points(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["decision_points"].splitlines() if line.strip()]

    def clean_legal_basis(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data.get("legal_basis", "").splitlines() if line.strip()
        ]

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if len(subject.replace(PLACEHOLDER, "x" * 60)) > 300:
            raise ValidationError(
                _("Met de naam van een gemeente erin wordt het onderwerp te lang (300 tekens).")
            )
        return subject

    def clean(self):
        data = super().clean()
        if (
            data.get("proposed_advice") == Advice.OBJECTIONS
            and not data.get("proposed_advice_text", "").strip()
        ):
            self.add_error("proposed_advice_text", _("Wensen en bedenkingen hebben een tekst nodig."))
        deadline, adoption = data.get("answer_deadline"), data.get("adoption_date")
        if deadline and adoption and adoption < deadline:
            self.add_error(
                "adoption_date", _("De vaststelling komt na de termijn voor de antwoorden (art. 38b).")
            )
        return data

    def fields_for_action(self):
        from ..actions import PlanFields

        data = self.cleaned_data
        return PlanFields(
            code=data["code"],
            title=data["title"],
            answer_deadline=data["answer_deadline"],
            adoption_date=data.get("adoption_date"),
            adoption_meeting=data.get("adoption_meeting", ""),
            themes=list(data.get("themes") or []),
            document_title=data.get("document_title", ""),
            template=PlanTemplate(
                subject=data["subject"],
                proposer=data["proposer"],
                legal_basis=data["legal_basis"],
                sections=data["sections"],
                decision_points=data["decision_points"],
                proposed_advice=data["proposed_advice"],
                proposed_advice_text=data.get("proposed_advice_text", ""),
            ),
        )


class AnswerForm(forms.Form):
    sent_to = forms.CharField(label=_("Verzonden aan"), max_length=300)
    sent_on = forms.DateField(label=_("Verzonden op"), widget=DATE)
    reference = forms.CharField(label=_("Kenmerk"), max_length=100)

    def clean_sent_on(self) -> datetime.date:
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > timezone.localdate():
            raise ValidationError(_("Een verzenddatum ligt niet in de toekomst."))
        return sent_on


class AdoptionForm(forms.Form):
    """The vaststelling: date, meeting, legal ground, the adopted plan, and per council that
    gave wensen en bedenkingen how they were handled."""

    adopted_on = forms.DateField(label=_("Vastgesteld op"), widget=DATE)
    meeting = forms.CharField(label=_("Vergadering"), max_length=200)
    legal_ground = forms.ChoiceField(
        label=_("Grondslag"), choices=LegalGround.choices, widget=forms.RadioSelect
    )
    document = forms.FileField(label=_("Het vastgestelde plan (PDF, ten hoogste 20 MB)"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, objections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.objections = list(objections)
        for row in self.objections:
            self.fields[f"handling_{row.municipality.pk}"] = forms.CharField(
                label=_("Verwerking van de wensen en bedenkingen van %(name)s")
                % {"name": row.municipality.name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=row.answer is not None,
            )

    def clean_document(self):
        return AttachmentForm.clean_pdf(self.cleaned_data["document"])

    def clean_adopted_on(self) -> datetime.date:
        adopted_on = self.cleaned_data["adopted_on"]
        if adopted_on > timezone.localdate():
            raise ValidationError(_("Een vaststelling ligt niet in de toekomst."))
        return adopted_on

    def objections_with_fields(self):
        """Each council's wensen en bedenkingen beside the field that says how they were handled."""
        return [(row, self[f"handling_{row.municipality.pk}"]) for row in self.objections]

    def handlings(self) -> dict[int, str]:
        return {
            row.municipality.pk: self.cleaned_data.get(f"handling_{row.municipality.pk}", "")
            for row in self.objections
        }


class WithdrawPlanForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom wordt het plan ingetrokken?"), widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    """A step on the plan's page: the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
