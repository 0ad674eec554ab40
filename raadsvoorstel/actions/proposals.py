"""The proposal's writes: drafting, the workflow's transitions, import, and onboarding a
municipality.

Each action checks who may do it, runs in one transaction holding the proposal's row,
and leaves its history: the audit log's entry, the transition log (who, when, from, to,
why), and for the text django-simple-history and a Revision. Views and commands call
these; they never `save()` a proposal themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import audit, files, permissions
from ..interchange import ProposalDocument
from ..models import (
    Advice,
    AgendaItem,
    Attachment,
    DecisionPoint,
    Municipality,
    Proposal,
    Section,
    State,
    TextFrozen,
    User,
    WorkflowError,
    attachment_name,
    paper_scan_name,
)
from ..text import KEEP_PLAN, ProposalText, plain
from .base import acting_on, keep_revision, record, run_transition, stale_copy
from .decisions import enqueue_archive, store_decision
from .notices import council_of, notify

__all__ = [
    "EditConflict",
    "RestoredFiles",
    "USER_TRANSITIONS",
    "UserTransition",
    "add_attachment",
    "add_municipality",
    "create_proposal",
    "import_proposals",
    "remove_attachment",
    "return_proposal_to_concept",
    "store_document",
    "submit_proposal",
    "transitions_for",
    "update_proposal",
    "withdraw_proposal",
]


# --- Transitions ---


def submit_proposal(proposal: Proposal, *, by: User, reason: str = "") -> None:
    """Put a concept before the council (griffie); its text is frozen from then on."""
    with acting_on(proposal):
        run_transition(proposal, "submit", by=by, reason=reason)
        notify(
            council_of(proposal.municipality_id),
            _("Voorstel %(number)s, “%(subject)s”, is naar de raad gestuurd.")
            % {"number": proposal.number, "subject": proposal.subject},
            proposal.get_absolute_url(),
            actor=by,
        )


def return_proposal_to_concept(proposal: Proposal, *, by: User, reason: str = "") -> None:
    """Take a proposal back from the council before it deliberates on it (griffie, with a
    reason); it leaves the agenda it was on, so that it can be put on one again later."""
    with acting_on(proposal):
        run_transition(proposal, "return_to_concept", by=by, reason=reason)
        for item in AgendaItem.objects.filter(proposal=proposal, postponed=False).select_related("meeting"):
            # Nothing was tabled or voted here (the transition's condition): the item has no history.
            item.delete()
            record(
                "take_off_agenda", item.meeting, {"proposal": proposal.key, "position": item.position}, by=by
            )


def withdraw_proposal(proposal: Proposal, *, by: User, reason: str = "") -> None:
    """Withdraw a proposal the council has not decided on (griffie, with a reason)."""
    with acting_on(proposal):
        run_transition(proposal, "withdraw", by=by, reason=reason)


# The transitions a user starts with a button on the proposal page; the council's
# decision and the signatures have their own screens.
@dataclass(frozen=True)
class UserTransition:
    name: str
    label: str
    run: Callable[..., None]
    reason_label: str = ""  # set where the transition asks for a reason
    # Set where the step cannot be undone: it gets a page of its own that asks this first.
    confirm: str = ""


USER_TRANSITIONS = {
    t.name: t
    for t in [
        UserTransition("submit", _lazy("Naar de raad sturen"), submit_proposal),
        UserTransition(
            "return_to_concept",
            _lazy("Terug naar concept"),
            return_proposal_to_concept,
            reason_label=_lazy("Waarom gaat het voorstel terug naar concept?"),
        ),
        UserTransition(
            "withdraw",
            _lazy("Intrekken"),
            withdraw_proposal,
            reason_label=_lazy("Waarom wordt het voorstel ingetrokken?"),
            confirm=_lazy(
                "Een ingetrokken voorstel komt niet meer bij de raad en kan niet terug naar concept. "
                "Weet u zeker dat u het intrekt?"
            ),
        ),
    ]
}


def transitions_for(proposal: Proposal, user: User) -> list[UserTransition]:
    """The buttons `user` sees now: the transitions from this state their role allows.
    Conditions are not checked here: pressing the button explains a failed one."""
    return [
        USER_TRANSITIONS[transition.name]
        for transition in proposal.get_all_state_transitions()
        if transition.source == proposal.state
        and transition.name in USER_TRANSITIONS
        and transition.has_perm(proposal, user)
    ]


# --- Drafting ---


class EditConflict(WorkflowError):
    """Someone saved the proposal after this edit began; nothing of the edit is stored."""


def create_proposal(municipality: Municipality, text: ProposalText, *, by: User) -> Proposal:
    """A new concept in the griffie's own municipality."""
    if not permissions.is_griffie_of(by, municipality):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente maakt hier voorstellen."))
    with transaction.atomic():
        proposal = Proposal(municipality=municipality)
        revision = _write_text(proposal, text.normalised(), by=by)
        record("create_proposal", proposal, _text_payload(proposal, revision.text), by=by)
    return proposal


