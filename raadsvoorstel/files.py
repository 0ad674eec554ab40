"""Stored files: hashed when they come in, named by ids and hashes, checked when they go out.

Every file the application keeps (an attachment, the scan of a besluit signed in ink, the
archived raadsbesluit) has its SHA-256 on its record. A file is served, exported or called
intact only when its bytes still have that hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile


def sha256_of(upload) -> str:
    """The SHA-256 of an uploaded file, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class DamagedFile(Exception):
    """A stored file that is missing, or whose bytes no longer have their recorded hash."""


def read_verified(file: FieldFile, sha256: str) -> bytes:
    """The file's bytes, if they still have the recorded hash; else `DamagedFile`."""
    if not file:
        raise DamagedFile("geen bestand opgeslagen")
    try:
        with file.storage.open(file.name, "rb") as stored:
            content = stored.read()
    except OSError as error:
        raise DamagedFile(f"{file.name} ontbreekt ({error.strerror or error})") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise DamagedFile(f"{file.name} is gewijzigd: de SHA-256 klopt niet meer")
    return content


def store(file: FieldFile, name: str, content: bytes) -> str:
    """Store `content` under `name` (made of ids and hashes), without overwriting anything:
    a file already there with these very bytes is kept; returns the name it is stored under."""
    storage = file.storage
    existed = storage.exists(name)
    if existed and _holds(storage, name, content):
        file.name = name
        return name
    try:
        file.name = storage.save(name, ContentFile(content))
    except BaseException:
        # A full disk (ENOSPC) stops the write halfway and leaves that half under the name, where
        # the next try would find it in the way and store beside it: the half goes now.
        if not existed and storage.exists(name) and not _holds(storage, name, content):
            storage.delete(name)
        raise
    return file.name


def _holds(storage, name: str, content: bytes) -> bool:
    with storage.open(name, "rb") as stored:
        return stored.read() == content


@contextmanager
def removed_on_failure() -> Iterator[list[FieldFile]]:
    """Files stored inside the block (append them to the list it gives) are removed again
    when the block fails: put it outside the transaction, so that a rollback leaves no file."""
    stored: list[FieldFile] = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise
