"""The whole archive as a folder: every proposal in `raadsvoorstel/1`, every stored PDF, the
audit log and a manifest; written by `manage.py export_archive`, read back by
`manage.py import_archive` (actions.restore_archive) into an empty database.

Layout of the folder:

    MANIFEST.sha256       `sha256sum -c MANIFEST.sha256` checks every other file
    reference.json        municipalities, regional bodies and plans, themes
    proposals/GM0377-2023000853.json   one per proposal (the number percent-encoded)
    files.json            per proposal: its archived raadsbesluit, scan and attachment files
    files/<sha256>.pdf    each stored PDF once, named by its hash
    audit.jsonl           the audit log, one entry per line, as stored

Everything is written in a fixed order and form, and carries no database ids, so exporting
a restored database gives the same bytes again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from . import files
from .interchange import dumps, export_proposal
from .models import ArchivedDecision, AuditEntry, Proposal

MANIFEST = "MANIFEST.sha256"
REFERENCE = "reference.json"
PROPOSALS = "proposals"
FILE_INDEX = "files.json"
FILES = "files"
AUDIT_LOG = "audit.jsonl"


class BackupError(Exception):
    """The folder cannot be written or read as an archive; the message says where and why."""


def proposal_filename(code: str, number: str) -> str:
    """`GM0377-2023000853.json`; a number such as `2012/0815` or `../x` stays inside the folder."""
    return f"{code}-{quote(number, safe='')}.json"


def timestamp(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def audit_line(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "seq": entry.seq,
            "at": timestamp(entry.at),
            "actor": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_key": entry.object_key,
            "payload": entry.payload,
            "digest": entry.digest,
            "previous_hash": entry.previous_hash,
            "hash": entry.hash,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_archive(directory: Path) -> int:
    """Write the archive into `directory` (new or empty); returns the number of proposals.

    A stored file that no longer has its recorded hash stops the export with `BackupError`:
    an archive is a copy of what is intact, never of what is damaged.
    """
    from .actions import dump_reference_data

    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupError(f"{directory} is niet leeg; kies een nieuwe of lege map.")
    (directory / PROPOSALS).mkdir()
    (directory / FILES).mkdir()
    written: dict[str, bytes] = {}

    def write(relative: str, content: bytes) -> None:
        (directory / relative).write_bytes(content)
        written[relative] = content

    write(REFERENCE, _json(dump_reference_data()).encode())
    index = {}
    proposals = Proposal.objects.with_document().order_by("municipality__code", "number")
    for proposal in proposals:
        write(
            f"{PROPOSALS}/{proposal_filename(proposal.municipality.code, proposal.number)}",
            dumps(export_proposal(proposal)).encode(),
        )
        index[proposal.key] = _stored_files(proposal, write)
    write(FILE_INDEX, _json(index).encode())
    log = "".join(audit_line(entry) + "\n" for entry in AuditEntry.objects.order_by("seq").iterator())
    write(AUDIT_LOG, log.encode())
    manifest = "".join(
        f"{hashlib.sha256(content).hexdigest()}  {relative}\n"
        for relative, content in sorted(written.items())
    )
    (directory / MANIFEST).write_text(manifest, encoding="utf-8")
    return len(proposals)


def _stored_files(proposal: Proposal, write) -> dict:
    """Copy the proposal's stored files into files/, each checked; return what goes in files.json."""

    def copy(file, sha256: str, what: str) -> str:
        try:
            content = files.read_verified(file, sha256)
        except files.DamagedFile as damage:
            raise BackupError(f"{what} van {proposal.key}: {damage}") from None
        write(f"{FILES}/{sha256}.pdf", content)
        return sha256

    entry: dict = {
        "attachments": {
            str(a.position): copy(a.file, a.sha256, f"bijlage {a.position}")
            for a in proposal.attachments.all()
            if a.file
        }
    }
    decision = getattr(proposal, "decision", None)
    if decision is not None and decision.paper_scan:
        entry["scan"] = copy(decision.paper_scan, decision.paper_scan_sha256, "de scan")
    archived = ArchivedDecision.objects.filter(proposal=proposal).first()
    if archived is not None:
        entry["archive"] = {
            "sha256": copy(archived.file, archived.sha256, "het raadsbesluit"),
            "size": archived.size,
            "sealed": archived.sealed,
            "created_at": timestamp(archived.created_at),
        }
    return entry


def read_manifest(directory: Path) -> dict[str, bytes]:
    """Every file the manifest lists, with its content, once each has been checked against
    it; `BackupError` naming the first file missing, changed, or not listed."""
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise BackupError(f"{manifest} ontbreekt: dit is geen export van het archief.")
    listed: dict[str, bytes] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        digest, _, relative = line.partition("  ")
        path = (directory / relative).resolve()
        if not relative or directory.resolve() not in path.parents:
            raise BackupError(f"{MANIFEST} regel {number}: geen bestand in deze map")
        if not path.is_file():
            raise BackupError(f"{relative} ontbreekt")
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != digest:
            raise BackupError(f"{relative} is gewijzigd: de SHA-256 klopt niet met {MANIFEST}")
        listed[relative] = content
    present = {
        str(path.relative_to(directory))
        for path in directory.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise BackupError(f"{unlisted[0]} staat niet in {MANIFEST}")
    return listed
