"""The whole archive out and back in: export_archive, import_archive into an empty database,
and an export of the restored database that is the first one byte for byte."""

from __future__ import annotations

import datetime
import hashlib
import subprocess
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from raadsvoorstel import actions, demo
from raadsvoorstel.models import ArchivedDecision, AuditEntry, Proposal
from tests.conftest import HAMERSTUK, with_state

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def files_in(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def archive_world(
    sign_after_roll_call,
    import_document,
    bloemendaal_document,
    griffie,
    griffier,
    voorzitter,
    settings,
    tmp_path,
    run_tasks,
):
    """A signed decision by roll call (archived), one signed in ink (with its scan), a concept
    with an attachment, and one withdrawn; all through the actions, so the log is full."""
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_after_roll_call(import_document(bloemendaal_document))

    in_ink = import_document(
        with_state(
            {**bloemendaal_document, "regional_plan": None, "number": "2012/0815"}, "advised", HAMERSTUK
        )
    )
    scan = SimpleUploadedFile("scan.pdf", MINIMAL_PDF + b"% getekend\n", content_type="application/pdf")
    actions.sign_on_paper(
        in_ink, scan, voorzitter=voorzitter, griffier=griffier, date=datetime.date(2023, 10, 6), by=griffier
    )

    concept = import_document({**bloemendaal_document, "regional_plan": None, "number": "../../x"})
    upload = SimpleUploadedFile("plan.pdf", MINIMAL_PDF, content_type="application/pdf")
    actions.add_attachment(concept, "Het plan", upload, by=griffie)
    withdrawn = import_document({**bloemendaal_document, "regional_plan": None, "number": "2023000999"})
    actions.withdraw_proposal(withdrawn, by=griffie, reason="dubbel ingediend")
    run_tasks()
    assert ArchivedDecision.objects.count() == 2


def test_an_export_restored_into_an_empty_database_exports_the_same_bytes(
    archive_world, tmp_path, settings, erase_everything
):
    first = tmp_path / "eerste"
    assert run("export_archive", str(first)) == f"4 voorstel(len) geëxporteerd naar {first}.\n"
    exported = files_in(first)
    assert "proposals/GM0377-2012%2F0815.json" in exported and "proposals/GM0377-..%2F..%2Fx.json" in exported
    assert (
        len([name for name in exported if name.startswith("files/")]) == 4
    )  # 2 archives, a scan, an attachment
    entries = AuditEntry.objects.count()

    erase_everything()
    settings.MEDIA_ROOT = tmp_path / "elders"  # a new installation's storage
    assert "4 voorstel(len) teruggezet" in run("import_archive", str(first))
    verified = run("verify_history").splitlines()
    assert verified[0] == f"{entries} entries intact (2 ondertekende raadsbesluiten gecontroleerd)."
    # The export carries the vote as the decision records it, not the meeting's own records.
    assert verified[1].startswith("Van 1 besluit(en) staan de vergaderstukken niet in deze database")
    run("check_archive")

    second = tmp_path / "tweede"
    run("export_archive", str(second))
    assert files_in(second) == exported


def test_the_manifest_is_what_sha256sum_checks(archive_world, tmp_path):
    directory = tmp_path / "export"
    run("export_archive", str(directory))
    result = subprocess.run(
        ["sha256sum", "--check", "--quiet", "MANIFEST.sha256"], cwd=directory, capture_output=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_file_in_the_export_restores_nothing(archive_world, tmp_path, erase_everything):
    directory = tmp_path / "export"
    run("export_archive", str(directory))
    archive = next((directory / "files").iterdir())
    archive.write_bytes(archive.read_bytes() + b"%")
    erase_everything()

    with pytest.raises(CommandError, match=f"files/{archive.name} is gewijzigd"):
        run("import_archive", str(directory))
    assert not Proposal.objects.exists() and not AuditEntry.objects.exists()


def test_a_file_added_to_the_export_is_refused(archive_world, tmp_path, erase_everything):
    directory = tmp_path / "export"
    run("export_archive", str(directory))
    (directory / "proposals" / "GM0377-1.json").write_text("{}", encoding="utf-8")
    erase_everything()
    with pytest.raises(CommandError, match="proposals/GM0377-1.json staat niet in MANIFEST.sha256"):
        run("import_archive", str(directory))


def test_an_archive_is_only_restored_into_an_empty_database(archive_world, tmp_path):
    directory = tmp_path / "export"
    run("export_archive", str(directory))
    with pytest.raises(CommandError, match="De database is niet leeg"):
        run("import_archive", str(directory))


def test_the_export_stops_at_a_damaged_file(archive_world, tmp_path, settings):
    archived = ArchivedDecision.objects.first()
    path = Path(settings.MEDIA_ROOT) / archived.file.name
    path.write_bytes(b"%PDF-1.7 iets anders")
    with pytest.raises(CommandError, match="SHA-256 klopt niet meer"):
        run("export_archive", str(tmp_path / "export"))


def test_the_export_goes_into_a_new_or_empty_folder_only(archive_world, tmp_path):
    (tmp_path / "vol").mkdir()
    (tmp_path / "vol" / "iets.txt").write_text("x")
    with pytest.raises(CommandError, match="niet leeg"):
        run("export_archive", str(tmp_path / "vol"))


def test_the_restored_archive_serves_the_same_pdf(
    archive_world, tmp_path, settings, erase_everything, client
):
    directory = tmp_path / "export"
    run("export_archive", str(directory))
    sha256 = ArchivedDecision.objects.get(proposal__number="2023000853").sha256
    erase_everything()
    settings.MEDIA_ROOT = tmp_path / "elders"
    run("import_archive", str(directory))
    demo.create_demo_users()

    proposal = Proposal.objects.get(number="2023000853")
    response = client.get(f"/voorstellen/{proposal.pk}/raadsbesluit.pdf")
    assert hashlib.sha256(response.content).hexdigest() == sha256
