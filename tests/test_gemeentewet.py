"""The Gemeentewet's quorum and voting rules, case by case against each article."""

import pytest

from raadsvoorstel.gemeentewet import (
    InvalidVote,
    Outcome,
    meeting_may_open,
    more_than_half,
    outcome_of_vote,
    problems_with_recorded_vote,
    vote_is_valid,
)


@pytest.mark.parametrize(("total", "needed"), [(9, 5), (10, 6), (19, 10), (20, 11), (45, 23), (0, 1), (1, 1)])
def test_more_than_half_is_the_smallest_strict_majority(total, needed):
    assert more_than_half(total) == needed


@pytest.mark.parametrize(
    ("present", "seats", "opens"),
    [(10, 19, True), (9, 19, False), (11, 21, True), (10, 20, False), (11, 20, True)],
)
def test_a_meeting_opens_when_more_than_half_of_the_members_are_present(present, seats, opens):
    """Art. 20: quorum just reached and just missed."""
    assert meeting_may_open(present, seats) is opens


@pytest.mark.parametrize(("cast", "seats", "valid"), [(10, 19, True), (9, 19, False), (23, 45, True)])
def test_a_vote_counts_when_more_than_half_of_the_members_take_part(cast, seats, valid):
    """Art. 29."""
    assert vote_is_valid(cast, seats) is valid


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "present", "postponed_before", "outcome"),
    [
        (10, 9, 19, False, Outcome.ADOPTED),  # art. 30: a majority of one
        (9, 10, 19, False, Outcome.REJECTED),
        (6, 5, 15, False, Outcome.ADOPTED),
        (9, 9, 18, False, Outcome.POSTPONED),  # art. 32: a tie in a meeting that is not full
        (8, 8, 17, False, Outcome.POSTPONED),
        (9, 9, 19, False, Outcome.REJECTED),  # a tie in a full meeting (one member did not vote)
        (9, 9, 18, True, Outcome.REJECTED),  # a tie again after postponement
    ],
)
def test_the_outcome_follows_articles_30_and_32(votes_for, votes_against, present, postponed_before, outcome):
    result = outcome_of_vote(
        votes_for, votes_against, seats=19, present=present, postponed_before=postponed_before
    )
    assert result is outcome


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "present", "message"),
    [
        (5, 4, 19, "ten minste 10"),  # art. 29: too few take part
        (10, 8, 15, "15 leden aanwezig"),  # more votes than members present
        (10, 5, 20, "19 zetels"),  # more present than seats
        (-1, 12, 19, "negatief"),
    ],
)
def test_a_vote_the_law_does_not_count_is_refused_with_its_reason(votes_for, votes_against, present, message):
    with pytest.raises(InvalidVote, match=message):
        outcome_of_vote(votes_for, votes_against, seats=19, present=present)


def test_a_recorded_hamerstuk_is_adopted():
    assert problems_with_recorded_vote("hamerstuk", None, None, "aangenomen", seats=19) == []
    (problem,) = problems_with_recorded_vote("hamerstuk", None, None, "verworpen", seats=19)
    assert "hamerstuk" in problem


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "result", "fragment"),
    [
        (15, 5, "aangenomen", "20 stemmen uitgebracht"),  # more votes than seats
        (5, 4, "aangenomen", "ten minste 10"),  # too few taking part
        (4, 5, "verworpen", "ten minste 10"),
        (6, 6, "aangenomen", "staking van stemmen"),  # a tie is never adopted
        (5, 7, "aangenomen", "niet aangenomen"),  # a minority
        (7, 5, "verworpen", "is het voorstel aangenomen"),  # a majority
    ],
)
def test_a_recorded_vote_that_cannot_be_true_is_named(votes_for, votes_against, result, fragment):
    (problem,) = problems_with_recorded_vote("handopsteking", votes_for, votes_against, result, seats=19)
    assert fragment in problem


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "result"),
    [(10, 0, "aangenomen"), (6, 6, "verworpen"), (0, 19, "verworpen"), (10, 9, "aangenomen")],
)
def test_a_recorded_vote_that_could_be_true_passes(votes_for, votes_against, result):
    """A tie recorded as rejected is the law's answer in a full meeting."""
    assert problems_with_recorded_vote("hoofdelijk", votes_for, votes_against, result, seats=19) == []
