"""Compile the .po catalogues under LOCALE_PATHS into .mo files, in Python alone.

Django's own `compilemessages` calls GNU gettext's `msgfmt`, which a fresh machine may lack.
The .mo files are committed, so running the app never needs this; whoever edits a .po runs
`manage.py compile_translations` (or `make translations`), and a test checks that every
committed .mo is what this command makes of its .po.
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

__all__ = ["Command", "mo_bytes", "read_po"]

MAGIC = 0x950412DE


def read_po(path: Path) -> dict[str, str]:
    """The translated entries of a .po file, keyed as a .mo file keys them.

    A key is the msgid, preceded by msgctxt and EOT where there is a context, followed by NUL
    and msgid_plural for a plural; its plural translations are joined by NUL. Entries marked
    fuzzy, obsolete (#~) or without a translation are left out, as msgfmt leaves them out.
    """
    catalogue: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    fuzzy = False
    key = None

    def finish() -> None:
        nonlocal entry, fuzzy, key
        if "msgid" in entry and not fuzzy:
            msgid = "".join(entry["msgid"])
            if "msgctxt" in entry:
                msgid = "".join(entry["msgctxt"]) + "\x04" + msgid
            if "msgid_plural" in entry:
                msgid += "\0" + "".join(entry["msgid_plural"])
                forms = sorted((k for k in entry if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
                translation = "\0".join("".join(entry[k]) for k in forms)
            else:
                translation = "".join(entry.get("msgstr", []))
            if translation.strip("\0"):
                catalogue[msgid] = translation
        entry, fuzzy, key = {}, False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if key is not None and key.startswith("msgstr"):
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if key is None:
                raise CommandError(f"{path}:{number}: text outside an entry")
            entry[key].append(_string(line, path, number))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and key is not None and key.startswith("msgstr"):
            finish()
        if keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not keyword.startswith(
            "msgstr["
        ):
            raise CommandError(f"{path}:{number}: unknown keyword {keyword!r}")
        key = keyword
        entry[key] = [_string(rest.strip(), path, number)]
    finish()
    return catalogue


def _string(literal: str, path: Path, number: int) -> str:
    if not (len(literal) >= 2 and literal[0] == literal[-1] == '"'):
        raise CommandError(f"{path}:{number}: expected a quoted string")
    # A .po string is a C string; for the escapes gettext writes, Python's are the same.
    return ast.literal_eval(literal)


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """The GNU .mo file of a catalogue: little-endian, sorted by key, without a hash table."""
    keys = sorted(catalogue, key=lambda k: k.encode("utf-8"))
    originals = [k.encode("utf-8") for k in keys]
    translations = [catalogue[k].encode("utf-8") for k in keys]
    count = len(keys)
    header_size = 7 * 4
    originals_table = header_size
    translations_table = originals_table + count * 8
    offset = translations_table + count * 8
    table, data = [], b""
    for text in originals + translations:
        table.append((len(text), offset + len(data)))
        data += text + b"\0"
    header = struct.pack("<7I", MAGIC, 0, count, originals_table, translations_table, 0, offset)
    return header + b"".join(struct.pack("<2I", *entry) for entry in table) + data


def po_files() -> list[Path]:
    return sorted(
        po for directory in settings.LOCALE_PATHS for po in Path(directory).glob("*/LC_MESSAGES/*.po")
    )


class Command(BaseCommand):
    help = "Vertaal de .po-bestanden in locale/ naar .mo-bestanden, zonder GNU gettext."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="schrijf niets; exitcode 1 als een .mo-bestand niet bij zijn .po-bestand past",
        )

    def handle(self, check: bool, **options):
        stale = []
        for po in po_files():
            mo = po.with_suffix(".mo")
            compiled = mo_bytes(read_po(po))
            if mo.exists() and mo.read_bytes() == compiled:
                continue
            if check:
                stale.append(str(mo))
                continue
            mo.write_bytes(compiled)
            self.stdout.write(f"{mo} geschreven.")
        if stale:
            raise CommandError("Niet bijgewerkt: " + ", ".join(stale) + " (manage.py compile_translations)")
