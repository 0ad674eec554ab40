"""Faults from outside: a full disk while archiving, and PostgreSQL restarted under running
requests and a running task. Nothing may claim to be done that is not, nothing half-done may
stay, and everything carries on by itself once the fault has passed (issue 13).

The disk runs on the test database. The restart needs a PostgreSQL of its own, which the test
makes and throws away (initdb, pg_ctl) on a free port: never the server CI runs on.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from raadsvoorstel import actions, audit, files
from raadsvoorstel.models import ArchivedDecision, AuditEntry, Proposal
from tests.conftest import HAMERSTUK, with_state

# --- A full disk while archiving ---


class FullDiskStorage(FileSystemStorage):
    """Writes half of each file, then fails as a full disk does (ENOSPC), while `full` is set."""

    full = True

    def _save(self, name, content):
        if not FullDiskStorage.full:
            return super()._save(name, content)
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.read()
        path.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.fixture
def full_disk(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDiskStorage"}}
    FullDiskStorage.full = True
    yield FullDiskStorage
    FullDiskStorage.full = True


@pytest.fixture
def signed(db, import_document, bloemendaal_document, voorzitter, griffier) -> Proposal:
    advised = import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))
    actions.sign_decision(advised, by=voorzitter)
    actions.sign_decision(Proposal.objects.get(pk=advised.pk), by=griffier)
    return Proposal.objects.select_related("municipality").get(pk=advised.pk)


def stored_files() -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def archive_tasks():
    return DBTaskResult.objects.filter(task_path="raadsvoorstel.tasks.archive_decision")


def test_a_full_disk_while_archiving_claims_nothing_and_the_retry_archives(
    signed, full_disk, run_tasks, caplog
):
    with caplog.at_level(logging.ERROR, logger="raadsvoorstel.tasks"):
        assert run_tasks() == 1

    assert "No space left on device" in caplog.text
    assert not ArchivedDecision.objects.exists()
    assert not AuditEntry.objects.filter(action=audit.ARCHIVING_ACTION).exists()
    assert stored_files() == []  # not even the half that was written
    failed, retry = archive_tasks().order_by("enqueued_at")
    assert failed.status == "FAILED" and retry.status == "READY"
    call_command("verify_history", verbosity=0)

    # The disk has room again; the retry's wait has passed.
    full_disk.full = False
    archive_tasks().filter(status="READY").update(run_after=timezone.now())
    assert run_tasks() == 1

    archived = ArchivedDecision.objects.get(proposal=signed)
    assert archived.file.name == f"archief/{signed.pk}/{archived.sha256}.pdf"
    assert stored_files() == [Path(settings.MEDIA_ROOT) / archived.file.name]
    assert hashlib.sha256(files.read_verified(archived.file, archived.sha256)).hexdigest() == archived.sha256
    (entry,) = AuditEntry.objects.filter(action=audit.ARCHIVING_ACTION)
    assert entry.payload["sha256"] == archived.sha256
    call_command("verify_history", verbosity=0)
    call_command("check_archive", verbosity=0)


def test_a_database_error_after_the_file_is_stored_leaves_no_file(signed, monkeypatch):
    from django.db import OperationalError

    from raadsvoorstel.actions import decisions

    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(decisions, "record", fail)
    with pytest.raises(OperationalError):
        actions.archive_signed_decision(signed)

    assert not ArchivedDecision.objects.exists()
    assert stored_files() == []
    monkeypatch.undo()
    archived = actions.archive_signed_decision(signed)
    assert stored_files() == [Path(settings.MEDIA_ROOT) / archived.file.name]


# --- PostgreSQL restarted while requests and a task run ---
#
# A cluster of the test's own: initdb into a temporary directory, pg_ctl on a free port of
# 127.0.0.1, trust authentication. PostgreSQL refuses to run as root; as root, the cluster
# runs as the system's postgres user (runuser), in a directory that user owns.


def postgresql_bin() -> Path | None:
    for candidate in [
        *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True),
        *(Path(found).parent for found in [shutil.which("pg_ctl")] if found),
    ]:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def run_as_prefix() -> list[str] | None:
    """What runs a PostgreSQL binary here: nothing as a plain user; as root, runuser to the
    postgres user when there is one; None when neither works."""
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--"] if runuser else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    def __init__(self, bin_dir: Path, prefix: list[str], root: Path):
        self.bin_dir, self.prefix, self.root = bin_dir, prefix, root
        self.data = root / "data"
        self.port = free_port()

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.prefix, str(self.bin_dir / program), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            cwd=self.root,
        )

    def initdb(self) -> None:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def private_cluster():
    bin_dir = postgresql_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed: no private cluster to restart")
    prefix = run_as_prefix()
    if prefix is None:
        pytest.skip("running as root without a postgres user or runuser: PostgreSQL will not start as root")
    root = Path(tempfile.mkdtemp(prefix="raadsvoorstel-faults-"))
    if prefix:
        shutil.chown(root, "postgres")
    cluster = PrivateCluster(bin_dir, prefix, root)
    cluster.initdb()
    cluster.start()
    cluster.run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "raadsvoorstel")
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


# Production's settings (DEBUG off, so failures take production's path) with the static files
# as they are in the source tree: `collectstatic` for the manifest would take a minute and a half.
FAULT_SETTINGS = """
from raadsvoorstel.settings import *  # noqa: F403
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""

