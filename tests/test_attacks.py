"""Issue 13, the attacks: every URL as every kind of visitor in every state that matters (the
table is tests/data/permissions.csv), CSRF on every change, stored and reflected XSS through
every text field, open redirects, SQL and tsquery syntax in search, broken uploads and
bodies, ids that do not belong together, and guessed passwords. Each refusal leaves the
database as it was."""

from __future__ import annotations

import copy
import csv
import datetime
import hashlib
import io
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from axes.utils import reset as axes_reset
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_fsm_log.models import StateLog
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from raadsvoorstel import actions, demo, limits
from raadsvoorstel.amendments import Change
from raadsvoorstel.consultation import PlanTemplate
from raadsvoorstel.interchange import parse_documents
from raadsvoorstel.models import (
    Advice,
    AgendaItem,
    ApiToken,
    Attachment,
    CouncilMember,
    Meeting,
    PlanBundle,
    Proposal,
    RegionalPlan,
    Role,
    User,
    Vote,
    VoteMode,
)

pytestmark = pytest.mark.django_db

AMSTERDAM_TZ = zoneinfo.ZoneInfo("Europe/Amsterdam")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # No worker beats here, whatever runs beside the tests: /gezond/ answers 503, always.
    settings.RAADSVOORSTEL_WORKER_HEARTBEAT = tmp_path / "geen-worker.heartbeat"
    return tmp_path


def pdf_bytes(text: str = "bijlage") -> bytes:
    return f"%PDF-1.7\n% {text}\n%%EOF\n".encode()


def pdf_upload(text: str = "bijlage", name: str = "stuk.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


# --- The world: one of each thing in each state that matters, built once per test ---


@dataclass
class World:
    users: dict[str, User | None]
    proposals: dict[str, Proposal]  # concept, council, signed
    meetings: dict[str, Meeting]  # planned, open
    items: dict[str, AgendaItem]  # planned, open
    plans: dict[str, RegionalPlan]  # concept, consultation
    attachments: dict[str, Attachment]
    open_vote: Vote
    member: CouncilMember  # the raadslid's own seat, called in the open vote
    token: ApiToken
    bundle: PlanBundle
    extra: dict = field(default_factory=dict)


def plan_template(subject: str = "Veiligheidsbeleid 2024-2027 van de Eenheid Noord-Holland") -> PlanTemplate:
    return PlanTemplate(
        subject=subject,
        legal_basis=["artikel 38b, tweede lid, van de Politiewet 2012"],
        sections=[("Aanleiding", "De raad van {gemeente} wordt gehoord over het plan.")],
        decision_points=[
            "kennis te nemen van het concept plan; en",
            "de burgemeester te berichten dat de raad van {gemeente} geen wensen en bedenkingen heeft.",
        ],
        proposed_advice=Advice.NO_OBJECTIONS,
    )


def plan_fields(code: str, title: str, template: PlanTemplate | None = None) -> actions.PlanFields:
    return actions.PlanFields(
        code=code,
        title=title,
        answer_deadline=TODAY + 14 * DAY,
        adoption_date=TODAY + 28 * DAY,
        adoption_meeting="RBOP, Haarlem",
        themes=[],
        template=template or plan_template(),
        document_title="Concept plan",
    )


def own_document(document: dict, number: str, **changes) -> dict:
    """The Bloemendaal document as a proposal of the council's own, answering no plan."""
    changed = copy.deepcopy(document) | {"number": number, "regional_plan": None, "attachments": []}
    return changed | changes


def import_one(document: dict) -> Proposal:
    (proposal,) = actions.import_proposals(parse_documents([("test.json", json.dumps(document))]))
    return Proposal.objects.get(pk=proposal.pk)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def world(
    bloemendaal,
    bloemendaal_document,
    griffie,
    griffier,
    voorzitter,
    raadslid,
    rbop_secretaris,
    propose_advice,
    run_tasks,
) -> World:
    """Bloemendaal with 19 members (the raadslid sits as the first), a proposal in each state,
    a planned meeting and an open one (a hamerstuk decided, a roll call open with one vote the
    griffie entered), a concept plan and one in consultation with a bundle asked for, an API
    token; and the griffier of Amsterdam, a municipality of another region, as the outsider."""
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    outsider = User.objects.create(username="griffier-amsterdam", role=Role.GRIFFIER, municipality=amsterdam)
    users = {
        "anonymous": None,
        "griffiemedewerker": griffie,
        "griffier": griffier,
        "voorzitter": voorzitter,
        "raadslid": raadslid,
        "rbop_secretaris": rbop_secretaris,
        "outsider": outsider,
    }

    actions.import_members(
        bloemendaal, (demo.FIXTURES / "members-GM0377.csv").read_text(encoding="utf-8"), by=griffie
    )
    members = list(CouncilMember.objects.filter(municipality=bloemendaal).order_by("name"))
    member = members[0]
    CouncilMember.objects.filter(pk=member.pk).update(user=raadslid)

    # The plans: one the secretaris still drafts, one sent to the councils.
    rbop = rbop_secretaris
    plan_concept = actions.create_plan(
        rbop.regional_body, plan_fields("plan-in-concept", "Plan in concept"), document=pdf_upload(), by=rbop
    )
    imv = RegionalPlan.objects.get(code="imv-nh-2024-2027")
    imv = actions.update_plan(
        imv, plan_fields(imv.code, imv.title), version=imv.version, document=pdf_upload(), by=rbop
    )

    # Bloemendaal's answer to the plan (the seed), drafted before the plan was sent: it keeps it.
    on_plan = import_one(bloemendaal_document)
    actions.add_attachment(on_plan, "Plan", pdf_upload(), by=griffie)
    actions.send_plan(imv, version=imv.version, by=rbop)
    imv = fresh(imv)

    concept = import_one(own_document(bloemendaal_document, "2024000001", subject="Een concept"))
    before_council = import_one(own_document(bloemendaal_document, "2024000002", subject="Bij de raad"))
    on_the_vote = import_one(own_document(bloemendaal_document, "2024000003", subject="In stemming"))
    waiting = import_one(own_document(bloemendaal_document, "2024000004", subject="Nog niet geagendeerd"))
    attachments = {}
    for state, proposal in (("concept", concept), ("council", before_council), ("signed", on_plan)):
        if state != "signed":
            actions.add_attachment(proposal, f"Bijlage bij {state}", pdf_upload(), by=griffie)
        attachments[state] = Attachment.objects.filter(proposal=proposal, file__gt="").latest("pk")
    for proposal in (before_council, on_the_vote, on_plan, waiting):
        proposal = propose_advice(proposal)
        actions.submit_proposal(proposal, by=griffie)

    planned = actions.schedule_meeting(
        bloemendaal,
        datetime.datetime.combine(TODAY + 30 * DAY, datetime.time(20), AMSTERDAM_TZ),
        "Raadzaal",
        by=griffie,
    )
    held = actions.schedule_meeting(
        bloemendaal, datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM_TZ), "Raadzaal", by=griffie
    )
    planned_item = actions.put_on_agenda(planned, fresh(before_council), by=griffie)
    decided_item = actions.put_on_agenda(held, fresh(on_plan), by=griffie)
    open_item = actions.put_on_agenda(held, fresh(on_the_vote), by=griffie)
    actions.set_attendance(held, members[:12], by=griffie)
    actions.open_meeting(held, by=griffie)
    actions.start_vote(decided_item, VoteMode.HAMERSTUK, by=griffie)
    actions.sign_decision(fresh(on_plan), by=voorzitter)
    actions.sign_decision(fresh(on_plan), by=griffier)
    run_tasks()  # the archiving
    signed = fresh(on_plan)
    actions.record_answer(
        signed, sent_to="RBOP Eenheid Noord-Holland", sent_on=TODAY - DAY, reference="BL/1", by=griffie
    )
    open_vote = actions.start_vote(open_item, VoteMode.HOOFDELIJK, by=griffie)
    actions.cast_ballot(open_vote, members[1], "voor", by=griffie)  # entered by the griffie, to correct
    bundle = actions.request_bundle(imv, by=rbop)
    token, _secret = actions.create_token("Zaaksysteem", by=griffie)

    return World(
        users=users,
        proposals={"concept": fresh(concept), "council": fresh(before_council), "signed": fresh(signed)},
        meetings={"planned": fresh(planned), "open": fresh(held)},
        items={"planned": fresh(planned_item), "open": fresh(open_item)},
        plans={"concept": fresh(plan_concept), "consultation": imv},
        attachments=attachments,
        open_vote=open_vote,
        member=fresh(member),
        token=token,
        bundle=bundle,
        extra={"waiting": fresh(waiting), "entered": members[1]},
    )


def test_the_world_is_as_the_matrix_assumes(world):
    assert [p.state for p in world.proposals.values()] == ["concept", "council_advice", "signed"]
    assert world.proposals["signed"].is_public
    assert world.meetings["planned"].state == "planned" and world.meetings["open"].state == "open"
    assert [p.state for p in world.plans.values()] == ["concept", "consultation"]


# --- Every URL, discovered ---


@dataclass(frozen=True)
class Route:
    name: str  # "api:get_proposal" for the API's
    route: str  # "voorstellen/<int:pk>/"
    kwargs: tuple[str, ...]


def discovered_routes(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Every URL pattern the project serves, the API's under /api/v1/ included; the admin
    (its own tests, test_admin.py) and static or media files left out."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(("admin/", "static/", "media/")):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            found += discovered_routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append(Route(name, route, tuple(pattern.pattern.converters)))
    return found


def test_every_url_pattern_has_a_name():
    unnamed = [
        str(p.pattern) for p in get_resolver().url_patterns if isinstance(p, URLPattern) and not p.name
    ]
    assert unnamed == []


def states_of(route: Route) -> tuple[str, ...]:
    """The states in which a route is asked: those of the object its kwargs name."""
    kwargs = set(route.kwargs)
    if "vote_pk" in kwargs or "member_pk" in kwargs:
        return ("open",)
    if "item_pk" in kwargs or route.route.startswith("vergaderingen/<"):
        return ("planned", "open")
    if route.route.startswith("plannen/<"):
        return ("concept", "consultation")
    if "number" in kwargs or route.route.startswith("voorstellen/<"):
        return ("concept", "council", "signed")
    return ("-",)


TRANSITION_OF = {"concept": "submit", "council": "withdraw", "signed": "withdraw"}


def url_of(route: Route, state: str, world: World) -> str:
    """The route's URL with each kwarg taken from the world's object in `state`."""
    kwargs: dict = {}
    for name in route.kwargs:
        if name == "pk":
            if route.route.startswith("voorstellen/"):
                kwargs[name] = world.proposals[state].pk
            elif route.route.startswith("vergaderingen/"):
                kwargs[name] = world.meetings[state].pk
            elif route.route.startswith("raadsleden/"):
                kwargs[name] = world.member.pk
            elif route.route.startswith("api-sleutels/"):
                kwargs[name] = world.token.pk
            elif "/bundel/" in route.route:
                kwargs[name] = world.bundle.pk
            else:
                raise AssertionError(f"which object is the pk of {route.route}?")
        elif name == "attachment_pk":
            kwargs[name] = world.attachments[state].pk
        elif name == "item_pk":
            kwargs[name] = world.items[state].pk
        elif name == "vote_pk":
            kwargs[name] = world.open_vote.pk
        elif name == "member_pk":
            kwargs[name] = world.member.pk
        elif name == "name":
            kwargs[name] = TRANSITION_OF[state]
        elif name == "code":
            kwargs[name] = world.plans[state].code if route.route.startswith("plannen/") else "GM0377"
        elif name == "number":
            kwargs[name] = world.proposals[state].number
        else:
            raise AssertionError(f"no object for the kwarg {name} of {route.route}: add it to url_of")
    if "item_pk" in kwargs:
        kwargs["pk"] = world.items[state].meeting_id
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match[1]]), route.route)
    return "/" + url


# --- Nothing changed: every row of the project's tables, before and after ---


# When someone last logged in, when a token was last used: the visit itself, not a change.
UNTRACKED_FIELDS = {"last_login", "last_used_at"}


