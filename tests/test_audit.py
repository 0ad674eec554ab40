"""The audit log: one entry per action, each linked to the one before by its hash; and
`verify_history`, which finds a change made behind the application's back."""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from raadsvoorstel import actions, audit, db_guards
from raadsvoorstel.models import (
    ArchivedDecision,
    AuditEntry,
    DecisionPoint,
    MemberBallot,
    Proposal,
    Signature,
    VoteMode,
)
from raadsvoorstel.text import ProposalText
from tests.conftest import HAMERSTUK, with_state

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def actions_logged() -> list[tuple[str, str]]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", "actor_name"))


def without_guards(change) -> None:
    """What someone with a database session could do: lift the guards, change, set them back."""
    with connection.cursor() as cursor:
        for statement in db_guards.drop_statements(connection.vendor):
            cursor.execute(statement)
        change(cursor)
        for statement in db_guards.create_statements(connection.vendor):
            cursor.execute(statement)


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_history", stdout=out)
    return out.getvalue()


@pytest.fixture
def signed(concept, bloemendaal, griffie, griffier, voorzitter, settings, tmp_path, run_tasks) -> Proposal:
    """The Bloemendaal case through the council by roll call, signed and archived."""
    settings.MEDIA_ROOT = tmp_path
    members = [
        actions.add_member(bloemendaal, f"Lid {n}", "Partij", datetime.date(2022, 3, 30), by=griffie)
        for n in range(19)
    ]
    meeting = actions.schedule_meeting(
        bloemendaal, datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM), "Raadzaal", by=griffie
    )
    actions.submit_proposal(concept, by=griffie)
    item = actions.put_on_agenda(meeting, concept, by=griffie)
    actions.set_attendance(meeting, members[:12], by=griffie)
    actions.open_meeting(meeting, by=griffie)
    vote = actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)
    for member in members[:12]:
        actions.cast_ballot(vote, member, "voor", by=griffie)
    actions.close_vote(vote, by=griffie)
    actions.sign_decision(Proposal.objects.get(pk=concept.pk), by=voorzitter)
    actions.sign_decision(Proposal.objects.get(pk=concept.pk), by=griffier)
    run_tasks()
    return Proposal.objects.select_related("municipality").get(pk=concept.pk)


def test_every_action_appends_one_entry_naming_who_did_it(signed):
    logged = actions_logged()
    assert ("add_municipality", "systeem") in logged  # the reference data, loaded by a command
    assert ("import_proposal", "systeem") in logged
    assert ("submit", "griffiemedewerker") in logged
    assert logged.count(("cast_ballot", "griffiemedewerker")) == 12
    assert [action for action, _who in logged[-5:]] == [
        "close_vote",
        "record_advice",
        "sign_decision",
        "complete_signing",
        "archive_decision",
    ]
    assert logged[-1][1] == "systeem"  # the background task


def test_each_entry_carries_the_hash_of_the_one_before(signed):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert entries[0].previous_hash == audit.GENESIS
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry.previous_hash == before.hash
        assert entry.digest == audit.sha256(entry.payload)
        assert entry.hash == audit.entry_hash(entry)


def test_the_signing_entry_holds_the_digest_of_the_whole_decision(signed):
    entry = AuditEntry.objects.get(action="complete_signing")
    assert entry.object_key == "GM0377/2023000853"
    assert entry.payload["record_sha256"] == audit.record_digest(signed)
    archived = AuditEntry.objects.get(action="archive_decision")
    assert archived.payload["sha256"] == ArchivedDecision.objects.get(proposal=signed).sha256


def test_an_edit_records_the_digest_of_the_text_it_saved(concept, griffie):
    text = ProposalText.of(concept)
    text.subject = "Nieuw onderwerp"
    actions.update_proposal(concept, text, version=concept.version, by=griffie)

    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.payload["version"]) == ("update_proposal", 2)
    assert entry.payload["text_sha256"] == audit.sha256(concept.revisions.get(version=2).text)


def test_verify_history_passes_an_untouched_history(signed):
    assert (
        verify()
        == f"{AuditEntry.objects.count()} entries intact (1 ondertekende raadsbesluiten gecontroleerd).\n"
    )


def test_verify_history_names_a_signed_decision_changed_in_the_database(signed):
    without_guards(
        lambda cursor: cursor.execute(
            "UPDATE raadsvoorstel_decisionpoint SET text = %s WHERE proposal_id = %s AND position = 2",
            ["de burgemeester te berichten dat de raad bezwaren heeft.", signed.pk],
        )
    )
    assert DecisionPoint.objects.get(proposal=signed, position=2).text.endswith("bezwaren heeft.")

    with pytest.raises(CommandError, match="raadsbesluit GM0377/2023000853: het besluit verschilt"):
        verify()


@pytest.mark.parametrize(
    "change",
    [
        lambda p: Signature.objects.filter(decision__proposal=p).update(date=datetime.date(1999, 1, 1)),
        lambda p: Signature.objects.filter(decision__proposal=p, role="griffier").update(
            name="Niemand Bestaat"
        ),
        lambda p: Proposal.objects.filter(pk=p.pk).update(subject="Iets anders"),
    ],
    ids=["signing date", "signatory", "subject"],
)
def test_verify_history_names_any_change_to_a_signed_record(signed, change):
    without_guards(lambda cursor: change(signed))
    with pytest.raises(CommandError, match="GM0377/2023000853"):
        verify()


def test_verify_history_names_an_archive_whose_hash_was_changed(signed):
    without_guards(lambda cursor: ArchivedDecision.objects.filter(proposal=signed).update(sha256="0" * 64))
    with pytest.raises(CommandError, match="het archief verschilt"):
        verify()


def test_verify_history_names_the_first_entry_rewritten(signed):
    entry = AuditEntry.objects.get(action="cast_ballot", payload__member="Lid 3")
    without_guards(
        lambda cursor: AuditEntry.objects.filter(pk=entry.pk).update(
            payload={**entry.payload, "choice": "tegen"}
        )
    )
    with pytest.raises(CommandError, match=f"vermelding {entry.seq} \\(cast_ballot"):
        verify()


def test_verify_history_names_a_gap_where_an_entry_was_removed(signed):
    entry = AuditEntry.objects.get(action="open_meeting")
    without_guards(lambda cursor: AuditEntry.objects.filter(pk=entry.pk).delete())
    with pytest.raises(CommandError, match=f"vermelding {entry.seq + 1} .*er ontbreken vermeldingen"):
        verify()


def test_a_ballot_rewritten_behind_the_back_is_refused_by_the_database(signed):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MemberBallot.objects.update(choice="tegen")


def test_an_import_of_a_signed_decision_records_its_digest(import_document, bloemendaal_document):
    signatures = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    proposal = import_document(
        with_state(bloemendaal_document, "signed", {**HAMERSTUK, "signatures": signatures})
    )
    entry = AuditEntry.objects.get(action="import_proposal")
    assert entry.payload["record_sha256"] == audit.record_digest(proposal)
    assert verify().startswith(f"{AuditEntry.objects.count()} entries intact")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_moment_keep_one_unbroken_chain(bloemendaal, griffie):
    """Ten actions in ten threads: the lock row makes them take turns at the end of the chain."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; CI runs this on PostgreSQL")
    start = threading.Barrier(10)
    errors = []

    def add(n: int) -> None:
        start.wait()
        try:
            actions.add_member(bloemendaal, f"Lid {n}", "Partij", datetime.date(2022, 3, 30), by=griffie)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert next(audit.chain_problems(), None) is None
    assert AuditEntry.objects.filter(action="add_member").count() == 10
