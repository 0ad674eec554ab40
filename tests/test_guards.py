"""What the database itself refuses, tried table by table as a shell or script would:
querysets and bulk writes that pass every model method (db_guards.py, migration 0007).

The signed record is made the real way: a meeting with its attendance list, an amendment
and a roll call with each member's ballot, signed by voorzitter and griffier, archived.
"""

from __future__ import annotations

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import IntegrityError, connection, transaction
from django_fsm_log.models import StateLog

from raadsvoorstel import actions, db_guards
from raadsvoorstel.amendments import Change
from raadsvoorstel.models import (
    AgendaItem,
    Amendment,
    AmendmentChange,
    ArchivedDecision,
    Attachment,
    Attendance,
    AuditEntry,
    CouncilMember,
    Decision,
    DecisionPoint,
    Meeting,
    MemberBallot,
    MemberVote,
    PlanAdoption,
    Proposal,
    Revision,
    Section,
    Signature,
    TabledAmendment,
    Theme,
    Vote,
    VoteMode,
)
from tests.conftest import HAMERSTUK, with_state

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FAR_BACK = datetime.date(1999, 1, 1)
MESSAGES = (
    db_guards.FINAL_MESSAGE,
    db_guards.TEXT_MESSAGE,
    db_guards.HISTORY_MESSAGE,
    db_guards.ARCHIVE_MESSAGE,
    db_guards.DELETE_MESSAGE,
    db_guards.UNSIGNED_MESSAGE,
    db_guards.NEW_MESSAGE,
)


def refusal(change) -> str | None:
    """The database's message if it refused the change, else None (and the change stands)."""
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        return next((message for message in MESSAGES if message in str(error)), str(error))
    return None


@pytest.fixture
def members(bloemendaal, griffie) -> list[CouncilMember]:
    return [
        actions.add_member(
            bloemendaal,
            f"Lid {n}",
            "Partij A" if n < 10 else "Partij B",
            datetime.date(2022, 3, 30),
            by=griffie,
        )
        for n in range(19)
    ]


@pytest.fixture
def meeting(bloemendaal, griffie):
    starts_at = datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM)
    return actions.schedule_meeting(bloemendaal, starts_at, "Raadzaal", by=griffie)


@pytest.fixture
def signed(concept, meeting, members, griffie, griffier, voorzitter, settings, tmp_path) -> Proposal:
    """Adopted by roll call after an amendment, signed by both, and archived."""
    settings.MEDIA_ROOT = tmp_path
    actions.submit_proposal(concept, by=griffie)
    item = actions.put_on_agenda(meeting, concept, by=griffie)
    actions.set_attendance(meeting, members[:15], by=griffie)
    actions.open_meeting(meeting, by=griffie)
    amendment = actions.table_amendment(
        item, "Duinen", ["Lid 1"], [Change(1, text="kennis te nemen van het plan; en")], by=griffie
    )
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, amendment=amendment, by=griffie)
    actions.close_vote(vote, votes_for=10, votes_against=5, by=griffie)
    vote = actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)
    for number, member in enumerate(members[:15]):
        actions.cast_ballot(vote, member, "voor" if number < 12 else "tegen", by=griffie)
    actions.close_vote(vote, by=griffie)
    proposal = Proposal.objects.get(pk=concept.pk)
    actions.sign_decision(proposal, by=voorzitter)
    actions.sign_decision(Proposal.objects.get(pk=concept.pk), by=griffier)
    actions.archive_signed_decision(proposal)
    return Proposal.objects.select_related("municipality", "decision").get(pk=concept.pk)


