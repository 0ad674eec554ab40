"""A proposal's history as people read it: its transitions, and its text version by
version with the words that changed marked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_fsm_log.models import StateLog

from .models import DecisionPoint, Proposal, RegionalPlan, Revision, Section, State, User
from .text import FIELD_PARTS, ProposalText, parts_of, plain


@dataclass
class Change:
    """A run of words: kept (`op` is "equal"), added ("insert") or removed ("delete")."""

    op: str
    text: str


# A word carries the white space around it: half the tokens of splitting words from spaces.
WORDS = re.compile(r"\s*\S+\s*|\s+")
# A paragraph with the blank lines after it; the pieces joined are the text again.
PARAGRAPH_BREAK = re.compile(r"(?<=\n\n)(?=[^\n])")
# A sentence with the white space after it.
SENTENCE_BREAK = re.compile(r"(?<=[.!?;:])\s+(?=\S)|(?<=\n)(?=\S)")
# Above this many words on a side, a changed stretch is compared sentence by sentence first;
# a sentence run still this long is compared with SequenceMatcher's autojunk (the most
# frequent words then anchor no match): near linear instead of quadratic (bench/diff.py).
LONG_STRETCH_WORDS = 2_000


def word_diff(old: str, new: str) -> list[Change]:
    """The words that differ between two texts; white space, line breaks included, is kept.

    Line endings are compared as `\\n`: a revision saved before browsers' CRLF was normalised
    differs from a newer one only where its words do.

    Paragraphs are compared first, as whole strings (a long text has few, and an unchanged
    one is one token); only the paragraphs that changed are compared word by word, after
    the words they share at their start and end are set aside. A 16,000-word text with
    scattered edits so takes milliseconds instead of the minutes of one word-by-word pass.
    """
    old, new = plain(old), plain(new)
    old_paragraphs, new_paragraphs = PARAGRAPH_BREAK.split(old), PARAGRAPH_BREAK.split(new)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old_paragraphs, b=new_paragraphs, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            _add(changes, "equal", "".join(old_paragraphs[a1:a2]))
        else:
            _diff_words(changes, "".join(old_paragraphs[a1:a2]), "".join(new_paragraphs[b1:b2]))
    return changes


def _diff_words(changes: list[Change], old: str, new: str, *, by_sentence: bool = True) -> None:
    old_words, new_words = WORDS.findall(old), WORDS.findall(new)
    if by_sentence and max(len(old_words), len(new_words)) > LONG_STRETCH_WORDS:
        # One long paragraph (or many changed at once): its sentences first, as paragraphs are.
        old_sentences, new_sentences = _sentences(old), _sentences(new)
        matcher = difflib.SequenceMatcher(a=old_sentences, b=new_sentences, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                _add(changes, "equal", "".join(old_sentences[a1:a2]))
            else:
                _diff_words(
                    changes, "".join(old_sentences[a1:a2]), "".join(new_sentences[b1:b2]), by_sentence=False
                )
        return
    start = 0
    while start < min(len(old_words), len(new_words)) and old_words[start] == new_words[start]:
        start += 1
    end = 0
    while (
        end < min(len(old_words), len(new_words)) - start
        and old_words[len(old_words) - 1 - end] == new_words[len(new_words) - 1 - end]
    ):
        end += 1
    _add(changes, "equal", "".join(old_words[:start]))
    old_middle = old_words[start : len(old_words) - end]
    new_middle = new_words[start : len(new_words) - end]
    large = max(len(old_middle), len(new_middle)) > LONG_STRETCH_WORDS
    matcher = difflib.SequenceMatcher(a=old_middle, b=new_middle, autojunk=large)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            _add(changes, "equal", "".join(old_middle[a1:a2]))
            continue
        _add(changes, "delete", "".join(old_middle[a1:a2]))
        _add(changes, "insert", "".join(new_middle[b1:b2]))
    _add(changes, "equal", "".join(old_words[len(old_words) - end :]))


def _sentences(text: str) -> list[str]:
    """The text's sentences (and lines), each with the white space after it: joined, the text."""
    pieces, start = [], 0
    for match in SENTENCE_BREAK.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def _add(changes: list[Change], op: str, text: str) -> None:
    """Append a run, joined to the one before when that has the same kind."""
    if not text:
        return
    if changes and changes[-1].op == op:
        changes[-1] = Change(op, changes[-1].text + text)
    else:
        changes.append(Change(op, text))


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


# --- A save that met a newer version ---

# The common version does not say what a part was (simple-history keeps no themes, say).
UNKNOWN = object()


def parts_at_version(proposal: Proposal, version: int) -> dict[str, object] | None:
    """Each part of the text (see `text.parts_of`) as it stood at `version`, shown as the
    reader sees it; None where the history does not reach back that far.

    The fields, sections and decision points come from their field history
    (django-simple-history) as it stood when that version's revision was kept; the themes,
    a many-to-many that history does not follow, from the revision's own text.
    """
    revision = proposal.revisions.filter(version__lte=version).order_by("-version").first()
    if revision is None:
        return None
    at = revision.saved_at
    row = proposal.history.filter(history_date__lte=at).order_by("-history_date").first()
    if row is None:
        return None

    def rows(model) -> list:
        records = model.history.filter(proposal_id=proposal.pk, history_date__lte=at).latest_of_each()
        return sorted((r for r in records if r.history_type != "-"), key=lambda r: r.position)

    text = ProposalText(
        number=row.number,
        subject=row.subject,
        proposer=row.proposer,
        initiator=row.initiator,
        date=row.date,
        legal_basis=list(row.legal_basis),
        themes=[],
        sections=[(r.heading, r.body) for r in rows(Section)],
        decision_points=[r.text for r in rows(DecisionPoint)],
        proposed_advice=row.proposed_advice,
        proposed_advice_text=row.proposed_advice_text,
        regional_plan=RegionalPlan.objects.filter(pk=row.regional_plan_id).first(),
    )
    parts: dict[str, object] = {key: part.shown for key, part in parts_of(text).items()}
    themes = [line for line in revision.text.split("\n") if line.startswith("Thema's: ")]
    parts["themes"] = (
        ", ".join(sorted(filter(None, themes[0].removeprefix("Thema's: ").split(", "))))
        if themes
        else UNKNOWN
    )
    return parts


