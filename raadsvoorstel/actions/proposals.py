"""The proposal's writes: drafting, the workflow's transitions, signing, import.

Each action checks who may do it, runs in one transaction, and leaves its history:
transitions are logged by django-fsm-log (who, when, from, to, why), text changes by
django-simple-history. Views and commands call these; they never `save()` a proposal
after a transition themselves.
"""

from __future__ import annotations

__all__ = [
    "submit_proposal",
    "return_proposal_to_concept",
    "withdraw_proposal",
    "record_rbop_adoption",
    "record_decision",
    "sign_decision",
    "import_proposals",
    "add_municipality",
    "EditConflict",
    "create_proposal",
    "update_proposal",
    "add_attachment",
    "sha256_of",
    "remove_attachment",
    "UserTransition",
    "transitions_for",
    "USER_TRANSITIONS",
    "archive_signed_decision",
]

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import ConcurrentTransition
from django_fsm_log.helpers import FSMLogDescriptor

from .. import permissions
from ..interchange import DecisionDocument, ProposalDocument, SignatureDocument
from ..models import (
    Amendment,
    AmendmentChange,
    ArchivedDecision,
    Attachment,
    Decision,
    DecisionPoint,
    MemberVote,
    Municipality,
    Proposal,
    Result,
    Revision,
    Section,
    Signature,
    State,
    TextFrozen,
    User,
    WorkflowError,
)
from ..text import ProposalText, text_of

logger = logging.getLogger(__name__)


def _changed_meanwhile(proposal: Proposal) -> WorkflowError:
    proposal.refresh_from_db()
    return WorkflowError(
        _(
            "Iemand anders heeft dit voorstel intussen gewijzigd; de status is nu “%(state)s”. "
            "Er is niets veranderd."
        )
        % {"state": proposal.get_state_display()}
    )


def _lock(proposal: Proposal) -> None:
    """Hold the proposal's row until the transaction ends; refuse if it moved meanwhile.

    The lock serialises actions on one proposal (two signers at once both see each
    other's signature); ConcurrentTransitionMixin's check on save is the second guard.
    """
    stored_state = (
        Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("state", flat=True).first()
    )
    if stored_state != proposal.state:
        raise _changed_meanwhile(proposal)


def _check_transition(proposal: Proposal, name: str, by: User) -> None:
    """Raise the reason, in the griffie's words, why `by` cannot make this transition now."""
    transition = getattr(proposal, name)._django_fsm.get_transition(proposal.state)
    if transition is None:
        raise WorkflowError(
            _("Dat kan niet bij een voorstel met de status “%(state)s”.")
            % {"state": proposal.get_state_display()}
        )
    if not transition.has_perm(proposal, by):
        raise PermissionDenied(_("U hebt niet de rol die deze stap mag zetten bij dit voorstel."))
    for condition in transition.conditions:
        if not condition(proposal):
            raise WorkflowError(condition.message)


def _transition(proposal: Proposal, name: str, *, by: User, reason: str = "") -> None:
    """Run one transition inside the caller's transaction, with its log entry."""
    _check_transition(proposal, name, by)
    with FSMLogDescriptor(proposal, "by", by), FSMLogDescriptor(proposal, "description", reason):
        getattr(proposal, name)(by=by, reason=reason)
    # The text did not change: no field-history row for a change of state.
    proposal.skip_history_when_saving = True
    try:
        proposal.save()
    except ConcurrentTransition:
        raise _changed_meanwhile(proposal) from None
    finally:
        del proposal.skip_history_when_saving


@contextmanager
def _acting_on(proposal: Proposal) -> Iterator[None]:
    """One transaction holding the proposal's row; on a refusal nothing is stored and
    the caller's copy is refreshed, so that it shows the proposal as it is."""
    try:
        with transaction.atomic():
            _lock(proposal)
            yield
    except (WorkflowError, PermissionDenied):
        proposal.refresh_from_db()
        raise


def submit_proposal(proposal: Proposal, *, by: User, reason: str = "") -> None:
    """Put a concept before the council (griffie); its text is frozen from then on."""
    with _acting_on(proposal):
        _transition(proposal, "submit", by=by, reason=reason)


