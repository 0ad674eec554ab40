"""The council's procedure through the actions, rule by rule: members with zitting and the
seats (art. 8), quorum and reconvening (art. 20), exclusion (art. 28), validity and its
exemptions (art. 29), the roll call and ties per subject (art. 32), the meeting's lifecycle,
amendments that insert, delete and lapse, sub-amendments, moties, and the explicit advice."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from raadsvoorstel import actions, audit
from raadsvoorstel.amendments import DELETE, INSERT, REPLACE, Change
from raadsvoorstel.models import (
    AgendaItem,
    AuditEntry,
    CouncilMember,
    Decision,
    Meeting,
    Proposal,
    Role,
    State,
    TabledAmendment,
    Vote,
    VoteMode,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SEATED_FROM = datetime.date(2022, 3, 30)
FIRST = datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM)
LATER = datetime.datetime(2023, 11, 2, 20, tzinfo=AMSTERDAM)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def members(bloemendaal, griffie) -> list[CouncilMember]:
    return [
        actions.add_member(bloemendaal, f"Lid {n:02}", f"Partij {n % 3}", SEATED_FROM, by=griffie)
        for n in range(19)
    ]


@pytest.fixture
def meeting(bloemendaal, griffie) -> Meeting:
    return actions.schedule_meeting(bloemendaal, FIRST, "Raadzaal", by=griffie)


@pytest.fixture
def later(bloemendaal, griffie) -> Meeting:
    return actions.schedule_meeting(bloemendaal, LATER, "Raadzaal", by=griffie)


@pytest.fixture
def item(concept, meeting, griffie, propose_advice) -> AgendaItem:
    proposal = propose_advice(concept)
    actions.submit_proposal(proposal, by=griffie)
    return actions.put_on_agenda(meeting, fresh(proposal), by=griffie)


def open_with(meeting: Meeting, members: list[CouncilMember], griffie) -> None:
    actions.open_meeting(meeting, members=members, by=griffie)


# --- Art. 8: the seats are a ceiling, a vacancy a vacancy ---


def test_no_member_beyond_the_seats(members, bloemendaal, griffie):
    with pytest.raises(
        Exception, match="De raad heeft 19 zetels; zo zouden er op één dag 20 leden zitting hebben"
    ):
        actions.add_member(bloemendaal, "Twintigste", "Partij", SEATED_FROM, by=griffie)
    assert bloemendaal.members.count() == 19


def test_an_import_beyond_the_seats_stores_nothing(members, bloemendaal, griffie):
    with pytest.raises(ValidationError, match="19 zetels"):
        actions.import_members(bloemendaal, "naam;fractie;vanaf\nNieuw;Partij;2023-01-01\n", by=griffie)
    assert bloemendaal.members.count() == 19


def test_a_successor_takes_the_seat_the_day_after_it_falls_vacant(members, bloemendaal, griffie):
    leaving = members[0]
    actions.update_member(
        leaving,
        name=leaving.name,
        party=leaving.party,
        seated_from=leaving.seated_from,
        seated_until=datetime.date(2023, 9, 30),
        by=griffie,
    )
    actions.add_member(bloemendaal, "Opvolger", "Partij 0", datetime.date(2023, 10, 1), by=griffie)
    assert AuditEntry.objects.filter(action="update_member").exists()


def test_a_vacancy_lowers_the_quorum(members, meeting, griffie):
    """Art. 20: 17 of 19 seats filled, and 9 is more than half of 17."""
    for member in members[:2]:
        actions.update_member(
            member,
            name=member.name,
            party=member.party,
            seated_from=member.seated_from,
            seated_until=datetime.date(2023, 9, 1),
            by=griffie,
        )
    open_with(meeting, members[2:11], griffie)
    assert fresh(meeting).is_open


# --- Art. 20 lid 2-3: convened again ---


def test_a_meeting_that_could_not_open_is_convened_again_and_opens_without_quorum(
    bloemendaal, members, meeting, griffie
):
    with pytest.raises(Exception, match="ten minste 10 nodig"):
        open_with(meeting, members[:5], griffie)
    with pytest.raises(Exception, match="24 uur na de oproeping"):
        actions.schedule_meeting(
            bloemendaal,
            FIRST + datetime.timedelta(days=1),
            "Raadzaal",
            continues=meeting,
            convened_at=FIRST + datetime.timedelta(hours=1),
            by=griffie,
        )
    again = actions.schedule_meeting(
        bloemendaal,
        FIRST + datetime.timedelta(days=2),
        "Raadzaal",
        continues=meeting,
        convened_at=FIRST + datetime.timedelta(hours=1),
        by=griffie,
    )
    open_with(again, members[:4], griffie)
    assert fresh(again).is_open


def test_in_a_reconvened_meeting_a_new_item_needs_half_present(
    bloemendaal, members, meeting, griffie, import_document, bloemendaal_document, item
):
    again = actions.schedule_meeting(
        bloemendaal,
        FIRST + datetime.timedelta(days=2),
        "Raadzaal",
        continues=meeting,
        convened_at=FIRST + datetime.timedelta(hours=1),
        by=griffie,
    )
    other = import_document({**bloemendaal_document, "regional_plan": None, "number": "2023000999"})
    actions.submit_proposal(other, by=griffie)
    new_item = actions.put_on_agenda(again, fresh(other), by=griffie)
    moved = actions.postpone_item(item, again, by=griffie)
    open_with(again, members[:6], griffie)

    vote = actions.start_vote(moved, VoteMode.HAMERSTUK, by=griffie)  # on the first agenda: no quorum
    assert vote.outcome == "aangenomen"
    with pytest.raises(Exception, match="art. 20 lid 3"):
        actions.start_vote(new_item, VoteMode.HAMERSTUK, by=griffie)


# --- Art. 28 and 29 ---


def test_an_excluded_member_does_not_vote_and_does_not_count(item, meeting, members, griffie):
    open_with(meeting, members[:11], griffie)
    vote = actions.start_vote(
        item, VoteMode.HOOFDELIJK, excluded=[(members[0], "belang bij het besluit")], by=griffie
    )
    with pytest.raises(Exception, match="uitgesloten"):
        actions.cast_ballot(vote, members[0], "voor", by=griffie)
    for member in members[1:11]:
        actions.cast_ballot(vote, member, "voor", by=griffie)
    closed = actions.close_vote(vote, by=griffie)
    # 10 of the 18 who may vote took part: valid (art. 29), and the record names the excluded.
    assert closed.outcome == "aangenomen"
    assert Decision.objects.get(proposal=item.proposal).excluded == [[members[0].name, members[0].party]]


def test_an_excluded_member_must_be_present_and_have_a_reason(item, meeting, members, griffie):
    open_with(meeting, members[:11], griffie)
    with pytest.raises(Exception, match="niet aanwezig"):
        actions.start_vote(item, VoteMode.HANDOPSTEKING, excluded=[(members[18], "belang")], by=griffie)
    with pytest.raises(Exception, match="reden van uitsluiting"):
        actions.start_vote(item, VoteMode.HANDOPSTEKING, excluded=[(members[0], " ")], by=griffie)
    assert not Vote.objects.exists()


def test_after_an_invalid_vote_the_next_meeting_needs_no_quorum_for_that_subject(
    item, meeting, later, members, griffie
):
    open_with(meeting, members[:10], griffie)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)
    assert actions.close_vote(vote, votes_for=5, votes_against=4, by=griffie).outcome == "ongeldig"
    moved = actions.postpone_item(fresh(item), later, by=griffie)
    assert moved.invalid_before

    open_with(later, members[:10], griffie)
    vote = actions.start_vote(moved, VoteMode.HANDOPSTEKING, by=griffie)
    assert actions.close_vote(vote, votes_for=4, votes_against=2, by=griffie).outcome == "aangenomen"


def test_a_vote_opened_by_mistake_is_withdrawn_with_its_reason(item, meeting, members, griffie):
    open_with(meeting, members[:12], griffie)
    vote = actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)
    actions.withdraw_vote(vote, reason="verkeerde stemwijze", by=griffie)
    assert fresh(vote).status == "withdrawn"
    assert AuditEntry.objects.get(action="withdraw_vote").payload["reason"] == "verkeerde stemwijze"
    # Nothing stays stuck: the next vote opens.
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    assert fresh(item.proposal).state == State.ADVISED


# --- Art. 32: the roll call ---


@pytest.mark.parametrize("start", ["alphabetical", "lot"])
def test_the_roll_call_asks_everyone_present_from_the_first_in_order(
    item, meeting, members, griffie, bloemendaal, start
):
    bloemendaal.roll_call_start = start
    actions.save_reference(bloemendaal, by=None, changed=["roll_call_start"])
    open_with(meeting, members[:12], griffie)
    vote = actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)
    names = sorted(m.name for m in members[:12])
    called = vote.call_order_names()
    first = called[0]
    assert called == names[names.index(first) :] + names[: names.index(first)]
    if start == "alphabetical":
        assert first == names[0]
    for member in reversed(vote.called_members()):
        actions.cast_ballot(vote, member, "voor", by=griffie)
    actions.close_vote(vote, by=griffie)
    decision = Decision.objects.get(proposal=item.proposal)
    assert [v.name for v in decision.member_votes.all()] == called  # the record keeps the order


def test_a_correction_of_a_vote_the_griffie_entered_is_logged(item, meeting, members, griffie, make_user):
    open_with(meeting, members[:12], griffie)
    vote = actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)
    actions.cast_ballot(vote, members[0], "tegen", by=griffie)
    actions.correct_ballot(vote, members[0], "voor", reason="verkeerd ingevoerd", by=griffie)
    ballot = vote.ballots.get(member=members[0])
    assert (ballot.choice, ballot.corrected) == ("voor", True)
    entry = AuditEntry.objects.get(action="correct_ballot")
    assert (entry.payload["from"], entry.payload["to"]) == ("tegen", "voor")

    own = make_user(Role.RAADSLID, username="eigen")
    members[1].user = own
    actions.save_reference(members[1], by=None, changed=["user"])
    actions.cast_ballot(vote, fresh(members[1]), "tegen", by=own)
    with pytest.raises(Exception, match="zelf gestemd"):
        actions.correct_ballot(vote, fresh(members[1]), "voor", reason="?", by=griffie)


def test_a_departure_before_a_vote_counts_and_an_arrival_too(item, meeting, members, griffie):
    open_with(meeting, members[:12], griffie)
    actions.record_presence(meeting, members[0], arrived=False, by=griffie)
    actions.record_presence(meeting, members[15], arrived=True, by=griffie)
    vote = actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)
    assert vote.present == 12
    assert members[0] not in vote.present_members.all() and members[15] in vote.present_members.all()
    with pytest.raises(Exception, match="is niet aanwezig"):
        actions.record_presence(meeting, members[0], arrived=False, by=griffie)


# --- Ties per subject (art. 32) ---


def test_a_tie_on_an_amendment_does_not_make_the_proposals_first_tie_a_rejection(
    item, meeting, later, members, griffie
):
    open_with(meeting, members[:18], griffie)
    amendment = actions.table_amendment(item, "A", ["Lid 01"], [Change(1, text="anders; en")], by=griffie)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, amendment=amendment, by=griffie)
    assert actions.close_vote(vote, votes_for=8, votes_against=8, by=griffie).outcome == "aangehouden"
    assert fresh(amendment).tied_before and not fresh(item).postponed_on_tie
    moved = actions.postpone_item(fresh(item), later, by=griffie)

    open_with(later, members[:18], griffie)
    again = moved.amendments.get()
    assert again.tied_before
    vote = actions.start_vote(moved, VoteMode.HANDOPSTEKING, amendment=again, by=griffie)
    assert actions.close_vote(vote, votes_for=8, votes_against=8, by=griffie).outcome == "verworpen"
    vote = actions.start_vote(moved, VoteMode.HANDOPSTEKING, by=griffie)
    # The proposal's own first tie: held over, not rejected.
    assert actions.close_vote(vote, votes_for=8, votes_against=8, by=griffie).outcome == "aangehouden"


# --- The meeting's lifecycle ---


def test_a_closed_meeting_changes_only_by_the_griffiers_recorded_correction(
    item, meeting, members, griffie, griffier, bloemendaal
):
    open_with(meeting, members[:12], griffie)
    actions.close_meeting(meeting, by=griffie)
    meeting = fresh(meeting)
    with pytest.raises(Exception, match="Deze vergadering is gesloten"):
        actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    with pytest.raises(Exception, match="zolang de vergadering open is"):
        actions.record_presence(meeting, members[13], arrived=True, by=griffie)
    with pytest.raises(PermissionDenied):
        actions.correct_attendance(meeting, members[:13], reason="lid vergeten", by=griffie)
    actions.correct_attendance(meeting, members[:13], reason="lid vergeten", by=griffier)
    assert meeting.attendances.count() == 13
    assert AuditEntry.objects.get(action="correct_attendance").payload["reason"] == "lid vergeten"


# --- Amendments ---


def test_an_amendment_adds_a_point_and_another_strikes_one(item, meeting, members, griffie):
    open_with(meeting, members[:15], griffie)
    wishes = "de burgemeester te berichten dat de raad wensen heeft."
    adding = actions.table_amendment(item, "Erbij", ["Lid 01"], [Change(3, INSERT, wishes)], by=griffie)
    striking = actions.table_amendment(item, "Eraf", ["Lid 02"], [Change(1, DELETE)], by=griffie)
    actions.start_vote(item, VoteMode.HAMERSTUK, amendment=adding, by=griffie)
    assert actions.current_points(fresh(item))[-1] == wishes
    actions.start_vote(item, VoteMode.HAMERSTUK, amendment=striking, by=griffie)
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    points = list(fresh(item.proposal).decision_points.values_list("text", flat=True))
    assert len(points) == 2 and points[-1] == wishes
    decision = Decision.objects.get(proposal=item.proposal)
    assert len(decision.proposed_points) == 2 and wishes not in decision.proposed_points
    assert [c.action for a in decision.amendments.all() for c in a.changes.all()] == [INSERT, DELETE]


def test_once_an_amendment_on_a_point_is_adopted_the_others_on_it_lapse(item, meeting, members, griffie):
    open_with(meeting, members[:15], griffie)
    first = actions.table_amendment(item, "Een", ["Lid 01"], [Change(2, REPLACE, "tekst een.")], by=griffie)
    second = actions.table_amendment(
        item, "Twee", ["Lid 02"], [Change(2, REPLACE, "tekst twee.")], by=griffie
    )
    actions.start_vote(item, VoteMode.HAMERSTUK, amendment=first, by=griffie)
    assert fresh(second).result == "vervallen"
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    assert fresh(item.proposal).decision_points.get(position=2).text == "tekst een."


def test_a_sub_amendment_is_voted_first_and_gives_its_amendment_new_changes(item, meeting, members, griffie):
    open_with(meeting, members[:15], griffie)
    amendment = actions.table_amendment(item, "Hoofd", ["Lid 01"], [Change(2, REPLACE, "oud.")], by=griffie)
    sub = actions.table_amendment(
        item, "Sub", ["Lid 02"], [Change(2, REPLACE, "beter.")], parent=amendment, by=griffie
    )
    with pytest.raises(Exception, match="subamendementen"):
        actions.start_vote(item, VoteMode.HAMERSTUK, amendment=amendment, by=griffie)
    actions.start_vote(item, VoteMode.HAMERSTUK, amendment=sub, by=griffie)
    actions.start_vote(item, VoteMode.HAMERSTUK, amendment=amendment, by=griffie)
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    assert fresh(item.proposal).decision_points.get(position=2).text == "beter."


def test_a_motie_is_voted_after_the_proposal(item, meeting, members, griffie):
    open_with(meeting, members[:15], griffie)
    motion = actions.table_motion(item, "Schone duinen", "verzoekt het college ...", ["Lid 03"], by=griffie)
    with pytest.raises(Exception, match="na het voorstel"):
        actions.start_vote(item, VoteMode.HAMERSTUK, motion=motion, by=griffie)
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, motion=motion, by=griffie)
    actions.close_vote(vote, votes_for=10, votes_against=5, by=griffie)
    assert fresh(motion).result == "aangenomen"
    assert audit.council_record_of(fresh(item.proposal))["items"][0]["motions"] == [
        ["Schone duinen", "aangenomen"]
    ]


# --- The advice is data ---


@pytest.mark.parametrize(
    ("proposed", "amended", "expected"),
    [
        (("geen_wensen_en_bedenkingen", ""), None, ("geen_wensen_en_bedenkingen", "")),
        (("", ""), None, ("", "")),
        (
            ("geen_wensen_en_bedenkingen", ""),
            ("wensen_en_bedenkingen", "De raad wil meer aandacht voor drugsafval."),
            ("wensen_en_bedenkingen", "De raad wil meer aandacht voor drugsafval."),
        ),
    ],
    ids=["as proposed", "no consultation", "an amendment changes it"],
)
def test_the_advice_comes_from_the_proposal_and_the_amendments_never_from_words(
    concept, meeting, members, griffie, propose_advice, proposed, amended, expected
):
    proposal = propose_advice(concept, *proposed)
    # Words that once decided the advice decide nothing now.
    actions.submit_proposal(proposal, by=griffie)
    item = actions.put_on_agenda(meeting, fresh(proposal), by=griffie)
    open_with(meeting, members[:15], griffie)
    if amended:
        amendment = actions.table_amendment(
            item,
            "Advies",
            ["Lid 01"],
            [Change(3, INSERT, "de burgemeester te berichten dat geen zienswijze wordt ingediend.")],
            advice=amended[0],
            advice_text=amended[1],
            by=griffie,
        )
        actions.start_vote(item, VoteMode.HAMERSTUK, amendment=amendment, by=griffie)
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.advice, decision.advice_text) == expected


def test_the_voorzitter_declares_a_hamerstuk_only_where_the_reglement_van_orde_allows(
    item, meeting, members, griffie, voorzitter, bloemendaal
):
    bloemendaal.chair_declares_hamerstuk = False
    actions.save_reference(bloemendaal, by=None, changed=["chair_declares_hamerstuk"])
    open_with(meeting, members[:15], griffie)
    with pytest.raises(PermissionDenied):
        actions.start_vote(fresh(item), VoteMode.HAMERSTUK, by=voorzitter)
    vote = actions.start_vote(fresh(item), VoteMode.HANDOPSTEKING, by=voorzitter)
    assert vote.is_open
    assert (
        not TabledAmendment.objects.exists() and Proposal.objects.get(pk=item.proposal_id).is_before_council
    )