def database_state() -> dict[str, str]:
    """A digest of every row of every table of the app, its history and its task queue;
    the time of the last login left out (logging the visitor in is the test's, not the page's)."""
    models = [
        *apps.get_app_config("raadsvoorstel").get_models(),
        StateLog,
        DBTaskResult,
    ]
    digests = {}
    for model in models:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in UNTRACKED_FIELDS]
        rows = model._base_manager.order_by("pk").values_list(*names)
        digests[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def ask(
    client: Client,
    user: User | None,
    method: str,
    url: str,
    data=None,
    *,
    baseline=None,
    keep_login: bool = False,
    **extra,
) -> tuple[int, list[str]]:
    """`user` asks `url`; answers the status and the tables the request changed. Whatever it
    changed is undone after, so that each request meets the same world.

    The database is compared with the state before (`baseline`, when the caller knows it)
    only when the request sent a write: a statement that wrote and was undone (a refused
    action's savepoint) then counts as no change."""
    if not keep_login:
        client.logout()
        if user is not None:
            client.force_login(user)
    before = baseline if baseline is not None else database_state()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method.lower())(url, data if data is not None else {}, **extra)
        wrote = any(
            query["sql"].lstrip().upper().startswith(WRITES) and "django_session" not in query["sql"]
            for query in queries.captured_queries
        )
        changed = changed_tables(before, database_state()) if wrote else []
        transaction.set_rollback(True)
    return response.status_code, changed


def minimal_post(name: str, state: str, world: World) -> dict:
    """What the page's own form would send, at its least: enough to reach the permission
    check behind the form. Routes not named here are posted empty."""
    member, entered = world.member, world.extra["entered"]
    plan = world.plans.get(state)
    data = {
        "attachment_add": lambda: {"title": "Bijlage", "file": pdf_upload()},
        "meeting_presence": lambda: {"member": member.pk, "arrived": "1"},
        "meeting_correct_attendance": lambda: {"members": [member.pk], "reason": "verkeerd aangevinkt"},
        "meeting_agenda": lambda: {"proposal": world.extra["waiting"].pk},
        "item_amendment": lambda: {
            "title": "Amendement",
            "submitters": "Lid A",
            "point_1_action": "delete",
        },
        "item_motion": lambda: {"title": "Motie", "text": "verzoekt het college", "submitters": "Lid A"},
        "item_start_vote": lambda: {"subject": "proposal", "mode": VoteMode.HANDOPSTEKING},
        "item_close_vote": lambda: {"votes_for": "", "votes_against": ""},
        "item_withdraw_vote": lambda: {"reason": "per vergissing geopend"},
        "item_ballot": lambda: {"choice": "voor"},
        "item_correct_ballot": lambda: {
            "member": entered.pk,
            "choice": "tegen",
            "reason": "verkeerd verstaan",
        },
        "item_postpone": lambda: {"meeting": world.meetings["planned"].pk},
        "answer_record": lambda: {"sent_to": "RBOP", "sent_on": TODAY.isoformat(), "reference": "x"},
        "plan_send": lambda: {"version": plan.version},
        "plan_withdraw": lambda: {"version": plan.version, "reason": "vervangen"},
        "my_votes": lambda: {"vote": world.open_vote.pk, "choice": "voor"},
    }
    return data[name]() if name in data else {}


# --- The permission matrix ---

PERMISSIONS_FILE = settings.BASE_DIR / "tests" / "data" / "permissions.csv"
VISITORS = [
    "anonymous",
    "griffiemedewerker",
    "griffier",
    "voorzitter",
    "raadslid",
    "rbop_secretaris",
    "outsider",
]
# A cache a successful read may fill: the rendered PDF, kept so that it is rendered once.
CACHES = {"raadsvoorstel.RenderedDocument"}
# Who may change anything at all by posting to each page (with the minimal data above, in
# some state of the world); for every other page and visitor a POST changes nothing,
# whatever it answers.
GRIFFIE = ("griffiemedewerker", "griffier")
EVERYONE = ("griffiemedewerker", "griffier", "voorzitter", "raadslid", "rbop_secretaris", "outsider")
MAY_CHANGE = {
    "proposal_transition": GRIFFIE,
    "attachment_add": GRIFFIE,
    "attachment_delete": GRIFFIE,
    "meeting_attendance": GRIFFIE,
    "meeting_presence": GRIFFIE,
    "meeting_close": GRIFFIE,
    "meeting_correct_attendance": ("griffier",),
    "meeting_agenda": GRIFFIE,
    "meeting_publish_agenda": GRIFFIE,
    "item_amendment": GRIFFIE,
    "item_motion": GRIFFIE,
    "item_start_vote": (*GRIFFIE, "voorzitter"),
    "item_close_vote": GRIFFIE,
    "item_withdraw_vote": GRIFFIE,
    "item_ballot": (*GRIFFIE, "raadslid"),  # the raadslid's own seat
    "item_correct_ballot": GRIFFIE,
    "item_postpone": GRIFFIE,
    "my_votes": ("raadslid",),
    "proposal_sign": ("voorzitter", "griffier"),
    "answer_record": GRIFFIE,
    "notice_list": EVERYONE,  # one's own notices read
    "notice_mail_preference": EVERYONE,  # one's own choice
    "token_revoke": GRIFFIE,
    "plan_send": ("rbop_secretaris",),
    "plan_withdraw": ("rbop_secretaris",),
    "bundle_request": ("rbop_secretaris",),
}
# The answers that refuse: after them nothing may have changed.
REFUSALS = {400, 401, 403, 404, 405, 409, 413, 429}


