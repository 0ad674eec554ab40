"""The domain: municipalities and their people, themes, regional plans, proposals and
the council's decision on them.

The workflow's transitions live on `Proposal` and only move its state; every write
that goes with a transition (saving, the history row, side effects) is done by the
functions in `actions.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = [
    "Role",
    "Municipality",
    "RegionalBody",
    "User",
    "Theme",
    "Proposer",
    "State",
    "DECIDED_STATES",
    "FINAL_STATES",
    "PUBLIC_STATES",
    "WorkflowError",
    "StaleCopy",
    "TextFrozen",
    "has_decision_points",
    "has_no_decision",
    "is_not_in_deliberation",
    "has_no_open_vote",
    "has_adopting_decision",
    "has_rejecting_decision",
    "has_both_signatures",
    "answers_regional_plan",
    "ProposalQuerySet",
    "Proposal",
    "Revision",
    "ProposalPart",
    "refuse_unless_concept",
    "applying_amendments",
    "Section",
    "DecisionPoint",
    "Attachment",
    "Result",
    "Advice",
    "VoteMode",
    "Ballot",
    "SignatureRole",
    "Decision",
    "MemberVote",
    "Amendment",
    "AmendmentChange",
    "Signature",
    "ArchivedDecision",
    "attachment_name",
    "paper_scan_name",
    "archive_name",
    "MIN_SEATS",
    "MAX_SEATS",
    "SEATS_MESSAGE",
    "FROZEN_FIELDS",
    "cbs_code_validator",
]

import rules
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

MIN_SEATS = 9  # Gemeentewet art. 8: the smallest council
MAX_SEATS = 45  # ... and the largest
SEATS_MESSAGE = _("Een gemeenteraad heeft 9 tot en met 45 zetels (Gemeentewet art. 8).")

cbs_code_validator = RegexValidator(
    r"^GM[0-9]{4}\Z",
    _("Een CBS-code is GM gevolgd door vier cijfers, zoals GM0377."),
)


class Role(models.TextChoices):
    GRIFFIEMEDEWERKER = "griffiemedewerker", _("griffiemedewerker")
    GRIFFIER = "griffier", _("griffier")
    VOORZITTER = "voorzitter", _("voorzitter")
    RAADSLID = "raadslid", _("raadslid")
    RBOP_SECRETARIS = "rbop_secretaris", _("RBOP-secretaris")


class Municipality(models.Model):
    code = models.CharField(_("CBS-code"), max_length=6, unique=True, validators=[cbs_code_validator])
    name = models.CharField(_("naam"), max_length=100, unique=True)
    seats = models.PositiveSmallIntegerField(
        _("aantal raadszetels"),
        validators=[
            MinValueValidator(MIN_SEATS, message=SEATS_MESSAGE),
            MaxValueValidator(MAX_SEATS, message=SEATS_MESSAGE),
        ],
    )
    voorzitter = models.ForeignKey(
        "User",
        verbose_name=_("voorzitter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acting_voorzitter = models.ForeignKey(
        "User",
        verbose_name=_("waarnemend voorzitter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    griffier = models.ForeignKey(
        "User",
        verbose_name=_("griffier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deputy_griffier = models.ForeignKey(
        "User",
        verbose_name=_("plaatsvervangend griffier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The raadsbesluit's wording is the municipality's own (product.md, "The raadsbesluit").
    decision_cites_number = models.BooleanField(
        _("besluit noemt het nummer"),
        default=False,
        help_text=_("“gelezen het voorstel van … van [datum], nr. [nummer];”"),
    )
    decision_cites_legal_basis = models.BooleanField(_("besluit heeft een regel “gelet op”"), default=False)
    decision_closing = models.CharField(
        _("slotformule"),
        max_length=20,
        default="voornoemd",
        choices=[
            ("voornoemd", _("De raad voornoemd, d.d. [datum]")),
            ("aldus", _("Aldus besloten in de openbare vergadering van [datum].")),
        ],
    )

    # The Reglement van Orde: what the law leaves to each council. Bloemendaal's by default.
    roll_call_start = models.CharField(
        _("hoofdelijke stemming begint bij"),
        max_length=20,
        default="lot",
        choices=[
            ("lot", _("het lid dat door loting wordt aangewezen")),
            ("alphabetical", _("het eerste lid in alfabetische volgorde")),
        ],
    )
    chair_declares_hamerstuk = models.BooleanField(
        _("de voorzitter mag een hamerstuk vaststellen"),
        default=True,
        help_text=_("Zonder dit doet alleen de griffie dat."),
    )
    advice_term = models.CharField(
        _("naam van het advies"),
        max_length=30,
        default="wensen_en_bedenkingen",
        choices=[
            ("wensen_en_bedenkingen", _("wensen en bedenkingen")),
            ("zienswijze", _("zienswijze")),
        ],
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=MIN_SEATS, seats__lte=MAX_SEATS),
                name="municipality_seats_in_legal_range",
                violation_error_message=SEATS_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^GM[0-9]{4}$"),
                name="municipality_code_is_cbs_code",
                violation_error_message=cbs_code_validator.message,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    audit_type = "municipality"

    @property
    def key(self) -> str:
        return self.code


class RegionalBody(models.Model):
    """A body of several municipalities, such as the RBOP of a police unit."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("gemeenten"), related_name="regional_bodies", blank=True
    )

    class Meta:
        verbose_name = _("regionaal orgaan")
        verbose_name_plural = _("regionale organen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person with one role, in one municipality or one regional body."""

    role = models.CharField(_("rol"), max_length=30, choices=Role.choices, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    regional_body = models.ForeignKey(
        RegionalBody,
        verbose_name=_("regionaal orgaan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Notices always appear in the app; this is whether they also come by mail.
    mail_notices = models.BooleanField(_("meldingen ook per e-mail"), default=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="", municipality__isnull=True, regional_body__isnull=True)
                    | Q(role="rbop_secretaris", municipality__isnull=True, regional_body__isnull=False)
                    | (
                        Q(role__in=["griffiemedewerker", "griffier", "voorzitter", "raadslid"])
                        & Q(municipality__isnull=False, regional_body__isnull=True)
                    )
                ),
                name="user_role_matches_organisation",
                violation_error_message=_(
                    "Een RBOP-secretaris hoort bij een regionaal orgaan, elke andere rol bij "
                    "een gemeente; een gebruiker zonder rol hoort bij geen van beide."
                ),
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Theme(models.Model):
    """A theme or, one level down, a sub-theme (deelthema)."""

    name = models.CharField(_("naam"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hoofdthema"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    is_pending = models.BooleanField(
        _("in uitwerking"),
        default=False,
        help_text=_("Het thema wordt nog uitgewerkt, zoals Zorg en Veiligheid in het IMV."),
    )

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="theme_root_name_unique"
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="theme_name_unique_in_parent"),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        """`Thema` or `Thema/Deelthema`, as the interchange format writes it."""
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Een deelthema kan zelf geen deelthema's hebben.")})
        if not self.parent_id and "/" in self.name:
            # A slash separates theme and sub-theme in `theme/subtheme` paths.
            raise ValidationError({"name": _("De naam van een hoofdthema bevat geen '/'.")})


class Proposer(models.TextChoices):
    BURGEMEESTER = "burgemeester", _("burgemeester")
    COLLEGE = "college", _("college van burgemeester en wethouders")
    PRESIDIUM = "presidium", _("presidium")
    RAADSLID = "raadslid", _("raadslid")


class State(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    COUNCIL_ADVICE = "council_advice", _("Bij de raad")
    ADVISED = "advised", _("Advies uitgebracht")
    SIGNED = "signed", _("Ondertekend")
    RBOP_ADOPTED = "rbop_adopted", _("Vastgesteld door RBOP")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    REJECTED = "rejected", _("Verworpen")


# The groups of states, named once: templates, views, commands and the PDF code ask the
# QuerySet and model methods below instead of listing states themselves.
# A raadsbesluit exists (unsigned while advised).
DECIDED_STATES = (State.ADVISED, State.SIGNED, State.RBOP_ADOPTED)
# Signed: from here nothing of the decision changes, and the database refuses it.
FINAL_STATES = (State.SIGNED, State.RBOP_ADOPTED)
# What anyone may read without logging in, where the meeting was public (`public()`).
PUBLIC_STATES = FINAL_STATES


class WorkflowError(Exception):
    """A transition that is not allowed now, with the reason in the interface's words."""


class StaleCopy(WorkflowError):
    """The proposal changed after the caller read it; nothing of the caller's change is stored."""


class TextFrozen(WorkflowError):
    """The text of a proposal past `concept` was about to change."""


def _condition(message: str):
    """Attach the message the griffie sees when this transition condition fails."""

    def decorate(func):
        func.message = message
        return func

    return decorate


@_condition(_("Een voorstel zonder beslispunten kan niet naar de raad."))
def has_decision_points(proposal: Proposal) -> bool:
    return proposal.decision_points.exists()


@_condition(_("Er is al een besluit vastgelegd; het voorstel kan niet meer terug naar concept."))
def has_no_decision(proposal: Proposal) -> bool:
    return not Decision.objects.filter(proposal=proposal).exists()


@_condition(
    _(
        "De raad heeft dit voorstel al in behandeling: er is een amendement ingediend of erover "
        "gestemd. Het gaat niet meer terug naar concept; de tekst is die waarover de raad spreekt."
    )
)
def is_not_in_deliberation(proposal: Proposal) -> bool:
    from .meetings import TabledAmendment, Vote

    live = {"agenda_item__proposal": proposal, "agenda_item__postponed": False}
    return not (Vote.objects.filter(**live).exists() or TabledAmendment.objects.filter(**live).exists())


@_condition(_("Er loopt een stemming over dit voorstel; sluit die eerst."))
def has_no_open_vote(proposal: Proposal) -> bool:
    from .meetings import Vote, VoteStatus

    return not Vote.objects.filter(agenda_item__proposal=proposal, status=VoteStatus.OPEN).exists()


@_condition(_("Er is geen aangenomen besluit van de raad vastgelegd."))
def has_adopting_decision(proposal: Proposal) -> bool:
    return Decision.objects.filter(proposal=proposal, result=Result.AANGENOMEN).exists()


@_condition(_("Er is geen besluit van de raad vastgelegd waarin het voorstel is verworpen."))
def has_rejecting_decision(proposal: Proposal) -> bool:
    return Decision.objects.filter(proposal=proposal, result=Result.VERWORPEN).exists()


@_condition(_("Het raadsbesluit is pas ondertekend als voorzitter én griffier hebben getekend."))
def has_both_signatures(proposal: Proposal) -> bool:
    roles = set(Signature.objects.filter(decision__proposal=proposal).values_list("role", flat=True))
    return roles == {SignatureRole.VOORZITTER, SignatureRole.GRIFFIER}


@_condition(_("Dit voorstel hoort niet bij een regionaal plan."))
def answers_regional_plan(proposal: Proposal) -> bool:
    return proposal.regional_plan_id is not None


def _allowed(rule: str):
    """The transition's permission: the role rule in permissions.py, tested on this proposal.

    django-fsm-2 would fall back to `user.has_perm(perm)` without the object, and a
    superuser passes every has_perm; a rule tested directly sees the proposal and
    grants nobody a role they do not have.
    """

    def check(proposal: Proposal, user: User) -> bool:
        return rules.test_rule(f"proposal.{rule}", user, proposal)

    return check


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise WorkflowError(_("Geef een reden op."))


class ProposalQuerySet(models.QuerySet):
    def for_municipality(self, municipality: Municipality) -> ProposalQuerySet:
        return self.filter(municipality=municipality)

    def decided(self) -> ProposalQuerySet:
        """Those with a raadsbesluit, signed or not yet."""
        return self.filter(state__in=DECIDED_STATES)

    def final(self) -> ProposalQuerySet:
        """Those signed by voorzitter and griffier: fixed for good."""
        return self.filter(state__in=FINAL_STATES)

    def before_council(self) -> ProposalQuerySet:
        """Those on the council's table: to be put on an agenda and decided."""
        return self.filter(state=State.COUNCIL_ADVICE)

    def public(self) -> ProposalQuerySet:
        """What anyone may read, logged in or not: signed, and decided in a public meeting. A
        besluit of a besloten vergadering (Gemeentewet art. 23 lid 2) stays the council's."""
        return self.filter(state__in=PUBLIC_STATES, decision__meeting_public=True)

    def by_key(self, key: str) -> Proposal | None:
        """The proposal named `GM0377/2023000853`, as the audit log names it."""
        code, _, number = key.partition("/")
        return self.filter(municipality__code=code, number=number).first()

    def with_document(self) -> ProposalQuerySet:
        """Everything the interchange format holds, in a fixed number of queries."""
        return self.select_related(
            "municipality__voorzitter",
            "municipality__griffier",
            "regional_plan",
            "decision",
            "archived_decision",
        ).prefetch_related(
            "sections",
            "decision_points",
            "attachments",
            models.Prefetch("themes", queryset=Theme.objects.select_related("parent")),
            "decision__member_votes",
            "decision__amendments__changes",
            "decision__signatures",
        )


# The fields that make up the text of a proposal; frozen once it leaves `concept`.
FROZEN_FIELDS = (
    "municipality_id",
    "number",
    "subject",
    "proposer",
    "initiator",
    "date",
    "legal_basis",
    "regional_plan_id",
    "proposed_advice",
    "proposed_advice_text",
)


class Advice(models.TextChoices):
    NO_OBJECTIONS = "geen_wensen_en_bedenkingen", _("geen wensen en bedenkingen")
    OBJECTIONS = "wensen_en_bedenkingen", _("wensen en bedenkingen")


class Proposal(ConcurrentTransitionMixin, models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="proposals"
    )
    number = models.CharField(_("registratienummer"), max_length=40)
    subject = models.CharField(_("onderwerp"), max_length=300)
    proposer = models.CharField(_("indiener"), max_length=20, choices=Proposer.choices)
    # The raadslid (or members) who brought an initiatiefvoorstel: the raadsbesluit names them.
    initiator = models.CharField(_("naam van de indiener"), max_length=200, blank=True)
    date = models.DateField(_("datum"))
    legal_basis = models.JSONField(
        _("gelet op"),
        default=list,
        blank=True,
        help_text=_("De wettelijke grondslag, één bepaling per regel."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("thema's"), blank=True, related_name="proposals")
    regional_plan = models.ForeignKey(
        "RegionalPlan",
        verbose_name=_("regionaal plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    # The advice the proposal asks the council to give, as data: the decision's advice follows
    # from it and from the amendments adopted, never from words in the decision points.
    proposed_advice = models.CharField(
        _("voorgesteld advies"),
        max_length=40,
        choices=[("", _("geen advies (geen consultatie)")), *Advice.choices],
        blank=True,
    )
    proposed_advice_text = models.TextField(_("wensen en bedenkingen (voorgesteld)"), blank=True)
    state = FSMField(_("status"), default=State.CONCEPT, choices=State.choices, protected=True, max_length=20)
    # Raised by every edit of the text: an edit made on an older version is a conflict.
    version = models.PositiveIntegerField(_("versie"), default=1)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    # The state's history is django-fsm-log's StateLog, with who, when and why.
    history = HistoricalRecords(excluded_fields=["state", "created_at", "updated_at"])

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("raadsvoorstel")
        verbose_name_plural = _("raadsvoorstellen")
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"],
                name="proposal_number_unique_in_municipality",
                violation_error_message=_("Deze gemeente heeft al een voorstel met dit nummer."),
            ),
            # A council answers a regional plan through one proposal; a withdrawn one leaves room.
            models.UniqueConstraint(
                fields=["regional_plan", "municipality"],
                condition=Q(regional_plan__isnull=False) & ~Q(state="withdrawn"),
                name="one_live_answer_per_plan_and_municipality",
                violation_error_message=_(
                    "Deze gemeente beantwoordt dit regionaal plan al met een ander voorstel."
                ),
            ),
        ]
        permissions = [("view_all_proposals", _("Kan alle raadsvoorstellen zien"))]
        # The overview's pages, per municipality, newest first, with or without a state.
        indexes = [
            models.Index(fields=["municipality", "-date", "number"], name="proposal_overview"),
            models.Index(fields=["municipality", "state", "-date", "number"], name="proposal_overview_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self._refuse_change_to_frozen_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("proposal_detail", kwargs={"pk": self.pk})

    def get_public_url(self) -> str:
        """The raadsbesluit's public page, by municipality and number: the canonical address
        that feeds, the sitemap and the PDF's Link header name (meaningful only if public)."""
        return reverse("public_decision", kwargs={"code": self.municipality.code, "number": self.number})

    def delete(self, *args, **kwargs):
        # Its history and the audit log keep naming it: a proposal is withdrawn, never deleted.
        raise TextFrozen(_("Een raadsvoorstel wordt nooit verwijderd; trek het in."))

    def refresh_from_db(self, *args, **kwargs) -> None:
        """Reload from the database without touching the state field's protection.

        django-fsm's own refresh switches `protected` off on the field, which is shared
        by the whole class, so another thread's transition could meanwhile be refused or
        let through; here only this instance forgets its state, so the reload may set it.
        """
        self.__dict__.pop("state", None)
        models.Model.refresh_from_db(self, *args, **kwargs)
        self._update_initial_state()

    @property
    def key(self) -> str:
        """Municipality and number, `GM0377/2023000853`: how the audit log and exports name it."""
        return f"{self.municipality.code}/{self.number}"

    @property
    def read_as(self) -> str:
        """How the raadsbesluit names what the council read: "gelezen het voorstel van …"."""
        if self.proposer == Proposer.COLLEGE:
            return _("gelezen het voorstel van burgemeester en wethouders")
        if self.proposer == Proposer.PRESIDIUM:
            return _("gelezen het voorstel van het presidium")
        if self.proposer == Proposer.RAADSLID:
            if self.initiator:
                return _("gelezen het initiatiefvoorstel van %(name)s") % {"name": self.initiator}
            return _("gelezen het initiatiefvoorstel")
        return _("gelezen het voorstel van de burgemeester")

    @property
    def is_concept(self) -> bool:
        return self.state == State.CONCEPT

    @property
    def has_besluit(self) -> bool:
        return self.state in DECIDED_STATES

    @property
    def is_before_council(self) -> bool:
        return self.state == State.COUNCIL_ADVICE

    @property
    def awaits_signatures(self) -> bool:
        """Decided, and waiting for voorzitter and griffier to sign."""
        return self.state == State.ADVISED

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_public(self) -> bool:
        """The rule of `ProposalQuerySet.public`, for one proposal."""
        if self.state not in PUBLIC_STATES:
            return False
        decision = getattr(self, "decision", None)
        return decision is not None and decision.meeting_public

    def _refuse_change_to_frozen_text(self) -> None:
        stored = Proposal.objects.filter(pk=self.pk).values("state", *FROZEN_FIELDS).first()
        if stored is None or stored.pop("state") == State.CONCEPT:
            return
        if any(getattr(self, name) != value for name, value in stored.items()):
            raise TextFrozen(_("De tekst van een voorstel dat niet meer in concept is, ligt vast."))

    @property
    def is_editable(self) -> bool:
        return self.is_concept

    # --- Transitions: they only move the state; see actions.py for the writes. ---

    @transition(
        field=state,
        source=State.CONCEPT,
        target=State.COUNCIL_ADVICE,
        conditions=[has_decision_points],
        permission=_allowed("submit"),
    )
    def submit(self, *, by: User, reason: str = "") -> None:
        """Put the proposal before the council; from here its text is frozen."""

    @transition(
        field=state,
        source=State.COUNCIL_ADVICE,
        target=State.CONCEPT,
        conditions=[has_no_decision, is_not_in_deliberation],
        permission=_allowed("return_to_concept"),
    )
    def return_to_concept(self, *, by: User, reason: str = "") -> None:
        _require_reason(reason)

    @transition(
        field=state,
        source=[State.CONCEPT, State.COUNCIL_ADVICE],
        target=State.WITHDRAWN,
        conditions=[has_no_decision, has_no_open_vote],
        permission=_allowed("withdraw"),
    )
    def withdraw(self, *, by: User, reason: str = "") -> None:
        _require_reason(reason)

    @transition(
        field=state,
        source=State.COUNCIL_ADVICE,
        target=State.ADVISED,
        conditions=[has_adopting_decision],
        permission=_allowed("record_decision"),
    )
    def record_advice(self, *, by: User, reason: str = "") -> None:
        """The council adopted the proposal; its decision is recorded."""

    @transition(
        field=state,
        source=State.COUNCIL_ADVICE,
        target=State.REJECTED,
        conditions=[has_rejecting_decision],
        permission=_allowed("record_decision"),
    )
    def reject(self, *, by: User, reason: str = "") -> None:
        """The council rejected the proposal."""

    @transition(
        field=state,
        source=State.ADVISED,
        target=State.SIGNED,
        conditions=[has_both_signatures],
        permission=_allowed("sign"),
    )
    def complete_signing(self, *, by: User, reason: str = "") -> None:
        """Voorzitter and griffier have both signed (Gemeentewet art. 32a)."""

    @transition(
        field=state,
        source=State.SIGNED,
        target=State.RBOP_ADOPTED,
        conditions=[answers_regional_plan],
        permission=_allowed("record_rbop_adoption"),
    )
    def record_rbop_adoption(self, *, by: User, reason: str = "") -> None:
        """The regional body adopted the plan on which the council was heard."""


class Revision(models.Model):
    """The whole text of a proposal as saved once: what the history's word diff compares.

    `version` is the proposal's version when the text was saved; the database lets a
    revision be added, never changed or removed.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField(_("versie"))
    saved_at = models.DateTimeField(_("opgeslagen"), auto_now_add=True)
    saved_by = models.ForeignKey(
        "User", verbose_name=_("door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("tekst"))

    class Meta:
        verbose_name = _("versie van de tekst")
        verbose_name_plural = _("versies van de tekst")
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "version"], name="revision_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.number} v{self.version}"


class ProposalPart(models.Model):
    """A piece of a proposal's text: it may change only while the proposal is a concept."""

    position = models.PositiveIntegerField(_("volgorde"))

    class Meta:
        abstract = True
        ordering = ["position"]

    def save(self, *args, **kwargs) -> None:
        refuse_unless_concept(self.proposal_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_unless_concept(self.proposal_id)
        return super().delete(*args, **kwargs)


# Set only while the council's adopted amendments are written into the decision points:
# the one change the text of a proposal before the council may undergo.
_applying_amendments: ContextVar[bool] = ContextVar("applying_amendments", default=False)


@contextmanager
def applying_amendments() -> Iterator[None]:
    token = _applying_amendments.set(True)
    try:
        yield
    finally:
        _applying_amendments.reset(token)


def refuse_unless_concept(proposal_id: int) -> None:
    state = Proposal.objects.filter(pk=proposal_id).values_list("state", flat=True).first()
    if state is None or state == State.CONCEPT:
        return
    if state == State.COUNCIL_ADVICE and _applying_amendments.get():
        return
    raise TextFrozen(_("De tekst van een voorstel dat niet meer in concept is, ligt vast."))


class Section(ProposalPart):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(_("kop"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)

    history = HistoricalRecords()

    class Meta(ProposalPart.Meta):
        verbose_name = _("onderdeel")
        verbose_name_plural = _("onderdelen")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="section_position_unique"),
        ]

    def __str__(self) -> str:
        return self.heading


class DecisionPoint(ProposalPart):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decision_points")
    text = models.TextField(_("tekst"))

    history = HistoricalRecords()

    class Meta(ProposalPart.Meta):
        verbose_name = _("beslispunt")
        verbose_name_plural = _("beslispunten")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="decision_point_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


def attachment_name(attachment: Attachment, filename: str) -> str:
    """Stored by proposal id and content hash: never a name a user typed."""
    return f"bijlagen/{attachment.proposal_id}/{attachment.sha256}.pdf"


def paper_scan_name(decision: Decision, filename: str) -> str:
    return f"besluiten/{decision.proposal_id}/{decision.paper_scan_sha256}.pdf"


def archive_name(archived: ArchivedDecision, filename: str) -> str:
    return f"archief/{archived.proposal_id}/{archived.sha256}.pdf"


class Attachment(ProposalPart):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("titel"), max_length=300)
    file = models.FileField(_("bestand"), upload_to=attachment_name, blank=True)
    # Kept with the record, so that an export names the file even where it is not stored.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("grootte in bytes"), null=True, blank=True)

    class Meta(ProposalPart.Meta):
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="attachment_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title


# --- The council's decision, as the interchange format records it. ---


class Result(models.TextChoices):
    AANGENOMEN = "aangenomen", _("aangenomen")
    VERWORPEN = "verworpen", _("verworpen")
    # An amendment, only: another adopted amendment on the same points made it lapse.
    VERVALLEN = "vervallen", _("vervallen")


class VoteMode(models.TextChoices):
    HAMERSTUK = "hamerstuk", _("hamerstuk")
    HANDOPSTEKING = "handopsteking", _("handopsteking")
    HOOFDELIJK = "hoofdelijk", _("hoofdelijke stemming")


class Ballot(models.TextChoices):
    VOOR = "voor", _("voor")
    TEGEN = "tegen", _("tegen")


class SignatureRole(models.TextChoices):
    VOORZITTER = "voorzitter", _("voorzitter")
    GRIFFIER = "griffier", _("griffier")


class Decision(models.Model):
    """What the council decided on a proposal: the basis of the raadsbesluit."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="decision")
    meeting_date = models.DateField(_("datum raadsvergadering"))
    result = models.CharField(_("uitslag"), max_length=20, choices=Result.choices)
    advice = models.CharField(
        _("advies"),
        max_length=40,
        choices=Advice.choices,
        blank=True,
        help_text=_("Alleen bij een consultatie, zoals over een regionaal plan."),
    )
    advice_text = models.TextField(_("wensen en bedenkingen"), blank=True)
    vote_mode = models.CharField(_("wijze van stemmen"), max_length=20, choices=VoteMode.choices)
    votes_for = models.PositiveSmallIntegerField(_("stemmen voor"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("stemmen tegen"), null=True, blank=True)
    # Where the council decided in this app; empty for a decision imported from elsewhere.
    meeting = models.ForeignKey(
        "Meeting",
        verbose_name=_("vergadering"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    # Art. 23: taken in a public meeting, or behind closed doors.
    meeting_public = models.BooleanField(_("in openbare vergadering"), default=True)
    # Who had zitting that day (art. 29, 32), where known; and who had to refrain (art. 28).
    seated = models.PositiveSmallIntegerField(_("leden met zitting"), null=True, blank=True)
    excluded = models.JSONField(_("uitgesloten van stemming (art. 28)"), default=list, blank=True)
    # The decision points as proposed, where amendments changed them: the raadsvoorstel shows these.
    proposed_points = models.JSONField(_("beslispunten zoals voorgesteld"), default=list, blank=True)
    # A raadsbesluit signed in ink: the scan, kept with its hash.
    paper_scan = models.FileField(_("scan van het getekende besluit"), upload_to=paper_scan_name, blank=True)
    paper_scan_sha256 = models.CharField(_("SHA-256 van de scan"), max_length=64, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_mode="hamerstuk", votes_for__isnull=True, votes_against__isnull=True)
                | (~Q(vote_mode="hamerstuk") & Q(votes_for__isnull=False, votes_against__isnull=False)),
                name="decision_counts_match_vote_mode",
            ),
            models.CheckConstraint(
                condition=~Q(advice="wensen_en_bedenkingen") | ~Q(advice_text=""),
                name="decision_objections_have_text",
                violation_error_message=_("Wensen en bedenkingen hebben een tekst nodig."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — {self.get_result_display()}"


class MemberVote(models.Model):
    """One councillor's vote in a roll call, as recorded."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="member_votes")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    name = models.CharField(_("naam"), max_length=200)
    party = models.CharField(_("fractie"), max_length=200)
    vote = models.CharField(_("stem"), max_length=5, choices=Ballot.choices)

    class Meta:
        verbose_name = _("stem van een raadslid")
        verbose_name_plural = _("stemmen van raadsleden")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "name"], name="member_votes_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party}): {self.vote}"


class Amendment(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="amendments")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("titel"), max_length=300)
    submitters = models.JSONField(_("indieners"), default=list)
    result = models.CharField(_("uitslag"), max_length=20, choices=Result.choices)

    class Meta:
        verbose_name = _("amendement")
        verbose_name_plural = _("amendementen")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class AmendmentChange(models.Model):
    """What an amendment does to one decision point: replace it, insert a new one there, or
    delete it (then without text)."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="changes")
    point = models.PositiveSmallIntegerField(_("beslispunt"))
    action = models.CharField(_("wijziging"), max_length=10, default="replace")
    text = models.TextField(_("nieuwe tekst"), blank=True)

    class Meta:
        verbose_name = _("wijziging")
        verbose_name_plural = _("wijzigingen")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.point}: {self.text}"


class Signature(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(_("als"), max_length=20, choices=SignatureRole.choices)
    # The name as it stands on the raadsbesluit, kept even if the account changes.
    name = models.CharField(_("naam"), max_length=200)
    date = models.DateField(_("datum"))
    user = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
    )
    # Signed by the waarnemend voorzitter or the plaatsvervangend griffier; the raadsbesluit says so.
    as_substitute = models.BooleanField(_("als vervanger"), default=False)

    class Meta:
        verbose_name = _("ondertekening")
        verbose_name_plural = _("ondertekeningen")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "role"], name="sign_once_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class ArchivedDecision(models.Model):
    """The signed raadsbesluit as rendered once at signing: served byte for byte from
    storage ever after, whatever becomes of templates and fonts. Never changed."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="archived_decision")
    file = models.FileField(_("PDF"), upload_to=archive_name)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("grootte in bytes"))
    sealed = models.BooleanField(_("digitaal verzegeld"), default=False)
    # Set when archived; a restore from an export sets it as it was.
    created_at = models.DateTimeField(_("gearchiveerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("gearchiveerd raadsbesluit")
        verbose_name_plural = _("gearchiveerde raadsbesluiten")

    def __str__(self) -> str:
        return f"{self.proposal.number} ({self.sha256[:12]})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TextFrozen(_("Een gearchiveerd raadsbesluit verandert nooit."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TextFrozen(_("Een gearchiveerd raadsbesluit verandert nooit."))