def sql(statement: str, *params) -> None:
    """A statement as a database session would send it, past every model method."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _log_entry(proposal, user):
    return LogEntry.objects.create(
        user=user, content_type_id=None, object_id=str(proposal.pk), object_repr="x", action_flag=ADDITION
    )


# (table, the change) for every guarded table: update, insert and delete where each applies.
SIGNED_CHANGES = {
    "proposal: subject": lambda p: Proposal.objects.filter(pk=p.pk).update(subject="Anders"),
    "proposal: legal basis": lambda p: Proposal.objects.filter(pk=p.pk).update(legal_basis=[]),
    "proposal: back to advised": lambda p: Proposal.objects.filter(pk=p.pk).update(state="advised"),
    "proposal: version": lambda p: Proposal.objects.filter(pk=p.pk).update(version=99),
    "proposal: delete": lambda p: sql("DELETE FROM raadsvoorstel_proposal WHERE id = %s", p.pk),
    "section: update": lambda p: Section.objects.filter(proposal=p).update(body="Anders"),
    "section: insert": lambda p: Section.objects.bulk_create(
        [Section(proposal=p, position=99, heading="Erbij")]
    ),
    "section: delete": lambda p: Section.objects.filter(proposal=p).delete(),
    "decision point: update": lambda p: DecisionPoint.objects.filter(proposal=p).update(text="Anders"),
    "decision point: insert": lambda p: DecisionPoint.objects.bulk_create(
        [DecisionPoint(proposal=p, position=9, text="Erbij")]
    ),
    "decision point: delete": lambda p: DecisionPoint.objects.filter(proposal=p).delete(),
    "attachment: update": lambda p: Attachment.objects.filter(proposal=p).update(title="Anders"),
    "attachment: insert": lambda p: Attachment.objects.bulk_create(
        [Attachment(proposal=p, position=9, title="X")]
    ),
    "attachment: delete": lambda p: Attachment.objects.filter(proposal=p).delete(),
    "themes: insert": lambda p: Proposal.themes.through.objects.bulk_create(
        [Proposal.themes.through(proposal=p, theme=Theme.objects.exclude(proposals=p).first())]
    ),
    "themes: delete": lambda p: Proposal.themes.through.objects.filter(proposal=p).delete(),
    "decision: update": lambda p: Decision.objects.filter(proposal=p).update(result="verworpen"),
    "decision: delete": lambda p: Decision.objects.filter(proposal=p).delete(),
    "signature: update": lambda p: Signature.objects.filter(decision__proposal=p).update(
        name="Niemand Bestaat"
    ),
    "signature: date": lambda p: Signature.objects.filter(decision__proposal=p).update(
        date=datetime.date(1999, 1, 1)
    ),
    "signature: delete": lambda p: Signature.objects.filter(decision__proposal=p, role="griffier").delete(),
    "member vote: update": lambda p: MemberVote.objects.filter(decision__proposal=p).update(vote="tegen"),
    "member vote: insert": lambda p: MemberVote.objects.bulk_create(
        [MemberVote(decision=p.decision, position=99, name="X", party="Y", vote="voor")]
    ),
    "member vote: delete": lambda p: MemberVote.objects.filter(decision__proposal=p).delete(),
    "amendment: update": lambda p: Amendment.objects.filter(decision__proposal=p).update(result="verworpen"),
    "amendment: insert": lambda p: Amendment.objects.bulk_create(
        [Amendment(decision=p.decision, position=9, title="Achteraf", submitters=["X"], result="aangenomen")]
    ),
    "amendment change: update": lambda p: AmendmentChange.objects.filter(
        amendment__decision__proposal=p
    ).update(text="Anders"),
    "amendment change: delete": lambda p: AmendmentChange.objects.filter(
        amendment__decision__proposal=p
    ).delete(),
    "agenda item: update": lambda p: AgendaItem.objects.filter(proposal=p).update(postponed=True),
    "agenda item: delete": lambda p: sql("DELETE FROM raadsvoorstel_agendaitem WHERE proposal_id = %s", p.pk),
    "agenda item: insert": lambda p: AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=Meeting.objects.create(
                    municipality=p.municipality, starts_at=datetime.datetime(2024, 1, 1, tzinfo=AMSTERDAM)
                ),
                proposal=p,
                position=1,
            )
        ]
    ),
    "tabled amendment: update": lambda p: TabledAmendment.objects.filter(agenda_item__proposal=p).update(
        result="verworpen"
    ),
    "tabled amendment: insert": lambda p: TabledAmendment.objects.bulk_create(
        [TabledAmendment(agenda_item=p.agenda_items.get(), title="Later", submitters=["X"], changes=[])]
    ),
    "tabled amendment: delete": lambda p: sql(
        "DELETE FROM raadsvoorstel_tabledamendment WHERE agenda_item_id = %s", p.agenda_items.get().pk
    ),
    "vote: counts": lambda p: Vote.objects.filter(agenda_item__proposal=p).update(votes_for=1),
    "vote: insert": lambda p: Vote.objects.bulk_create(
        [Vote(agenda_item=p.agenda_items.get(), mode=VoteMode.HANDOPSTEKING)]
    ),
    "vote: delete": lambda p: sql(
        "DELETE FROM raadsvoorstel_vote WHERE agenda_item_id = %s", p.agenda_items.get().pk
    ),
    "ballot: update": lambda p: MemberBallot.objects.filter(vote__agenda_item__proposal=p).update(
        choice="tegen"
    ),
    "ballot: insert": lambda p: MemberBallot.objects.bulk_create(
        [
            MemberBallot(
                vote=Vote.objects.filter(agenda_item__proposal=p, amendment=None).get(),
                member=CouncilMember.objects.get(name="Lid 18"),
                choice="voor",
            )
        ]
    ),
    "ballot: delete": lambda p: MemberBallot.objects.filter(vote__agenda_item__proposal=p).delete(),
    "attendance: insert": lambda p: Attendance.objects.bulk_create(
        [Attendance(meeting=p.decision.meeting, member=CouncilMember.objects.get(name="Lid 18"))]
    ),
    "attendance: delete": lambda p: Attendance.objects.filter(meeting=p.decision.meeting).delete(),
    "meeting: date": lambda p: Meeting.objects.filter(pk=p.decision.meeting_id).update(
        starts_at=datetime.datetime(2023, 9, 1, tzinfo=AMSTERDAM)
    ),
    "meeting: opened": lambda p: Meeting.objects.filter(pk=p.decision.meeting_id).update(opened_at=None),
    "meeting: delete": lambda p: sql(
        "DELETE FROM raadsvoorstel_meeting WHERE id = %s", p.decision.meeting_id
    ),
    "archive: update": lambda p: ArchivedDecision.objects.filter(proposal=p).update(sha256="0" * 64),
    "archive: delete": lambda p: ArchivedDecision.objects.filter(proposal=p).delete(),
}


@pytest.mark.parametrize("change", SIGNED_CHANGES.values(), ids=SIGNED_CHANGES.keys())
def test_the_database_refuses_every_change_to_a_signed_decision(signed, change):
    assert refusal(lambda: change(signed)) in MESSAGES


HISTORY_CHANGES = {
    "audit log: update": lambda p, u: AuditEntry.objects.update(actor_name="niemand"),
    "audit log: delete": lambda p, u: AuditEntry.objects.filter(seq__gt=1).delete(),
    "revision: update": lambda p, u: Revision.objects.filter(proposal=p).update(text="Anders"),
    "revision: delete": lambda p, u: Revision.objects.filter(proposal=p).delete(),
    "transition log: update": lambda p, u: StateLog.objects.update(description="anders"),
    "transition log: delete": lambda p, u: StateLog.objects.all().delete(),
    "field history of the text: update": lambda p, u: DecisionPoint.history.update(text="Anders"),
    "field history of the text: delete": lambda p, u: Section.history.all().delete(),
    "field history of the proposal: delete": lambda p, u: Proposal.history.all().delete(),
    "field history of the decision: delete": lambda p, u: Decision.history.all().delete(),
    "admin log: update": lambda p, u: LogEntry.objects.filter(pk=_log_entry(p, u).pk).update(object_repr="y"),
    "admin log: delete": lambda p, u: LogEntry.objects.filter(pk=_log_entry(p, u).pk).delete(),
}


@pytest.mark.parametrize("change", HISTORY_CHANGES.values(), ids=HISTORY_CHANGES.keys())
def test_the_history_is_only_ever_added_to(signed, griffie, change):
    assert refusal(lambda: change(signed, griffie)) == db_guards.HISTORY_MESSAGE


def test_a_signed_meeting_may_still_be_closed_once(signed):
    meeting = Meeting.objects.filter(pk=signed.decision.meeting_id)
    assert (
        refusal(lambda: meeting.update(closed_at=datetime.datetime(2023, 10, 5, 23, tzinfo=AMSTERDAM)))
        is None
    )
    assert (
        refusal(lambda: meeting.update(closed_at=datetime.datetime(2023, 10, 6, tzinfo=AMSTERDAM)))
        in MESSAGES
    )


def test_a_signed_proposal_becomes_rbop_adopted_only_once_its_plan_is_adopted(signed, rbop_secretaris):
    rows = Proposal.objects.filter(pk=signed.pk)
    assert refusal(lambda: rows.update(state="rbop_adopted", version=99)) in MESSAGES
    PlanAdoption.objects.create(
        plan=signed.regional_plan,
        adopted_on=datetime.date(2023, 11, 9),
        meeting="RBOP",
        legal_ground="art39_lid1",
        document="plannen/x.pdf",
        document_sha256="0" * 64,
        recorded_by=rbop_secretaris,
    )
    assert refusal(lambda: rows.update(state="rbop_adopted", version=99)) is None
    assert refusal(lambda: rows.update(state="signed")) in MESSAGES


def test_a_signed_proposal_that_answers_no_regional_plan_is_never_rbop_adopted(
    import_document, bloemendaal_document, decision_document
):
    decision_document["signatures"] = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    document = with_state({**bloemendaal_document, "regional_plan": None}, "signed", decision_document)
    document["decision"]["advice"] = None
    proposal = import_document(document)

    assert refusal(lambda: Proposal.objects.filter(pk=proposal.pk).update(state="rbop_adopted")) in MESSAGES


def test_the_text_is_frozen_in_the_database_once_before_the_council(concept, griffie):
    actions.submit_proposal(concept, by=griffie)
    assert refusal(lambda: DecisionPoint.objects.filter(proposal=concept).update(text="Stilletjes")) == (
        db_guards.TEXT_MESSAGE
    )
    assert refusal(lambda: Proposal.objects.filter(pk=concept.pk).update(subject="Stilletjes")) == (
        db_guards.TEXT_MESSAGE
    )
    assert refusal(lambda: Section.objects.filter(proposal=concept).delete()) == db_guards.TEXT_MESSAGE


def test_a_concept_changes_freely_but_is_never_deleted(concept):
    assert refusal(lambda: DecisionPoint.objects.filter(proposal=concept).update(text="Nieuw")) is None
    assert refusal(lambda: Section.objects.filter(proposal=concept).delete()) is None
    assert refusal(lambda: Proposal.objects.filter(pk=concept.pk).update(subject="Nieuw")) is None
    assert refusal(lambda: sql("DELETE FROM raadsvoorstel_proposal WHERE id = %s", concept.pk)) == (
        db_guards.DELETE_MESSAGE
    )


def test_every_guard_survives_the_migrations():
    """SQLite loses a table's triggers when a migration rebuilds it; see db_guards."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_guard_%'"
            )
            expected = len(db_guards.create_statements("sqlite"))
        else:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%_guard'")
            expected = len(db_guards.guards("postgresql"))
        assert cursor.fetchone()[0] == expected


