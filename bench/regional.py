"""Benchmark the regional half: sending a plan to 32 councils, the consultation's page at 32
and at 400 members (time and queries), and the bundle of 32 signed raadsbesluiten made by
one worker and by two.

Run from the repository root:  .venv/bin/python bench/regional.py [--runs N] [--database-url URL]

Self-contained: it creates a PostgreSQL database of its own (default
postgres://postgres@127.0.0.1:5432/raadsvoorstel_bench, dropped again at the end; the bundle's
workers are separate processes, as in production, and share it) and a temporary directory
for the media. Targets: the page under 50 ms at 32 members, with as many queries at 400;
the bundle at least 1.7 times as fast with two workers as with one.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/raadsvoorstel_bench"
TARGET_PAGE_MS = 50.0
TARGET_SPEEDUP = 1.7
SEED = BASE_DIR / "fixtures" / "proposals" / "GM0377-2023000853.json"


def create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def environment(url: str, var_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "raadsvoorstel.settings",
        "DATABASE_URL": url,
        "RAADSVOORSTEL_VAR_DIR": str(var_dir),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # the test Client asks over http
    }


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages are rendered without `collectstatic`: plain static names, not the manifest's.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.1f} ms (min {min(samples) * 1000:.1f})"


def world():
    """The region, the demo accounts, and the plan's template from the Bloemendaal proposal."""
    from raadsvoorstel import demo
    from raadsvoorstel.demo_consultation import template_from
    from raadsvoorstel.models import RegionalBody, User

    demo.load_reference_data()
    demo.create_demo_users()
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    return (
        RegionalBody.objects.get(code="rbop-noord-holland"),
        User.objects.get(username="rbop"),
        seed,
        template_from(seed),
    )


def new_plan(body, rbop, template, code: str):
    from django.utils import timezone

    from raadsvoorstel import actions

    today = timezone.localdate()
    fields = actions.PlanFields(
        code=code,
        title=f"Plan {code}",
        answer_deadline=today + datetime.timedelta(days=14),
        adoption_date=today + datetime.timedelta(days=28),
        adoption_meeting="RBOP",
        themes=[],
        template=template,
    )
    return actions.create_plan(body, fields, by=rbop)


def bench_sending(body, rbop, template, runs: int) -> list[float]:
    from raadsvoorstel import actions

    samples = []
    for run in range(runs):
        plan = new_plan(body, rbop, template, f"send-{run}")
        started = time.perf_counter()
        made = actions.send_plan(plan, version=plan.version, by=rbop)
        samples.append(time.perf_counter() - started)
        assert len(made) == body.municipalities.count()
    return samples


def big_body(count: int, template, rbop):
    """A made-up body of `count` councils (codes GM9000 on), with its secretaris and a sent plan."""
    from raadsvoorstel import actions
    from raadsvoorstel.models import Municipality, RegionalBody, Role, User

    body = RegionalBody.objects.create(code=f"orgaan-{count}", name=f"Orgaan van {count} gemeenten")
    Municipality.objects.bulk_create(
        Municipality(code=f"GM{9000 + n:04d}", name=f"Gemeente {n:03d}", seats=9 + 2 * (n % 19))
        for n in range(count)
    )
    body.municipalities.set(Municipality.objects.filter(code__gte="GM9000"))
    secretaris = User.objects.create(username=f"rbop-{count}", role=Role.RBOP_SECRETARIS, regional_body=body)
    plan = new_plan(body, secretaris, template, f"groot-{count}")
    actions.send_plan(plan, version=plan.version, by=secretaris)
    return plan, secretaris