def update_proposal(proposal: Proposal, text: ProposalText, *, version: int, by: User) -> None:
    """Save the griffie's edit of a concept, unless someone saved another version since
    `version` was read: then `EditConflict`, and the caller shows both."""
    if not permissions.may_change(by, proposal):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente bewerkt dit voorstel."))
    with transaction.atomic():
        state, stored_version = (
            Proposal.objects.select_for_update().values_list("state", "version").get(pk=proposal.pk)
        )
        if state != State.CONCEPT:
            raise TextFrozen(_("De tekst van een voorstel dat niet meer in concept is, ligt vast."))
        if stored_version != version:
            raise EditConflict(_("Dit voorstel is opgeslagen terwijl u het bewerkte."))
        proposal.version = stored_version + 1
        revision = _write_text(proposal, text.normalised(), by=by)
        record("update_proposal", proposal, _text_payload(proposal, revision.text), by=by)


def _text_payload(proposal: Proposal, text: str) -> dict:
    return {"version": proposal.version, "number": proposal.number, "text_sha256": audit.sha256(text)}


def _write_text(proposal: Proposal, text: ProposalText, *, by: User | None):
    """Write fields, themes, sections and decision points, each row changed in place so
    that the history shows what changed rather than everything deleted and re-added."""
    for name in ("number", "subject", "proposer", "initiator", "date", "legal_basis", "proposed_advice"):
        setattr(proposal, name, getattr(text, name))
    if text.regional_plan is not KEEP_PLAN:
        proposal.regional_plan = text.regional_plan
    proposal.proposed_advice_text = (
        text.proposed_advice_text if text.proposed_advice == Advice.OBJECTIONS else ""
    )
    _refuse_a_second_answer(proposal)
    proposal._history_user = by
    proposal.save()
    proposal.themes.set(text.themes)
    _write_parts(proposal, Section, [{"heading": h, "body": b} for h, b in text.sections], by=by)
    _write_parts(proposal, DecisionPoint, [{"text": t} for t in text.decision_points], by=by)
    return keep_revision(proposal, by=by)


def _refuse_a_second_answer(proposal: Proposal) -> None:
    """A council answers a regional plan through one proposal (withdrawn ones aside)."""
    if proposal.regional_plan_id is None:
        return
    other = (
        Proposal.objects.filter(
            regional_plan_id=proposal.regional_plan_id, municipality_id=proposal.municipality_id
        )
        .exclude(state=State.WITHDRAWN)
        .exclude(pk=proposal.pk)
        .first()
    )
    if other is not None:
        raise WorkflowError(
            _("Deze gemeente beantwoordt dit regionaal plan al met voorstel %(number)s.")
            % {"number": other.number}
        )