@dataclass(frozen=True)
class Difference:
    """A part (a field, a decision point or a section, by position) that differs between the
    user's version and the stored one, with who changed it since the version both started from."""

    key: str
    kind: str  # "field", "point" or "section"
    label: str
    mine: str | None  # None: this version has no decision point or section at this position
    theirs: str | None
    changed_by: str | None  # "mine", "theirs" or "both"; None where the history cannot tell

    @property
    def default(self) -> str | None:
        """The version kept unless the user says otherwise: that of the side that changed it.
        Changed on both sides (or not known), the user chooses."""
        return self.changed_by if self.changed_by in ("mine", "theirs") else None

    @property
    def changes(self) -> list[Change]:
        return word_diff(self.theirs or "", self.mine or "")


def differences(mine: ProposalText, theirs: ProposalText, base: dict[str, object] | None) -> list[Difference]:
    """Every part that differs, in the editor's order: fields, decision points, sections."""
    ours, others = parts_of(mine), parts_of(theirs)
    keys = [key for key, _names in FIELD_PARTS]
    for kind, count in (
        ("point", max(len(mine.decision_points), len(theirs.decision_points))),
        ("section", max(len(mine.sections), len(theirs.sections))),
    ):
        keys += [f"{kind}_{number}" for number in range(1, count + 1)]
    result = []
    for key in keys:
        a, b = ours.get(key), others.get(key)
        shown_mine, shown_theirs = (a.shown if a else None), (b.shown if b else None)
        if shown_mine == shown_theirs:
            continue
        old = UNKNOWN if base is None else base.get(key)
        if old is UNKNOWN:
            changed_by = None
        elif shown_theirs == old:
            changed_by = "mine"
        elif shown_mine == old:
            changed_by = "theirs"
        else:
            changed_by = "both"
        label = (b or a).label
        result.append(Difference(key, (b or a).kind, label, shown_mine, shown_theirs, changed_by))
    return result


@dataclass
class Conflict:
    """What the user must see when their save met a newer version: who saved meanwhile and
    when, and each part in which their text and the stored one differ."""

    theirs: ProposalText
    saves: list[Revision]  # since the version the user started from, oldest first
    differences: list[Difference]
    user: User

    @classmethod
    def of(cls, proposal: Proposal, mine: ProposalText, *, base_version: int | None, user: User) -> Conflict:
        # A browser sends a textarea with CRLF: as typed, every paragraph would differ.
        mine = mine.normalised()
        base = parts_at_version(proposal, base_version) if base_version else None
        theirs = ProposalText.of(proposal)
        saves = list(proposal.revisions.filter(version__gt=base_version or 0).select_related("saved_by"))
        return cls(theirs, saves, differences(mine, theirs, base), user)

    @property
    def by_same_user(self) -> bool:
        """Saved meanwhile only by this user: in another window or tab."""
        return bool(self.saves) and all(save.saved_by_id == self.user.pk for save in self.saves)

    @property
    def also_by_user(self) -> bool:
        return any(save.saved_by_id == self.user.pk for save in self.saves)

    @property
    def others(self) -> list[str]:
        """Who else saved meanwhile, each once; an import has no person behind it."""
        names = [
            save.saved_by.display_name if save.saved_by else _("een import")
            for save in self.saves
            if save.saved_by_id != self.user.pk
        ]
        return list(dict.fromkeys(names))

    @property
    def latest(self) -> Revision | None:
        return self.saves[-1] if self.saves else None

    @property
    def names(self) -> str:
        """The others who saved meanwhile as a sentence names them: "A, B en C"."""
        others = self.others
        if len(others) < 2:
            return "".join(others)
        return _("%(names)s en %(last)s") % {"names": ", ".join(others[:-1]), "last": others[-1]}

    @property
    def headline(self) -> str:
        if self.by_same_user:
            return _("U hebt dit voorstel intussen in een ander venster of tabblad opgeslagen")
        if self.others:
            headline = ngettext(
                "%(names)s heeft dit voorstel intussen opgeslagen",
                "%(names)s hebben dit voorstel intussen opgeslagen",
                len(self.others),
            ) % {"names": self.names}
            return headline[:1].upper() + headline[1:]
        # Only a step that keeps no revision (an attachment added, say) came in between.
        return _("Het voorstel is intussen gewijzigd")


def last_edited_section(proposal: Proposal) -> int | None:
    """The position of the section someone changed or added last since the proposal was
    first saved (its first revision); None when none was."""
    first = proposal.revisions.order_by("version").values_list("saved_at", flat=True).first()
    if first is None:
        return None
    record = (
        Section.history.filter(proposal_id=proposal.pk, history_date__gt=first)
        .exclude(history_type="-")
        .order_by("-history_date")
        .first()
    )
    if record is None:
        return None
    return proposal.sections.filter(pk=record.id).values_list("position", flat=True).first()
