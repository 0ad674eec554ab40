"""The regional plan's writes: the RBOP-secretaris drafts and sends the plan, each member's
griffie records its council's answer, the secretaris records the body's vaststelling (which
moves every signed member proposal on in the same transaction) and asks for the bundle.

Politiewet 2012 art. 38b lid 2: the councils are heard before the plan is adopted; art. 39:
the burgemeesters and the hoofdofficier van justitie adopt it.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import consultation, files, permissions
from ..consultation import PlanTemplate
from ..models import (
    AnswerHandling,
    Attachment,
    BundlePart,
    BundleStatus,
    LegalGround,
    Municipality,
    PlanAdoption,
    PlanAnswer,
    PlanBundle,
    PlanState,
    Proposal,
    RegionalBody,
    RegionalPlan,
    StaleCopy,
    State,
    User,
    WorkflowError,
    answer_letter_name,
    attachment_name,
    bundle_name,
    bundle_part_name,
)
from ..text import ProposalText, plain
from .base import record, run_transition
from .notices import griffie_of, notify
from .proposals import _text_payload, _write_text

__all__ = [
    "PlanFields",
    "remind_answers_due",
    "adopt_plan",
    "assemble_bundle",
    "bundle_councils",
    "bundle_failed",
    "create_plan",
    "record_answer",
    "request_bundle",
    "send_plan",
    "store_bundle_part",
    "update_plan",
    "withdraw_plan",
]


@dataclass
class PlanFields:
    """What the secretaris writes of a plan; after sending only the dates and meeting change."""

    code: str
    title: str
    answer_deadline: datetime.date | None
    adoption_date: datetime.date | None
    adoption_meeting: str
    themes: list
    template: PlanTemplate
    document_title: str = ""


# Once sent, the plan's text is what the councils were asked about: only these still change.
CHANGEABLE_AFTER_SENDING = ("answer_deadline", "adoption_date", "adoption_meeting")


def _require_secretary(user: User, body: RegionalBody) -> None:
    if not permissions.is_secretary_of(user, body):
        raise PermissionDenied(_("Alleen de secretaris van het regionaal orgaan doet dit."))


def _locked(plan: RegionalPlan, version: int | None = None) -> RegionalPlan:
    """The plan as it is now, holding its row; refused when it changed since `version` was read."""
    stored = (
        RegionalPlan.objects.select_for_update(of=("self",)).select_related("regional_body").get(pk=plan.pk)
    )
    if version is not None and stored.version != version:
        raise StaleCopy(
            _(
                "Dit plan is intussen gewijzigd (nu versie %(version)s, “%(state)s”). Uw wijziging is "
                "niet opgeslagen; bekijk het plan opnieuw."
            )
            % {"version": stored.version, "state": stored.get_state_display()}
        )
    return stored


def _move(plan: RegionalPlan, transition: str) -> None:
    getattr(plan, transition)()
    plan.version += 1
    plan.save(update_fields=["state", "version", *(["sent_at"] if transition == "send" else [])])


def _store_document(plan: RegionalPlan, upload, stored: list) -> None:
    plan.document_sha256 = files.sha256_of(upload)
    plan.document.save("plan.pdf", upload, save=False)
    stored.append(plan.document)


# Codes that name pages of their own under /plannen/.
RESERVED_CODES = {"nieuw"}


def _check_code(code: str) -> None:
    if code in RESERVED_CODES:
        raise WorkflowError(_("De code %(code)s is gereserveerd; kies een andere.") % {"code": code})


def create_plan(body: RegionalBody, fields: PlanFields, *, document=None, by: User) -> RegionalPlan:
    """A new plan of the body, in concept."""
    _require_secretary(by, body)
    _check_code(fields.code)
    with files.removed_on_failure() as stored, transaction.atomic():
        if RegionalPlan.objects.filter(code=fields.code).exists():
            raise WorkflowError(_("Er is al een plan met de code %(code)s.") % {"code": fields.code})
        plan = RegionalPlan(regional_body=body)
        _write_fields(plan, fields)
        plan.save()
        if document is not None:
            _store_document(plan, document, stored)
            plan.save(update_fields=["document", "document_sha256"])
        plan.themes.set(fields.themes)
        record("create_plan", plan, _plan_payload(plan), by=by)
    return plan


def update_plan(
    plan: RegionalPlan, fields: PlanFields, *, version: int, document=None, by: User
) -> RegionalPlan:
    """Change the plan: all of it while in concept; once sent, only its dates and meeting."""
    _require_secretary(by, plan.regional_body)
    with files.removed_on_failure() as stored, transaction.atomic():
        plan = _locked(plan, version)
        if plan.state in (PlanState.ADOPTED, PlanState.WITHDRAWN):
            raise WorkflowError(_("Een vastgesteld of ingetrokken plan verandert niet meer."))
        moved_deadline = False
        if plan.is_concept:
            _check_code(fields.code)
            if fields.code != plan.code and RegionalPlan.objects.filter(code=fields.code).exists():
                raise WorkflowError(_("Er is al een plan met de code %(code)s.") % {"code": fields.code})
            _write_fields(plan, fields)
            if document is not None:
                _store_document(plan, document, stored)
            plan.themes.set(fields.themes)
        else:
            # The councils were given until the deadline (art. 38b lid 2): it moves only later.
            if fields.answer_deadline is None or fields.answer_deadline < plan.answer_deadline:
                raise WorkflowError(
                    _("Na het versturen kan de termijn alleen later worden (nu tot en met %(date)s).")
                    % {"date": plan.answer_deadline.strftime("%d-%m-%Y")}
                )
            moved_deadline = fields.answer_deadline != plan.answer_deadline
            for name in CHANGEABLE_AFTER_SENDING:
                setattr(plan, name, getattr(fields, name))
        plan.version += 1
        plan.save()
        record("update_plan", plan, _plan_payload(plan), by=by)
        if moved_deadline:
            _tell_members(
                plan,
                _("%(body)s heeft de termijn voor %(plan)s verlengd tot en met %(date)s.")
                % {
                    "body": plan.regional_body.name,
                    "plan": plan.title,
                    "date": plan.answer_deadline.strftime("%d-%m-%Y"),
                },
            )
    return plan


def _tell_members(plan: RegionalPlan, text: str) -> None:
    """A notice to the griffie of every member, pointing at its own proposal on the plan."""
    answering = dict(
        Proposal.objects.filter(regional_plan=plan)
        .exclude(state=State.WITHDRAWN)
        .values_list("municipality_id", "pk")
    )
    members = Municipality.objects.filter(regional_bodies=plan.regional_body_id).values_list("pk", flat=True)
    for municipality_id in members:
        proposal_pk = answering.get(municipality_id)
        url = reverse("proposal_detail", args=[proposal_pk]) if proposal_pk else plan.get_absolute_url()
        notify(griffie_of(municipality_id), text, url)


def _write_fields(plan: RegionalPlan, fields: PlanFields) -> None:
    plan.code = fields.code
    plan.title = plain(fields.title)
    plan.answer_deadline = fields.answer_deadline
    plan.adoption_date = fields.adoption_date
    plan.adoption_meeting = plain(fields.adoption_meeting)
    plan.document_title = plain(fields.document_title)
    plan.template = PlanTemplate(
        subject=plain(fields.template.subject),
        proposer=fields.template.proposer,
        legal_basis=[plain(clause) for clause in fields.template.legal_basis],
        sections=[(plain(heading), plain(body)) for heading, body in fields.template.sections],
        decision_points=[plain(point) for point in fields.template.decision_points],
        proposed_advice=fields.template.proposed_advice,
        proposed_advice_text=plain(fields.template.proposed_advice_text),
    ).as_json()


def _plan_payload(plan: RegionalPlan) -> dict:
    return {
        "version": plan.version,
        "state": plan.state,
        "title": plan.title,
        "answer_deadline": plan.answer_deadline.isoformat() if plan.answer_deadline else None,
        "adoption_date": plan.adoption_date.isoformat() if plan.adoption_date else None,
        "template_sha256": hashlib.sha256(repr(plan.template).encode()).hexdigest(),
        "document_sha256": plan.document_sha256,
    }


def send_plan(plan: RegionalPlan, *, version: int, by: User) -> list[Proposal]:
    """Send the plan to every member council: each gets its own raadsvoorstel in concept,
    drafted from the template with its own name, unless it already has one on this plan.
    Returns the proposals made now."""
    _require_secretary(by, plan.regional_body)
    today = timezone.localdate()
    with files.removed_on_failure() as stored, transaction.atomic():
        plan = _locked(plan, version)
        if not plan.is_concept:
            raise WorkflowError(_("Dit plan is al verstuurd."))
        template = PlanTemplate.of(plan)
        if problems := template.problems():
            raise WorkflowError(" ".join(problems))
        if plan.answer_deadline is None or plan.answer_deadline < today:
            raise WorkflowError(_("Geef een uiterste datum voor de antwoorden die nog moet komen."))
        members = list(Municipality.objects.filter(regional_bodies=plan.regional_body).order_by("code"))
        if not members:
            raise WorkflowError(_("Het regionaal orgaan heeft geen gemeenten om het plan aan te sturen."))
        answering = set(
            Proposal.objects.filter(regional_plan=plan)
            .exclude(state=State.WITHDRAWN)
            .values_list("municipality_id", flat=True)
        )
        themes = list(plan.themes.select_related("parent"))
        document = files.read_verified(plan.document, plan.document_sha256) if plan.document else None
        made = []
        for municipality in members:
            if municipality.pk in answering:
                continue
            made.append(_draft_for(plan, municipality, template, themes, document, today=today, by=by))
            stored.extend(attachment.file for attachment in made[-1].attachments.all())
        plan.sent_at = timezone.now()
        _move(plan, "send")
        deadline = plan.answer_deadline.strftime("%d-%m-%Y")
        for proposal in made:
            notify(
                griffie_of(proposal.municipality_id),
                _(
                    "%(body)s heeft %(plan)s verstuurd; uw raadsvoorstel staat klaar "
                    "(antwoord uiterlijk %(date)s)."
                )
                % {"body": plan.regional_body.name, "plan": plan.title, "date": deadline},
                proposal.get_absolute_url(),
            )
        record("send_plan", plan, {"version": plan.version, "proposals": [p.key for p in made]}, by=by)
    return made


def _draft_for(plan, municipality, template, themes, document, *, today, by) -> Proposal:
    """One member's raadsvoorstel, as the griffie would have drafted it from the template."""
    filled = template.filled_in(municipality)
    taken = set(Proposal.objects.filter(municipality=municipality).values_list("number", flat=True))
    number, suffix = plan.code, 1
    while number in taken:
        suffix += 1
        number = f"{plan.code}-{suffix}"
    proposal = Proposal(municipality=municipality, regional_plan=plan)
    text = ProposalText(
        number=number,
        subject=filled.subject,
        proposer=filled.proposer,
        date=today,
        legal_basis=filled.legal_basis,
        themes=themes,
        sections=filled.sections,
        decision_points=filled.decision_points,
        proposed_advice=filled.proposed_advice,
        proposed_advice_text=filled.proposed_advice_text,
    )
    revision = _write_text(proposal, text.normalised(), by=by)
    if document is not None:
        attachment = Attachment(
            proposal=proposal,
            position=1,
            title=plan.document_title or plan.title,
            sha256=plan.document_sha256,
            size=len(document),
        )
        files.store(attachment.file, attachment_name(attachment, ""), document)
        attachment.save()
    record(
        "create_proposal",
        proposal,
        _text_payload(proposal, revision.text) | {"regional_plan": plan.code, "sent_by_body": True},
        by=by,
    )
    return proposal


