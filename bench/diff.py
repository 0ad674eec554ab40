"""Benchmark the history's word diff (history.word_diff) on long texts with scattered edits.

Run from the repository root:  .venv/bin/python bench/diff.py [--runs N]

Texts of 1,000, 16,000 and 64,000 words in paragraphs of 60-140 words and sentences of 8-25,
drawn from a Dutch
vocabulary with a few very frequent words (as "de", "het", "van" are), with one edit (a word
changed, inserted or deleted) about every 500 words. Also the same 16,000 words as one
paragraph without breaks, the case the paragraphs do not help with. Each diff is checked:
its kept and removed runs give the old text, its kept and added runs the new one.
No database is needed; Django is set up only to import the module.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = (1_000, 16_000, 64_000)
EDIT_EVERY = 500
FREQUENT = [
    "de",
    "het",
    "een",
    "van",
    "en",
    "in",
    "op",
    "te",
    "dat",
    "is",
    "voor",
    "met",
    "zijn",
    "door",
    "aan",
]
VOCABULARY = (
    "raad college gemeente voorstel besluit veiligheid politie burgemeester beleid plan regio "
    "inwoners jeugd ondermijning zorg woning openbare orde toezicht handhaving middelen "
    "participatie communicatie samenwerking evaluatie wensen bedenkingen begroting wijk "
    "cameratoezicht preventie verslaving criminaliteit overlast integraal meerjarenbeleidsplan "
    "district eenheid prioriteiten aanpak zorgvuldig gezamenlijk regionaal lokaal jaarlijks"
)
WORDS = VOCABULARY.split(" ")


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "raadsvoorstel.settings"
    os.environ["RAADSVOORSTEL_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-diff-")
    os.environ.pop("DATABASE_URL", None)
    # Only the module is timed, no request: the quick start's settings do.
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def text_of(words: int, rng: random.Random, *, paragraphs: bool = True) -> list[list[str]]:
    result, left = [], words
    while left > 0:
        size = min(left, rng.randint(60, 140)) if paragraphs else left
        paragraph = [rng.choice(FREQUENT) if rng.random() < 0.4 else rng.choice(WORDS) for _ in range(size)]
        # Sentences of 8-25 words.
        at = rng.randint(8, 25)
        while at < len(paragraph):
            paragraph[at - 1] += "."
            at += rng.randint(8, 25)
        paragraph[-1] += "."
        result.append(paragraph)
        left -= size
    return result


def edited(paragraphs: list[list[str]], rng: random.Random) -> list[list[str]]:
    """One edit about every EDIT_EVERY words, at random places: change, insert or delete."""
    copy = [list(p) for p in paragraphs]
    total = sum(len(p) for p in copy)
    for _ in range(max(1, total // EDIT_EVERY)):
        paragraph = rng.choice(copy)
        at = rng.randrange(len(paragraph))
        kind = rng.choice(("change", "insert", "delete"))
        if kind == "change":
            paragraph[at] = "gewijzigd"
        elif kind == "insert":
            paragraph.insert(at, "toegevoegd")
        elif len(paragraph) > 1:
            del paragraph[at]
    return copy


def joined(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


def measure(old: str, new: str, runs: int) -> tuple[float, float, int]:
    from raadsvoorstel.history import word_diff
    from raadsvoorstel.text import plain

    times, changes = [], []
    for _ in range(runs):
        started = time.perf_counter()
        changes = word_diff(old, new)
        times.append(time.perf_counter() - started)
    assert "".join(c.text for c in changes if c.op != "insert") == plain(old)
    assert "".join(c.text for c in changes if c.op != "delete") == plain(new)
    changed = sum(1 for c in changes if c.op != "equal")
    return statistics.median(times) * 1000, min(times) * 1000, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    rng = random.Random(13)
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{'text':<42} {'median':>10} {'min':>10} {'changed runs':>13}")
    cases = [(f"{size:,} words, edits every {EDIT_EVERY}", size, True) for size in SIZES]
    cases.append(("16,000 words as one paragraph, same edits", 16_000, False))
    for label, size, paragraphs in cases:
        text = text_of(size, rng, paragraphs=paragraphs)
        old, new = joined(text), joined(edited(text, rng))
        median, minimum, changed = measure(old, new, args.runs)
        print(f"{label:<42} {median:>8.1f} ms {minimum:>7.1f} ms {changed:>13}")


if __name__ == "__main__":
    main()
