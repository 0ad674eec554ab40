"""The audit log: one entry per action, each linked to the one before by its hash; and
`verify_history`, which finds a change made behind the application's back."""

from __future__ import annotations

import datetime
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from raadsvoorstel import actions, audit, db_guards
from raadsvoorstel.models import (
    ArchivedDecision,
    Attendance,
    AuditEntry,
    DecisionPoint,
    MemberBallot,
    Proposal,
    Signature,
    Vote,
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
    out = StringIO()
    call_command("verify_history", stdout=out)
    return out.getvalue()


@pytest.fixture
def signed(concept, sign_after_roll_call, settings, tmp_path, run_tasks) -> Proposal:
    """The Bloemendaal case through the council by roll call, signed and archived."""
    settings.MEDIA_ROOT = tmp_path
    signed = sign_after_roll_call(concept)
    run_tasks()
    return signed


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


def test_verify_history_passes_an_untouched_history_and_names_its_last_hash(signed):
    last = AuditEntry.objects.latest("seq")
    assert verify().splitlines() == [
        f"{AuditEntry.objects.count()} entries intact (1 ondertekende raadsbesluiten gecontroleerd).",
        f"Laatste vermelding {last.seq}: {last.hash} (bewaar deze hash buiten de database).",
    ]


def test_the_signing_entry_also_holds_the_digest_of_the_meetings_records(signed):
    entry = AuditEntry.objects.get(action="complete_signing")
    assert entry.payload["council_sha256"] == audit.council_digest(signed)
    (item,) = audit.council_record_of(signed)["items"]
    assert len(item["present"]) == 12 and len(item["votes"][0]["ballots"]) == 12


@pytest.mark.parametrize(
    "change",
    [
        lambda p: MemberBallot.objects.filter(member__name="Lid 3").update(choice="tegen"),
        lambda p: Attendance.objects.filter(member__name="Lid 3").delete(),
        lambda p: Vote.objects.update(present=19),
    ],
    ids=["a ballot", "the attendance list", "the vote's count of those present"],
)
def test_verify_history_names_a_change_to_the_meetings_records(signed, change):
    without_guards(lambda cursor: change(signed))
    with pytest.raises(CommandError, match="de stemming of de presentielijst verschilt"):
        verify()


def test_verify_history_names_a_decision_no_longer_signed(signed):
    def unsign(cursor):
        Proposal.objects.filter(pk=signed.pk).update(state="advised")
        Signature.objects.filter(decision__proposal=signed).delete()

    without_guards(unsign)
    with pytest.raises(CommandError, match="vermeldt de ondertekening, maar het besluit is niet ondertekend"):
        verify()


def test_verify_history_names_a_second_signing_entry_added_to_hide_a_change(signed):
    """Someone changes a point, then appends a fresh signing entry with the new digest."""
    without_guards(
        lambda cursor: DecisionPoint.objects.filter(proposal=signed, position=1).update(text="iets anders")
    )
    with transaction.atomic():
        forged = audit.append(
            "complete_signing",
            "proposal",
            signed.key,
            {"record_sha256": audit.record_digest(signed)},
            by=None,
        )
    with pytest.raises(CommandError, match=f"vermelding {forged.seq}: een tweede ondertekening"):
        verify()


def test_an_imported_decision_that_is_not_signed_makes_no_signing_entry(
    import_document, bloemendaal_document
):
    import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))
    assert AuditEntry.objects.get(action="import_proposal").payload["state"] == "advised"
    assert next(audit.decision_problems(), None) is None


def test_verify_history_with_an_anchor_notices_a_chain_recomputed_from_scratch(signed):
    anchor = AuditEntry.objects.latest("seq").hash

    def verify_with_anchor():
        call_command("verify_history", "--anchor", anchor, stdout=StringIO())

    verify_with_anchor()

    def recompute(cursor):
        # Rewrite an early entry, then every hash after it, so the chain itself is consistent.
        entries = list(AuditEntry.objects.order_by("seq"))
        entries[2].payload = {**entries[2].payload, "extra": "stilletjes"}
        previous = entries[1].hash
        for entry in entries[2:]:
            entry.previous_hash = previous
            entry.digest = audit.sha256(entry.payload)
            entry.hash = audit.entry_hash(entry)
            AuditEntry.objects.filter(pk=entry.pk).update(
                payload=entry.payload, previous_hash=entry.previous_hash, digest=entry.digest, hash=entry.hash
            )
            previous = entry.hash

    without_guards(recompute)
    verify()  # without the anchor, a recomputed chain looks whole
    with pytest.raises(CommandError, match=f"de eerder vastgelegde hash {anchor} komt er niet meer in voor"):
        verify_with_anchor()


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