def record_answer(
    proposal: Proposal, *, sent_to: str, sent_on: datetime.date, reference: str, by: User
) -> PlanAnswer:
    """The griffie records that its council's answer was sent: to whom, when, with which
    kenmerk. The letter is rendered as PDF/A (sealed where the municipality has a seal) and
    kept with its hash: the proof that the council was heard."""
    from .. import pdf, seal

    if not permissions.is_griffie_of(by, proposal.municipality):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente legt het antwoord vast."))
    sent_to, reference = plain(sent_to).strip(), plain(reference).strip()
    if not sent_to or not reference:
        raise WorkflowError(_("Vul in aan wie het antwoord is verstuurd en met welk kenmerk."))
    proposal = (
        Proposal.objects.with_document().select_related("regional_plan__regional_body").get(pk=proposal.pk)
    )
    _check_answer(proposal, sent_on)
    letter, _sealed = seal.seal_if_configured(
        pdf.render_answer_letter(proposal, sent_to=sent_to, sent_on=sent_on, reference=reference),
        proposal.municipality,
    )
    digest = hashlib.sha256(letter).hexdigest()
    with files.removed_on_failure() as stored, transaction.atomic():
        # Decided on as it is now: the proposal's row is held while the answer is stored.
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("regional_plan")
            .get(pk=proposal.pk)
        )
        _check_answer(proposal, sent_on)
        answer = PlanAnswer(
            plan=proposal.regional_plan,
            proposal=proposal,
            municipality_id=proposal.municipality_id,
            sent_to=sent_to,
            sent_on=sent_on,
            reference=reference,
            letter_sha256=digest,
            recorded_by=by,
        )
        files.store(answer.letter, answer_letter_name(answer, ""), letter)
        stored.append(answer.letter)
        answer.save()
        record(
            "record_plan_answer",
            proposal,
            {
                "plan": proposal.regional_plan.code,
                "sent_to": sent_to,
                "sent_on": sent_on.isoformat(),
                "reference": reference,
                "letter_sha256": digest,
            },
            by=by,
        )
    return answer


