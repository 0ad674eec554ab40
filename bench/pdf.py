"""Benchmark the PDFs: the app's render against WeasyPrint alone, serving the archived
raadsbesluit, and the queries one render makes.

Run from the repository root:  .venv/bin/python bench/pdf.py [--runs N]

Self-contained: a fresh temporary directory holds the SQLite database and the media (never
var/, DATABASE_URL is ignored); it is migrated, loaded with the demo data, the Bloemendaal
proposal is signed through the real actions, and the directory is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WARMUPS = 3
TARGET_RATIO = 1.15
TARGET_SERVE_MS = 20.0
MUNICIPALITY = "GM0377"
NUMBER = "2023000853"
SEED = BASE_DIR / "fixtures" / "proposals" / f"{MUNICIPALITY}-{NUMBER}.json"


def setup_django(var_dir: Path) -> None:
    """Settings as production runs them (DEBUG off), on SQLite in `var_dir`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "raadsvoorstel.settings"
    os.environ["RAADSVOORSTEL_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'raadsvoorstel.sqlite3'}"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"  # the test Client asks over http
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECRET_KEY"] = "bench-only-not-secret"  # noqa: S105 - throwaway database
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # the test Client's host
    sys.path.insert(0, str(BASE_DIR))

    import django
    from django.conf import settings

    django.setup()
    # Real hashing costs a second per demo account; the benchmark does not log in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_and_sign():
    """The demo world, and the Bloemendaal proposal signed and archived the real way."""
    from raadsvoorstel import actions, demo
    from raadsvoorstel.interchange import DecisionDocument
    from raadsvoorstel.models import Proposal, User

    demo.load_reference_data()
    demo.create_demo_users()
    demo.load_demo_proposals()
    proposal = Proposal.objects.get(municipality__code=MUNICIPALITY, number=NUMBER)
    users = {u.username: u for u in User.objects.filter(username__in=["griffie", "voorzitter", "griffier"])}
    actions.submit_proposal(proposal, by=users["griffie"])
    hamerstuk = DecisionDocument(
        meeting_date=datetime.date(2023, 10, 5),
        result="aangenomen",
        advice="geen_wensen_en_bedenkingen",
        advice_text="",
        vote_mode="hamerstuk",
        votes_for=None,
        votes_against=None,
    )
    actions.record_decision(proposal, hamerstuk, by=users["griffie"])
    actions.sign_decision(proposal, by=users["voorzitter"], date=datetime.date(2023, 10, 6))
    actions.sign_decision(proposal, by=users["griffier"], date=datetime.date(2023, 10, 6))
    # on_commit may or may not have archived it already; this returns the archive either way.
    archived = actions.archive_signed_decision(proposal)
    proposal.refresh_from_db()
    assert proposal.state == "signed", proposal.state
    return proposal, archived


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call, over `runs` calls after the warm-ups."""
    return timed_pair(fn, None, runs)[0]


def timed_pair(first: Callable[[], object], second: Callable[[], object] | None, runs: int):
    """Milliseconds per call of each, interleaved run by run (alternating which goes first),
    so that drift in the machine's speed hits both alike."""
    fns = [first] if second is None else [first, second]
    for _ in range(WARMUPS):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for run in range(runs):
        order = list(enumerate(fns))
        if run % 2:
            order.reverse()
        for index, fn in order:
            start = time.perf_counter()
            fn()
            times[index].append((time.perf_counter() - start) * 1000)
    return times


def floor(html: str) -> Callable[[], bytes]:
    """WeasyPrint alone on the same HTML, with the same fetcher and variant."""
    import weasyprint

    from raadsvoorstel import pdf

    def render() -> bytes:
        return weasyprint.HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.url_fetcher()).write_pdf(
            pdf_variant=pdf.PDF_VARIANT, pdf_tags=True
        )

    return render


def serve(pk: int) -> Callable[[], bytes]:
    from django.test import Client

    client = Client()
    url = f"/voorstellen/{pk}/raadsbesluit.pdf"

    def get() -> bytes:
        response = client.get(url)
        body = b"".join(response.streaming_content)
        response.close()
        assert response.status_code == 200 and body.startswith(b"%PDF"), response.status_code
        return body

    return get


