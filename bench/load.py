"""Load the production stack over HTTP: gunicorn (raadsvoorstel/gunicorn_conf.py) and the
background worker on PostgreSQL, with N simulated users for S seconds.

Run from the repository root:  .venv/bin/python bench/load.py [--users 50] [--seconds 60]
                                   [--proposals 100000] [--database-url URL]

Self-contained and bounded: it creates a PostgreSQL database of its own (default
postgres://postgres@127.0.0.1:5432/raadsvoorstel_load, dropped at the end) and fills it with
bench/lists.py's proposals; it makes the accounts it needs (griffiemedewerkers of Bloemendaal
and one raadslid account per seat), collects the static files into a temporary directory,
and starts `gunicorn` and `manage.py worker` with the environment of the README's
Production section on 127.0.0.1 with a free port. Every user logs in through the login page
and then, without pause, asks for the overview (a random page), a proposal page, a search,
the raadsvoorstel PDF (served from the kept rendering, actions/renders.py), an edit (the
editor's form sent back with its CSRF token and version), or a ballot (a raadslid in the
open roll call, from /stemmen/; when all have voted the vote is closed and the next item's
opened). Every few seconds 10 griffie sessions send the same transition with the same
version on one concept at once: exactly one may succeed (302), the others must get 409.

It prints requests per second and p50/p95/p99 per kind, and the unexpected answers (a 5xx,
any status a kind does not expect, a burst with other than one winner). Afterwards it checks
the bursts and ballots in the database, that every PDF served equals its kept rendering
(rendered once per text), and `manage.py verify_history`; then it stops both servers and
drops the database. Exit code 1 when anything was unexpected.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import math
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lists import TOTAL, WORDS, fill  # noqa: E402
from regional import BASE_DIR, create_database, drop_database, environment, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/raadsvoorstel_load"
PASSWORD = "bench-load-not-secret"
BURST_SIZE = 10
# What a user does next, by weight; a kind with nothing left to do (no ballot waiting, no
# concept of one's own) becomes a proposal page.
MIX = {"overview": 30, "proposal": 25, "search": 15, "pdf": 10, "edit": 10, "vote": 10}
# The statuses each kind expects; anything else is an error.
EXPECTED = {
    "overview": {200},
    "proposal": {200},
    "search": {200},
    "pdf (render)": {200, 202},  # 202: queued for the worker (a large text); these are small
    "pdf": {200, 202},
    "edit form": {200},
    "edit": {302},
    "vote page": {200},
    "vote": {302},
    "burst": {302, 409},
}


# --- HTTP ---


class Browser:
    """One session: cookies kept by hand (production marks them Secure, and this is plain
    http on 127.0.0.1), no redirects followed, a new connection per request (gunicorn's
    synchronous workers close it after each answer)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: list | dict | None = None) -> tuple[int, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "raadsvoorstel-bench-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.partition("=")
            if "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()
        return response.status, content


class Forms(HTMLParser):
    """The forms of a page: each with its action and the fields a browser would send
    (checked boxes only, a select's chosen options, no buttons)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: list | None = None
        self._select: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the newline right after <textarea>, as Django's widget writes it.
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self._form["fields"].extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._form = None

    def find(self, action_end: str) -> dict:
        for form in self.forms:
            if form["action"].endswith(action_end):
                return form
        raise LookupError(f"no form posting to …{action_end}")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        raise LookupError("no CSRF token on the page")
    return match.group(1)


def log_in(browser: Browser, username: str) -> None:
    status, page = browser.request("GET", "/inloggen/")
    assert status == 200, ("login page", status)
    fields = {"csrfmiddlewaretoken": csrf_token(page.decode()), "username": username, "password": PASSWORD}
    status, _ = browser.request("POST", "/inloggen/", fields)
    assert status == 302, (f"login of {username}", status)


# --- What is measured ---


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []
        self.pdf_digests: dict[int, set[str]] = defaultdict(set)
        self.ballots_cast = 0

    def timed(self, browser: Browser, kind: str, method: str, path: str, fields=None) -> tuple[int, bytes]:
        started = time.perf_counter()
        try:
            status, content = browser.request(method, path, fields)
        except (OSError, http.client.HTTPException) as error:
            self.error(kind, f"{kind} {method} {path}: {type(error).__name__}: {error}")
            return 0, b""
        elapsed = time.perf_counter() - started
        with self.lock:
            self.samples[kind].append(elapsed)
        if status not in EXPECTED[kind]:
            self.error(kind, f"{kind} {method} {path}: {status}")
        return status, content

    def error(self, kind: str, example: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.examples) < 25:
                self.examples.append(example)


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest rank."""
    return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


class RollCalls:
    """One roll call open at a time (the law's and the app's rule): the ballots still to be
    cast are handed out one at a time; the user whose ballot completes the vote closes it and
    opens the next agenda item's, as the griffie would (in this process, through the actions)."""

    def __init__(self, items: list, members: dict, griffie):
        self.lock = threading.Lock()
        self.items, self.members, self.griffie = list(items), members, griffie
        self.vote = None
        self.pending: list[tuple[Browser, int]] = []
        self.outstanding = 0
        self.closed = 0
        self.stuck = ""

    def next_vote(self) -> None:
        from raadsvoorstel import actions
        from raadsvoorstel.models import VoteMode

        if self.vote is not None:
            actions.close_vote(self.vote, by=self.griffie)
            self.closed += 1
            self.vote = None
        if not self.items:
            return
        self.vote = actions.start_vote(self.items.pop(0), VoteMode.HOOFDELIJK, by=self.griffie)
        self.pending = [(self.members[pk], self.vote.pk) for pk in self.vote.call_order]
        random.shuffle(self.pending)
        self.outstanding = len(self.pending)

    def take(self) -> tuple[Browser, int] | None:
        with self.lock:
            return self.pending.pop() if self.pending else None

    def cast(self, succeeded: bool) -> None:
        with self.lock:
            if not succeeded:
                self.stuck = self.stuck or "a ballot failed, so the roll call cannot close"
            self.outstanding -= 1
            if self.outstanding == 0 and not self.stuck:
                try:
                    self.next_vote()
                except Exception as error:  # reported, and the users stop voting
                    self.stuck = f"closing or opening a roll call failed: {error}"


class Simulation:
    def __init__(self, args, port: int, world: dict, recorder: Recorder, roll_calls: RollCalls):
        self.args, self.port, self.world = args, port, world
        self.recorder, self.roll_calls = recorder, roll_calls
        self.bursts: list[dict] = []
        self.pdfs_served: set[int] = set()

    def user(self, browser: Browser, concepts: list[int], seed: int, deadline: float) -> None:
        from django.db import connections

        rng = random.Random(seed)
        kinds, weights = list(MIX), list(MIX.values())
        try:
            while time.monotonic() < deadline:
                kind = rng.choices(kinds, weights)[0]
                if kind == "overview":
                    self.recorder.timed(
                        browser, kind, "GET", f"/voorstellen/?pagina={rng.randint(1, self.world['pages'])}"
                    )
                elif kind == "search":
                    words = "+".join(rng.sample(WORDS, 2))
                    self.recorder.timed(browser, kind, "GET", f"/zoeken/?q={words}")
                elif kind == "pdf":
                    self.pdf(browser, rng.choice(self.world["pdf_pool"]))
                elif kind == "edit" and concepts:
                    self.edit(browser, rng.choice(concepts), rng)
                elif kind == "vote" and (ballot := self.roll_calls.take()) is not None:
                    self.vote(*ballot, rng)
                else:
                    pk = rng.choice(self.world["own"])
                    self.recorder.timed(browser, "proposal", "GET", f"/voorstellen/{pk}/")
        finally:
            connections.close_all()

    def pdf(self, browser: Browser, pk: int) -> None:
        """Until one request for a proposal's PDF has been answered, each renders it (about
        0.3 s alone); after that they are served from the kept rendering, and timed apart."""
        with self.recorder.lock:
            kind = "pdf" if pk in self.pdfs_served else "pdf (render)"
        status, content = self.recorder.timed(browser, kind, "GET", f"/voorstellen/{pk}/raadsvoorstel.pdf")
        with self.recorder.lock:
            self.pdfs_served.add(pk)
        if status == 200:
            with self.recorder.lock:
                self.recorder.pdf_digests[pk].add(hashlib.sha256(content).hexdigest())

    def edit(self, browser: Browser, pk: int, rng: random.Random) -> None:
        path = f"/voorstellen/{pk}/bewerken/"
        status, page = self.recorder.timed(browser, "edit form", "GET", path)
        if status != 200:
            return
        fields = Forms(page.decode()).find(path)["fields"]
        changed = False
        for index, (name, value) in enumerate(fields):
            if name == "subject" or name.endswith("-subject"):
                base = re.sub(r" \(bewerkt \d+\)$", "", value)
                fields[index] = (name, f"{base} (bewerkt {rng.randint(1, 999)})")
                changed = True
        if not changed:
            self.recorder.error("edit", f"edit {path}: no subject field in the form")
            return
        self.recorder.timed(browser, "edit", "POST", path, fields)

    def vote(self, member: Browser, vote_pk: int, rng: random.Random) -> None:
        status, page = self.recorder.timed(member, "vote page", "GET", "/stemmen/")
        succeeded = False
        if status == 200:
            fields = {
                "csrfmiddlewaretoken": csrf_token(page.decode()),
                "vote": vote_pk,
                "choice": rng.choice(["voor", "tegen"]),
            }
            status, _ = self.recorder.timed(member, "vote", "POST", "/stemmen/", fields)
            succeeded = status == 302
            if succeeded:
                with self.recorder.lock:
                    self.recorder.ballots_cast += 1
        self.roll_calls.cast(succeeded)

    def burster(self, browsers: list[Browser], pool: list[int], deadline: float) -> None:
        """Every few seconds, 10 sessions send "Naar de raad sturen" for one concept, all with
        the version their page showed, released together."""
        next_at = time.monotonic()
        while pool and (next_at := next_at + self.args.burst_every) < deadline:
            time.sleep(max(0.0, next_at - time.monotonic()))
            pk = pool.pop()
            action = f"/voorstellen/{pk}/stap/submit/"
            forms = []
            for browser in browsers:
                status, page = browser.request("GET", f"/voorstellen/{pk}/")
                if status != 200:
                    self.recorder.error("burst", f"burst page {pk}: {status}")
                    break
                forms.append(Forms(page.decode()).find(action)["fields"])
            else:
                versions = {dict(fields)["version"] for fields in forms}
                statuses = self.release(browsers, action, forms)
                winners = statuses.count(302)
                if winners != 1 or statuses.count(409) != len(browsers) - 1 or len(versions) != 1:
                    self.recorder.error("burst", f"burst on {pk}: {sorted(statuses)}, versions {versions}")
                self.bursts.append({"pk": pk, "winners": winners, "statuses": sorted(statuses)})

    def release(self, browsers: list[Browser], action: str, forms: list[list]) -> list[int]:
        """Send each browser's form at the same moment; their statuses."""
        statuses: list[int] = []
        barrier = threading.Barrier(len(browsers))

        def send(browser: Browser, fields: list) -> None:
            barrier.wait()
            status, _ = self.recorder.timed(browser, "burst", "POST", action, fields)
            with self.recorder.lock:
                statuses.append(status)

        threads = [threading.Thread(target=send, args=pair) for pair in zip(browsers, forms, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return statuses


# --- The stack ---


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, processes: list[subprocess.Popen], logs: Path, seconds: float = 90) -> None:
    """Until /gezond/ says 200 (database, storage and the worker's heartbeat)."""
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[2:4]} stopped; see {logs}")
        try:
            status, body = Browser(port).request("GET", "/gezond/")
            if status == 200:
                return
            last = f"{status} {body[:200]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    raise RuntimeError(f"the stack did not become healthy in {seconds:.0f} s: {last}")


def record_imports(chunk: int = 2000) -> int:
    """The audit entries a real import writes for a signed proposal ("import_proposal" with
    the record's digest), which the generator's bulk rows lack: without them
    `verify_history` rightly says each signed decision was never signed. The record is
    `audit.record_of`'s, computed here a chunk at a time (it loads each proposal by itself);
    should the two drift apart, `verify_history` at the end says so. The chain is
    `audit.append`'s, written in bulk under its lock."""
    from django.db import transaction
    from django.utils import timezone

    from raadsvoorstel import audit
    from raadsvoorstel.interchange import export_proposal
    from raadsvoorstel.models import AuditEntry, AuditLock, Proposal

    pks = list(Proposal.objects.final().order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        AuditLock.objects.select_for_update().get_or_create(pk=1)
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, previous_hash = last if last else (0, audit.GENESIS)
        for start in range(0, len(pks), chunk):
            entries = []
            for proposal in Proposal.objects.with_document().filter(pk__in=pks[start : start + chunk]):
                document = export_proposal(proposal)
                state = document.pop("state")
                document["themes"] = sorted(document["themes"])
                if document.get("decision"):
                    document["decision"].pop("pdf_sha256", None)
                    document["decision"]["paper_scan_sha256"] = proposal.decision.paper_scan_sha256
                digest = audit.sha256(document)
                payload = {"state": state, "record_sha256": digest, "source": "bench/lists.py"}
                seq += 1
                entry = AuditEntry(
                    seq=seq,
                    at=timezone.now().astimezone(datetime.UTC),
                    actor=None,
                    actor_name=audit.SYSTEM,
                    action="import_proposal",
                    object_type="proposal",
                    object_key=proposal.key,
                    payload=payload,
                    digest=audit.sha256(payload),
                    previous_hash=previous_hash,
                )
                entry.hash = previous_hash = audit.entry_hash(entry)
                entries.append(entry)
            AuditEntry.objects.bulk_create(entries)
    return len(pks)


def prepare(args, rng: random.Random) -> dict:
    """The proposals, accounts, meeting and pools the users work with (in this process)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db.models import Q

    from raadsvoorstel import actions
    from raadsvoorstel.models import CouncilMember, Proposal, Role, State, User

    started = time.perf_counter()
    world = fill(rng, args.proposals)
    own, griffie, meeting = world["own"], world["griffie"], world["meeting"]
    print(
        f"{args.proposals} voorstellen, {world['own_count']} van Bloemendaal, "
        f"aangemaakt in {time.perf_counter() - started:.0f} s"
    )
    started = time.perf_counter()
    print(f"{record_imports()} ondertekende in het logboek in {time.perf_counter() - started:.0f} s")
    # The servers keep Django's default hashers; this process has setup_django's MD5.
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt())
    names = [f"load-griffie-{n:03d}" for n in range(args.users + BURST_SIZE)]
    User.objects.bulk_create(
        User(username=name, password=password, role=Role.GRIFFIEMEDEWERKER, municipality=own)
        for name in names
    )
    members = {}
    for n in range(own.seats):
        user = User.objects.create(
            username=f"load-raadslid-{n:02d}", password=password, role=Role.RAADSLID, municipality=own
        )
        member = CouncilMember.objects.create(
            municipality=own,
            name=f"Raadslid {n:02d}",
            party=f"Fractie {n % 5}",
            seated_from=datetime.date(2022, 3, 30),
            user=user,
        )
        members[member.pk] = user.username

    before_council = list(
        Proposal.objects.filter(municipality=own, state=State.COUNCIL_ADVICE).order_by("pk")[: args.agenda]
    )
    items = [actions.put_on_agenda(meeting, proposal, by=griffie) for proposal in before_council]
    actions.open_meeting(meeting, members=list(CouncilMember.objects.filter(municipality=own)), by=griffie)

    concepts = list(
        Proposal.objects.filter(municipality=own, state=State.CONCEPT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng.shuffle(concepts)
    bursts_needed = args.seconds // args.burst_every + 1
    burst_pool, edit_pool = concepts[:bursts_needed], concepts[bursts_needed:]
    signed = Proposal.objects.filter(municipality=own, state=State.SIGNED).order_by("pk")
    own_pks = list(Proposal.objects.filter(Q(municipality=own)).values_list("pk", flat=True))
    print(
        f"{len(names)} griffie-accounts, {len(members)} raadsleden, {len(items)} agendapunten voor "
        f"hoofdelijke stemmingen, {len(burst_pool)} concepten voor bursts, {len(edit_pool)} om te bewerken"
    )
    return {
        "own": own_pks,
        "pages": (world["own_count"] + 24) // 25,
        "griffie": griffie,
        "names": names,
        "members": members,
        "items": items,
        "burst_pool": burst_pool,
        "edit_pool": edit_pool,
        "pdf_pool": list(signed.values_list("pk", flat=True)[: args.pdf_proposals]),
    }


def check_afterwards(sim: Simulation, recorder: Recorder, env: dict) -> list[str]:
    """What the database says of the run; a list of problems, empty when all is well."""
    from django_fsm_log.models import StateLog

    from raadsvoorstel.models import MemberBallot, Proposal, RenderedDocument, RenderKind, State

    problems = []
    for burst in sim.bursts:
        proposal = Proposal.objects.get(pk=burst["pk"])
        logged = StateLog.objects.for_(proposal).filter(transition="submit").count()
        if burst["winners"] != 1 or logged != 1 or proposal.state != State.COUNCIL_ADVICE:
            problems.append(
                f"burst on {burst['pk']}: {burst['winners']} winners answered, {logged} submits logged, "
                f"state {proposal.state}"
            )
    stored = MemberBallot.objects.filter(member__user__username__startswith="load-raadslid-").count()
    if stored != recorder.ballots_cast:
        problems.append(f"ballots: {recorder.ballots_cast} answered 302, {stored} stored")
    for pk, digests in recorder.pdf_digests.items():
        kept = list(
            RenderedDocument.objects.filter(proposal_id=pk, kind=RenderKind.RAADSVOORSTEL).values_list(
                "sha256", flat=True
            )
        )
        if len(kept) != 1 or digests != set(kept):
            problems.append(
                f"raadsvoorstel PDF of {pk}: {len(digests)} different downloads, {len(kept)} kept renderings"
            )
    if sim.roll_calls.stuck:
        problems.append(f"roll calls: {sim.roll_calls.stuck}")
    verified = subprocess.run(
        [sys.executable, "manage.py", "verify_history"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    print(f"verify_history: {(verified.stdout or verified.stderr).strip().splitlines()[:1]}")
    if verified.returncode != 0:
        problems.append(f"verify_history failed: {verified.stderr.strip()[-500:]}")
    return problems


def report(args, recorder: Recorder, sim: Simulation, elapsed: float, workers: int) -> None:
    total = sum(len(s) for s in recorder.samples.values())
    print(
        f"\n{args.users} gebruikers, {elapsed:.0f} s; gunicorn {workers} workers; Python "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )
    print(f"{total} requests, {total / elapsed:.1f} per second; {len(sim.bursts)} bursts of {BURST_SIZE}")
    print(f"{'kind':<12}{'count':>7}{'p50':>10}{'p95':>10}{'p99':>10}{'errors':>8}")
    for kind in EXPECTED:
        samples = sorted(recorder.samples.get(kind, []))
        if not samples and not recorder.errors.get(kind):
            continue
        figures = (
            "".join(f"{percentile(samples, q) * 1000:7.0f} ms" for q in (0.5, 0.95, 0.99))
            if samples
            else f"{'—':>30}"
        )
        print(f"{kind:<12}{len(samples):>7}{figures}{recorder.errors.get(kind, 0):>8}")
    print(f"roll calls closed: {sim.roll_calls.closed}; ballots cast: {recorder.ballots_cast}")
    for example in recorder.examples:
        print(f"  unexpected: {example}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--proposals", type=int, default=TOTAL)
    parser.add_argument("--burst-every", type=int, default=5, help="seconds between bursts")
    parser.add_argument("--agenda", type=int, default=100, help="agenda items to hold roll calls on")
    parser.add_argument("--pdf-proposals", type=int, default=30, help="proposals whose PDF is asked for")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn_conf's)")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--static-dir", type=Path, help="collect the static files here once, and reuse them in later runs"
    )
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="raadsvoorstel-load-"))
    port = free_port()
    env = {
        **environment(args.database_url, var_dir),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "HOST": f"127.0.0.1:{port}",
        "RAADSVOORSTEL_LOG_LEVEL": "WARNING",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    processes: list[subprocess.Popen] = []
    problems: list[str] = []
    create_database(args.database_url)
    try:
        setup_django(env)
        world = prepare(args, random.Random(2026))
        # collectstatic compresses every file (gzip and Brotli): a minute or more. --static-dir
        # keeps its result for the next run (the app reads it as $RAADSVOORSTEL_VAR_DIR/static).
        if args.static_dir:
            args.static_dir.mkdir(parents=True, exist_ok=True)
            (var_dir / "static").symlink_to(args.static_dir.resolve(), target_is_directory=True)
        if (var_dir / "static" / "staticfiles.json").exists():
            print(f"static files from {args.static_dir}")
        else:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=BASE_DIR,
                env=env,
                check=True,
            )
            print(f"collectstatic in {time.perf_counter() - started:.0f} s")
        logs = var_dir / "logs"
        logs.mkdir()
        gunicorn = ["-m", "gunicorn", "--config", "python:raadsvoorstel.gunicorn_conf", "raadsvoorstel.wsgi"]
        for name, command in (("gunicorn", gunicorn), ("worker", ["manage.py", "worker", "--no-reload"])):
            with open(logs / f"{name}.log", "wb") as log:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, *command], cwd=BASE_DIR, env=env, stdout=log, stderr=log
                    )
                )
        wait_healthy(port, processes, logs)
        print(f"gunicorn and the worker listen on 127.0.0.1:{port}")

        def logged_in(username: str) -> Browser:
            browser = Browser(port)
            log_in(browser, username)
            return browser

        with ThreadPoolExecutor(max_workers=8) as pool:
            griffies = list(pool.map(logged_in, world["names"]))
            member_pks = list(world["members"])
            members = dict(zip(member_pks, pool.map(logged_in, world["members"].values()), strict=True))
        print(f"{len(griffies) + len(members)} sessions logged in")
        recorder = Recorder()
        roll_calls = RollCalls(world["items"], members, world["griffie"])
        roll_calls.next_vote()
        sim = Simulation(args, port, world, recorder, roll_calls)

        deadline = time.monotonic() + args.seconds
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=sim.user,
                args=(griffies[n], world["edit_pool"][n :: args.users], n, deadline),
                daemon=True,
            )
            for n in range(args.users)
        ]
        threads.append(
            threading.Thread(
                target=sim.burster, args=(griffies[args.users :], world["burst_pool"], deadline), daemon=True
            )
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic()) + 150)
        elapsed = time.perf_counter() - started
        if any(thread.is_alive() for thread in threads):
            problems.append("some users were still waiting for an answer 150 s after the end")
        workers = int(env.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
        report(args, recorder, sim, elapsed, workers)
        problems += check_afterwards(sim, recorder, env)
        if any(recorder.errors.values()):
            problems.append(f"{sum(recorder.errors.values())} unexpected answers (above)")
    except BaseException:
        for log in sorted(var_dir.glob("logs/*.log")):
            print(f"--- {log.name}, the last lines:")
            print("\n".join(log.read_text(errors="replace").splitlines()[-15:]))
        raise
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)
        shutil.rmtree(var_dir, ignore_errors=True)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("all checks passed" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