def _check_answer(proposal: Proposal, sent_on: datetime.date) -> None:
    plan = proposal.regional_plan
    if plan is None:
        raise WorkflowError(_("Dit voorstel hoort niet bij een regionaal plan."))
    if plan.state not in (PlanState.CONSULTATION, PlanState.ADOPTED):
        raise WorkflowError(_("Het plan is niet in consultatie."))
    if not proposal.is_final:
        raise WorkflowError(_("Het antwoord gaat uit als het raadsbesluit is ondertekend."))
    if not proposal.decision.advice:
        raise WorkflowError(
            _("Het besluit van de raad geeft geen advies over het plan; er is geen antwoord om te versturen.")
        )
    if PlanAnswer.objects.filter(plan=plan, municipality_id=proposal.municipality_id).exists():
        raise WorkflowError(_("Het antwoord van deze raad is al vastgelegd."))
    if sent_on < proposal.decision.meeting_date or sent_on > timezone.localdate():
        raise WorkflowError(
            _("De verzenddatum ligt tussen de raadsvergadering (%(date)s) en vandaag.")
            % {"date": proposal.decision.meeting_date.strftime("%d-%m-%Y")}
        )


def adopt_plan(
    plan: RegionalPlan,
    *,
    adopted_on: datetime.date,
    meeting: str,
    legal_ground: str,
    document,
    handlings: dict[int, str],
    version: int,
    by: User,
) -> PlanAdoption:
    """Record the body's vaststelling, once: the plan becomes adopted and every member
    proposal that is signed becomes `rbop_adopted`, all in one transaction. `handlings`
    maps a municipality's id to how its wensen en bedenkingen were handled."""
    _require_secretary(by, plan.regional_body)
    if legal_ground not in LegalGround.values:
        raise WorkflowError(_("Kies de grondslag van de vaststelling."))
    if not plain(meeting).strip():
        raise WorkflowError(_("Noem de vergadering waarin het plan is vastgesteld."))
    if adopted_on > timezone.localdate():
        raise WorkflowError(_("Een vaststelling ligt niet in de toekomst."))
    if document is None:
        raise WorkflowError(_("Voeg het vastgestelde plan toe."))
    digest = files.sha256_of(document)
    with files.removed_on_failure() as stored, transaction.atomic():
        plan = _locked(plan, version)
        if not plan.in_consultation:
            raise WorkflowError(_("Alleen een plan in consultatie wordt vastgesteld."))
        if plan.sent_at is not None and adopted_on < timezone.localdate(plan.sent_at):
            raise WorkflowError(_("Een plan wordt niet vastgesteld voordat het aan de raden is verstuurd."))
        picture = consultation.overview(plan, today=adopted_on)
        # Only what was answered by the day of the vaststelling counts (art. 38b lid 2).
        heard = [row for row in picture.rows if row.answer is not None and row.answer.sent_on <= adopted_on]
        not_heard = [row for row in picture.rows if row not in heard]
        if not consultation.may_adopt(
            members=picture.members, answered=len(heard), deadline=plan.answer_deadline, on=adopted_on
        ):
            raise WorkflowError(
                _(
                    "Nog niet alle raden hebben geantwoord en de termijn (%(deadline)s) is niet verstreken "
                    "(art. 38b lid 2 Politiewet 2012). Zonder antwoord: %(names)s."
                )
                % {
                    "deadline": plan.answer_deadline.strftime("%d-%m-%Y") if plan.answer_deadline else "—",
                    "names": ", ".join(row.municipality.name for row in not_heard),
                }
            )
        missing = [
            row.municipality.name
            for row in picture.objections
            if row in heard and not handlings.get(row.municipality.pk, "").strip()
        ]
        if missing:
            raise WorkflowError(
                _("Zeg hoe de wensen en bedenkingen zijn verwerkt van: %(names)s.")
                % {"names": ", ".join(missing)}
            )
        adoption = PlanAdoption(
            plan=plan,
            adopted_on=adopted_on,
            meeting=plain(meeting).strip(),
            legal_ground=legal_ground,
            document_sha256=digest,
            without_answer=[
                {"code": row.municipality.code, "name": row.municipality.name} for row in not_heard
            ],
            recorded_by=by,
        )
        adoption.document.save("vastgesteld.pdf", document, save=False)
        stored.append(adoption.document)
        adoption.save()
        members = {row.municipality.pk for row in picture.rows}
        AnswerHandling.objects.bulk_create(
            AnswerHandling(adoption=adoption, municipality_id=pk, text=plain(text).strip())
            for pk, text in handlings.items()
            if pk in members and text.strip()
        )
        _move(plan, "adopt")
        reason = _("Vastgesteld door %(body)s op %(date)s (%(meeting)s)") % {
            "body": plan.regional_body.name,
            "date": adopted_on.strftime("%d-%m-%Y"),
            "meeting": adoption.meeting,
        }
        moved = []
        for proposal in (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("municipality", "regional_plan__regional_body")
            .filter(regional_plan=plan, state=State.SIGNED)
            .order_by("municipality__code")
        ):
            run_transition(
                proposal, "record_rbop_adoption", by=by, reason=reason, payload={"plan": plan.code}
            )
            moved.append(proposal.key)
        members_proposals = dict(
            Proposal.objects.filter(regional_plan=plan)
            .exclude(state=State.WITHDRAWN)
            .values_list("municipality_id", "pk")
        )
        for municipality_id in members:
            proposal_pk = members_proposals.get(municipality_id)
            notify(
                griffie_of(municipality_id),
                _("%(body)s heeft %(plan)s vastgesteld op %(date)s.")
                % {
                    "body": plan.regional_body.name,
                    "plan": plan.title,
                    "date": adopted_on.strftime("%d-%m-%Y"),
                },
                reverse("proposal_detail", args=[proposal_pk]) if proposal_pk else plan.get_absolute_url(),
            )
        record(
            "adopt_plan",
            plan,
            {
                "version": plan.version,
                "adopted_on": adopted_on.isoformat(),
                "meeting": adoption.meeting,
                "legal_ground": legal_ground,
                "document_sha256": digest,
                "without_answer": [item["code"] for item in adoption.without_answer],
                "moved": moved,
            },
            by=by,
        )
    return adoption