def bench_page(plan, user, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("plan_detail", args=[plan.code])
    for _ in range(3):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return samples, len(captured)


def signed_consultation(body, rbop, seed, template):
    """A plan on which all 32 councils decided and signed (imported), their besluiten archived."""
    from raadsvoorstel import actions
    from raadsvoorstel.demo_consultation import member_document
    from raadsvoorstel.interchange import parse_documents
    from raadsvoorstel.models import Advice, Proposal, State

    plan = new_plan(body, rbop, template, "bundel")
    met = datetime.date.today() - datetime.timedelta(days=20)
    texts = []
    for index, municipality in enumerate(body.municipalities.order_by("code")):
        advice = Advice.OBJECTIONS if index % 5 == 0 else Advice.NO_OBJECTIONS
        document = member_document(
            seed, template, municipality.code, State.SIGNED, met=met, advice=advice, index=index
        )
        document["regional_plan"] = plan.code
        document["number"] = f"bundel-{municipality.code}"
        texts.append((f"{municipality.code}.json", json.dumps(document)))
    actions.import_proposals(parse_documents(texts))
    for proposal in Proposal.objects.filter(regional_plan=plan):
        actions.archive_signed_decision(proposal)
    plan.refresh_from_db()
    actions.send_plan(plan, version=plan.version, by=rbop)
    plan.refresh_from_db()
    return plan


def bench_bundle(plan, rbop, env: dict, workers: int, runs: int) -> list[float]:
    """Wall time from asking for the bundle to its being done, with `workers` worker processes."""
    from django_tasks_db.models import DBTaskResult

    from raadsvoorstel import actions
    from raadsvoorstel.models import BundleStatus, PlanBundle

    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.05", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    samples = []
    try:
        time.sleep(3)  # the workers start up (Django, WeasyPrint) before the clock runs
        # One bundle first, not timed: each worker loads its fonts and templates once.
        for run in range(1 + runs):
            DBTaskResult.objects.all().delete()
            started = time.perf_counter()
            bundle = actions.request_bundle(plan, by=rbop)
            while (status := PlanBundle.objects.values_list("status", flat=True).get(pk=bundle.pk)) in (
                BundleStatus.QUEUED,
                BundleStatus.RUNNING,
            ):
                time.sleep(0.1)
            if run:
                samples.append(time.perf_counter() - started)
            assert status == BundleStatus.DONE, PlanBundle.objects.get(pk=bundle.pk).error
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle-runs", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="raadsvoorstel-bench-"))
    create_database(args.database_url)
    env = environment(args.database_url, var_dir)
    try:
        setup_django(env)
        import weasyprint
        from django.db import connection

        body, rbop, seed, template = world()
        print(
            f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, {os.cpu_count()} cores"
        )
        print(
            f"PostgreSQL {connection.pg_version // 10000}, {platform.machine()}; medians of {args.runs} runs"
        )

        sending = bench_sending(body, rbop, template, args.runs)
        print(f"send a plan to 32 councils          {median_ms(sending)}")

        plan32 = body.plans.get(code="send-0")
        page32, queries32 = bench_page(plan32, rbop, args.runs * 3)
        plan400, secretaris400 = big_body(400, template, rbop)
        page400, queries400 = bench_page(plan400, secretaris400, args.runs * 3)
        print(f"consultation page, 32 members       {median_ms(page32)}, {queries32} queries")
        print(f"consultation page, 400 members      {median_ms(page400)}, {queries400} queries")
        ms32 = statistics.median(page32) * 1000
        print(
            f"  target < {TARGET_PAGE_MS:.0f} ms at 32: {'met' if ms32 < TARGET_PAGE_MS else 'NOT met'}; "
            f"queries {'equal' if queries32 == queries400 else 'GROW'} (32: {queries32}, 400: {queries400})"
        )

        signed = signed_consultation(body, rbop, seed, template)
        one = bench_bundle(signed, rbop, env, 1, args.bundle_runs)
        two = bench_bundle(signed, rbop, env, 2, args.bundle_runs)
        speedup = statistics.median(one) / statistics.median(two)
        print(f"bundle of 32 raadsbesluiten, 1 worker  {median_ms(one)}")
        print(f"bundle of 32 raadsbesluiten, 2 workers {median_ms(two)}")
        verdict = "met" if speedup >= TARGET_SPEEDUP else "NOT met"
        print(f"  speed-up {speedup:.2f}x (target >= {TARGET_SPEEDUP}x): {verdict}")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
