"""Full-text search over proposals: subject, sections, decision points and the advice.

PostgreSQL searches a stored `tsvector` with the `dutch` configuration (so "veiligheid"
finds "veiligheidsbeleid"'s stem-mates such as "veilige"), ranked, with the matching
words highlighted; the vector sits in `SearchEntry` under a GIN index. SQLite, the quick
start, has no stemming: it finds each word as typed, case-insensitively, and ranks by
whether the subject matched. Who may see which result is not decided here: callers pass
the proposals the person may see (`permissions`)."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Decision, Proposal, SearchEntry

CONFIG = "dutch"
# Headline markers no text contains; the text is escaped, then they become <mark>.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
NUMBER = re.compile(r"[\w./-]*\d[\w./-]*")


# --- Indexing ---


def body_of(proposal: Proposal) -> str:
    """What the search reads besides the subject, in reading order."""
    parts = [f"{heading}\n{body}" for heading, body in proposal.sections.values_list("heading", "body")]
    parts += list(proposal.decision_points.values_list("text", flat=True))
    parts.append(proposal.proposed_advice_text)
    parts += Decision.objects.filter(proposal=proposal).values_list("advice_text", flat=True)
    return "\n\n".join(part for part in parts if part)


def index(proposal: Proposal) -> None:
    """(Re)index one proposal, in the caller's transaction: called wherever its text or its
    decision's advice is written (actions.base.keep_revision, actions.decisions)."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    SearchEntry.objects.update_or_create(
        proposal=proposal, defaults={"subject": proposal.subject, "body": body_of(proposal)}
    )
    if connection.vendor == "postgresql":
        SearchEntry.objects.filter(pk=proposal.pk).update(vector=VECTOR)


VECTOR = SearchVector("subject", weight="A", config=CONFIG) + SearchVector("body", weight="B", config=CONFIG)


# --- Searching ---


def matching(proposals: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    """The proposals among `proposals` that match `text`, best first, each annotated with
    `search_rank` and (PostgreSQL) `search_headline`. A number matches itself too."""
    text = " ".join(text.split())
    if not text:
        return proposals
    if NUMBER.fullmatch(text):
        # One token with a digit is (part of) a number: "2023000853", "0815". Kept
        # apart from the words so that their search stays on the GIN index.
        return proposals.filter(number__icontains=text).annotate(search_rank=Value(1)).order_by("number")
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        return (
            proposals.filter(search_entry__vector=query)
            .annotate(
                search_rank=SearchRank(F("search_entry__vector"), query),
                search_headline=SearchHeadline(
                    "search_entry__body",
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-search_rank", "-date", "number")
        )
    every_word = Q()
    for word in text.split():
        every_word &= Q(subject__icontains=word) | Q(search_entry__body__icontains=word)
    in_subject = Q()
    for word in text.split():
        in_subject &= Q(subject__icontains=word)
    return (
        proposals.filter(every_word)
        .annotate(
            search_rank=Case(When(in_subject, then=Value(2)), default=Value(1), output_field=IntegerField())
        )
        .order_by("-search_rank", "-date", "number")
    )


def snippet(proposal: Proposal, text: str) -> SafeString:
    """The part of the text where the words were found, escaped, the words in <mark>."""
    headline = getattr(proposal, "search_headline", None)
    if headline is None:
        headline = _plain_headline(_body(proposal), text.split())
    escaped = escape(headline)
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def _body(proposal: Proposal) -> str:
    entry = getattr(proposal, "search_entry", None)
    return entry.body if entry is not None else ""


def _plain_headline(body: str, words: list[str]) -> str:
    """SQLite's stand-in for ts_headline: the words around the first hit, hits marked."""
    tokens = body.split()
    lowered = [token.casefold() for token in tokens]
    wanted = [word.casefold() for word in words]
    first = next((i for i, token in enumerate(lowered) if any(w in token for w in wanted)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    shown = tokens[start : start + SNIPPET_WORDS]
    marked = [
        f"{START}{token}{STOP}" if any(w in token.casefold() for w in wanted) else token for token in shown
    ]
    return ("… " if start else "") + " ".join(marked) + (" …" if start + SNIPPET_WORDS < len(tokens) else "")