def withdraw_plan(plan: RegionalPlan, *, reason: str, version: int, by: User) -> RegionalPlan:
    """The body withdraws the plan; the members' proposals stay as their councils left them."""
    _require_secretary(by, plan.regional_body)
    if not plain(reason).strip():
        raise WorkflowError(_("Geef een reden op."))
    with transaction.atomic():
        plan = _locked(plan, version)
        if plan.state not in (PlanState.CONCEPT, PlanState.CONSULTATION):
            raise WorkflowError(_("Een vastgesteld of ingetrokken plan wordt niet meer ingetrokken."))
        sent = plan.sent_at is not None
        _move(plan, "withdraw")
        record("withdraw_plan", plan, {"version": plan.version, "reason": plain(reason).strip()}, by=by)
        if sent:
            _tell_members(
                plan,
                _("%(body)s heeft %(plan)s ingetrokken: %(reason)s")
                % {"body": plan.regional_body.name, "plan": plan.title, "reason": plain(reason).strip()},
            )
    return plan


def request_bundle(plan: RegionalPlan, *, by: User) -> PlanBundle:
    """Queue the bundle of the consultation: one part per council with a signed raadsbesluit,
    after the summary; any worker renders any part, the last one in puts them together."""
    from .. import tasks

    _require_secretary(by, plan.regional_body)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.state not in (PlanState.CONSULTATION, PlanState.ADOPTED):
            raise WorkflowError(_("Een bundel is er van een plan in consultatie of een vastgesteld plan."))
        if plan.bundles.filter(status__in=(BundleStatus.QUEUED, BundleStatus.RUNNING)).exists():
            raise WorkflowError(_("Er wordt al een bundel gemaakt."))
        councils = bundle_councils(plan)
        bundle = PlanBundle.objects.create(
            plan=plan, parts_total=1 + len(councils), proposals=[p.pk for p in councils], requested_by=by
        )
        for position in range(bundle.parts_total):
            tasks.render_bundle_part.enqueue(bundle.pk, position)
        record("request_bundle", plan, {"bundle": bundle.pk, "parts": bundle.parts_total}, by=by)
    return bundle


