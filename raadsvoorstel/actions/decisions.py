"""The council's decision on a proposal: recording it, signing it (digitally or in ink),
and archiving the signed raadsbesluit in the background.

Signing is four-eyes work (Gemeentewet art. 32a): the voorzitter and the griffier, or the
substitutes configured on the municipality, each sign for themself. A besluit signed in ink
is recorded by the griffier, with the scan and the two signatories chosen from the people
configured for those roles, never typed.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import audit, files, permissions, search
from ..interchange import DecisionDocument, SignatureDocument
from ..models import (
    Amendment,
    AmendmentChange,
    ArchivedDecision,
    Decision,
    MemberVote,
    Municipality,
    Proposal,
    Result,
    Signature,
    SignatureRole,
    User,
    WorkflowError,
    archive_name,
)
from ..text import plain
from .base import acting_on, record, run_transition
from .notices import griffie_of, notify, signers_of

__all__ = [
    "archive_signed_decision",
    "enqueue_archive",
    "record_decision",
    "sign_decision",
    "sign_on_paper",
    "signatories",
    "store_decision",
]

logger = logging.getLogger(__name__)


def record_decision(proposal: Proposal, decision: DecisionDocument, *, by: User, meeting=None) -> Decision:
    """Store the council's decision and move the proposal to `advised` or `rejected`.

    The decision arrives checked (by the interchange parser, or from the meeting's own
    records). Nothing is stored if the transition is refused.
    """
    name = "reject" if decision.result == Result.VERWORPEN else "record_advice"
    with acting_on(proposal):
        transition = getattr(proposal, name)._django_fsm.get_transition(proposal.state)
        if transition is not None and not transition.has_perm(proposal, by):
            raise PermissionDenied(_("U hebt niet de rol die het besluit van de raad mag vastleggen."))
        stored = store_decision(proposal, decision, meeting=meeting)
        run_transition(proposal, name, by=by, payload={"record_sha256": audit.record_digest(proposal)})
        if proposal.awaits_signatures:
            notify(
                signers_of(proposal.municipality),
                _("Raadsbesluit %(number)s, “%(subject)s”, wacht op uw handtekening.")
                % {"number": proposal.number, "subject": proposal.subject},
                proposal.get_absolute_url(),
            )
    return stored


def store_decision(proposal: Proposal, document: DecisionDocument, *, meeting=None) -> Decision:
    """Write a checked decision with its vote, amendments and signatures, in the caller's
    transaction (which also records it)."""
    decision = Decision.objects.create(
        proposal=proposal,
        meeting=meeting,
        meeting_date=document.meeting_date,
        result=document.result,
        advice=document.advice,
        advice_text=plain(document.advice_text),
        vote_mode=document.vote_mode,
        votes_for=document.votes_for,
        votes_against=document.votes_against,
        meeting_public=document.meeting_public,
        seated=document.seated,
        excluded=[list(member) for member in document.excluded],
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
            AmendmentChange(
                amendment=stored, point=change.point, action=change.action, text=plain(change.text)
            )
            for change in amendment.changes
        )
    _store_signatures(decision, document.signatures)
    search.index(proposal)  # the advice's wensen en bedenkingen are searched too
    return decision


def _store_signatures(decision: Decision, signatures: list[SignatureDocument], users=None) -> None:
    """Signatures as they stand on a raadsbesluit signed elsewhere: imported, or in ink."""
    for signature in signatures:
        Signature.objects.create(
            decision=decision,
            role=signature.role,
            name=signature.name,
            date=signature.date,
            as_substitute=signature.as_substitute,
            user=(users or {}).get(signature.role),
        )


def _check_signing_date(date: datetime.date, decision: Decision) -> None:
    """A raadsbesluit is signed on or after the meeting that took it, and not in the future."""
    if date < decision.meeting_date:
        raise WorkflowError(
            _("Een besluit wordt ondertekend op of na de vergadering van %(date)s.")
            % {"date": date_format(decision.meeting_date, "j F Y")}
        )
    if date > timezone.localdate():
        raise WorkflowError(_("Een ondertekening ligt niet in de toekomst."))


def _advised_decision(proposal: Proposal) -> Decision:
    if not proposal.awaits_signatures:
        raise WorkflowError(
            _("Alleen een besluit met de status “Advies uitgebracht” kan worden ondertekend.")
        )
    return Decision.objects.get(proposal=proposal)


def sign_decision(proposal: Proposal, *, by: User) -> Signature:
    """Sign the raadsbesluit today, for oneself, as voorzitter or griffier (art. 32a); the
    second signature moves the proposal to `signed` and queues its archiving."""
    with acting_on(proposal):
        # Who signs is read as configured now, not as the caller's copy remembers it.
        proposal.municipality = Municipality.objects.get(pk=proposal.municipality_id)
        role = permissions.signing_role(by, proposal.municipality)
        if role is None:
            raise PermissionDenied(_("Alleen de voorzitter en de griffier ondertekenen een raadsbesluit."))
        decision = _advised_decision(proposal)
        if decision.signatures.filter(role=role).exists():
            raise WorkflowError(_("De %(role)s heeft dit besluit al ondertekend.") % {"role": role})
        if decision.signatures.filter(user=by).exists():
            raise WorkflowError(
                _("U hebt dit besluit al ondertekend; de tweede handtekening is van een ander.")
            )
        today = timezone.localdate()
        _check_signing_date(today, decision)
        signature = Signature.objects.create(
            decision=decision,
            role=role,
            name=by.display_name,
            user=by,
            as_substitute=permissions.signs_as_substitute(by, proposal.municipality),
            date=today,
        )
        payload = {
            "role": role,
            "name": signature.name,
            "date": today.isoformat(),
            "as_substitute": signature.as_substitute,
        }
        if decision.signatures.count() == 2:
            run_transition(proposal, "complete_signing", by=by, payload=payload | _signed_record(proposal))
            enqueue_archive(proposal)
        else:
            record("sign_decision", proposal, payload, by=by)
    return signature


def _signed_record(proposal: Proposal) -> dict:
    """What the signing entry holds of the decision: the digest of its record, and of the
    meeting's own records where the council decided in this application."""
    digests = {"record_sha256": audit.record_digest(proposal)}
    council = audit.council_digest(proposal)
    if council is not None:
        digests["council_sha256"] = council
    return digests


