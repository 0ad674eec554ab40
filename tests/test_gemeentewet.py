"""The Gemeentewet's quorum and voting rules, row by row; each row names its article."""

import datetime

import pytest

from raadsvoorstel.gemeentewet import (
    InvalidVote,
    Outcome,
    at_least_half,
    call_order,
    convened_in_time,
    may_take_up_new_items,
    meeting_is_full,
    meeting_may_open,
    missing_from_roll_call,
    more_than_half,
    most_seated_at_once,
    outcome_of_vote,
    problems_with_recorded_vote,
    vote_is_valid,
)

D = datetime.date


@pytest.mark.parametrize(
    ("total", "needed"), [(9, 5), (10, 6), (17, 9), (19, 10), (20, 11), (45, 23), (0, 1)]
)
def test_more_than_half_is_the_smallest_strict_majority(total, needed):
    assert more_than_half(total) == needed


@pytest.mark.parametrize(("total", "needed"), [(19, 10), (20, 10), (17, 9), (9, 5)])
def test_at_least_half_rounds_up(total, needed):
    assert at_least_half(total) == needed


# (article, terms, most seated on one day)
SEATED = [
    ("art. 8: 19 members, one term each", [(D(2022, 3, 30), None)] * 19, 19),
    ("art. 8: a successor the day after", [(D(2022, 3, 30), D(2024, 1, 31)), (D(2024, 2, 1), None)], 1),
    ("art. 8: overlapping terms both count", [(D(2022, 3, 30), D(2024, 2, 1)), (D(2024, 2, 1), None)], 2),
    ("art. 8: a vacancy is no member", [(D(2022, 3, 30), D(2023, 1, 1))], 1),
]


@pytest.mark.parametrize(("article", "terms", "most"), SEATED, ids=[row[0] for row in SEATED])
def test_the_members_seated_on_one_day_are_counted_from_their_terms(article, terms, most):
    assert most_seated_at_once(terms) == most


# (article, present, seated, reconvened, opens)
QUORUM = [
    ("art. 20 lid 1: more than half of 19 seated", 10, 19, False, True),
    ("art. 20 lid 1: half of 19 seated is not enough", 9, 19, False, False),
    ("art. 20 lid 1: 17 of 19 seats filled, 9 is more than half", 9, 17, False, True),
    ("art. 20 lid 1: 17 seated, 8 is not", 8, 17, False, False),
    ("art. 20 lid 1: an even council", 10, 20, False, False),
    ("art. 20 lid 3: a reconvened meeting opens without quorum", 3, 19, True, True),
]


@pytest.mark.parametrize(
    ("article", "present", "seated", "reconvened", "opens"), QUORUM, ids=[r[0] for r in QUORUM]
)
def test_a_meeting_opens_with_more_than_half_of_the_members_with_zitting(
    article, present, seated, reconvened, opens
):
    assert meeting_may_open(present, seated, reconvened=reconvened) is opens