def permission_table() -> dict[tuple[str, str, str], list[int]]:
    lines = [
        line for line in PERMISSIONS_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    reader = csv.DictReader(lines)
    assert reader.fieldnames == ["name", "state", "method", *VISITORS]
    table = {}
    for row in reader:
        key = (row["name"], row["state"], row["method"])
        assert key not in table, f"{key} twice in {PERMISSIONS_FILE.name}"
        table[key] = [int(row[visitor]) for visitor in VISITORS]
    return table


def asked_cells() -> set[tuple[str, str, str]]:
    return {
        (route.name, state, method)
        for route in discovered_routes()
        for state in states_of(route)
        for method in ("GET", "POST")
    }


def test_the_permission_table_names_every_url_and_no_other():
    table = permission_table()
    discovered = {route.name for route in discovered_routes()}
    assert {name for name, _state, _method in table} == discovered
    assert set(table) == asked_cells()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_url_answers_every_visitor_as_the_permission_table_says(world, method):
    """One world, every cell; each request is undone after it. A refused request changes
    nothing, and no GET ever changes anything."""
    table = permission_table()
    baseline = database_state()
    clients = {}
    for visitor, user in world.users.items():
        clients[visitor] = Client()
        if user is not None:
            clients[visitor].force_login(user)
    wrong, changed_by_refusal = [], []
    for route in discovered_routes():
        for state in states_of(route):
            url = url_of(route, state, world)
            answers = []
            for visitor, user in world.users.items():
                client = clients[visitor]
                if user is not None and "_auth_user_id" not in client.session:
                    client.force_login(user)  # after the logout route
                data = minimal_post(route.name, state, world) if method == "POST" else None
                status, changed = ask(client, None, method, url, data, baseline=baseline, keep_login=True)
                answers.append(status)
                if status not in REFUSALS and user is not None:
                    changed = [label for label in changed if label not in CACHES]
                refused = method == "GET" or status in REFUSALS or user is None
                if changed and (refused or visitor not in MAY_CHANGE.get(route.name, ())):
                    changed_by_refusal.append(f"{method} {url} as {visitor} ({status}) changed {changed}")
            expected = table.get((route.name, state, method))
            if expected is None:
                wrong.append(
                    f"{route.name} [{state}] {method}: not in {PERMISSIONS_FILE.name}, got {answers}"
                )
            elif answers != expected:
                cells = [
                    f"{v}: {e}→{a}" for v, e, a in zip(VISITORS, expected, answers, strict=True) if e != a
                ]
                wrong.append(f"{route.name} [{state}] {method} {url}: " + ", ".join(cells))
    assert wrong == [], "\n".join(["Answers other than the table's (expected→got):", *wrong])
    assert changed_by_refusal == [], "\n".join(changed_by_refusal)


# --- CSRF: every change needs the form's token ---


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(world):
    """Each visitor that may change something, posting to every page of the site without the
    token: 403, nothing stored. The API takes no session cookie for a write at all (401): its
    writes need a token in a header, which a cross-site form cannot send."""
    baseline = database_state()
    through = []
    for visitor in ("griffiemedewerker", "griffier", "voorzitter", "raadslid", "rbop_secretaris"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[visitor])
        for route in discovered_routes():
            for state in states_of(route):
                url = url_of(route, state, world)
                data = minimal_post(route.name, state, world)
                status, changed = ask(client, None, "POST", url, data, baseline=baseline, keep_login=True)
                # The API's own endpoints want a token (401) or take no POST (405); its pages
                # (the OpenAPI document, the docs) are Django views behind the middleware (403).
                refused = {401, 403, 405} if route.name.startswith("api:") else {403}
                if status not in refused or changed:
                    through.append(f"{visitor} POST {url}: {status}, changed {changed}")
                if "_auth_user_id" not in client.session:
                    client.force_login(world.users[visitor])
    assert through == [], "\n".join(through)


def test_with_its_token_the_same_post_goes_through(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["griffiemedewerker"])
    page = client.get(reverse("meeting_detail", args=[world.meetings["planned"].pk]))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("meeting_publish_agenda", args=[world.meetings["planned"].pk]),
        {"csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=world.meetings["planned"].pk).agenda_published_at is not None


def test_the_api_takes_a_write_only_with_a_token_never_with_the_session(world, bloemendaal_document):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["griffiemedewerker"])
    document = own_document(bloemendaal_document, "2025000001")
    before = database_state()
    response = client.post("/api/v1/proposals", json.dumps(document), content_type="application/json")
    assert response.status_code == 401 and "API-sleutel" in response.json()["errors"][0]["message"]
    assert database_state() == before
    _token, secret = actions.create_token("Koppeling", by=world.users["griffiemedewerker"])
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/proposals",
        json.dumps(document),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201


# --- Stored XSS: every text field a user types, on every page that shows it ---

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
RAW = ("<script>alert(1)", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def poisoned_document(document: dict, number: str) -> dict:
    return own_document(
        document,
        number,
        subject=f"Onderwerp {PAYLOAD}",
        sections=[{"heading": f"Kop {PAYLOAD}", "body": f"Tekst {PAYLOAD}"}],
        decision_points=[f"punt een {PAYLOAD};", "punt twee."],
    )


@pytest.fixture
def poisoned(
    bloemendaal,
    bloemendaal_document,
    griffie,
    griffier,
    voorzitter,
    rbop_secretaris,
    propose_advice,
    run_tasks,
):
    """The payload in every field a person types: subject, sections, decision points, the
    advice's text, an attachment's title, an amendment, a motion, a member's name and party,
    a plan's title and template; the notices quote the subject."""
    members = [
        actions.add_member(
            bloemendaal,
            f"Lid {n} {PAYLOAD}" if n == 0 else f"Lid {n}",
            f"Partij {PAYLOAD}",
            datetime.date(2022, 3, 30),
            by=griffie,
        )
        for n in range(19)
    ]
    rbop = rbop_secretaris
    template = plan_template(f"Plan voor {{gemeente}} {PAYLOAD}")
    template.sections = [(f"Kop {PAYLOAD}", f"De raad van {{gemeente}} {PAYLOAD}")]
    plan = actions.create_plan(
        rbop.regional_body,
        plan_fields("plan-xss", f"Plan {PAYLOAD}", template),
        document=pdf_upload(),
        by=rbop,
    )
    actions.send_plan(plan, version=plan.version, by=rbop)

    decided = import_one(poisoned_document(bloemendaal_document, "2024000101"))
    actions.add_attachment(decided, f"Bijlage {PAYLOAD}", pdf_upload(), by=griffie)
    debated = import_one(poisoned_document(bloemendaal_document, "2024000102"))
    for proposal in (decided, debated):
        proposal = propose_advice(proposal, Advice.OBJECTIONS, f"wensen {PAYLOAD}")
        actions.submit_proposal(proposal, by=griffie)
    meeting = actions.schedule_meeting(
        bloemendaal, datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM_TZ), f"Zaal {PAYLOAD}", by=griffie
    )
    decided_item = actions.put_on_agenda(meeting, fresh(decided), by=griffie)
    debated_item = actions.put_on_agenda(meeting, fresh(debated), by=griffie)
    actions.table_amendment(
        debated_item,
        f"Amendement {PAYLOAD}",
        [f"Indiener {PAYLOAD}"],
        [Change(point=1, text=f"nieuw punt {PAYLOAD}")],
        by=griffie,
    )
    actions.table_motion(
        debated_item, f"Motie {PAYLOAD}", f"verzoekt {PAYLOAD}", [f"Indiener {PAYLOAD}"], by=griffie
    )
    actions.set_attendance(meeting, members[:12], by=griffie)
    actions.open_meeting(meeting, by=griffie)
    actions.start_vote(decided_item, VoteMode.HAMERSTUK, by=griffie)
    actions.sign_decision(fresh(decided), by=voorzitter)
    actions.sign_decision(fresh(decided), by=griffier)
    run_tasks()
    return {
        "decided": fresh(decided),
        "debated": fresh(debated),
        "meeting": meeting,
        "item": debated_item,
        "member": members[0],
        "plan": fresh(plan),
    }


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where} carries {raw!r} unescaped"
    assert ESCAPED in html, f"{where} does not show the payload at all: the check would prove nothing"