def concept_with_points(number: str, count: int):
    """A second proposal (concept) from the seed, under `number`, with `count` decision points."""
    from raadsvoorstel import actions
    from raadsvoorstel.interchange import parse_documents

    document = json.loads(SEED.read_text(encoding="utf-8"))
    document["number"] = number
    document["decision_points"] = [f"Beslispunt {i} van {count} voor de meting." for i in range(1, count + 1)]
    (proposal,) = actions.import_proposals(parse_documents([(f"bench-{number}.json", json.dumps(document))]))
    return proposal


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per measurement (default 30)")
    runs = max(1, parser.parse_args(argv).runs)

    var_dir = Path(tempfile.mkdtemp(prefix="raadsvoorstel-bench-"))
    try:
        setup_django(var_dir)
        rows, queries = measure(runs)
    finally:
        if "django.db" in sys.modules:
            sys.modules["django.db"].connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
    report(runs, rows, queries)
    return 0


def measure(runs: int) -> tuple[list[tuple[str, float, float, str]], dict[str, int]]:
    from raadsvoorstel import pdf
    from raadsvoorstel.models import Proposal

    def load(pk: int) -> Proposal:
        return Proposal.objects.with_document().get(pk=pk)

    proposal, archived = load_and_sign()
    print(f"signed {MUNICIPALITY}/{NUMBER} (pk {proposal.pk}), archive {archived.size} bytes", flush=True)
    loaded = load(proposal.pk)

    rows = []  # (label, median, min, note)
    for name, render, make_html in (
        ("raadsbesluit", pdf.render_besluit, pdf.besluit_html),
        ("raadsvoorstel", pdf.render_voorstel, pdf.voorstel_html),
    ):
        app_times, floor_times = timed_pair(
            lambda render=render: render(loaded), floor(make_html(loaded)), runs
        )
        app, bare = summary(app_times), summary(floor_times)
        ratio = app[0] / bare[0]
        verdict = "ok" if ratio <= TARGET_RATIO else "ABOVE TARGET"
        note = f"app/floor {ratio:.2f} (of mins {app[1] / bare[1]:.2f}), target <= {TARGET_RATIO} ({verdict})"
        rows.append((f"{name}: app render", *app, note))
        rows.append((f"{name}: WeasyPrint floor", *bare, ""))
        print(f"measured {name}", flush=True)

    served = summary(timed(serve(proposal.pk), runs))
    verdict = "ok" if served[0] < TARGET_SERVE_MS else "ABOVE TARGET"
    rows.append(("serve archived raadsbesluit", *served, f"target < {TARGET_SERVE_MS:.0f} ms ({verdict})"))

    fresh = load(proposal.pk)
    queries = {
        "signed: render_besluit of a with_document() copy": count_queries(lambda: pdf.render_besluit(fresh)),
        "signed: with_document().get() + render_besluit": count_queries(
            lambda: pdf.render_besluit(load(proposal.pk))
        ),
    }
    for number, points in (("9900000002", 2), ("9900000012", 12)):
        pk = concept_with_points(number, points).pk
        queries[f"concept, {points:>2} points: with_document().get() + besluit_html"] = count_queries(
            lambda pk=pk: pdf.besluit_html(load(pk))
        )
    return rows, queries


def report(runs: int, rows: list[tuple[str, float, float, str]], queries: dict[str, int]) -> None:
    import weasyprint

    print()
    print(f"PDF benchmark: median and min of {runs} runs after {WARMUPS} warm-ups, in ms")
    print("(app render and floor interleaved run by run)")
    print(f"{'measurement':<34} {'median':>9} {'min':>9}  note")
    for label, median, minimum, note in rows:
        print(f"{label:<34} {median:>9.1f} {minimum:>9.1f}  {note}")
    print()
    print("database queries")
    for label, count in queries.items():
        print(f"  {label:<58} {count:>3}")
    concept = [count for label, count in queries.items() if label.startswith("concept")]
    print(f"  constant from 2 to 12 decision points: {'yes' if len(set(concept)) == 1 else 'NO'}")
    print()
    print(f"machine    {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"python     {platform.python_implementation()} {platform.python_version()}")
    print(f"weasyprint {weasyprint.__version__} (pydyf {_version('pydyf')}), django {_version('django')}")
    print("database   SQLite in a fresh temporary directory; DEBUG off")
    print(f"reproduce  cd {BASE_DIR} && .venv/bin/python bench/pdf.py --runs {runs}")


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