def bundle_councils(plan: RegionalPlan) -> list[Proposal]:
    """The member proposals whose signed raadsbesluit goes into the bundle, by municipality code."""
    return list(
        Proposal.objects.filter(regional_plan=plan, state__in=(State.SIGNED, State.RBOP_ADOPTED))
        .select_related("municipality")
        .order_by("municipality__code")
    )


def store_bundle_part(bundle_id: int, position: int) -> BundlePart:
    """Render one part of a bundle and store it, once: position 0 is the summary, position
    n the n-th council's cover and archived raadsbesluit. A part already stored is kept, so
    a task run again (after a crash, on another worker) adds nothing twice. The last part in
    queues the assembly."""
    from .. import pdf, tasks

    bundle = PlanBundle.objects.select_related("plan__regional_body").get(pk=bundle_id)
    existing = bundle.parts.filter(position=position).first()
    if existing is not None:
        return existing
    if position == 0:
        document = pdf.render(pdf.bundle_summary_html(consultation.overview(bundle.plan)))
    else:
        proposal = Proposal.objects.select_related(
            "municipality", "decision", "archived_decision", "plan_answer", "regional_plan__regional_body"
        ).get(pk=bundle.proposals[position - 1])
        archived = getattr(proposal, "archived_decision", None)
        if archived is None:
            raise WorkflowError(
                _("Het raadsbesluit van %(name)s is nog niet gearchiveerd.") % {"name": proposal.municipality}
            )
        document = pdf.render_bundle_council(proposal, files.read_verified(archived.file, archived.sha256))
    digest = hashlib.sha256(document).hexdigest()
    with files.removed_on_failure() as stored, transaction.atomic():
        bundle = PlanBundle.objects.select_for_update().get(pk=bundle_id)
        existing = bundle.parts.filter(position=position).first()
        if existing is not None:
            return existing
        if bundle.status == BundleStatus.FAILED:
            # Given up on: a late part changes nothing; a new bundle is asked for instead.
            raise WorkflowError(_("Deze bundel is opgegeven; vraag een nieuwe aan."))
        part = BundlePart(bundle=bundle, position=position, sha256=digest, pages=pdf.page_count(document))
        files.store(part.file, bundle_part_name(part, ""), document)
        stored.append(part.file)
        part.save()
        bundle.parts_done = bundle.parts.count()
        bundle.status = BundleStatus.RUNNING
        bundle.save(update_fields=["parts_done", "status"])
        if bundle.parts_done == bundle.parts_total:
            tasks.assemble_bundle.enqueue(bundle.pk)
    return part