def test_every_page_shows_typed_markup_as_text(
    client, poisoned, griffie, voorzitter, raadslid, rbop_secretaris
):
    decided, debated, meeting = poisoned["decided"], poisoned["debated"], poisoned["meeting"]
    code, number = decided.municipality.code, decided.number
    pages = {
        griffie: [
            reverse("start"),
            reverse("proposal_list"),
            reverse("proposal_detail", args=[decided.pk]),
            reverse("proposal_detail", args=[debated.pk]),
            reverse(
                "proposal_edit",
                args=[
                    Proposal.objects.get(municipality=decided.municipality, regional_plan=poisoned["plan"]).pk
                ],
            ),
            reverse("proposal_history", args=[decided.pk]),
            reverse("search") + "?q=Onderwerp",
            reverse("meeting_list"),
            reverse("meeting_detail", args=[meeting.pk]),
            reverse("item_detail", args=[meeting.pk, poisoned["item"].pk]),
            reverse("besluitenlijst", args=[meeting.pk]),
            reverse("member_list"),
            reverse("member_edit", args=[poisoned["member"].pk]),
            reverse("plan_list"),
            reverse("plan_detail", args=[poisoned["plan"].code]),
        ],
        voorzitter: [reverse("notice_list"), reverse("proposal_detail", args=[decided.pk])],
        raadslid: [
            reverse("proposal_detail", args=[debated.pk]),
            reverse("item_detail", args=[meeting.pk, poisoned["item"].pk]),
        ],
        rbop_secretaris: [
            reverse("plan_list"),
            reverse("plan_detail", args=[poisoned["plan"].code]),
            reverse("plan_edit", args=[poisoned["plan"].code]),
        ],
        None: [
            reverse("public_decisions", args=[code]),
            reverse("public_decision", args=[code, number]),
            reverse("public_plan", args=[poisoned["plan"].code]),
            reverse("search") + "?q=Onderwerp",
        ],
    }
    for user, urls in pages.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_escaped(response.text, url)
    # The feed is XML: the subject is character data there, never markup.
    feed = client.get(reverse("public_decisions_feed", args=[code])).text
    assert "<script>" not in feed and "&lt;script&gt;" in feed


