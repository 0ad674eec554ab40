"""The archive: made in the background after signing, once; stored under ids and hashes;
served, exported and checked only while its bytes still have their hash."""

from __future__ import annotations

import hashlib
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from raadsvoorstel import actions, tasks
from raadsvoorstel.models import ArchivedDecision, AuditEntry, Proposal
from tests.conftest import HAMERSTUK, with_state

pytestmark = pytest.mark.django_db

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SIGNED_IN_INK = [
    {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
    {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def advised(import_document, bloemendaal_document) -> Proposal:
    return import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))


@pytest.fixture
def signed(advised, voorzitter, griffier) -> Proposal:
    actions.sign_decision(advised, by=voorzitter)
    actions.sign_decision(Proposal.objects.get(pk=advised.pk), by=griffier)
    return Proposal.objects.select_related("municipality").get(pk=advised.pk)


def archive_tasks():
    return DBTaskResult.objects.filter(task_path="raadsvoorstel.tasks.archive_decision")


def test_the_second_signature_queues_the_archive_in_its_own_transaction(advised, voorzitter, griffier):
    actions.sign_decision(advised, by=voorzitter)
    assert not archive_tasks().exists()

    actions.sign_decision(Proposal.objects.get(pk=advised.pk), by=griffier)

    (queued,) = archive_tasks()
    assert queued.args_kwargs["args"] == [advised.pk]
    assert not ArchivedDecision.objects.exists()


def test_until_the_worker_has_run_the_besluit_is_being_archived(client, signed, griffie, run_tasks):
    response = client.get(reverse("raadsbesluit_pdf", args=[signed.pk]))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "wordt nu gearchiveerd" in response.text
    client.force_login(griffie)
    assert "wordt gearchiveerd" in client.get(reverse("proposal_detail", args=[signed.pk])).text

    assert run_tasks() == 1

    archived = ArchivedDecision.objects.get(proposal=signed)
    response = client.get(reverse("raadsbesluit_pdf", args=[signed.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == archived.sha256
    assert response["Content-Disposition"] == 'inline; filename="raadsbesluit-GM0377-2023000853.pdf"'


def test_a_get_only_reads(client, signed, django_assert_max_num_queries):
    for _ in range(10):
        client.get(reverse("raadsbesluit_pdf", args=[signed.pk]))
    assert not ArchivedDecision.objects.exists()
    assert archive_tasks().count() == 1  # the one queued at signing


def test_archiving_twice_makes_one_archive(signed, run_tasks):
    tasks.archive_decision.enqueue(signed.pk)
    run_tasks()
    first = ArchivedDecision.objects.get()

    assert actions.archive_signed_decision(signed) == first
    assert ArchivedDecision.objects.count() == 1
    assert AuditEntry.objects.filter(action="archive_decision").count() == 1


def test_a_failed_archive_is_logged_and_tried_again_later(signed, settings, run_tasks, caplog, tmp_path):
    # A seal certificate that is not there: the render works, the seal fails, nothing is stored.
    settings.RAADSVOORSTEL_SEALS = {"GM0377": {"PKCS12": str(tmp_path / "weg.p12"), "PASSPHRASE": ""}}
    with caplog.at_level(logging.ERROR, logger="raadsvoorstel.tasks"):
        run_tasks()

    assert not ArchivedDecision.objects.exists()
    assert "attempt 1" in caplog.text
    failed, retry = archive_tasks().order_by("enqueued_at")
    assert failed.status == "FAILED"
    assert retry.status == "READY" and retry.args_kwargs["args"] == [signed.pk, 2]
    wait = retry.run_after - failed.enqueued_at
    assert tasks.backoff(1).total_seconds() <= wait.total_seconds() < tasks.backoff(1).total_seconds() + 60

    settings.RAADSVOORSTEL_SEALS = {}
    actions.archive_signed_decision(signed)  # the retry will find it done
    assert ArchivedDecision.objects.count() == 1


def test_a_signed_decision_that_comes_in_by_import_is_archived_the_same_way(
    import_document, bloemendaal_document, run_tasks
):
    proposal = import_document(
        with_state(bloemendaal_document, "signed", {**HAMERSTUK, "signatures": SIGNED_IN_INK})
    )
    assert archive_tasks().count() == 1
    run_tasks()
    assert ArchivedDecision.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("number", ["2012/0815", "../../x", "..", "nr. 5 (concept)"])
def test_any_number_archives_under_a_name_of_ids_and_hashes(
    import_document, bloemendaal_document, number, media, run_tasks
):
    document = with_state(
        {**bloemendaal_document, "number": number}, "signed", {**HAMERSTUK, "signatures": SIGNED_IN_INK}
    )
    proposal = import_document(document)
    run_tasks()

    archived = ArchivedDecision.objects.get(proposal=proposal)
    assert archived.file.name == f"archief/{proposal.pk}/{archived.sha256}.pdf"
    assert (media / archived.file.name).is_file()


def test_besluit_pdf_writes_the_archived_bytes_running_a_pending_archive_first(signed, tmp_path):
    output = tmp_path / "besluit.pdf"
    call_command("besluit_pdf", "GM0377", "2023000853", "-o", str(output), stdout=None)

    archived = ArchivedDecision.objects.get(proposal=signed)
    assert hashlib.sha256(output.read_bytes()).hexdigest() == archived.sha256
    call_command("besluit_pdf", "GM0377", "2023000853", "-o", str(output))
    assert ArchivedDecision.objects.count() == 1


# --- Serving and checking what is stored ---


@pytest.fixture
def archived(signed, run_tasks) -> ArchivedDecision:
    run_tasks()
    return ArchivedDecision.objects.get(proposal=signed)


def test_an_archived_file_altered_on_disk_is_never_served(client, archived, media, caplog):
    path = media / archived.file.name
    path.write_bytes(path.read_bytes() + b"% een regel erbij\n")

    with caplog.at_level(logging.ERROR):
        response = client.get(reverse("raadsbesluit_pdf", args=[archived.proposal_id]))

    assert response.status_code == 503
    assert "beschadigd of ontbreekt" in response.text
    assert "SHA-256 klopt niet meer" in caplog.text


def test_a_deleted_archive_file_is_a_503_not_a_500(client, archived, media, caplog):
    (media / archived.file.name).unlink()
    with caplog.at_level(logging.ERROR):
        response = client.get(reverse("raadsbesluit_pdf", args=[archived.proposal_id]))
    assert response.status_code == 503
    assert "ontbreekt" in caplog.text


def test_an_attachment_altered_on_disk_is_never_served(client, concept, griffie, media):
    client.force_login(griffie)
    client.post(
        reverse("attachment_add", args=[concept.pk]),
        {
            "title": "Plan",
            "file": SimpleUploadedFile("plan.pdf", MINIMAL_PDF, content_type="application/pdf"),
        },
    )
    attachment = concept.attachments.get(title="Plan")
    assert attachment.file.name == f"bijlagen/{concept.pk}/{attachment.sha256}.pdf"
    (media / attachment.file.name).write_bytes(MINIMAL_PDF + b"% ander\n")

    response = client.get(reverse("attachment_download", args=[concept.pk, attachment.pk]))
    assert response.status_code == 503


def test_check_archive_names_every_bad_file_and_exits_1(
    archived, import_document, bloemendaal_document, griffie, media, capsys
):
    concept = import_document({**bloemendaal_document, "regional_plan": None, "number": "2023000901"})
    upload = SimpleUploadedFile("plan.pdf", MINIMAL_PDF, content_type="application/pdf")
    attachment = actions.add_attachment(concept, "Plan", upload, by=griffie)
    call_command("check_archive")
    assert "2 bestanden intact" in capsys.readouterr().out

    (media / archived.file.name).write_bytes(b"%PDF-1.7 iets anders")
    (media / attachment.file.name).unlink()
    with pytest.raises(CommandError, match="2 van 2 bestanden niet in orde"):
        call_command("check_archive")
    errors = capsys.readouterr().err
    assert "raadsbesluit GM0377/2023000853" in errors and "SHA-256 klopt niet meer" in errors
    assert "bijlage “Plan” van GM0377/2023000901" in errors and "ontbreekt" in errors


def test_check_archive_names_a_signed_decision_without_archive(signed, capsys):
    with pytest.raises(CommandError):
        call_command("check_archive")
    assert "GM0377/2023000853: ondertekend maar niet gearchiveerd" in capsys.readouterr().err