def assemble_bundle(bundle_id: int) -> PlanBundle:
    """Put the parts together into the bundle's one PDF/A; idempotent like the parts."""
    from .. import pdf

    bundle = PlanBundle.objects.select_related("plan__regional_body").get(pk=bundle_id)
    if bundle.status == BundleStatus.DONE:
        return bundle
    parts = list(bundle.parts.order_by("position"))
    if len(parts) < bundle.parts_total:
        raise WorkflowError(_("De bundel mist nog onderdelen."))
    plan = bundle.plan
    document = pdf.assemble_bundle(
        [files.read_verified(part.file, part.sha256) for part in parts],
        title=_("Bundel van de consultatie: %(plan)s") % {"plan": plan.title},
        author=plan.regional_body.name,
    )
    digest = hashlib.sha256(document).hexdigest()
    with files.removed_on_failure() as stored, transaction.atomic():
        bundle = PlanBundle.objects.select_for_update().select_related("plan").get(pk=bundle_id)
        if bundle.status == BundleStatus.DONE:
            return bundle
        bundle.sha256, bundle.pages = digest, pdf.page_count(document)
        files.store(bundle.file, bundle_name(bundle, ""), document)
        stored.append(bundle.file)
        bundle.status, bundle.finished_at, bundle.error = BundleStatus.DONE, timezone.now(), ""
        bundle.save()
        record(
            "bundle_done",
            bundle.plan,
            {"bundle": bundle.pk, "sha256": digest, "pages": bundle.pages, "parts": len(parts)},
            by=None,
        )
    return bundle