def test_the_admin_shows_typed_markup_as_text(client, poisoned):
    admin = User.objects.create_superuser("beheer-xss", "beheer@example.invalid", "x")
    client.force_login(admin)
    urls = [
        reverse("admin:raadsvoorstel_proposal_change", args=[poisoned["decided"].pk]),
        reverse("admin:raadsvoorstel_proposal_changelist"),
        reverse("admin:raadsvoorstel_councilmember_change", args=[poisoned["member"].pk]),
        reverse("admin:raadsvoorstel_councilmember_changelist"),
        reverse("admin:raadsvoorstel_regionalplan_change", args=[poisoned["plan"].pk]),
        reverse("admin:raadsvoorstel_regionalplan_changelist"),
        reverse("admin:raadsvoorstel_meeting_change", args=[poisoned["meeting"].pk]),
        reverse("admin:raadsvoorstel_decision_change", args=[poisoned["decided"].decision.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.text, url)
    # The audit log names things by key, not by subject; it still shows nothing as markup.
    audit = client.get(reverse("admin:raadsvoorstel_auditentry_changelist")).text
    assert not any(raw in audit for raw in RAW)


def test_the_api_serves_typed_markup_as_json_data_never_as_a_page(client, poisoned):
    decided = poisoned["decided"]
    for url, subject_of in (
        (f"/api/v1/proposals/{decided.municipality.code}/{decided.number}", lambda data: data["subject"]),
        ("/api/v1/proposals?q=Onderwerp", lambda data: data["items"][0]["subject"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert subject_of(response.json()) == f"Onderwerp {PAYLOAD}", url  # the data, as typed


def test_what_a_visitor_types_in_an_address_comes_back_as_text(client, world):
    """Reflected: the search words, the overview's filters, the login's next and a page
    that does not exist each show the visitor's text escaped, if at all."""
    asked = [
        (None, reverse("search"), {"q": PAYLOAD}),
        (None, reverse("login"), {"next": PAYLOAD}),
        (None, reverse("public_decisions", args=["GM0377"]), {"pagina": PAYLOAD}),
        (None, "/gemeenten/GM0377/besluiten/" + PAYLOAD + "/", {}),
        ("griffiemedewerker", reverse("proposal_list"), {"q": PAYLOAD, "pagina": PAYLOAD}),
        ("griffiemedewerker", reverse("search"), {"q": PAYLOAD, "since": PAYLOAD}),
        ("griffiemedewerker", "/api/v1/proposals", {"state": PAYLOAD, "cursor": PAYLOAD}),
    ]
    for visitor, url, query in asked:
        client.logout()
        if visitor is not None:
            client.force_login(world.users[visitor])
        response = client.get(url, query)
        assert response.status_code in (200, 400, 404), url
        assert not any(raw in response.text for raw in RAW), url


def test_a_stored_attachment_is_served_as_a_download_the_browser_does_not_sniff(client, world):
    griffie = world.users["griffiemedewerker"]
    client.force_login(griffie)
    attachment = world.attachments["concept"]
    response = client.get(reverse("attachment_download", args=[attachment.proposal_id, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def text_of_pdf(content: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdfs_print_typed_markup_as_text(client, poisoned, griffie):
    """WeasyPrint runs no script; what matters is that the markup is printed as the words typed,
    not taken as HTML (an <img> that loads, a paragraph that vanishes)."""
    decided = poisoned["decided"]
    client.force_login(griffie)
    printed = "".join(PAYLOAD.split())
    for url in (
        reverse("raadsvoorstel_pdf", args=[decided.pk]),
        reverse("raadsbesluit_pdf", args=[decided.pk]),
        reverse("public_raadsbesluit_pdf", args=[decided.municipality.code, decided.number]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of_pdf(response.getvalue())
        assert f"punteen{printed};" in text and f"wensen{printed}" in text, url
        if "raadsvoorstel" in url:
            assert f"Onderwerp{printed}" in text and f"Bijlage{printed}" in text, url


# --- Open redirects ---

ELSEWHERE = [
    "//evil.example",
    "//evil.example/inloggen/",
    "https://evil.example",
    "http://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "http://testserver@evil.example/",
]


def assert_stays_on_site(response, where: str) -> None:
    assert response.status_code == 302, where
    location = response["Location"]
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), f"{where} → {location}"
    assert "evil.example" not in location.split("?")[0] and not location.lower().startswith("javascript:"), (
        f"{where} → {location}"
    )


@pytest.fixture
def with_password(griffie) -> User:
    griffie.set_password("geheim-en-lang")
    griffie.save()
    return griffie


@pytest.mark.parametrize("target", ELSEWHERE)
def test_logging_in_never_sends_anyone_off_site(client, with_password, target):
    page = client.get(reverse("login"), {"next": target})
    assert page.status_code == 200
    response = client.post(
        reverse("login") + "?" + urlencode({"next": target}),
        {"username": with_password.username, "password": "geheim-en-lang", "next": target},
    )
    assert_stays_on_site(response, f"login next={target!r}")
    # Logged in, the login page sends one on at once: the same check.
    assert_stays_on_site(client.get(reverse("login"), {"next": target}), f"login again next={target!r}")


@pytest.mark.parametrize("target", ELSEWHERE)
def test_logging_out_never_sends_anyone_off_site(client, griffie, target):
    client.force_login(griffie)
    response = client.post(reverse("logout") + "?" + urlencode({"next": target}), {"next": target})
    assert_stays_on_site(response, f"logout next={target!r}")
    assert "_auth_user_id" not in client.session


def test_the_next_field_of_the_login_page_is_text_not_markup(client):
    page = client.get(reverse("login"), {"next": '/"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in page.text


# --- SQL metacharacters in search ---

METACHARACTERS = [
    "'",
    '"',
    "%",
    "_",
    "\\",
    "--",
    ";",
    "'||'",
    "%'--",
    "' OR '1'='1",
    "1; DROP TABLE raadsvoorstel_proposal; --",
    "& | ! ( ) :*",
    "!",
    "(",
    ":*",
    "veilig:*",
    "a & !b | (c",
    "<->",
    "\\%_",
    "ß' ; --",
    "x" * 200,
]
# Texts that occur nowhere in the seed (an apostrophe does: "thema's"): a search for them
# finds nothing, as a LIKE wildcard or a tsquery operator taken as syntax would find all.
FIND_NOTHING = {"%", "_", "\\", "'||'", "%'--", "<->", "\\%_", "& | ! ( ) :*"}
NUMBERS = ["2023000853", "2024000001", "2024000002", "2024000003", "2024000004"]


def test_search_takes_any_text_as_words(client, world):
    """The search page, the overview's q and the API's q, with SQL and tsquery syntax: a
    page, not an error; no result where the text names nothing; nothing changed."""
    griffie = world.users["griffiemedewerker"]
    before = database_state()
    for text in METACHARACTERS:
        client.force_login(griffie)
        search = client.get(reverse("search"), {"q": text})
        listing = client.get(reverse("proposal_list"), {"q": text})
        api = client.get("/api/v1/proposals", {"q": text})
        client.logout()
        public = client.get(reverse("search"), {"q": text})
        assert (search.status_code, listing.status_code, public.status_code) == (200, 200, 200), text
        assert api.status_code in (200, 400), text
        if api.status_code == 400:
            assert api["Content-Type"].startswith("application/json") and api.json()["errors"], text
        if text in FIND_NOTHING:
            assert not any(number in page.text for number in NUMBERS for page in (search, listing, public)), (
                text
            )
            assert api.status_code != 200 or api.json()["items"] == [], text
    assert database_state() == before


def test_a_search_for_a_number_with_a_wildcard_finds_no_other_number(client, world):
    client.force_login(world.users["griffiemedewerker"])
    found = client.get(reverse("search"), {"q": "2024_00001"}).text
    assert "2024000001" not in found
    assert "2024000001" in client.get(reverse("search"), {"q": "2024000001"}).text


def test_a_nul_character_anywhere_is_a_refusal_never_an_error(client, world, bloemendaal_document):
    """PostgreSQL takes no NUL in any text (psycopg refuses to send it: DataError, a 500 if
    nobody catches it). A form field drops such input itself; the API's q, the numbers in
    the public and API addresses and a document sent in must be refused, or read as text
    that finds nothing: 200, 400 or 404, never 500. (SQLite stores NUL: there this test
    passes either way; it is meant for PostgreSQL.)"""
    signed = world.proposals["signed"]
    griffie = world.users["griffiemedewerker"]
    client.force_login(griffie)
    # Refused at the door (RefuseNulMiddleware) or dropped by the form: either is fine.
    for url in (reverse("search"), reverse("proposal_list")):
        assert client.get(url, {"q": "veilig\x00heid"}).status_code in (200, 400), url
    asked = {
        "/api/v1/proposals?q=veilig%00heid": (200, 400),
        f"/api/v1/proposals/{signed.municipality.code}/{signed.number}%00": (400, 404),
        f"/gemeenten/{signed.municipality.code}/besluiten/{signed.number}%00/": (400, 404),
        f"/gemeenten/{signed.municipality.code}/besluiten/{signed.number}%00/raadsbesluit.pdf": (400, 404),
    }
    for url, answers in asked.items():
        assert client.get(url).status_code in answers, url
    _token, secret = actions.create_token("Koppeling", by=griffie)
    document = own_document(bloemendaal_document, "2025000002", subject="Onderwerp\x00met NUL")
    response = client.post(
        "/api/v1/proposals",
        json.dumps(document),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code in (201, 400)


# --- Broken uploads and bodies ---


def files_under(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


BROKEN_PDFS = {
    # A text file renamed .pdf, sent as a PDF.
    "renamed": (b"Dit is geen PDF, alleen tekst met een andere naam.\n" * 20, "Dit is geen PDF-bestand."),
    # An HTML page renamed .pdf: what a browser might render if it were served back.
    "html": (b"<html><script>alert(1)</script></html>", "Dit is geen PDF-bestand."),
    # A PDF cut off halfway: no %%EOF.
    "truncated": (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"x" * 4096,
        "Dit is geen PDF-bestand.",
    ),
    # Only the last bytes look like a PDF.
    "eof_only": (b"MZ\x90\x00" + b"\x00" * 100 + b"%%EOF\n", "Dit is geen PDF-bestand."),
    "empty": (b"", "leeg"),
}


@pytest.mark.parametrize("kind", BROKEN_PDFS)
def test_a_broken_attachment_is_refused_in_dutch_and_nothing_is_stored(client, concept, griffie, media, kind):
    content, message = BROKEN_PDFS[kind]
    client.force_login(griffie)
    before, files = database_state(), files_under(media)
    response = client.post(
        reverse("attachment_add", args=[concept.pk]),
        {"title": "Bijlage", "file": SimpleUploadedFile("stuk.pdf", content, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert message in response.text
    assert database_state() == before and files_under(media) == files


def test_an_attachment_just_over_the_limit_is_refused_in_dutch(client, concept, griffie, media):
    client.force_login(griffie)
    before, files = database_state(), files_under(media)
    content = b"%PDF-1.7\n" + b"0" * (limits.MAX_UPLOAD_BYTES - 5) + b"%%EOF\n"
    assert len(content) > limits.MAX_UPLOAD_BYTES
    response = client.post(
        reverse("attachment_add", args=[concept.pk]),
        {
            "title": "Te groot",
            "file": SimpleUploadedFile("groot.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code in (400, 413)
    assert limits.megabytes(limits.MAX_UPLOAD_BYTES) in response.text
    assert database_state() == before and files_under(media) == files


def test_a_plan_document_that_is_no_pdf_is_refused_and_nothing_is_stored(
    client, rbop_secretaris, reference_data, media
):
    plan = RegionalPlan.objects.get(code="imv-nh-2024-2027")
    client.force_login(rbop_secretaris)
    page = client.get(reverse("plan_edit", args=[plan.code]))
    data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if value is not None and not isinstance(value, (list, dict))
    }
    data |= {"version": plan.version, "document": SimpleUploadedFile("plan.pdf", b"<html>geen pdf</html>")}
    before, files = database_state(), files_under(media)
    response = client.post(reverse("plan_edit", args=[plan.code]), data)
    assert response.status_code in (200, 400)
    assert "Dit is geen PDF-bestand." in response.text
    assert database_state() == before and files_under(media) == files


def test_checking_a_file_that_is_no_pdf_against_the_archive_is_no_error(client, reference_data):
    for content in (b"", b"<html></html>", b"%PDF-1.7 afgebroken", b"\x00\xff" * 1000):
        response = client.post(
            reverse("archive_check"), {"file": SimpleUploadedFile("x.pdf", content), "sha256": ""}
        )
        assert response.status_code in (200, 400), content[:10]


@pytest.fixture
def token_of(griffie):
    _token, secret = actions.create_token("Zaaksysteem", by=griffie)
    return {"Authorization": f"Bearer {secret}"}


# Each broken body, its content type, and the Dutch words that must start its message.
BROKEN_BODIES = {
    "not json": ("{dit is geen json", "application/json", "geen geldige JSON"),
    "cut off": (
        '{"format": "raadsvoorstel/1", "municipality": {"code": "GM0377"',
        "application/json",
        "geen geldige JSON",
    ),
    "a list": ("[]", "application/json", "de lijst bevat geen voorstellen"),
    "a string": ('"raadsvoorstel"', "application/json", "moet een JSON-object zijn"),
    "null": ("null", "application/json", "moet een JSON-object zijn"),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, "application/json", "de JSON is te diep genest"),
    "a form": ("format=raadsvoorstel%2F1&number=1", "application/x-www-form-urlencoded", "geen geldige JSON"),
    "plain text": ("raadsvoorstel", "text/plain", "geen geldige JSON"),
    "empty": ("", "application/json", "geen geldige JSON"),
}


@pytest.mark.parametrize("kind", BROKEN_BODIES)
def test_a_broken_body_to_the_api_is_refused_in_dutch_and_nothing_is_stored(client, concept, token_of, kind):
    """The body is read as JSON whatever its content type says; what cannot be read is
    refused with the import's own Dutch message (which quotes Python's parser in brackets)."""
    body, content_type, message = BROKEN_BODIES[kind]
    before = database_state()
    response = client.post("/api/v1/proposals", body, content_type=content_type, headers=token_of)
    assert response.status_code in (400, 415), response.status_code
    assert response["Content-Type"].startswith("application/json")
    assert [error["message"].startswith(message) for error in response.json()["errors"]] == [True]
    assert database_state() == before


# Words that would mean a message came through untranslated (pydantic's, ninja's).
ENGLISH = ("field required", "input should be", "unprocessable", "json decode error")


def test_a_body_that_is_not_utf8_is_refused_in_dutch(client, concept, token_of):
    before = database_state()
    response = client.post(
        "/api/v1/proposals",
        '{"subject": "caf\xe9"}'.encode("latin-1"),
        content_type="application/json",
        headers=token_of,
    )
    assert response.status_code == 400 and "UTF-8" in response.json()["errors"][0]["message"]
    assert database_state() == before


def test_a_broken_step_to_the_api_is_refused_in_dutch(client, concept, token_of):
    url = f"/api/v1/proposals/{concept.municipality.code}/{concept.number}/transitions"
    before = database_state()
    for body in ("{niet af", "[]", '{"transition": 1}', '{"transition": "submit", "version": "x"}'):
        response = client.post(url, body, content_type="application/json", headers=token_of)
        assert response.status_code == 400, body
        assert all(error["message"] for error in response.json()["errors"]), body
        assert not any(
            english in e["message"].lower() for e in response.json()["errors"] for english in ENGLISH
        )
    assert database_state() == before


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, concept, token_of):
    before = database_state()
    body = '{"subject": "' + "x" * limits.MAX_IMPORT_BYTES + '"}'
    response = client.post("/api/v1/proposals", body, content_type="application/json", headers=token_of)
    assert response.status_code == 413
    assert limits.megabytes(limits.MAX_IMPORT_BYTES) in response.json()["errors"][0]["message"]
    assert database_state() == before


def test_an_upload_request_far_over_the_limit_is_refused_before_the_csrf_check_reads_it(
    client, concept, griffie
):
    """limits.limit_upload answers a huge request with 413 before anything reads its body; the
    CSRF check still guards every request under the limit (test_every_post_without_a_csrf_token…)."""
    client.force_login(griffie)
    too_large = limits.MAX_UPLOAD_BYTES + limits.UPLOAD_REQUEST_SLACK_BYTES + 1
    response = client.generic(
        "POST",
        reverse("proposal_sign", args=[concept.pk]),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(too_large),
    )
    assert response.status_code == 413


# --- Guessing passwords ---


def log_in(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_after_the_allowed_failures_even_the_right_password_is_refused(client, with_password, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, with_password.username, f"fout-{attempt}")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    locked = log_in(client, with_password.username, "nog-eens-fout")
    assert locked.status_code == 429
    response = log_in(client, with_password.username, "geheim-en-lang")
    assert response.status_code == 429 and "Te veel mislukte pogingen" in response.text
    assert "_auth_user_id" not in client.session
    # By name and address together: a colleague at the same address still logs in.
    colleague = User.objects.create_user(
        "griffie-2", password="ook-geheim", role=Role.GRIFFIER, municipality=with_password.municipality
    )
    assert log_in(Client(), colleague.username, "ook-geheim").status_code == 302


def test_a_forged_forwarded_for_header_does_not_lift_the_lock(client, with_password, settings):
    """Without a proxy the header is not read at all; behind one only its last entry (what
    the proxy saw) counts, so a client that writes its own entries in front gains nothing."""
    for proxied in (False, True):
        settings.RAADSVOORSTEL_FORWARDED_FOR = proxied
        axes_reset()
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            log_in(
                client,
                with_password.username,
                "fout",
                headers={"X-Forwarded-For": f"10.9.{attempt}.1, 192.0.2.7"},
            )
        response = log_in(
            client,
            with_password.username,
            "geheim-en-lang",
            headers={"X-Forwarded-For": "203.0.113.99, 192.0.2.7"},
        )
        assert response.status_code == 429, f"proxied={proxied}"
        assert "_auth_user_id" not in client.session


def test_the_admin_login_counts_the_same_failures(client, reference_data, settings):
    User.objects.create_superuser("beheer-slot", "beheer@example.invalid", "beheer-geheim")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "beheer-slot", "password": "fout"})
    response = client.post(reverse("admin:login"), {"username": "beheer-slot", "password": "beheer-geheim"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- Ids that do not belong together ---


def test_an_id_under_another_parent_does_not_exist(client, world):
    """Every nested id is looked up under its parent: an attachment of another proposal, an
    item of another meeting, a vote of another item, a member or token of another
    municipality is a 404 for the griffie, however it is combined."""
    griffie, outsider = world.users["griffiemedewerker"], world.users["outsider"]
    amsterdam_member = actions.add_member(
        outsider.municipality, "Lid Amsterdam", "Partij", datetime.date(2022, 3, 30), by=outsider
    )
    amsterdam_token, _secret = actions.create_token("Amsterdam", by=outsider)
    open_item, planned_item = world.items["open"], world.items["planned"]
    vote = world.open_vote
    client.force_login(griffie)
    baseline = database_state()
    gets = [
        reverse("attachment_download", args=[world.proposals["council"].pk, world.attachments["concept"].pk]),
        reverse("item_detail", args=[world.meetings["open"].pk, planned_item.pk]),
        reverse("item_vote_panel", args=[world.meetings["planned"].pk, open_item.pk]),
        reverse("member_edit", args=[amsterdam_member.pk]),
        reverse("bundle_progress", args=[world.plans["concept"].code, world.bundle.pk]),
    ]
    posts = [
        reverse("attachment_delete", args=[world.proposals["council"].pk, world.attachments["concept"].pk]),
        reverse("item_ballot", args=[planned_item.meeting_id, planned_item.pk, vote.pk, world.member.pk]),
        reverse("item_ballot", args=[open_item.meeting_id, open_item.pk, vote.pk, amsterdam_member.pk]),
        reverse("item_close_vote", args=[planned_item.meeting_id, planned_item.pk, vote.pk]),
        reverse("item_withdraw_vote", args=[world.meetings["planned"].pk, open_item.pk, vote.pk]),
        reverse("token_revoke", args=[amsterdam_token.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        status, changed = ask(
            client, None, "POST", url, {"choice": "voor", "reason": "x"}, baseline=baseline, keep_login=True
        )
        assert (status, changed) == (404, []), url


# --- Odd query strings ---

ODD_VALUES = ["'", "-1", "99999999999999999999", "[]", "x" * 300, "2023-02-30", "GM0377'--", "%", "1e309"]
# Every query parameter any page or the API reads.
PARAMETERS = [
    "q",
    "pagina",
    "page",
    "p",
    "state",
    "theme",
    "sort",
    "since",
    "until",
    "municipality",
    "limit",
    "cursor",
    "next",
    "format",
]


def test_no_query_string_makes_any_page_fail(world):
    """Each page, asked by the public and by the griffie with every parameter set to
    something odd: a page or a refusal, never a 500."""
    failed = []
    for visitor in ("anonymous", "griffiemedewerker"):
        client = Client(raise_request_exception=False)
        if world.users[visitor] is not None:
            client.force_login(world.users[visitor])
        for route in discovered_routes():
            if route.name == "logout":
                continue
            url = url_of(route, states_of(route)[-1], world)
            for value in ODD_VALUES:
                response = client.get(url, dict.fromkeys(PARAMETERS, value))
                if response.status_code >= 500 and route.name != "health":
                    failed.append(f"{visitor} GET {url}?…={value[:20]!r}: {response.status_code}")
    assert failed == [], "\n".join(failed)


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
)
def test_a_moment_at_the_edge_of_the_calendar_is_refused_not_an_error(reference_data, since):
    response = Client(raise_request_exception=False).get("/api/v1/proposals", {"since": since})
    assert response.status_code in (200, 400)