def _write_parts(proposal: Proposal, model, rows: list[dict], *, by: User | None) -> None:
    existing = list(model.objects.filter(proposal=proposal).order_by("position"))
    for position, values in enumerate(rows, start=1):
        part = (
            existing[position - 1]
            if position <= len(existing)
            else model(proposal=proposal, position=position)
        )
        if part.pk is None or any(getattr(part, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(part, key, value)
            part._history_user = by
            part.save()
    for part in existing[len(rows) :]:
        part._history_user = by
        part.delete()


def add_attachment(proposal: Proposal, title: str, upload, *, by: User) -> Attachment:
    """Store a checked PDF (see forms.AttachmentForm) through Django's storage, named by
    the proposal's id and the file's hash."""
    if not permissions.may_change(by, proposal):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente voegt bijlagen toe."))
    digest = files.sha256_of(upload)
    with files.removed_on_failure() as stored, acting_on(proposal):
        position = (proposal.attachments.aggregate(last=Max("position"))["last"] or 0) + 1
        attachment = Attachment(
            proposal=proposal, position=position, title=plain(title), sha256=digest, size=upload.size
        )
        attachment.file.save("bijlage.pdf", upload, save=False)
        stored.append(attachment.file)
        attachment.save()
        _bump_version(proposal)
        record(
            "add_attachment",
            proposal,
            {"title": attachment.title, "sha256": digest, "size": upload.size, "version": proposal.version},
            by=by,
        )
    return attachment


def remove_attachment(attachment: Attachment, *, by: User) -> None:
    proposal = attachment.proposal
    if not permissions.may_change(by, proposal):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente verwijdert bijlagen."))
    with acting_on(proposal):
        _delete_files_on_commit([attachment])
        attachment.delete()
        _bump_version(proposal)
        record(
            "remove_attachment",
            proposal,
            {"title": attachment.title, "sha256": attachment.sha256, "version": proposal.version},
            by=by,
        )


def _bump_version(proposal: Proposal) -> None:
    """Any change to a proposal raises its version, so a page shown before it is stale."""
    proposal.version += 1
    proposal.skip_history_when_saving = True
    try:
        proposal.save(update_fields=["version", "updated_at"])
    finally:
        del proposal.skip_history_when_saving


def _delete_files_on_commit(attachments) -> None:
    """Remove the stored files once the rows are surely gone (never on a rollback)."""
    for attachment in attachments:
        if attachment.file:
            storage, name = attachment.file.storage, attachment.file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


# --- Import ---


def import_proposals(
    documents: list[ProposalDocument], *, replace: bool = False, by: User | None = None
) -> list[Proposal]:
    """Store checked documents (see interchange.parse_documents), all or none.

    With `replace`, a stored concept with the same number takes the document's text in
    place: a new version with its revision, so its history stays. A document past `concept`
    is stored with its recorded state directly: its history happened elsewhere, and no
    transition is logged for it here; a signed one is archived in the background. `by` is
    who sent them in (the API's token user); a command imports as the system.
    """
    with transaction.atomic():
        stored = []
        for document in documents:
            existing = (
                Proposal.objects.select_for_update()
                .filter(municipality=document.municipality, number=document.number)
                .first()
                if replace
                else None
            )
            if existing is not None and existing.state != State.CONCEPT:
                raise stale_copy(existing.state, existing.version)
            stored.append(store_document(document, into=existing, by=by))
    return stored


@dataclass(frozen=True)
class RestoredFiles:
    """The stored files of a proposal coming back from an archive export: the content of
    each attachment by position, and the scan of a besluit signed in ink."""

    attachments: dict[int, bytes]
    scan: bytes | None = None


def store_document(
    document: ProposalDocument,
    *,
    into: Proposal | None,
    restored: RestoredFiles | None = None,
    by: User | None = None,
) -> Proposal:
    """Write one checked document as a proposal (a new one, or over the concept `into`), in
    its recorded state. With `restored`, its files come back as exported, and its archive is
    restored by the caller rather than made again."""
    text = ProposalText(
        number=document.number,
        subject=document.subject,
        proposer=document.proposer,
        date=document.date,
        legal_basis=document.legal_basis,
        themes=document.themes,
        sections=document.sections,
        decision_points=document.decision_points,
    ).normalised()
    proposal = into or Proposal(municipality=document.municipality)
    if into is not None:
        proposal.version += 1
        _delete_files_on_commit(proposal.attachments.exclude(file=""))
        proposal.attachments.all().delete()
    proposal.regional_plan = document.regional_plan
    revision = _write_text(proposal, text, by=by)
    for position, attachment in enumerate(document.attachments, start=1):
        stored = Attachment(
            proposal=proposal,
            position=position,
            title=plain(attachment.title),
            sha256=attachment.sha256,
            size=attachment.size,
        )
        if restored is not None and position in restored.attachments:
            files.store(stored.file, attachment_name(stored, ""), restored.attachments[position])
        stored.save()
    if document.decision is not None:
        decision = store_decision(proposal, document.decision)
        if restored is not None and restored.scan is not None:
            decision.paper_scan_sha256 = hashlib.sha256(restored.scan).hexdigest()
            files.store(decision.paper_scan, paper_scan_name(decision, ""), restored.scan)
            decision.save(update_fields=["paper_scan", "paper_scan_sha256"])
    if document.state != State.CONCEPT:
        # The text is written as a concept (the guards allow it); then the state is set.
        Proposal.objects.filter(pk=proposal.pk).update(state=document.state)
        proposal = Proposal.objects.select_related("municipality").get(pk=proposal.pk)
    payload = _text_payload(proposal, revision.text) | {"state": proposal.state, "replaced": into is not None}
    if document.decision is not None:
        payload["record_sha256"] = audit.record_digest(proposal)
    record("import_proposal", proposal, payload, by=by)
    if proposal.is_final and restored is None:
        enqueue_archive(proposal)
    return proposal


# --- Municipalities ---


def add_municipality(code: str, name: str, *, seats: int, by: User | None = None) -> Municipality:
    """Onboard a municipality; `ValidationError` (in Dutch) for a wrong code, a duplicate
    or a council size outside 9 to 45 seats."""
    municipality = Municipality(code=code, name=name, seats=seats)
    municipality.full_clean()
    with transaction.atomic():
        municipality.save()
        record("add_municipality", municipality, {"code": code, "name": name, "seats": seats}, by=by)
    return municipality
