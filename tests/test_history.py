"""The history's word diff and text versions."""

import pytest

from raadsvoorstel import actions
from raadsvoorstel.history import revisions_with_changes, word_diff
from raadsvoorstel.text import ProposalText


def marked(old: str, new: str) -> str:
    marks = {"equal": "{}", "insert": "[+{}]", "delete": "[-{}]"}
    return "".join(marks[change.op].format(change.text) for change in word_diff(old, new))


def test_a_changed_word_is_marked_removed_and_added():
    assert marked("de raad besluit", "de raad beslist") == "de raad [-besluit][+beslist]"


def test_white_space_and_line_breaks_survive_the_diff():
    old, new = "eerste regel\n\ntweede  regel", "eerste regel\n\nderde  regel"
    changes = word_diff(old, new)
    assert "".join(c.text for c in changes if c.op != "insert") == old
    assert "".join(c.text for c in changes if c.op != "delete") == new


def test_a_long_text_diffs_word_by_word():
    """A proposal of 3,000 words with a change every hundred words still diffs exactly."""
    words = [f"woord{n}" for n in range(3000)]
    changed = [f"ander{n}" if n % 100 == 0 else word for n, word in enumerate(words)]
    changes = word_diff(" ".join(words), " ".join(changed))
    assert sum(change.op == "insert" for change in changes) == 30


@pytest.mark.django_db
def test_each_saved_version_is_listed_newest_first_with_its_changes(concept, griffie):
    text = ProposalText.of(concept)
    text.subject = "Veiligheidsbeleid, herzien"
    actions.update_proposal(concept, text, version=concept.version, by=griffie)

    newest, first = revisions_with_changes(concept)

    assert (newest.revision.version, first.revision.version) == (2, 1)
    assert newest.revision.saved_by == griffie
    assert [c.text.strip() for c in newest.changes if c.op == "insert"] == ["Veiligheidsbeleid, herzien"]
