"""Restoring an archive export (backup.py) into an empty database: reference data, every
proposal in its state with its files, each archived raadsbesluit, and the audit log exactly
as it was, so that `verify_history` passes and a new export is byte-for-byte the same."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .. import audit, backup, files
from ..interchange import InvalidDocuments, parse_documents
from ..models import ArchivedDecision, AuditEntry, Municipality, Proposal, archive_name
from .proposals import RestoredFiles, store_document
from .reference import load_reference_data

__all__ = ["restore_archive"]


def restore_archive(directory: Path) -> int:
    """Restore the export in `directory`, all or nothing; returns the number of proposals.

    Refused (`BackupError`) unless every file matches the manifest and the database is empty.
    """
    listed = backup.read_manifest(directory)
    if Proposal.objects.exists() or AuditEntry.objects.exists() or Municipality.objects.exists():
        raise backup.BackupError(
            _("De database is niet leeg: een archief wordt alleen in een lege database teruggezet.")
        )
    reference = json.loads(listed[backup.REFERENCE])
    index = json.loads(listed[backup.FILE_INDEX])
    sources = sorted(
        (relative, content.decode("utf-8"))
        for relative, content in listed.items()
        if relative.startswith(f"{backup.PROPOSALS}/")
    )
    entries = [json.loads(line) for line in listed[backup.AUDIT_LOG].decode("utf-8").splitlines()]

    def content(sha256: str) -> bytes:
        return listed[f"{backup.FILES}/{sha256}.pdf"]

    with transaction.atomic(), audit.restoring():
        load_reference_data(reference)
        try:
            documents = parse_documents(sources)
        except InvalidDocuments as invalid:
            raise backup.BackupError("\n".join(str(error) for error in invalid.errors)) from None
        for document in documents:
            stored = index[f"{document.municipality.code}/{document.number}"]
            proposal = store_document(
                document,
                into=None,
                restored=RestoredFiles(
                    attachments={
                        int(position): content(sha) for position, sha in stored["attachments"].items()
                    },
                    scan=content(stored["scan"]) if "scan" in stored else None,
                ),
            )
            if "archive" in stored:
                _restore_archived(proposal, stored["archive"], content(stored["archive"]["sha256"]))
        AuditEntry.objects.bulk_create(_entry(values) for values in entries)
    return len(documents)


def _restore_archived(proposal: Proposal, values: dict, document: bytes) -> None:
    archived = ArchivedDecision(
        proposal=proposal,
        sha256=values["sha256"],
        size=values["size"],
        sealed=values["sealed"],
        created_at=datetime.datetime.fromisoformat(values["created_at"]),
    )
    files.store(archived.file, archive_name(archived, ""), document)
    archived.save()


def _entry(values: dict) -> AuditEntry:
    return AuditEntry(
        seq=values["seq"],
        at=datetime.datetime.fromisoformat(values["at"]),
        actor=None,
        actor_name=values["actor"],
        action=values["action"],
        object_type=values["object_type"],
        object_key=values["object_key"],
        payload=values["payload"],
        digest=values["digest"],
        previous_hash=values["previous_hash"],
        hash=values["hash"],
    )
