"""The Gemeentewet's rules on quorum and voting, as plain functions.

`seats` is the number of seated members of the council (zitting hebbende leden),
`present` the number who signed the attendance list. The import checks recorded votes
with `problems_with_recorded_vote`; the council's live process computes results with
`outcome_of_vote`. Both speak the same rules, written once here.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _


class Outcome(StrEnum):
    ADOPTED = "aangenomen"
    REJECTED = "verworpen"
    POSTPONED = "aangehouden"


class InvalidVote(ValueError):
    """A vote that the law does not count, with the reason in Dutch."""


def more_than_half(total: int) -> int:
    """The smallest number that is more than half of `total`."""
    return total // 2 + 1


def meeting_may_open(present: int, seats: int) -> bool:
    """Art. 20: a meeting opens when more than half of the seated members are present."""
    return present >= more_than_half(seats)


def vote_is_valid(cast: int, seats: int) -> bool:
    """Art. 29: a vote counts when more than half of the seated members take part."""
    return cast >= more_than_half(seats)


def outcome_of_vote(
    votes_for: int,
    votes_against: int,
    *,
    seats: int,
    present: int,
    postponed_before: bool = False,
) -> Outcome:
    """The result of a vote by show of hands or roll call (art. 29, 30 and 32).

    A proposal needs more than half of the votes cast (art. 30). On a tie the decision
    is postponed to the next meeting, unless the meeting is full or the proposal was
    postponed on a tie before: then it is rejected (art. 32).
    """
    cast = votes_for + votes_against
    if min(votes_for, votes_against) < 0:
        raise InvalidVote(_("Een aantal stemmen kan niet negatief zijn."))
    if cast > present:
        raise InvalidVote(
            _("Er zijn %(cast)s stemmen uitgebracht, maar %(present)s leden aanwezig.")
            % {"cast": cast, "present": present}
        )
    if present > seats:
        raise InvalidVote(
            _("Er zijn %(present)s leden aanwezig, maar de raad heeft %(seats)s zetels.")
            % {"present": present, "seats": seats}
        )
    if not vote_is_valid(cast, seats):
        raise InvalidVote(_too_few_voters(cast, seats))
    if votes_for > votes_against:
        return Outcome.ADOPTED
    if votes_for == votes_against and present < seats and not postponed_before:
        return Outcome.POSTPONED
    return Outcome.REJECTED


def problems_with_recorded_vote(
    mode: str, votes_for: int | None, votes_against: int | None, result: str, *, seats: int
) -> list[str]:
    """What makes a recorded vote impossible under the law; empty when it could be true.

    The attendance of an imported decision is not known, so a tie recorded as rejected
    is accepted (it is the law's answer in a full meeting); a tie or minority recorded
    as adopted is not.
    """
    if mode == "hamerstuk":
        if result != Outcome.ADOPTED:
            return [_("Een hamerstuk is aangenomen: zonder stemming is er geen verwerping (art. 32).")]
        return []
    assert votes_for is not None and votes_against is not None
    cast = votes_for + votes_against
    if cast > seats:
        return [
            _("Er zijn %(cast)s stemmen uitgebracht, maar de raad heeft %(seats)s zetels.")
            % {"cast": cast, "seats": seats}
        ]
    if not vote_is_valid(cast, seats):
        return [_too_few_voters(cast, seats)]
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


def _too_few_voters(cast: int, seats: int) -> str:
    return _(
        "Er hebben %(cast)s leden gestemd; bij %(seats)s zetels moeten dat er ten minste "
        "%(needed)s zijn (art. 29)."
    ) % {"cast": cast, "seats": seats, "needed": more_than_half(seats)}