SETUP = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from raadsvoorstel import actions, demo
from raadsvoorstel.interchange import parse_documents
from raadsvoorstel.models import Municipality, Proposal, Role, User
from tests.conftest import BLOEMENDAAL_FILE, HAMERSTUK, with_state

demo.load_reference_data()
bloemendaal = Municipality.objects.get(code="GM0377")
people = {role: User.objects.create(username=role, role=role, municipality=bloemendaal)
          for role in (Role.GRIFFIEMEDEWERKER, Role.VOORZITTER, Role.GRIFFIER)}
griffie = people[Role.GRIFFIEMEDEWERKER]
document = json.loads(BLOEMENDAAL_FILE.read_text(encoding="utf-8"))
(concept,) = actions.import_proposals(parse_documents([("concept.json", json.dumps(document))]))
signed_document = with_state(document, "advised", HAMERSTUK)
signed_document["number"] = "2023000999"
signed_document["regional_plan"] = None  # one answer per municipality to the regional plan
(advised,) = actions.import_proposals(parse_documents([("advised.json", json.dumps(signed_document))]))
actions.sign_decision(advised, by=people[Role.VOORZITTER])
actions.sign_decision(Proposal.objects.get(pk=advised.pk), by=people[Role.GRIFFIER])  # queues the archive
_, token = actions.create_token("storingstest", by=griffie)
session = SessionStore()
session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(griffie.pk), settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = griffie.get_session_auth_hash()
session.create()
print(json.dumps(
    {"token": token, "session": session.session_key, "concept": concept.pk, "signed": advised.pk}
))
"""

# The worker, with the archive's render held (once it is done) until the database has been
# stopped: the task is then certainly in flight when PostgreSQL goes away, and stores into it.
WORKER = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from raadsvoorstel import pdf
render_besluit = pdf.render_besluit
def held_render(proposal):
    rendered = render_besluit(proposal)
    Path(os.environ["FAULTS_DIR"], "rendering").touch()
    deadline = time.monotonic() + 60
    while not Path(os.environ["FAULTS_DIR"], "database-stopped").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return rendered
pdf.render_besluit = held_render
from django.core.management import call_command
call_command("worker", "--interval", "0.2", "--no-reload", "--no-startup-delay", "--queue-name", "*")
"""

UNAVAILABLE = "De database is even niet bereikbaar"