@pytest.mark.parametrize(
    ("article", "present", "seated", "allowed"),
    [
        ("art. 20 lid 3: half is enough for new items", 10, 19, True),
        ("art. 20 lid 3: fewer than half is not", 9, 19, False),
        ("art. 20 lid 3: exactly half of an even council", 10, 20, True),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_reconvened_meeting_takes_up_new_items_with_half_present(article, present, seated, allowed):
    assert may_take_up_new_items(present, seated) is allowed


@pytest.mark.parametrize(
    ("article", "hours", "in_time"),
    [
        ("art. 20 lid 2: 24 hours after the convocation", 24, True),
        ("art. 20 lid 2: sooner is too soon", 23, False),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_reconvened_meeting_is_24_hours_after_its_convocation(article, hours, in_time):
    convened = datetime.datetime(2023, 10, 5, 20, tzinfo=datetime.UTC)
    assert convened_in_time(convened, convened + datetime.timedelta(hours=hours)) is in_time


# (article, cast, seated, excluded, exempt, valid)
VALIDITY = [
    ("art. 29 lid 1: more than half of 19", 10, 19, 0, False, True),
    ("art. 29 lid 1: half of 19 is too few", 9, 19, 0, False, False),
    ("art. 29 lid 1: counted on the 17 with zitting", 9, 17, 0, False, True),
    ("art. 28/29: two excluded of 19, 9 of 17 suffice", 9, 19, 2, False, True),
    ("art. 28/29: two excluded of 19, 8 of 17 do not", 8, 19, 2, False, False),
    ("art. 29 lid 2: the next meeting after an invalid vote", 4, 19, 0, True, True),
]


@pytest.mark.parametrize(
    ("article", "cast", "seated", "excluded", "exempt", "valid"), VALIDITY, ids=[r[0] for r in VALIDITY]
)
def test_a_vote_counts_when_more_than_half_of_those_who_may_vote_took_part(
    article, cast, seated, excluded, exempt, valid
):
    assert vote_is_valid(cast, seated, excluded, exempt=exempt) is valid


@pytest.mark.parametrize(
    ("article", "cast", "seated", "excluded", "full"),
    [
        ("art. 32: all 19 voted", 19, 19, 0, True),
        ("art. 32: 18 of 19 voted", 18, 19, 0, False),
        ("art. 32: all 17 with zitting voted", 17, 17, 0, True),
        ("art. 28/32: all but the excluded voted", 17, 19, 2, True),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_meeting_is_full_when_everyone_who_may_vote_voted(article, cast, seated, excluded, full):
    assert meeting_is_full(cast, seated, excluded) is full


# (article, for, against, present, seated, excluded, tied before, exempt, outcome)
OUTCOMES = [
    ("art. 30: a majority of one", 10, 9, 19, 19, 0, False, False, Outcome.ADOPTED),
    ("art. 30: a minority", 9, 10, 19, 19, 0, False, False, Outcome.REJECTED),
    ("art. 30: a majority of those voting", 6, 5, 15, 19, 0, False, False, Outcome.ADOPTED),
    ("art. 32: a tie in a meeting that is not full", 9, 9, 18, 19, 0, False, False, Outcome.POSTPONED),
    ("art. 32: a tie, one present member did not vote", 9, 9, 19, 19, 0, False, False, Outcome.POSTPONED),
    ("art. 32: a tie in a full meeting", 9, 9, 18, 18, 0, False, False, Outcome.REJECTED),
    (
        "art. 28/32: a tie, full once the excluded are left out",
        8,
        8,
        18,
        18,
        2,
        False,
        False,
        Outcome.REJECTED,
    ),
    ("art. 32: the same subject tied before", 9, 9, 18, 19, 0, True, False, Outcome.REJECTED),
    ("art. 29: too few took part", 5, 4, 19, 19, 0, False, False, Outcome.INVALID),
    (
        "art. 29 lid 2: too few, but exempt after an invalid vote",
        5,
        4,
        12,
        19,
        0,
        False,
        True,
        Outcome.ADOPTED,
    ),
]


@pytest.mark.parametrize(
    (
        "article",
        "votes_for",
        "votes_against",
        "present",
        "seated",
        "excluded",
        "tied_before",
        "exempt",
        "outcome",
    ),
    OUTCOMES,
    ids=[row[0] for row in OUTCOMES],
)
def test_the_outcome_follows_articles_28_to_32(
    article, votes_for, votes_against, present, seated, excluded, tied_before, exempt, outcome
):
    result = outcome_of_vote(
        votes_for,
        votes_against,
        seated=seated,
        present=present,
        excluded=excluded,
        tied_before=tied_before,
        exempt=exempt,
    )
    assert result is outcome


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "present", "excluded", "message"),
    [
        (10, 8, 15, 0, "15 aanwezige leden mochten stemmen"),  # more votes than voters present
        (10, 5, 16, 2, "14 aanwezige leden"),  # the excluded do not vote
        (10, 5, 20, 0, "19 leden hebben zitting"),  # more present than seated
        (-1, 12, 19, 0, "negatief"),
    ],
)
def test_counts_that_cannot_be_true_are_refused_with_their_reason(
    votes_for, votes_against, present, excluded, message
):
    with pytest.raises(InvalidVote, match=message):
        outcome_of_vote(votes_for, votes_against, seated=19, present=present, excluded=excluded)


def test_the_roll_call_starts_with_the_member_drawn_and_goes_round():
    """Art. 32: everyone is called, from the first on."""
    assert call_order(["Anna", "Bas", "Cor", "Dirk"], "Cor") == ["Cor", "Dirk", "Anna", "Bas"]


def test_a_roll_call_names_who_has_not_voted_in_the_order_called():
    """Art. 32: each present member who may vote answers voor or tegen."""
    assert missing_from_roll_call(["Cor", "Dirk", "Anna"], ["Dirk"]) == ["Cor", "Anna"]


def test_a_recorded_hamerstuk_is_adopted():
    """Art. 32 lid 3."""
    assert problems_with_recorded_vote("hamerstuk", None, None, "aangenomen", seated=19) == []
    (problem,) = problems_with_recorded_vote("hamerstuk", None, None, "verworpen", seated=19)
    assert "hamerstuk" in problem


# (article, for, against, result, seated, excluded, fragment of the problem)
IMPOSSIBLE = [
    ("art. 29: more votes than voters", 15, 5, "aangenomen", 19, 0, "20 stemmen uitgebracht"),
    (
        "art. 28: more votes than voters, the excluded left out",
        10,
        8,
        "aangenomen",
        19,
        2,
        "17 leden met zitting",
    ),
    ("art. 29: too few took part", 5, 4, "aangenomen", 19, 0, "ten minste 10"),
    ("art. 29: too few, counted on those with zitting", 4, 4, "verworpen", 17, 0, "ten minste 9"),
    ("art. 32: a tie is never adopted", 6, 6, "aangenomen", 19, 0, "staking van stemmen"),
    ("art. 30: a minority is not adopted", 5, 7, "aangenomen", 19, 0, "niet aangenomen"),
    ("art. 30: a majority is adopted", 7, 5, "verworpen", 19, 0, "is het voorstel aangenomen"),
]


@pytest.mark.parametrize(
    ("article", "votes_for", "votes_against", "result", "seated", "excluded", "fragment"),
    IMPOSSIBLE,
    ids=[row[0] for row in IMPOSSIBLE],
)
def test_a_recorded_vote_that_cannot_be_true_is_named(
    article, votes_for, votes_against, result, seated, excluded, fragment
):
    (problem,) = problems_with_recorded_vote(
        "handopsteking", votes_for, votes_against, result, seated=seated, excluded=excluded
    )
    assert fragment in problem


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "result", "seated"),
    [(10, 0, "aangenomen", 19), (6, 6, "verworpen", 19), (0, 19, "verworpen", 19), (5, 4, "aangenomen", 17)],
)
def test_a_recorded_vote_that_could_be_true_passes(votes_for, votes_against, result, seated):
    """A tie recorded as rejected is the law's answer in a full meeting or after an earlier tie."""
    assert problems_with_recorded_vote("hoofdelijk", votes_for, votes_against, result, seated=seated) == []