def bundle_failed(bundle_id: int, error: str) -> None:
    """A part or the assembly gave up after its retries: the page says so, nothing claims done."""
    PlanBundle.objects.filter(pk=bundle_id).exclude(status=BundleStatus.DONE).update(
        status=BundleStatus.FAILED, error=error[:2000]
    )


# --- Reminders ---

REMINDER_DAYS = 7


def remind_answers_due(today: datetime.date | None = None) -> int:
    """Tell the griffie of every member council that has not yet answered a plan whose
    deadline falls within REMINDER_DAYS. Safe to run every day: each griffie is reminded
    once per plan. Returns the number of notices given."""
    today = today or timezone.localdate()
    given = 0
    plans = RegionalPlan.objects.filter(
        state=PlanState.CONSULTATION,
        answer_deadline__gte=today,
        answer_deadline__lte=today + datetime.timedelta(days=REMINDER_DAYS),
    ).select_related("regional_body")
    for plan in plans:
        answered = set(plan.answers.values_list("municipality_id", flat=True))
        answering = dict(plan.proposals.exclude(state=State.WITHDRAWN).values_list("municipality_id", "pk"))
        for municipality_id in plan.regional_body.municipalities.values_list("pk", flat=True):
            if municipality_id in answered:
                continue
            proposal_pk = answering.get(municipality_id)
            url = reverse("proposal_detail", args=[proposal_pk]) if proposal_pk else plan.get_absolute_url()
            with transaction.atomic():
                given += len(
                    notify(
                        griffie_of(municipality_id),
                        _("Het antwoord op %(plan)s moet uiterlijk %(date)s verstuurd zijn.")
                        % {"plan": plan.title, "date": plan.answer_deadline.strftime("%d-%m-%Y")},
                        url,
                        key=f"answer-due/{plan.pk}/{municipality_id}",
                    )
                )
    return given
