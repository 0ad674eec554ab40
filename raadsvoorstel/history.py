"""A proposal's history as people read it: its transitions, and its text version by
version with the words that changed marked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django_fsm_log.models import StateLog

from .models import Proposal, Revision, State
from .text import plain


@dataclass
class Change:
    """A run of words: kept (`op` is "equal"), added ("insert") or removed ("delete")."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Change]:
    """The words that differ between two texts; white space, line breaks included, is kept.

    Line endings are compared as `\\n`: a revision saved before browsers' CRLF was normalised
    differs from a newer one only where its words do.
    """
    old, new = plain(old), plain(new)
    # A word carries the white space around it: half the tokens, and SequenceMatcher's
    # cost grows with their square (a 3,000-word text went from 10 s to 0.2 s).
    old_words = re.findall(r"\s*\S+\s*|\s+", old)
    new_words = re.findall(r"\s*\S+\s*|\s+", new)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(Change("equal", "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            changes.append(Change("delete", "".join(old_words[a1:a2])))
        if b2 > b1:
            changes.append(Change("insert", "".join(new_words[b1:b2])))
    return changes


@dataclass
class RevisionWithChanges:
    revision: Revision
    changes: list[Change]

    @property
    def changed(self) -> bool:
        return any(change.op != "equal" for change in self.changes)


def revisions_with_changes(proposal: Proposal) -> list[RevisionWithChanges]:
    """Every saved version, newest first, each with its changes against the one before."""
    revisions = list(proposal.revisions.select_related("saved_by"))
    result = []
    previous_text = ""
    for revision in revisions:
        result.append(RevisionWithChanges(revision, word_diff(previous_text, revision.text)))
        previous_text = revision.text
    return result[::-1]


def transitions(proposal: Proposal) -> list[dict]:
    labels = dict(State.choices)
    return [
        {
            "at": entry.timestamp,
            "by": entry.by,
            "source": labels.get(entry.source_state, entry.source_state),
            "target": labels.get(entry.state, entry.state),
            "reason": entry.description or "",
        }
        for entry in StateLog.objects.for_(proposal).select_related("by").order_by("-timestamp", "-pk")
    ]
