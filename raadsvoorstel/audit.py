"""The audit log's hash chain: appending an entry, and checking the whole history.

Every action appends one entry inside its own transaction (`append`). An entry's `digest`
is the SHA-256 of what the action wrote (its payload, as canonical JSON); its `hash` is the
SHA-256 of the entry's fields together with the hash of the entry before it. Changing,
inserting or removing any entry therefore breaks the chain from that point on, and the
database refuses to update or delete entries in the first place.

When a decision is signed (or comes in signed by import), its entry records the digest of
the whole decision record (`record_digest`): the text, the decision points, the vote, the
amendments and the signatures, as the interchange format writes them. `verify` recomputes
it for every signed decision, and compares the archived PDF's hash with the entry made when
it was archived.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import ArchivedDecision, AuditEntry, AuditLock, Proposal, User

GENESIS = "0" * 64
SYSTEM = "systeem"
# The actions whose entry records the digest of a decision as it was signed.
SIGNING_ACTIONS = ("complete_signing", "import_proposal")
ARCHIVING_ACTION = "archive_decision"


def canonical(value) -> bytes:
    """One byte string for one value, whichever database stored it: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def _timestamp(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry, from its own fields and the hash before it."""
    return sha256(
        {
            "seq": entry.seq,
            "at": _timestamp(entry.at),
            "actor": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_key": entry.object_key,
            "digest": entry.digest,
            "previous_hash": entry.previous_hash,
        }
    )


# Set only while an archive export is restored into an empty database: its own audit log is
# put back entry for entry, so the rows it writes get no entries of their own.
_restoring: ContextVar[bool] = ContextVar("restoring", default=False)


@contextmanager
def restoring() -> Iterator[None]:
    token = _restoring.set(True)
    try:
        yield
    finally:
        _restoring.reset(token)


def append(
    action: str, object_type: str, object_key: str, payload: dict, *, by: User | None
) -> AuditEntry | None:
    """Add one entry at the end of the chain, in the caller's transaction.

    The lock row serialises every writer of the log until its transaction ends, so two
    actions at the same moment never both link to the same predecessor.
    """
    if _restoring.get():
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An audit entry is written in the transaction of the change it records.")
    AuditLock.objects.select_for_update().get_or_create(pk=1)
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, previous_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    # A value that went through JSON, so the digest is of what the database keeps.
    payload = json.loads(canonical(payload))
    entry = AuditEntry(
        seq=seq,
        # Whole microseconds in UTC: the same instant reads back the same from every database.
        at=timezone.now().astimezone(datetime.UTC),
        actor=by if by is not None and by.pk else None,
        actor_name=by.get_username() if by is not None and by.pk else SYSTEM,
        action=action,
        object_type=object_type,
        object_key=object_key,
        payload=payload,
        digest=sha256(payload),
        previous_hash=previous_hash,
    )
    entry.hash = entry_hash(entry)
    entry.save()
    return entry


# --- The record of a signed decision ---


def record_of(proposal: Proposal) -> dict:
    """What makes up a signed decision, in the interchange format's words, without what may
    still change after signing: the state (signed → rbop_adopted) and the archive's hash,
    which has an entry of its own."""
    from .interchange import export_proposal

    stored = Proposal.objects.with_document().get(pk=proposal.pk)
    document = export_proposal(stored)
    document.pop("state")
    if document.get("decision"):
        document["decision"].pop("pdf_sha256", None)
        document["decision"]["paper_scan_sha256"] = stored.decision.paper_scan_sha256
    return document


def record_digest(proposal: Proposal) -> str:
    return sha256(record_of(proposal))


# --- Checking the history ---


@dataclass
class Problem:
    """The first place where the history differs from what it should be."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def chain_problems() -> Iterator[Problem]:
    """Each entry that does not follow from the one before, or whose digest does not match
    its payload; the first one is where the history was changed."""
    expected_seq, previous_hash = 1, GENESIS
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        where = f"vermelding {entry.seq} ({entry.action} {entry.object_key})"
        if entry.seq != expected_seq:
            yield Problem(where, f"verwacht volgnummer {expected_seq}: er ontbreken vermeldingen")
        elif entry.previous_hash != previous_hash:
            yield Problem(where, "verwijst niet naar de vermelding ervoor")
        elif entry.digest != sha256(entry.payload):
            yield Problem(where, "wat is vastgelegd past niet bij de SHA-256 ervan")
        elif entry.hash != entry_hash(entry):
            yield Problem(where, "de hash klopt niet met de inhoud")
        expected_seq, previous_hash = entry.seq + 1, entry.hash


def decision_problems() -> Iterator[Problem]:
    """Each signed decision that differs from what was recorded when it was signed, or whose
    archive differs from what was recorded when it was archived."""
    signed_entries = _latest_payloads(SIGNING_ACTIONS, "record_sha256")
    archive_entries = _latest_payloads((ARCHIVING_ACTION,), "sha256")
    archives = dict(ArchivedDecision.objects.values_list("proposal_id", "sha256"))
    for proposal in Proposal.objects.final().select_related("municipality", "decision").order_by("pk"):
        where = f"raadsbesluit {proposal.key}"
        recorded = signed_entries.get(proposal.key)
        if recorded is None:
            yield Problem(where, "het logboek vermeldt de ondertekening niet")
        elif recorded != record_digest(proposal):
            yield Problem(where, "het besluit verschilt van wat bij de ondertekening is vastgelegd")
        archived = archives.get(proposal.pk)
        if archived is not None and archive_entries.get(proposal.key) != archived:
            yield Problem(where, "het archief verschilt van wat bij het archiveren is vastgelegd")


def _latest_payloads(actions: tuple[str, ...], field: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    entries = AuditEntry.objects.filter(action__in=actions).order_by("seq")
    for key, payload in entries.values_list("object_key", "payload").iterator(chunk_size=2000):
        if field in payload:
            latest[key] = payload[field]
    return latest