def signatories(municipality: Municipality) -> dict[str, list[tuple[User, bool]]]:
    """Who may have signed in ink, per role, each with whether they sign as substitute: the
    voorzitter and griffier configured on the municipality (or holding that role there),
    then the waarnemend voorzitter and the plaatsvervangend griffier."""
    options: dict[str, list[tuple[User, bool]]] = {}
    for role, configured, substitute in (
        (SignatureRole.VOORZITTER, municipality.voorzitter, municipality.acting_voorzitter),
        (SignatureRole.GRIFFIER, municipality.griffier, municipality.deputy_griffier),
    ):
        own = [configured] if configured is not None else []
        own += User.objects.filter(municipality=municipality, role=role, is_active=True).exclude(
            pk__in=[user.pk for user in own]
        )
        options[role] = [(user, False) for user in own]
        if substitute is not None and substitute not in own:
            options[role].append((substitute, True))
    return options


def sign_on_paper(
    proposal: Proposal, scan, *, voorzitter: User, griffier: User, date: datetime.date, by: User
) -> None:
    """The raadsbesluit was signed in ink: the griffier (or plaatsvervangend griffier)
    records the scan, the authentic document from now on, with the two who signed it,
    chosen from the people configured for those roles. The proposal is then `signed`."""
    digest = files.sha256_of(scan)
    with files.removed_on_failure() as stored, acting_on(proposal):
        municipality = Municipality.objects.select_related(
            "voorzitter", "acting_voorzitter", "griffier", "deputy_griffier"
        ).get(pk=proposal.municipality_id)
        proposal.municipality = municipality
        if not permissions.may_record_paper_signing(by, municipality):
            raise PermissionDenied(
                _("Alleen de griffier legt een op papier getekend besluit vast, niet een griffiemedewerker.")
            )
        decision = _advised_decision(proposal)
        if decision.signatures.exists():
            raise WorkflowError(_("Dit besluit is al deels digitaal ondertekend."))
        _check_signing_date(date, decision)
        if voorzitter == griffier:
            raise WorkflowError(
                _("Voorzitter en griffier zijn twee mensen: een besluit heeft twee handtekeningen.")
            )
        chosen = {SignatureRole.VOORZITTER: voorzitter, SignatureRole.GRIFFIER: griffier}
        documents = []
        for role, person in chosen.items():
            allowed = dict(signatories(municipality)[role])
            if person not in allowed:
                raise WorkflowError(
                    _("%(name)s is bij deze gemeente niet als %(role)s (of vervanger) ingesteld.")
                    % {"name": person.display_name, "role": SignatureRole(role).label}
                )
            documents.append(
                SignatureDocument(
                    role=role, name=person.display_name, date=date, as_substitute=allowed[person]
                )
            )
        decision.paper_scan_sha256 = digest
        decision.paper_scan.save("scan.pdf", scan, save=False)
        stored.append(decision.paper_scan)
        decision.save(update_fields=["paper_scan", "paper_scan_sha256"])
        _store_signatures(decision, documents, users=chosen)
        run_transition(
            proposal,
            "complete_signing",
            by=by,
            payload={
                "paper": True,
                "date": date.isoformat(),
                "signatories": {
                    d.role: {"name": d.name, "as_substitute": d.as_substitute} for d in documents
                },
                "scan_sha256": digest,
            }
            | _signed_record(proposal),
        )
        enqueue_archive(proposal)