class Traffic:
    """Requests in a loop from a few threads, each answer noted with when it came."""

    def __init__(self, base: str, token: str, session: str):
        self.base, self.token, self.session = base, token, session
        self.answers: list[dict] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def request(self, kind: str, path: str, body: bytes | None = None, headers: dict | None = None) -> dict:
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text, got = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            status, text, got = error.code, error.read().decode(), error.headers
        answer = {
            "kind": kind,
            "status": status,
            "text": text,
            "retry_after": got.get("Retry-After"),
            "type": got.get("Content-Type", ""),
            "started": started,
            "ended": time.monotonic(),
        }
        with self.lock:
            self.answers.append(answer)
        return answer

    def read_pages(self) -> None:
        while not self.stop.is_set():
            self.request("page", "/", headers={"Cookie": f"sessionid={self.session}"})
            self.request("api-read", "/api/v1/proposals/")

    def take_steps(self) -> None:
        """submit, return_to_concept, submit, ... : each step either happened or did not."""
        state = "concept"
        while not self.stop.is_set():
            step = (
                {"transition": "submit"}
                if state == "concept"
                else {"transition": "return_to_concept", "reason": "Storingstest"}
            )
            answer = self.request(
                "api-step",
                "/api/v1/proposals/GM0377/2023000853/transitions",
                body=json.dumps(step).encode(),
                headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )
            if answer["status"] == 200:
                state = json.loads(answer["text"])["state"]
            elif answer["status"] != 503:
                # After a 503 the step may or may not have been committed: ask.
                state = "concept" if state != "concept" else "submitted"

    def between(self, start: float, end: float) -> list[dict]:
        with self.lock:
            return [a for a in self.answers if a["ended"] >= start and a["started"] <= end]


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what} after {seconds} s")


