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

from .models import FINAL_STATES, ArchivedDecision, AuditEntry, AuditLock, Proposal, User

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
    # The themes as a set: their order on screen is the theme tree's, which may be rearranged.
    document["themes"] = sorted(document["themes"])
    if document.get("decision"):
        document["decision"].pop("pdf_sha256", None)
        document["decision"]["paper_scan_sha256"] = stored.decision.paper_scan_sha256
    return document


def record_digest(proposal: Proposal) -> str:
    return sha256(record_of(proposal))


def council_record_of(proposal: Proposal) -> dict | None:
    """What the council's own records hold of a decision taken in this application: each
    meeting the proposal was on, its attendance, and every vote on it with each ballot.
    None for a decision that came in by import. What later changes may add must leave this
    digest unchanged for records without it, so that earlier entries keep verifying."""
    from .models import AgendaItem

    decision = getattr(proposal, "decision", None)
    if decision is None or decision.meeting_id is None:
        return None
    items = (
        AgendaItem.objects.filter(proposal=proposal).select_related("meeting").order_by("meeting__starts_at")
    )
    record = []
    for item in items:
        meeting = item.meeting
        votes = (
            item.votes.select_related("amendment")
            .prefetch_related("ballots__member")
            .order_by("opened_at", "pk")
        )
        record.append(
            {
                "meeting": meeting.starts_at.astimezone(datetime.UTC).isoformat(),
                "opened_at": meeting.opened_at.astimezone(datetime.UTC).isoformat()
                if meeting.opened_at
                else None,
                "present": sorted(meeting.attendances.values_list("member__name", flat=True)),
                "position": item.position,
                "postponed": item.postponed,
                "amendments": [
                    {"title": a.title, "changes": a.changes, "result": a.result}
                    for a in item.amendments.order_by("pk")
                ],
                "votes": [_vote_record(vote) for vote in votes],
            }
        )
        changes = list(
            meeting.presence_changes.order_by("at", "pk").values_list("member__name", "arrived", "at")
        )
        if changes:
            record[-1]["presence_changes"] = [
                [name, arrived, at.astimezone(datetime.UTC).isoformat()] for name, arrived, at in changes
            ]
        motions = list(item.motions.order_by("pk").values_list("title", "result"))
        if motions:
            record[-1]["motions"] = [list(motion) for motion in motions]
    return {"items": record}


def _vote_record(vote) -> dict:
    """One vote as the council's digest holds it; what later records add appears only where
    it is there, so that a record without it digests as it always did."""
    record = {
        "amendment": vote.amendment.title if vote.amendment_id else None,
        "mode": vote.mode,
        "for": vote.votes_for,
        "against": vote.votes_against,
        "present": vote.present,
        "outcome": vote.outcome,
        "ballots": sorted((b.member.name, b.choice) for b in vote.ballots.all()),
    }
    if vote.motion_id:
        record["motion"] = vote.motion.title
    if vote.seated is not None:
        record["seated"] = vote.seated
    excluded = sorted(vote.exclusions.values_list("member__name", "reason"))
    if excluded:
        record["excluded"] = [list(member) for member in excluded]
    if vote.call_order:
        record["call_order"] = vote.call_order_names()
    if vote.withdrawal_reason:
        record["withdrawn"] = vote.withdrawal_reason
    return record


def council_digest(proposal: Proposal) -> str | None:
    record = council_record_of(proposal)
    return sha256(record) if record is not None else None


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
    """Each decision that differs from what the log recorded when it was signed: signed
    without an entry, no longer signed though an entry says it was, signed twice, its
    record or its meeting's record changed, or its archive not the one archived."""
    first_signing, seen_twice = _first_signings()
    archive_entries = _payloads_by_key((ARCHIVING_ACTION,), "sha256")
    archives = dict(ArchivedDecision.objects.values_list("proposal_id", "sha256"))
    final = {p.key: p for p in Proposal.objects.final().select_related("municipality", "decision")}
    for key, seq in seen_twice:
        yield Problem(
            f"vermelding {seq}", f"een tweede ondertekening van {key}; een besluit wordt één keer ondertekend"
        )
    for key in sorted(first_signing.keys() - final.keys()):
        yield Problem(
            f"raadsbesluit {key}",
            "het logboek vermeldt de ondertekening, maar het besluit is niet ondertekend",
        )
    for key, proposal in sorted(final.items()):
        where = f"raadsbesluit {key}"
        recorded = first_signing.get(key)
        if recorded is None:
            yield Problem(where, "het logboek vermeldt de ondertekening niet")
            continue
        if recorded["record_sha256"] != record_digest(proposal):
            yield Problem(where, "het besluit verschilt van wat bij de ondertekening is vastgelegd")
        council = council_digest(proposal)
        if "council_sha256" in recorded and council is not None and council != recorded["council_sha256"]:
            yield Problem(
                where, "de stemming of de presentielijst verschilt van wat bij de ondertekening is vastgelegd"
            )
        archived = archives.get(proposal.pk)
        if archived is not None and archive_entries.get(key) != archived:
            yield Problem(where, "het archief verschilt van wat bij het archiveren is vastgelegd")


def unverifiable_council_records() -> int:
    """Signed decisions whose meeting's records are not in this database (restored from an
    export, which carries the vote as the interchange format records it): their entry's
    digest of the meeting cannot be recomputed here."""
    first_signing, _twice = _first_signings()
    keys = {key for key, payload in first_signing.items() if "council_sha256" in payload}
    return sum(
        1
        for proposal in Proposal.objects.final().select_related("municipality", "decision")
        if proposal.key in keys and proposal.decision.meeting_id is None
    )


def _first_signings() -> tuple[dict[str, dict], list[tuple[str, int]]]:
    """The entry that signed each decision (the first), and every later one that claims to."""
    first: dict[str, dict] = {}
    twice: list[tuple[str, int]] = []
    entries = AuditEntry.objects.filter(action__in=SIGNING_ACTIONS).order_by("seq")
    for seq, key, action, payload in entries.values_list("seq", "object_key", "action", "payload").iterator():
        signs = "record_sha256" in payload and (
            action != "import_proposal" or payload.get("state") in FINAL_STATES
        )
        if not signs:
            continue
        if key in first:
            twice.append((key, seq))
        else:
            first[key] = payload
    return first, twice


def _payloads_by_key(actions: tuple[str, ...], field: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    entries = AuditEntry.objects.filter(action__in=actions).order_by("seq")
    for key, payload in entries.values_list("object_key", "payload").iterator(chunk_size=2000):
        if field in payload:
            latest[key] = payload[field]
    return latest


def anchor_problem(anchor: str) -> Problem | None:
    """A hash written down outside the database earlier (from `verify_history`'s output, an
    export's audit log) must still be in the chain: a chain cut short or recomputed from some
    entry on no longer has it."""
    if AuditEntry.objects.filter(hash=anchor).exists():
        return None
    return Problem("het logboek", f"de eerder vastgelegde hash {anchor} komt er niet meer in voor")
