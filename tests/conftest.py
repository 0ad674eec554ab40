"""Shared fixtures: the Bloemendaal world from the quick start, and its people by role."""

from __future__ import annotations

import copy
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate

from raadsvoorstel import actions, db_guards, demo
from raadsvoorstel.interchange import parse_documents
from raadsvoorstel.models import Municipality, Proposal, RegionalBody, Role, User

BLOEMENDAAL_FILE = settings.BASE_DIR / "fixtures" / "proposals" / "GM0377-2023000853.json"


@pytest.fixture(autouse=True)
def media_in_a_temporary_directory(settings, tmp_path_factory):
    """Files a test stores (a rendered PDF, an archive) never land in var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a second per demo account; the tests do not test the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The guards and the flush after a transactional test ---
#
# A transactional test (a live server, threads) ends with Django's flush. PostgreSQL's
# TRUNCATE passes row triggers, but SQLite deletes row by row, and its guards refuse to
# delete a signed decision or any history. On SQLite the guards are lifted just before the
# flush and set again right after it (flush ends with post_migrate), so every test, whatever
# ran before it, meets them in place.


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _set_guards_after_a_flush(sender, using="default", **kwargs) -> None:
    if connection.vendor == "sqlite" and sender.label == "raadsvoorstel":
        _run(db_guards.drop_statements("sqlite") + db_guards.create_statements("sqlite"))


post_migrate.connect(_set_guards_after_a_flush, dispatch_uid="tests-guards-after-flush")


@pytest.fixture(autouse=True)
def _guards_lifted_for_the_flush_on_sqlite(request):
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            yield
            return
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor == "sqlite":
        _run(db_guards.drop_statements("sqlite"))


@pytest.fixture
def erase_everything(db):
    """`erase_everything()` empties the test database, guards and history included, as a
    fresh installation would be, and sets the guards again. The test's transaction undoes
    it all afterwards."""

    def erase() -> None:
        _run(db_guards.drop_statements(connection.vendor))
        if connection.vendor == "postgresql":
            # PostgreSQL refuses to TRUNCATE a table with foreign-key checks still deferred.
            _run(["SET CONSTRAINTS ALL IMMEDIATE"])
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        if connection.vendor == "postgresql":
            _run(["SET CONSTRAINTS ALL DEFERRED"])
        _run(db_guards.create_statements(connection.vendor))

    return erase


@pytest.fixture
def run_tasks(db):
    """`run_tasks()` does what `manage.py db_worker --batch` does, in the test's transaction:
    every task that is due, one by one, through the worker's own `run_task`. (The command
    itself would close the test's database connection.) Returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )

    def run() -> int:
        ran = 0
        while (result := DBTaskResult.objects.ready().first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    return run


@pytest.fixture
def sign_after_roll_call(bloemendaal, griffie, griffier, voorzitter):
    """`sign_after_roll_call(proposal)`: the proposal through the council the long way, through
    the actions: 19 members, a meeting of 5 October 2023 with 12 present, a roll call all
    voor, then signed by voorzitter and griffier. Returns it, signed."""
    import datetime
    from zoneinfo import ZoneInfo

    members = [
        actions.add_member(bloemendaal, f"Lid {n}", "Partij", datetime.date(2022, 3, 30), by=griffie)
        for n in range(19)
    ]
    starts_at = datetime.datetime(2023, 10, 5, 20, tzinfo=ZoneInfo("Europe/Amsterdam"))
    meeting = actions.schedule_meeting(bloemendaal, starts_at, "Raadzaal", by=griffie)

    def sign(proposal: Proposal) -> Proposal:
        actions.submit_proposal(Proposal.objects.get(pk=proposal.pk), by=griffie)
        item = actions.put_on_agenda(meeting, Proposal.objects.get(pk=proposal.pk), by=griffie)
        actions.set_attendance(meeting, members[:12], by=griffie)
        actions.open_meeting(meeting, by=griffie)
        vote = actions.start_vote(item, "hoofdelijk", by=griffie)
        for member in members[:12]:
            actions.cast_ballot(vote, member, "voor", by=griffie)
        actions.close_vote(vote, by=griffie)
        actions.sign_decision(Proposal.objects.get(pk=proposal.pk), by=voorzitter)
        actions.sign_decision(Proposal.objects.get(pk=proposal.pk), by=griffier)
        return Proposal.objects.select_related("municipality").get(pk=proposal.pk)

    return sign


@pytest.fixture
def propose_advice(griffie):
    """`propose_advice(proposal, advice, text="")`: the griffie sets the advice a consultation
    proposes, in the editor, as the import of a document cannot carry it."""
    from raadsvoorstel.text import ProposalText

    def propose(proposal: Proposal, advice: str = "geen_wensen_en_bedenkingen", text: str = "") -> Proposal:
        proposal = Proposal.objects.get(pk=proposal.pk)
        drafted = ProposalText.of(proposal)
        drafted.proposed_advice, drafted.proposed_advice_text = advice, text
        actions.update_proposal(proposal, drafted, version=proposal.version, by=griffie)
        return Proposal.objects.get(pk=proposal.pk)

    return propose


@pytest.fixture
def reference_data(db) -> None:
    demo.load_reference_data()


@pytest.fixture
def bloemendaal(reference_data) -> Municipality:
    return Municipality.objects.get(code="GM0377")


@pytest.fixture
def bloemendaal_document() -> dict:
    """The seed proposal as a fresh `raadsvoorstel/1` dict, to change per test."""
    return json.loads(BLOEMENDAAL_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def make_user(bloemendaal):
    def make(role: str, username: str | None = None, municipality: Municipality | None = None) -> User:
        user = User(username=username or role, first_name=role.capitalize(), last_name="Test", role=role)
        if role == Role.RBOP_SECRETARIS:
            user.regional_body = RegionalBody.objects.get(code="rbop-noord-holland")
        else:
            user.municipality = municipality or bloemendaal
        user.save()
        return user

    return make


@pytest.fixture
def griffie(make_user) -> User:
    return make_user(Role.GRIFFIEMEDEWERKER)


@pytest.fixture
def griffier(make_user) -> User:
    return make_user(Role.GRIFFIER)


@pytest.fixture
def voorzitter(make_user) -> User:
    return make_user(Role.VOORZITTER)


@pytest.fixture
def raadslid(make_user) -> User:
    return make_user(Role.RAADSLID)


@pytest.fixture
def rbop_secretaris(make_user) -> User:
    return make_user(Role.RBOP_SECRETARIS)


@pytest.fixture
def import_document(reference_data):
    """Store one `raadsvoorstel/1` dict through the real parser and import action."""

    def store(document: dict) -> Proposal:
        (proposal,) = actions.import_proposals(parse_documents([("test.json", json.dumps(document))]))
        return proposal

    return store


@pytest.fixture
def concept(import_document, bloemendaal_document) -> Proposal:
    """The Bloemendaal proposal as a concept, as the quick start loads it."""
    return import_document(bloemendaal_document)


# The council's decision as product.md describes it: a hamerstuk with "geen wensen en
# bedenkingen". The meeting date is illustrative; the seed leaves "d.d." blank.
HAMERSTUK = {
    "meeting_date": "2023-10-05",
    "result": "aangenomen",
    "advice": "geen_wensen_en_bedenkingen",
    "vote": {"mode": "hamerstuk"},
    "amendments": [],
    "signatures": [],
}


@pytest.fixture
def decision_document() -> dict:
    return copy.deepcopy(HAMERSTUK)


def with_state(document: dict, state: str, decision: dict | None) -> dict:
    changed = copy.deepcopy(document)
    changed["state"] = state
    changed["decision"] = copy.deepcopy(decision)
    return changed