# --- The archive ---


def enqueue_archive(proposal: Proposal) -> None:
    """Queue the archiving of a signed raadsbesluit in the caller's transaction: with the
    database backend the task row commits with the signature, or not at all."""
    from ..tasks import archive_decision

    archive_decision.enqueue(proposal.pk)


def archive_signed_decision(proposal: Proposal) -> ArchivedDecision:
    """Render the signed raadsbesluit once, seal it where the municipality has a certificate,
    and store it under its SHA-256. Idempotent: a second run finds the archive and returns it.

    The render runs outside any transaction (a 200-page besluit takes seconds, and SQLite
    would hold every writer that long); the proposal's row lock then decides who stores.
    """
    from .. import pdf, seal

    proposal_id = proposal.pk
    existing = ArchivedDecision.objects.filter(proposal_id=proposal_id).first()
    if existing is not None:
        return existing
    proposal = Proposal.objects.with_document().get(pk=proposal_id)
    if not proposal.is_final:
        raise WorkflowError(_("Alleen een ondertekend raadsbesluit wordt gearchiveerd."))
    document, sealed = seal.seal_if_configured(pdf.render_besluit(proposal), proposal.municipality)
    digest = hashlib.sha256(document).hexdigest()
    with files.removed_on_failure() as stored, transaction.atomic():
        Proposal.objects.select_for_update().filter(pk=proposal_id).values_list("pk").get()
        existing = ArchivedDecision.objects.filter(proposal_id=proposal_id).first()
        if existing is not None:
            return existing
        archived = ArchivedDecision(proposal=proposal, sha256=digest, size=len(document), sealed=sealed)
        files.store(archived.file, archive_name(archived, ""), document)
        stored.append(archived.file)
        archived.save()
        record(
            audit.ARCHIVING_ACTION,
            proposal,
            {"sha256": digest, "size": len(document), "sealed": sealed, "file": archived.file.name},
            by=None,
        )
        notify(
            [*griffie_of(proposal.municipality_id), *signers_of(proposal.municipality)],
            _("Raadsbesluit %(number)s, “%(subject)s”, is ondertekend en gearchiveerd.")
            % {"number": proposal.number, "subject": proposal.subject},
            proposal.get_absolute_url(),
        )
    return archived