def return_proposal_to_concept(proposal: Proposal, *, by: User, reason: str = "") -> None:
    """Take a proposal back from the council before it decides (griffie, with a reason)."""
    with _acting_on(proposal):
        _transition(proposal, "return_to_concept", by=by, reason=reason)


def withdraw_proposal(proposal: Proposal, *, by: User, reason: str = "") -> None:
    """Withdraw a proposal the council has not decided on (griffie, with a reason)."""
    with _acting_on(proposal):
        _transition(proposal, "withdraw", by=by, reason=reason)


def record_rbop_adoption(proposal: Proposal, *, by: User, reason: str = "") -> None:
    """The regional body adopted the plan this signed proposal answered (RBOP-secretaris)."""
    with _acting_on(proposal):
        _transition(proposal, "record_rbop_adoption", by=by, reason=reason)


def record_decision(proposal: Proposal, decision: DecisionDocument, *, by: User, meeting=None) -> Decision:
    """Store the council's decision and move the proposal to `advised` or `rejected`.

    The decision arrives checked (by the interchange parser now, by the meeting's own
    records in the council issue). Nothing is stored if the transition is refused.
    """
    name = "reject" if decision.result == Result.VERWORPEN else "record_advice"
    with _acting_on(proposal):
        transition = getattr(proposal, name)._django_fsm.get_transition(proposal.state)
        if transition is not None and not transition.has_perm(proposal, by):
            raise PermissionDenied(_("U hebt niet de rol die het besluit van de raad mag vastleggen."))
        stored = _store_decision(proposal, decision, meeting=meeting)
        _transition(proposal, name, by=by)
    return stored


def sign_decision(proposal: Proposal, *, by: User, date: datetime.date | None = None) -> Signature:
    """Sign the raadsbesluit as voorzitter or griffier (art. 32a); the second signature
    moves the proposal to `signed`."""
    with _acting_on(proposal):
        # Who signs is read as configured now, not as the caller's copy remembers it.
        proposal.municipality = Municipality.objects.get(pk=proposal.municipality_id)
        role = permissions.signing_role(by, proposal.municipality)
        if role is None:
            raise PermissionDenied(_("Alleen de voorzitter en de griffier ondertekenen een raadsbesluit."))
        if proposal.state != State.ADVISED:
            raise WorkflowError(
                _("Alleen een besluit met de status “Advies uitgebracht” kan worden ondertekend.")
            )
        decision = proposal.decision
        if decision.signatures.filter(role=role).exists():
            raise WorkflowError(_("De %(role)s heeft dit besluit al ondertekend.") % {"role": role})
        signature = Signature.objects.create(
            decision=decision,
            role=role,
            name=by.display_name,
            user=by,
            as_substitute=permissions.signs_as_substitute(by, proposal.municipality),
            date=date or timezone.localdate(),
        )
        if decision.signatures.count() == 2:
            _transition(proposal, "complete_signing", by=by)
            transaction.on_commit(lambda: _archive_after_signing(proposal))
    return signature


def _archive_after_signing(proposal: Proposal) -> None:
    """The signing stands whatever happens here; a failed archive is made on first request."""
    try:
        archive_signed_decision(proposal)
    except Exception:
        logger.exception("Archiving the signed raadsbesluit of proposal %s failed", proposal.pk)


def archive_signed_decision(proposal: Proposal) -> ArchivedDecision:
    """Render the signed raadsbesluit once, seal it where the municipality has a
    certificate, and store it with its SHA-256. Called after the signing has committed;
    from then on the PDF is served byte for byte from storage."""
    from .. import pdf, seal

    existing = ArchivedDecision.objects.filter(proposal=proposal).first()
    if existing is not None:
        return existing
    proposal = Proposal.objects.with_document().get(pk=proposal.pk)
    if proposal.state not in (State.SIGNED, State.RBOP_ADOPTED):
        raise WorkflowError(_("Alleen een ondertekend raadsbesluit wordt gearchiveerd."))
    document, sealed = seal.seal_if_configured(pdf.render_besluit(proposal), proposal.municipality)
    digest = hashlib.sha256(document).hexdigest()
    archived = ArchivedDecision(proposal=proposal, sha256=digest, size=len(document), sealed=sealed)
    name = f"{proposal.municipality.code}-{proposal.number}-{digest[:12]}.pdf"
    archived.file.save(name, ContentFile(document), save=False)
    with transaction.atomic():
        archived.save()
    return archived


