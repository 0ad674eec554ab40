"""The regional half: a regional body's plan (such as the police's IMV), the consultation of
its member councils, their answers, the body's vaststelling, and the bundle of answers.

Politiewet 2012 art. 38b lid 2: the councils are heard on the plan before it is adopted;
art. 39 lid 1: the burgemeesters and the hoofdofficier van justitie adopt it (lid 2: when
they cannot agree). Each member council answers through its own proposal, carried through
its own council; the plan follows them all.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .proposals import Municipality, RegionalBody, Theme, User

__all__ = [
    "District",
    "PlanState",
    "LegalGround",
    "RegionalPlan",
    "PlanAnswer",
    "PlanAdoption",
    "AnswerHandling",
    "BundleStatus",
    "PlanBundle",
    "BundlePart",
    "plan_document_name",
    "answer_letter_name",
    "adopted_plan_name",
    "bundle_name",
    "bundle_part_name",
]


class District(models.Model):
    """A district of a regional body, such as Kennemerland in the Eenheid Noord-Holland."""

    regional_body = models.ForeignKey(
        RegionalBody, verbose_name=_("regionaal orgaan"), on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("naam"), max_length=200)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("gemeenten"), related_name="districts", blank=True
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["regional_body", "name"], name="district_name_unique_in_body")
        ]

    def __str__(self) -> str:
        return self.name


class PlanState(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    CONSULTATION = "consultation", _("In consultatie")
    ADOPTED = "adopted", _("Vastgesteld")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class LegalGround(models.TextChoices):
    AGREED = (
        "art39_lid1",
        _("art. 39 lid 1 Politiewet 2012: de burgemeesters en de hoofdofficier van justitie"),
    )
    NOT_AGREED = "art39_lid2", _("art. 39 lid 2 Politiewet 2012: zonder overeenstemming")


def plan_document_name(plan: RegionalPlan, filename: str) -> str:
    return f"plannen/{plan.pk}/{plan.document_sha256}.pdf"


def answer_letter_name(answer: PlanAnswer, filename: str) -> str:
    return f"antwoorden/{answer.proposal_id}/{answer.letter_sha256}.pdf"


def adopted_plan_name(adoption: PlanAdoption, filename: str) -> str:
    return f"plannen/{adoption.plan_id}/vastgesteld-{adoption.document_sha256}.pdf"


def bundle_name(bundle: PlanBundle, filename: str) -> str:
    return f"bundels/{bundle.plan_id}/{bundle.sha256}.pdf"


def bundle_part_name(part: BundlePart, filename: str) -> str:
    return f"bundels/{part.bundle.plan_id}/{part.bundle_id}/{part.position}-{part.sha256}.pdf"


class RegionalPlan(ConcurrentTransitionMixin, models.Model):
    """A plan of a regional body, such as the IMV, on which every member council is heard.

    `template` is the raadsvoorstel each member council starts from: `subject`, `proposer`,
    `legal_basis`, `sections` ([heading, body] pairs), `decision_points`, `proposed_advice`
    and `proposed_advice_text`; `{gemeente}` in any text becomes the member's name.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("titel"), max_length=300)
    regional_body = models.ForeignKey(
        RegionalBody,
        verbose_name=_("regionaal orgaan"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    adoption_date = models.DateField(
        _("vergadering voor vaststelling"),
        null=True,
        blank=True,
        help_text=_("De vergadering waarin het regionaal orgaan het plan vaststelt."),
    )
    adoption_meeting = models.CharField(
        _("geplande vergadering"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld: RBOP-vergadering in Haarlem."),
    )
    answer_deadline = models.DateField(
        _("uiterste datum voor de antwoorden"),
        null=True,
        blank=True,
        help_text=_("Tot wanneer de raden hun wensen en bedenkingen kunnen sturen."),
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thema's"), blank=True, related_name="regional_plans"
    )
    document_title = models.CharField(_("titel van het plandocument"), max_length=300, blank=True)
    document = models.FileField(_("plandocument"), upload_to=plan_document_name, blank=True)
    document_sha256 = models.CharField(_("SHA-256 van het plandocument"), max_length=64, blank=True)
    template = models.JSONField(_("sjabloon van het raadsvoorstel"), default=dict, blank=True)
    state = FSMField(
        _("status"), default=PlanState.CONCEPT, choices=PlanState.choices, protected=True, max_length=20
    )
    version = models.PositiveIntegerField(_("versie"), default=1)
    sent_at = models.DateTimeField(_("verstuurd"), null=True, blank=True)

    audit_type = "regional_plan"

    class Meta:
        verbose_name = _("regionaal plan")
        verbose_name_plural = _("regionale plannen")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", kwargs={"code": self.code})

    def get_public_url(self) -> str:
        """The plan's public page (meaningful only once it is public: `permissions`)."""
        return reverse("public_plan", kwargs={"code": self.code})

    @property
    def key(self) -> str:
        return self.code

    def refresh_from_db(self, *args, **kwargs) -> None:
        """Reload without touching the state field's class-wide protection (see Proposal)."""
        self.__dict__.pop("state", None)
        models.Model.refresh_from_db(self, *args, **kwargs)
        self._update_initial_state()

    @property
    def is_concept(self) -> bool:
        return self.state == PlanState.CONCEPT

    @property
    def in_consultation(self) -> bool:
        return self.state == PlanState.CONSULTATION

    @property
    def is_adopted(self) -> bool:
        return self.state == PlanState.ADOPTED

    # --- Transitions: they only move the state; actions/regional.py does the writes. ---

    @transition(field=state, source=PlanState.CONCEPT, target=PlanState.CONSULTATION)
    def send(self) -> None:
        """Sent to the member councils: each gets its own raadsvoorstel to carry."""

    @transition(field=state, source=PlanState.CONSULTATION, target=PlanState.ADOPTED)
    def adopt(self) -> None:
        """The regional body adopted the plan (Politiewet 2012 art. 39)."""

    @transition(field=state, source=[PlanState.CONCEPT, PlanState.CONSULTATION], target=PlanState.WITHDRAWN)
    def withdraw(self) -> None:
        """The body withdrew the plan; the councils' proposals stay as they are."""


class PlanAnswer(models.Model):
    """A council's answer on the plan, as its griffie sent it: to whom, when, with which
    kenmerk, and the letter (PDF/A, archived with its hash) that proves the council was heard."""

    plan = models.ForeignKey(
        RegionalPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="answers"
    )
    proposal = models.OneToOneField(
        "Proposal", verbose_name=_("raadsvoorstel"), on_delete=models.PROTECT, related_name="plan_answer"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="plan_answers"
    )
    sent_to = models.CharField(_("verzonden aan"), max_length=300)
    sent_on = models.DateField(_("verzonden op"))
    reference = models.CharField(_("kenmerk"), max_length=100)
    letter = models.FileField(_("brief"), upload_to=answer_letter_name)
    letter_sha256 = models.CharField(_("SHA-256 van de brief"), max_length=64)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)

    class Meta:
        verbose_name = _("antwoord van een raad")
        verbose_name_plural = _("antwoorden van de raden")
        ordering = ["municipality__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "municipality"],
                name="plan_answer_once_per_municipality",
                violation_error_message=_("Deze gemeente heeft haar antwoord al verstuurd."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.reference}"


class PlanAdoption(models.Model):
    """The regional body's vaststelling of the plan, recorded once."""

    plan = models.OneToOneField(
        RegionalPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="adoption"
    )
    adopted_on = models.DateField(_("vastgesteld op"))
    meeting = models.CharField(_("vergadering"), max_length=200)
    legal_ground = models.CharField(_("grondslag"), max_length=20, choices=LegalGround.choices)
    document = models.FileField(_("vastgesteld plan"), upload_to=adopted_plan_name)
    document_sha256 = models.CharField(_("SHA-256 van het vastgestelde plan"), max_length=64)
    # The members whose answer had not come when the plan was adopted: [{"code", "name"}].
    without_answer = models.JSONField(_("zonder antwoord"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)

    class Meta:
        verbose_name = _("vaststelling")
        verbose_name_plural = _("vaststellingen")

    def __str__(self) -> str:
        return f"{self.plan} — {self.adopted_on}"


class AnswerHandling(models.Model):
    """How the body handled one council's wensen en bedenkingen in the adopted plan."""

    adoption = models.ForeignKey(PlanAdoption, on_delete=models.PROTECT, related_name="handlings")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("verwerking"))

    class Meta:
        verbose_name = _("verwerking van wensen en bedenkingen")
        verbose_name_plural = _("verwerking van wensen en bedenkingen")
        ordering = ["municipality__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["adoption", "municipality"], name="handling_once_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.text[:60]}"


class BundleStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Wordt gemaakt")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class PlanBundle(models.Model):
    """One PDF/A of the consultation, built in the background from one part per council
    (any worker may render any part) and put together when the last part is in."""

    plan = models.ForeignKey(
        RegionalPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="bundles"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BundleStatus.choices, default=BundleStatus.QUEUED
    )
    parts_total = models.PositiveIntegerField(_("onderdelen"), default=0)
    parts_done = models.PositiveIntegerField(_("onderdelen klaar"), default=0)
    # The member proposals in the bundle, fixed when it was asked for: part n is proposals[n - 1].
    proposals = models.JSONField(_("raadsvoorstellen"), default=list)
    file = models.FileField(_("bundel"), upload_to=bundle_name, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("pagina's"), null=True, blank=True)
    requested_by = models.ForeignKey(
        User, verbose_name=_("aangevraagd door"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("aangevraagd"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)

    class Meta:
        verbose_name = _("bundel")
        verbose_name_plural = _("bundels")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parts_done__lte=models.F("parts_total")), name="bundle_progress_within_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == BundleStatus.DONE:
            return 100
        # The assembly is the last step: the parts make up 90 percent of the work.
        return (90 * self.parts_done // self.parts_total) if self.parts_total else 0

    @property
    def is_busy(self) -> bool:
        return self.status in (BundleStatus.QUEUED, BundleStatus.RUNNING)


class BundlePart(models.Model):
    """One rendered part of a bundle: the summary (position 0) or one council's answer."""

    bundle = models.ForeignKey(PlanBundle, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveIntegerField(_("volgorde"))
    file = models.FileField(_("bestand"), upload_to=bundle_part_name)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pagina's"))

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "position"], name="bundle_part_once")]

    def __str__(self) -> str:
        return f"{self.bundle} — {self.position}"
