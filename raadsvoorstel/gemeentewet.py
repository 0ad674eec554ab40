"""The Gemeentewet's rules on quorum and voting, as plain functions of counts.

Every rule counts the members *with zitting* (zitting hebbende leden): those holding a seat
on the day, which is the number of seats less any vacancies. A member who must refrain under
art. 28 is *excluded* from that vote: they do not vote and do not count for art. 29 or for
whether the meeting is full (art. 32). The council's live process (actions/meetings.py) and
the import of recorded votes (interchange.py) call the same functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from enum import StrEnum

from django.utils.translation import gettext as _


class Outcome(StrEnum):
    ADOPTED = "aangenomen"
    REJECTED = "verworpen"
    POSTPONED = "aangehouden"
    # Art. 29: too few took part; the subject goes to the next meeting.
    INVALID = "ongeldig"


class InvalidVote(ValueError):
    """Counts that cannot be true, with the reason in Dutch."""


def more_than_half(total: int) -> int:
    """The smallest number that is more than half of `total`."""
    return total // 2 + 1


def at_least_half(total: int) -> int:
    """The smallest number that is at least half of `total`."""
    return (total + 1) // 2


# --- Zitting hebbende leden ---


def most_seated_at_once(terms: Iterable[tuple[datetime.date, datetime.date | None]]) -> int:
    """The most members seated on any one day, from their terms (first day, last day or None).

    Art. 8 fixes the number of seats: it is a ceiling, and a vacancy is a vacancy.
    """
    events = []
    for start, end in terms:
        events.append((start, 1))
        if end is not None:
            events.append((end + datetime.timedelta(days=1), -1))
    most = seated = 0
    # On one day, a term ending the day before makes room before a term starting that day.
    for _day, change in sorted(events, key=lambda event: (event[0], event[1])):
        seated += change
        most = max(most, seated)
    return most


# --- Art. 20: quorum ---


def meeting_may_open(present: int, seated: int, *, reconvened: bool = False) -> bool:
    """Art. 20 lid 1: the meeting opens when more than half of the members with zitting have
    signed the attendance list. Lid 3: a meeting convened again because the first could not
    open (lid 2) opens without that quorum, for the items of the first meeting."""
    return reconvened or present >= more_than_half(seated)


def may_take_up_new_items(present: int, seated: int) -> bool:
    """Art. 20 lid 3: in a reconvened meeting, items that were not on the first meeting's
    agenda need at least half of the members with zitting present."""
    return present >= at_least_half(seated)


def convened_in_time(convened_at: datetime.datetime, starts_at: datetime.datetime) -> bool:
    """Art. 20 lid 2: the reconvened meeting is at least 24 hours after its convocation."""
    return starts_at - convened_at >= datetime.timedelta(hours=24)


# --- Art. 28, 29, 30 and 32: a vote ---


def voters(seated: int, excluded: int = 0) -> int:
    """The members who could vote: with zitting, less those excluded under art. 28."""
    return seated - excluded


def vote_is_valid(cast: int, seated: int, excluded: int = 0, *, exempt: bool = False) -> bool:
    """Art. 29 lid 1: a vote counts when more than half of the members with zitting who are
    not excluded took part. Lid 2 exempts a vote on the same subject in the next meeting
    after an invalid one, and a vote in a reconvened meeting (art. 20 lid 2)."""
    return exempt or cast >= more_than_half(voters(seated, excluded))


def meeting_is_full(cast: int, seated: int, excluded: int = 0) -> bool:
    """Art. 32: the meeting is full when every member with zitting who was not excluded
    cast a vote."""
    return cast == voters(seated, excluded)


def outcome_of_vote(
    votes_for: int,
    votes_against: int,
    *,
    seated: int,
    present: int,
    excluded: int = 0,
    tied_before: bool = False,
    exempt: bool = False,
) -> Outcome:
    """The result of a vote by show of hands or roll call (art. 29, 30 and 32).

    Too few taking part makes the vote invalid (art. 29). A proposal needs more than half of
    the votes cast (art. 30). On a tie the decision on this subject waits for the next
    meeting, unless the meeting is full or the same subject tied before: then it is not
    adopted (art. 32). `present` counts the members present when the vote was taken, the
    excluded among them.
    """
    cast = votes_for + votes_against
    if min(votes_for, votes_against) < 0:
        raise InvalidVote(_("Een aantal stemmen kan niet negatief zijn."))
    if present > seated:
        raise InvalidVote(
            _("Er zijn %(present)s leden aanwezig, maar %(seated)s leden hebben zitting.")
            % {"present": present, "seated": seated}
        )
    if cast > present - excluded:
        raise InvalidVote(
            _("Er zijn %(cast)s stemmen uitgebracht, maar %(able)s aanwezige leden mochten stemmen.")
            % {"cast": cast, "able": present - excluded}
        )
    if not vote_is_valid(cast, seated, excluded, exempt=exempt):
        return Outcome.INVALID
    if votes_for > votes_against:
        return Outcome.ADOPTED
    if votes_for == votes_against and not meeting_is_full(cast, seated, excluded) and not tied_before:
        return Outcome.POSTPONED
    return Outcome.REJECTED


def too_few_voters(cast: int, seated: int, excluded: int = 0) -> str:
    return _(
        "Er hebben %(cast)s leden gestemd; van de %(voters)s leden met zitting die mochten "
        "stemmen moeten dat er ten minste %(needed)s zijn (art. 29)."
    ) % {"cast": cast, "voters": voters(seated, excluded), "needed": more_than_half(voters(seated, excluded))}


def missing_from_roll_call(called: Iterable[str], voted: Iterable[str]) -> list[str]:
    """Art. 32: in a roll call each present member who is not excluded is asked, and answers
    voor or tegen; the names of those who have not, in the order they were called."""
    answered = set(voted)
    return [name for name in called if name not in answered]


def call_order(names: list[str], first: str) -> list[str]:
    """The roll call from `first` on, in the order of `names`, wrapping round (art. 32; who
    is first is drawn by lot or set by the Reglement van Orde)."""
    start = names.index(first)
    return names[start:] + names[:start]


def problems_with_recorded_vote(
    mode: str,
    votes_for: int | None,
    votes_against: int | None,
    result: str,
    *,
    seated: int,
    excluded: int = 0,
) -> list[str]:
    """What makes a recorded vote impossible under the law; empty when it could be true.

    The attendance and any earlier tie of an imported decision are not known, so a tie
    recorded as rejected is accepted (the law's answer in a full meeting, or after an earlier
    tie); a tie or a minority recorded as adopted is not, and neither is a vote too few took
    part in (art. 29: it decides nothing).
    """
    if mode == "hamerstuk":
        if result != Outcome.ADOPTED:
            return [_("Een hamerstuk is aangenomen: zonder stemming is er geen verwerping (art. 32).")]
        return []
    assert votes_for is not None and votes_against is not None
    cast = votes_for + votes_against
    if cast > voters(seated, excluded):
        return [
            _("Er zijn %(cast)s stemmen uitgebracht, maar %(voters)s leden met zitting mochten stemmen.")
            % {"cast": cast, "voters": voters(seated, excluded)}
        ]
    if not vote_is_valid(cast, seated, excluded):
        return [too_few_voters(cast, seated, excluded)]
    if result == Outcome.ADOPTED and votes_for <= votes_against:
        if votes_for == votes_against:
            return [_("Bij staking van stemmen is een voorstel niet aangenomen (art. 32).")]
        return [
            _("Met %(for)s stemmen voor en %(against)s tegen is het voorstel niet aangenomen (art. 30).")
            % {"for": votes_for, "against": votes_against}
        ]
    if result == Outcome.REJECTED and votes_for > votes_against:
        return [
            _("Met %(for)s stemmen voor en %(against)s tegen is het voorstel aangenomen (art. 30).")
            % {"for": votes_for, "against": votes_against}
        ]
    return []