@pytest.mark.slow
@pytest.mark.skipif(postgresql_bin() is None, reason="PostgreSQL's initdb and pg_ctl are not installed")
def test_a_postgresql_restart_gives_503s_leaves_nothing_half_done_and_everything_recovers(private_cluster):
    work = private_cluster.root / "app"
    work.mkdir()
    (work / "fault_settings.py").write_text(FAULT_SETTINGS)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="fault_settings",
        PYTHONPATH=os.pathsep.join([str(work), str(settings.BASE_DIR)]),
        DJANGO_SECRET_KEY="faults-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=private_cluster.url("raadsvoorstel"),
        RAADSVOORSTEL_VAR_DIR=str(work / "var"),
        FAULTS_DIR=str(work),
        HOST=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="3",
        GUNICORN_TIMEOUT="30",
    )

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def python(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    ids = json.loads(python(SETUP).strip().splitlines()[-1])

    logs = {name: open(work / f"{name}.log", "w") for name in ("gunicorn", "worker")}  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "python:raadsvoorstel.gunicorn_conf",
            "raadsvoorstel.wsgi",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=logs["gunicorn"],
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=logs["worker"],
        stderr=subprocess.STDOUT,
    )
    traffic = Traffic(f"http://127.0.0.1:{port}", ids["token"], ids["session"])
    threads = [threading.Thread(target=traffic.read_pages), threading.Thread(target=traffic.take_steps)]
    try:
        wait_for(lambda: _health(traffic)["status"] in (200, 503), 60, "gunicorn")
        for thread in threads:
            thread.start()
        wait_for(lambda: (work / "rendering").exists(), 60, "the worker to start archiving")
        wait_for(lambda: {"page", "api-read", "api-step"} <= _kinds_ok(traffic.answers), 30, "traffic")

        stopped_at = time.monotonic()
        private_cluster.stop("fast")
        (work / "database-stopped").touch()
        time.sleep(3)
        restarted_at = time.monotonic()
        private_cluster.start()

        # The app comes back by itself: every kind of request succeeds again.
        wait_for(
            lambda: {"page", "api-read", "api-step"} <= _kinds_ok(traffic.between(restarted_at, 1e12)),
            30,
            "the app to recover",
        )
        traffic.stop.set()
        for thread in threads:
            thread.join(timeout=40)

        # The archive that was in flight is made after all, by the same worker.
        wait_for(
            lambda: (
                "1"
                in python(
                    "import django; django.setup()\n"
                    "from raadsvoorstel.models import ArchivedDecision\n"
                    f"print(ArchivedDecision.objects.filter(proposal_id={ids['signed']}).count())"
                )
            ),
            60,
            "the interrupted archive to be made",
        )
        assert worker.poll() is None, "the worker died with the database"
        assert server.poll() is None
        health = wait_for(lambda: (h := _health(traffic))["status"] == 200 and h, 30, "/gezond/ to be 200")
        assert json.loads(health["text"]) == {"database": "ok", "storage": "ok", "worker": "ok"}
    finally:
        traffic.stop.set()
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()

    gunicorn_log = (work / "gunicorn.log").read_text()
    worker_log = (work / "worker.log").read_text()
    during = traffic.between(stopped_at, restarted_at)
    unavailable = [a for a in traffic.answers if a["status"] == 503]
    assert during and unavailable, "no request met the outage"
    # Nothing answered 500; everything the outage touched answered 503, in Dutch, try again.
    assert not [a for a in traffic.answers if a["status"] >= 500 and a["status"] != 503], gunicorn_log[-3000:]
    for answer in unavailable:
        assert answer["retry_after"] == "30", answer
        assert UNAVAILABLE in answer["text"] and "Traceback" not in answer["text"], answer
        assert answer["type"].startswith(
            "application/json" if answer["kind"].startswith("api") else "text/html"
        )
    assert {a["status"] for a in traffic.answers} <= {200, 503, 409}, {a["status"] for a in traffic.answers}
    assert "Internal Server Error" not in gunicorn_log, gunicorn_log[-3000:]

    # Nothing half-done: the history's chain and every signed decision check out, each step
    # answered 200 is in the log, and the proposal's state is the one its last step left.
    assert "intact" in manage("verify_history")
    manage("check_archive")
    report = json.loads(
        python(
            "import django, json; django.setup()\n"
            "from raadsvoorstel.models import ArchivedDecision, AuditEntry, Proposal\n"
            "from django_tasks_db.models import DBTaskResult\n"
            f"p = Proposal.objects.get(pk={ids['concept']})\n"
            "steps = list(AuditEntry.objects"
            ".filter(object_key=p.key, action__in=['submit', 'return_to_concept'])"
            ".order_by('seq').values_list('payload', flat=True))\n"
            "tasks = list(DBTaskResult.objects.filter(task_path='raadsvoorstel.tasks.archive_decision')"
            ".order_by('enqueued_at').values_list('status', flat=True))\n"
            f"archives = AuditEntry.objects.filter(action='archive_decision').count()\n"
            "print(json.dumps({'state': p.state, 'version': p.version, 'steps': steps, 'tasks': tasks,"
            " 'archives': archives}))"
        )
        .strip()
        .splitlines()[-1]
    )
    ok_steps = [a for a in traffic.answers if a["kind"] == "api-step" and a["status"] == 200]
    unsure_steps = [a for a in traffic.answers if a["kind"] == "api-step" and a["status"] == 503]
    assert len(ok_steps) <= len(report["steps"]) <= len(ok_steps) + len(unsure_steps), report
    assert (report["state"], report["version"]) == (report["steps"][-1]["to"], report["steps"][-1]["version"])
    assert report["archives"] == 1
    assert report["tasks"][0] == "FAILED" and report["tasks"][-1] == "SUCCESSFUL", report
    assert "interrupted and is queued again" in worker_log, worker_log[-3000:]


def _health(traffic: Traffic) -> dict:
    try:
        return traffic.request("health", "/gezond/")
    except OSError:
        return {"status": 0}


def _kinds_ok(answers: list[dict]) -> set[str]:
    return {a["kind"] for a in answers if a["status"] == 200}