def test_the_latest_migration_holds_the_guards_the_generator_makes_today():
    """A migration keeps its SQL frozen; this says when db_guards changed without a new one."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    names = sorted(name for app, name in loader.disk_migrations if app == "raadsvoorstel")
    modules = [importlib.import_module(f"raadsvoorstel.migrations.{name}") for name in names]
    migration = [module for module in modules if hasattr(module, "GUARDS")][-1]
    for vendor in db_guards.VENDORS:
        assert migration.GUARDS[vendor] == db_guards.create_statements(vendor)
        assert migration.DROP_GUARDS[vendor] == db_guards.drop_statements(vendor)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "second"])
def test_a_transactional_test_meets_the_guards_and_leaves_an_empty_database(
    run, import_document, bloemendaal_document, decision_document
):
    """The flush after a transactional test passes the guards, and they are back after it
    (tests/conftest.py): the second run finds nothing of the first, and is refused the same."""
    assert not Proposal.objects.exists()
    decision_document["signatures"] = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    signed = import_document(with_state(bloemendaal_document, "signed", decision_document))

    assert refusal(lambda: Proposal.objects.filter(pk=signed.pk).update(subject="Anders")) in MESSAGES
    assert refusal(lambda: AuditEntry.objects.all().delete()) == db_guards.HISTORY_MESSAGE


def test_a_decision_becomes_signed_only_with_both_signatures(import_document, bloemendaal_document):
    advised = import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))
    row = Proposal.objects.filter(pk=advised.pk)
    assert refusal(lambda: row.update(state="signed")) == db_guards.UNSIGNED_MESSAGE
    assert refusal(lambda: row.update(state="rbop_adopted")) == db_guards.UNSIGNED_MESSAGE
    Signature.objects.create(
        decision=advised.decision, role="voorzitter", name="X", date=datetime.date(2023, 10, 6)
    )
    assert refusal(lambda: row.update(state="signed")) == db_guards.UNSIGNED_MESSAGE


def test_a_proposal_row_is_only_ever_inserted_as_a_concept(bloemendaal):
    new = Proposal(
        municipality=bloemendaal, number="1", subject="X", proposer="college", date=FAR_BACK, state="signed"
    )
    assert refusal(lambda: Proposal.objects.bulk_create([new])) == db_guards.NEW_MESSAGE
