"""The management commands: import_proposals, export_proposal and add_municipality."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from raadsvoorstel import demo
from raadsvoorstel.models import Municipality, Proposal, State
from tests.conftest import BLOEMENDAAL_FILE, with_state


def run(*args, **options) -> tuple[str, str]:
    """Call a command in-process; its stdout and stderr."""
    stdout, stderr = StringIO(), StringIO()
    call_command(*args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def run_refused(*args, **options) -> tuple[str, str]:
    """Call a command that must fail; its CommandError message and stderr."""
    stderr = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=StringIO(), stderr=stderr, **options)
    return str(raised.value), stderr.getvalue()


@pytest.fixture
def write_json(tmp_path):
    """Write a document (or a list of them) to a file; its path as a string."""

    def write(name: str, document) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


# --- import_proposals ---


def test_import_proposals_stores_a_file_and_says_what_it_stored(
    reference_data, write_json, bloemendaal_document
):
    path = write_json("voorstel.json", bloemendaal_document)

    stdout, stderr = run("import_proposals", path)

    assert stdout == "GM0377 2023000853: Concept\n1 voorstel(len) geïmporteerd.\n"
    assert stderr == ""
    assert Proposal.objects.get().subject == bloemendaal_document["subject"]


def test_import_proposals_stores_every_document_of_a_list(reference_data, write_json, bloemendaal_document):
    second = {**bloemendaal_document, "number": "2023000854", "regional_plan": None}
    path = write_json("lijst.json", [bloemendaal_document, second])

    stdout, _ = run("import_proposals", path)

    assert stdout.splitlines()[-1] == "2 voorstel(len) geïmporteerd."
    assert sorted(Proposal.objects.values_list("number", flat=True)) == ["2023000853", "2023000854"]


def test_a_batch_with_a_bad_second_file_stores_nothing_and_names_each_error(
    reference_data, write_json, bloemendaal_document
):
    good = write_json("goed.json", bloemendaal_document)
    bad = write_json(
        "fout.json",
        {**bloemendaal_document, "number": "2" * 41, "themes": ["Verkeersveiligheid"]},
    )

    message, stderr = run_refused("import_proposals", good, bad)

    assert message == "2 fout(en); niets geïmporteerd."
    assert stderr.splitlines() == [
        f"{bad}: number: is 41 tekens lang; ten hoogste 40 toegestaan",
        f"{bad}: themes[0]: onbekend thema Verkeersveiligheid",
    ]
    assert not Proposal.objects.exists()


def test_an_error_in_a_list_names_the_file_and_the_index(reference_data, write_json, bloemendaal_document):
    path = write_json("lijst.json", [bloemendaal_document, {**bloemendaal_document, "proposer": "wethouder"}])

    _, stderr = run_refused("import_proposals", path)

    assert stderr.startswith(f"{path}: [1].proposer: moet een van burgemeester")
    assert not Proposal.objects.exists()


def test_malformed_json_is_reported_without_a_path(reference_data, tmp_path):
    path = tmp_path / "kapot.json"
    path.write_text('{"format": "raadsvoorstel/1",', encoding="utf-8")

    message, stderr = run_refused("import_proposals", str(path))

    assert message == "1 fout(en); niets geïmporteerd."
    assert stderr.startswith(f"{path}: geen geldige JSON (regel 1, kolom 30")


def test_a_missing_file_stores_nothing_from_the_other_files(
    reference_data, write_json, bloemendaal_document, tmp_path
):
    good = write_json("goed.json", bloemendaal_document)
    missing = str(tmp_path / "bestaat-niet.json")

    message, stderr = run_refused("import_proposals", good, missing)

    assert message == "Niets geïmporteerd."
    assert stderr.startswith(f"{missing}: kan het bestand niet lezen")
    assert not Proposal.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_as_unreadable(reference_data, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"subject": "Veiligheid é"}'.encode("latin-1"))

    message, stderr = run_refused("import_proposals", str(path))

    assert message == "Niets geïmporteerd."
    assert stderr.startswith(f"{path}: kan het bestand niet lezen")


def test_a_stored_number_is_refused_without_replace(concept, write_json, bloemendaal_document):
    path = write_json("voorstel.json", {**bloemendaal_document, "subject": "Herzien"})

    _, stderr = run_refused("import_proposals", path)

    assert f"{path}: number: Bloemendaal heeft al een voorstel 2023000853 (gebruik --replace" in stderr
    assert Proposal.objects.get().subject == concept.subject


def test_replace_swaps_a_stored_concept_for_the_file(concept, write_json, bloemendaal_document):
    path = write_json("voorstel.json", {**bloemendaal_document, "subject": "Herzien"})

    stdout, _ = run("import_proposals", path, "--replace")

    assert stdout.endswith("1 voorstel(len) geïmporteerd.\n")
    assert Proposal.objects.get().subject == "Herzien"


def test_replace_leaves_a_decided_proposal_alone(
    import_document, write_json, bloemendaal_document, decision_document
):
    import_document(with_state(bloemendaal_document, State.ADVISED, decision_document))
    path = write_json("voorstel.json", {**bloemendaal_document, "subject": "Herzien"})

    _, stderr = run_refused("import_proposals", path, "--replace")

    assert f"{path}: number: het opgeslagen voorstel 2023000853 is niet meer in concept" in stderr
    stored = Proposal.objects.get()
    assert (stored.state, stored.subject) == (State.ADVISED, bloemendaal_document["subject"])


# --- export_proposal ---


def test_export_proposal_prints_the_stored_proposal_as_json(concept):
    stdout, _ = run("export_proposal", "GM0377", "2023000853")

    assert stdout == BLOEMENDAAL_FILE.read_text(encoding="utf-8")


def test_what_export_proposal_prints_import_proposals_reads_back(concept, tmp_path, erase_everything):
    exported, _ = run("export_proposal", "GM0377", "2023000853")
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")
    erase_everything()
    demo.load_reference_data()

    run("import_proposals", str(path))

    assert run("export_proposal", "GM0377", "2023000853")[0] == exported


@pytest.mark.parametrize(("code", "number"), [("GM0377", "2023000000"), ("GM9999", "2023000853")])
def test_export_proposal_of_an_unknown_proposal_is_an_error(concept, code, number):
    message, _ = run_refused("export_proposal", code, number)

    assert message == f"Geen voorstel {number} van gemeente {code}."


# --- add_municipality ---


def test_add_municipality_creates_it(db):
    stdout, _ = run("add_municipality", "GM0397", "Heemstede", "--seats", "21")

    assert stdout == "Gemeente Heemstede (GM0397) toegevoegd met 21 zetels.\n"
    heemstede = Municipality.objects.get(code="GM0397")
    assert (heemstede.name, heemstede.seats) == ("Heemstede", 21)


@pytest.mark.parametrize("seats", [9, 45])
def test_add_municipality_accepts_the_smallest_and_largest_council(db, seats):
    run("add_municipality", "GM0397", "Heemstede", seats=seats)

    assert Municipality.objects.get(code="GM0397").seats == seats


@pytest.mark.parametrize("code", ["GM37", "XX0377", "gm0377", "GM03777"])
def test_add_municipality_refuses_a_code_that_is_no_cbs_code(db, code):
    message, _ = run_refused("add_municipality", code, "Heemstede", seats=21)

    assert message.startswith("Gemeente niet toegevoegd.\n")
    assert "Een CBS-code is GM gevolgd door vier cijfers, zoals GM0377." in message
    assert not Municipality.objects.exists()


def test_add_municipality_refuses_a_code_that_is_taken(bloemendaal):
    message, _ = run_refused("add_municipality", "GM0377", "Amsterdam", seats=45)

    assert message.startswith("Gemeente niet toegevoegd.\n")
    assert "CBS-code" in message
    assert "bestaat al" in message
    assert Municipality.objects.get(code="GM0377").name == "Bloemendaal"
    assert not Municipality.objects.filter(name="Amsterdam").exists()


def test_add_municipality_refuses_a_name_that_is_taken(bloemendaal):
    message, _ = run_refused("add_municipality", "GM0363", "Bloemendaal", seats=45)

    assert message.startswith("Gemeente niet toegevoegd.\n")
    assert "bestaat al" in message
    assert not Municipality.objects.filter(code="GM0363").exists()


@pytest.mark.parametrize("seats", [8, 46])
def test_add_municipality_refuses_a_council_outside_9_to_45_seats(db, seats):
    """Gemeentewet art. 8: the smallest council has 9 seats, the largest 45."""
    message, _ = run_refused("add_municipality", "GM0397", "Heemstede", seats=seats)

    assert message.startswith("Gemeente niet toegevoegd.\n")
    assert "9 tot en met 45" in message
    assert not Municipality.objects.exists()


# --- manage.py as a real process ---


def test_manage_py_import_proposals_exits_non_zero_without_a_traceback(tmp_path):
    """The griffie sees the reason, not Python's stack."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'raadsvoorstel.sqlite3'}",
        "RAADSVOORSTEL_VAR_DIR": str(tmp_path / "var"),
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
    )
    bad = tmp_path / "kapot.json"
    bad.write_text('{"format": "raadsvoorstel/1", "number": }', encoding="utf-8")

    result = subprocess.run(
        [*manage, "import_proposals", str(bad)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"{bad}: geen geldige JSON" in result.stderr
    assert "niets geïmporteerd" in result.stderr


def test_a_file_with_a_byte_order_mark_is_read_as_utf8(reference_data, tmp_path, bloemendaal_document):
    path = tmp_path / "windows.json"
    path.write_text(json.dumps(bloemendaal_document, ensure_ascii=False), encoding="utf-8-sig")

    stdout, _ = run("import_proposals", str(path))

    assert stdout.endswith("1 voorstel(len) geïmporteerd.\n")


def test_replacing_a_concept_removes_its_stored_files(
    concept, griffie, write_json, bloemendaal_document, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from raadsvoorstel import actions

    settings.MEDIA_ROOT = tmp_path / "media"
    pdf = SimpleUploadedFile("imv.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        stored = actions.add_attachment(concept, "IMV", pdf, by=griffie)
    path = stored.file.path

    with django_capture_on_commit_callbacks(execute=True):
        run("import_proposals", "--replace", write_json("voorstel.json", bloemendaal_document))

    assert not os.path.exists(path)


def test_the_record_keeping_commands_run_as_real_processes(tmp_path):
    """Each as an operator runs it, system checks included, on a fresh quick-start database."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'raadsvoorstel.sqlite3'}",
        "RAADSVOORSTEL_VAR_DIR": str(tmp_path / "var"),
    }

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )

    assert manage("migrate", "--noinput", "-v0").returncode == 0
    assert manage("load_demo").returncode == 0
    # The demo's consultation holds signed decisions of other councils: the worker archives them.
    assert manage("db_worker", "--batch", "--no-startup-delay").returncode == 0

    verified = manage("verify_history")
    assert verified.returncode == 0 and "entries intact" in verified.stdout
    checked = manage("check_archive")
    assert checked.returncode == 0 and "bestanden intact" in checked.stdout
    assert manage("archive_pending").stdout == "Alle ondertekende raadsbesluiten zijn gearchiveerd.\n"
    exported = manage("export_archive", str(tmp_path / "export"))
    assert exported.returncode == 0 and (tmp_path / "export" / "MANIFEST.sha256").is_file()

    refused = manage("import_archive", str(tmp_path / "export"))
    assert refused.returncode == 1
    assert "De database is niet leeg" in refused.stderr and "Traceback" not in refused.stderr