# --- Import ---


@transaction.atomic
def import_proposals(documents: list[ProposalDocument], *, replace: bool = False) -> list[Proposal]:
    """Store checked documents (see interchange.parse_documents), all or none.

    With `replace`, a stored concept with the same number gives way to the document.
    A document past `concept` is stored with its recorded state directly: its history
    happened elsewhere, and no transition is logged for it here.
    """
    stored = []
    for document in documents:
        if replace:
            existing = Proposal.objects.filter(
                municipality=document.municipality, number=document.number, state=State.CONCEPT
            )
            for proposal in existing:
                _delete_files_on_commit(proposal.attachments.exclude(file=""))
                proposal.delete()
        stored.append(_store_document(document))
    return stored


def _store_document(document: ProposalDocument) -> Proposal:
    proposal = Proposal.objects.create(
        municipality=document.municipality,
        number=document.number,
        subject=document.subject,
        proposer=document.proposer,
        date=document.date,
        legal_basis=document.legal_basis,
        regional_plan=document.regional_plan,
    )
    for position, (heading, body) in enumerate(document.sections, start=1):
        Section.objects.create(proposal=proposal, position=position, heading=heading, body=body)
    for position, text in enumerate(document.decision_points, start=1):
        DecisionPoint.objects.create(proposal=proposal, position=position, text=text)
    for position, attachment in enumerate(document.attachments, start=1):
        Attachment.objects.create(
            proposal=proposal,
            position=position,
            title=attachment.title,
            sha256=attachment.sha256,
            size=attachment.size,
        )
    proposal.themes.set(document.themes)
    if document.decision is not None:
        _store_decision(proposal, document.decision)
    _keep_revision(proposal, by=None)
    if document.state != State.CONCEPT:
        # The text is written as a concept (the freeze allows it); then the state is set.
        Proposal.objects.filter(pk=proposal.pk).update(state=document.state)
        proposal.refresh_from_db()
    return proposal


def _store_decision(proposal: Proposal, document: DecisionDocument, *, meeting=None) -> Decision:
    decision = Decision.objects.create(
        proposal=proposal,
        meeting=meeting,
        meeting_date=document.meeting_date,
        result=document.result,
        advice=document.advice,
        advice_text=document.advice_text,
        vote_mode=document.vote_mode,
        votes_for=document.votes_for,
        votes_against=document.votes_against,
    )
    MemberVote.objects.bulk_create(
        MemberVote(decision=decision, position=position, name=m.name, party=m.party, vote=m.vote)
        for position, m in enumerate(document.member_votes, start=1)
    )
    for position, amendment in enumerate(document.amendments, start=1):
        stored = Amendment.objects.create(
            decision=decision,
            position=position,
            title=amendment.title,
            submitters=amendment.submitters,
            result=amendment.result,
        )
        AmendmentChange.objects.bulk_create(
            AmendmentChange(amendment=stored, point=point, text=text) for point, text in amendment.changes
        )
    _store_signatures(decision, document.signatures)
    return decision


def _store_signatures(decision: Decision, signatures: list[SignatureDocument]) -> None:
    """Signatures as they stand on a raadsbesluit signed elsewhere: imported, or in ink."""
    for signature in signatures:
        Signature.objects.create(
            decision=decision, role=signature.role, name=signature.name, date=signature.date
        )


# --- Municipalities ---


def add_municipality(code: str, name: str, *, seats: int) -> Municipality:
    """Onboard a municipality; `ValidationError` (in Dutch) for a wrong code, a duplicate
    or a council size outside 9 to 45 seats."""
    municipality = Municipality(code=code, name=name, seats=seats)
    municipality.full_clean()
    municipality.save()
    return municipality


