"""Benchmark the lists at scale: 100,000 proposals across 30 municipalities, 18,000 of them
Bloemendaal's, on PostgreSQL. For Bloemendaal's griffie it times the overview's first page,
a full-text search, a state + theme filter, the last page, and a meeting page whose agenda
select offers 396 proposals before the council; for the public, a municipality's decisions
and a search; for the API, a page of proposals.

Run from the repository root:  .venv/bin/python bench/lists.py [--runs N] [--database-url URL]

Self-contained: it creates a PostgreSQL database of its own (default
postgres://postgres@127.0.0.1:5432/raadsvoorstel_lists, dropped at the end unless --keep)
and fills it in bulk (the rows a real import would write: proposals, sections, decision
points, themes, decisions, the search index). Each request runs in this process through
Django's test client, one at a time: the figures are the server's own time per request,
median and p95, without network or concurrency.

For comparison, the issue measured before this work (gunicorn, 4 workers, 8 concurrent
clients, p95): overview 376 ms, search 471 ms, state + theme 719 ms, last page 365 ms,
meeting page 651 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from regional import create_database, drop_database, environment, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/raadsvoorstel_lists"
TOTAL, OWN, MUNICIPALITIES, BEFORE_COUNCIL = 100_000, 18_000, 30, 396
BEFORE = {"overview": 376, "search": 471, "state + theme": 719, "last page": 365, "meeting page": 651}
WORDS = str.split(
    "veiligheid jeugd verkeer fietsen parkeren woningbouw zorg onderwijs sport cultuur afval "
    "energie klimaat groen water wegen armoede schuldhulp ondermijning toezicht handhaving "
    "begroting subsidie verordening beleid plan evaluatie participatie wijk dorp centrum"
)


def fill(rng: random.Random, total: int = TOTAL) -> dict:
    """Bulk rows for `total` proposals (100,000 by default; Bloemendaal's share and those
    before the council scale with it); returns what the timings need."""
    from django.db import connection, transaction

    from raadsvoorstel import demo
    from raadsvoorstel.models import (
        Decision,
        DecisionPoint,
        Meeting,
        Municipality,
        Proposal,
        Role,
        SearchEntry,
        Section,
        Signature,
        State,
        Theme,
        User,
    )

    demo.load_reference_data()
    municipalities = list(Municipality.objects.order_by("code")[:MUNICIPALITIES])
    own = Municipality.objects.get(code="GM0377")
    if own not in municipalities:
        municipalities[-1] = own
    others = [m for m in municipalities if m.pk != own.pk]
    themes = list(Theme.objects.all())
    griffie = User.objects.create(username="griffie", role=Role.GRIFFIEMEDEWERKER, municipality=own)
    start = datetime.date(2000, 1, 1)
    counts = {own.pk: 0}
    own_total, before_council = total * OWN // TOTAL, total * BEFORE_COUNCIL // TOTAL

    def subject() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()

    with transaction.atomic():
        proposals, states = [], []
        for n in range(total):
            municipality = own if n < own_total else others[n % len(others)]
            counts[municipality.pk] = counts.get(municipality.pk, 0) + 1
            state = (
                State.COUNCIL_ADVICE
                if n < before_council
                else rng.choices(
                    [State.SIGNED, State.CONCEPT, State.WITHDRAWN, State.REJECTED], [80, 10, 5, 5]
                )[0]
            )
            states.append(state)
            proposals.append(
                Proposal(
                    municipality=municipality,
                    number=f"{2000 + n % 24}{n:07d}",
                    subject=subject(),
                    proposer="college",
                    date=start + datetime.timedelta(days=n % 8700),
                    legal_basis=[],
                )
            )
        # Stored as concepts with their text, then moved on: the guards freeze the text of
        # anything past concept, as they would for a real import.
        Proposal.objects.bulk_create(proposals, batch_size=5000)
        Section.objects.bulk_create(
            (
                Section(proposal=p, position=1, heading="Aanleiding", body=f"{subject()}. {subject()}.")
                for p in proposals
            ),
            batch_size=5000,
        )
        DecisionPoint.objects.bulk_create(
            (
                DecisionPoint(proposal=p, position=1, text=f"In te stemmen met {subject().lower()}.")
                for p in proposals
            ),
            batch_size=5000,
        )
        links = Proposal.themes.through
        links.objects.bulk_create(
            (links(proposal=p, theme=rng.choice(themes)) for p in proposals), batch_size=5000
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO raadsvoorstel_searchentry (proposal_id, subject, body, vector) "
                "SELECT p.id, p.subject, s.heading || E'\\n' || s.body || E'\\n\\n' || d.text, "
                "setweight(to_tsvector('dutch', p.subject), 'A') || "
                "setweight(to_tsvector('dutch', s.heading || ' ' || s.body || ' ' || d.text), 'B') "
                "FROM raadsvoorstel_proposal p JOIN raadsvoorstel_section s ON s.proposal_id = p.id "
                "JOIN raadsvoorstel_decisionpoint d ON d.proposal_id = p.id"
            )
        Decision.objects.bulk_create(
            (
                Decision(
                    proposal=p,
                    meeting_date=p.date,
                    result="aangenomen" if state == State.SIGNED else "verworpen",
                    vote_mode="hamerstuk",
                )
                for p, state in zip(proposals, states, strict=True)
                if state in (State.SIGNED, State.REJECTED)
            ),
            batch_size=5000,
        )
        signed = Decision.objects.filter(result="aangenomen").values_list("pk", "meeting_date")
        Signature.objects.bulk_create(
            (
                Signature(decision_id=pk, role=role, name=name, date=day)
                for pk, day in signed
                for role, name in (("voorzitter", "A. de Boer"), ("griffier", "M. Visser"))
            ),
            batch_size=5000,
        )
        for state in set(states):
            chosen = [p.pk for p, s in zip(proposals, states, strict=True) if s == state]
            for i in range(0, len(chosen), 10000):
                Proposal.objects.filter(pk__in=chosen[i : i + 10000]).update(state=state)
        meeting = Meeting.objects.create(
            municipality=own, starts_at=datetime.datetime(2026, 12, 10, 20, tzinfo=datetime.UTC)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert SearchEntry.objects.count() == total
    return {
        "own": own,
        "griffie": griffie,
        "meeting": meeting,
        "theme": themes[0],
        "own_count": counts[own.pk],
    }


def timed(client, url: str, runs: int) -> list[float]:
    client.get(url)  # warm: templates, the connection, the plan cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="leave the database for another run")
    args = parser.parse_args()
    create_database(args.database_url)
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            setup_django(environment(args.database_url, Path(var_dir)))
            from django.test import Client
            from django.urls import reverse

            started = time.perf_counter()
            world = fill(random.Random(2026))
            print(
                f"{TOTAL} voorstellen in {MUNICIPALITIES} gemeenten, {world['own_count']} van Bloemendaal, "
                f"aangemaakt in {time.perf_counter() - started:.0f} s"
            )
            griffie = Client()
            griffie.force_login(world["griffie"])
            anyone = Client()
            overview = reverse("proposal_list")
            pages = (world["own_count"] + 24) // 25
            cases = [
                ("overview", griffie, overview),
                ("search", griffie, f"{overview}?q=veiligheid+jeugd"),
                ("state + theme", griffie, f"{overview}?state=signed&theme={world['theme'].pk}"),
                ("last page", griffie, f"{overview}?pagina={pages}"),
                ("meeting page", griffie, reverse("meeting_detail", args=[world["meeting"].pk])),
                ("public search", anyone, f"{reverse('search')}?q=veiligheid+jeugd"),
            ]
            print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {args.runs} runs each")
            print(f"{'page':<16}{'median':>10}{'p95':>10}{'before (p95)':>15}")
            for name, client, url in cases:
                samples = timed(client, url, args.runs)
                before = f"{BEFORE[name]} ms" if name in BEFORE else "—"
                median, slow = statistics.median(samples) * 1000, p95(samples) * 1000
                print(f"{name:<16}{median:8.1f} ms{slow:7.1f} ms{before:>15}")
    finally:
        if not args.keep:
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