# --- Drafting ---


class EditConflict(WorkflowError):
    """Someone saved the proposal after this edit began; nothing of the edit is stored."""


def create_proposal(municipality: Municipality, text: ProposalText, *, by: User) -> Proposal:
    """A new concept in the griffie's own municipality."""
    if not permissions.is_griffie_of(by, municipality):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente maakt hier voorstellen."))
    with transaction.atomic():
        proposal = Proposal(municipality=municipality)
        _write_text(proposal, text, by=by)
    return proposal


def update_proposal(proposal: Proposal, text: ProposalText, *, version: int, by: User) -> None:
    """Save the griffie's edit of a concept, unless someone saved another version since
    `version` was read: then `EditConflict`, and the caller shows both."""
    if not permissions.may_change(by, proposal):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente bewerkt dit voorstel."))
    with _acting_on(proposal):
        stored_version = Proposal.objects.values_list("version", flat=True).get(pk=proposal.pk)
        if stored_version != version:
            raise EditConflict(_("Iemand anders heeft dit voorstel opgeslagen terwijl u het bewerkte."))
        if proposal.state != State.CONCEPT:
            raise TextFrozen(_("De tekst van een voorstel dat niet meer in concept is, ligt vast."))
        proposal.version = stored_version + 1
        _write_text(proposal, text, by=by)


def _write_text(proposal: Proposal, text: ProposalText, *, by: User) -> None:
    """Write fields, themes, sections and decision points, each row changed in place so
    that the history shows what changed rather than everything deleted and re-added."""
    for name in ("number", "subject", "proposer", "date", "legal_basis"):
        setattr(proposal, name, getattr(text, name))
    proposal._history_user = by
    proposal.save()
    proposal.themes.set(text.themes)
    _write_parts(proposal, Section, [{"heading": h, "body": b} for h, b in text.sections], by=by)
    _write_parts(proposal, DecisionPoint, [{"text": t} for t in text.decision_points], by=by)
    _keep_revision(proposal, by=by)


def _keep_revision(proposal: Proposal, *, by: User | None) -> None:
    Revision.objects.create(proposal=proposal, version=proposal.version, saved_by=by, text=text_of(proposal))


def _write_parts(proposal: Proposal, model, rows: list[dict], *, by: User) -> None:
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


def sha256_of(upload) -> str:
    """The SHA-256 of an uploaded file, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def add_attachment(proposal: Proposal, title: str, upload, *, by: User) -> Attachment:
    """Store a checked PDF (see forms.AttachmentForm) through Django's storage."""
    if not permissions.may_change(by, proposal):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente voegt bijlagen toe."))
    digest = sha256_of(upload)
    with _acting_on(proposal):
        position = (proposal.attachments.aggregate(last=Max("position"))["last"] or 0) + 1
        attachment = Attachment(
            proposal=proposal, position=position, title=title, sha256=digest, size=upload.size
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
    return attachment


def remove_attachment(attachment: Attachment, *, by: User) -> None:
    proposal = attachment.proposal
    if not permissions.may_change(by, proposal):
        raise PermissionDenied(_("Alleen de griffie van deze gemeente verwijdert bijlagen."))
    with _acting_on(proposal):
        _delete_files_on_commit([attachment])
        attachment.delete()


def _delete_files_on_commit(attachments) -> None:
    """Remove the stored files once the rows are surely gone (never on a rollback)."""
    for attachment in attachments:
        if attachment.file:
            storage, name = attachment.file.storage, attachment.file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


# The transitions a user starts with a button on the proposal page; the council's
# decision and the signatures have their own screens.
@dataclass(frozen=True)
class UserTransition:
    name: str
    label: str
    run: Callable[..., None]
    reason_label: str = ""  # set where the transition asks for a reason


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
        ),
        UserTransition(
            "record_rbop_adoption", _lazy("Vaststelling door het RBOP vastleggen"), record_rbop_adoption
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
