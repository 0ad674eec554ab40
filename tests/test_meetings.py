"""The council at work through the actions: members, the agenda, the attendance list and
the quorum, amendments, votes by hamerstuk, show of hands and roll call, and the signed
raadsbesluit they add up to; each rule of the Gemeentewet allowed and refused."""

from __future__ import annotations

import datetime
import hashlib
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from raadsvoorstel import actions
from raadsvoorstel.amendments import Change
from raadsvoorstel.models import (
    AgendaItem,
    CouncilMember,
    Decision,
    DecisionPoint,
    Meeting,
    MemberBallot,
    Proposal,
    Role,
    State,
    User,
    Vote,
    VoteMode,
    WorkflowError,
)
from raadsvoorstel.text import ProposalText

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MEETING_STARTS_AT = datetime.datetime(2023, 10, 5, 20, 0, tzinfo=AMSTERDAM)
LATER_MEETING_STARTS_AT = datetime.datetime(2023, 11, 2, 20, 0, tzinfo=AMSTERDAM)
SEATED_FROM = datetime.date(2022, 3, 30)

# Nineteen fictional councillors in five fictional parties: Bloemendaal's 19 seats.
COUNCIL = [
    ("Anouk van Duinen", "Duinpartij"),
    ("Bas Kennemer", "Duinpartij"),
    ("Carla Zandvoort", "Duinpartij"),
    ("Daan Helmgras", "Duinpartij"),
    ("Eva Strandwal", "Duinpartij"),
    ("Frank Overveen", "Kennemer Lokaal"),
    ("Greta Aerdenhout", "Kennemer Lokaal"),
    ("Hugo Vogelenzang", "Kennemer Lokaal"),
    ("Iris Bentveld", "Kennemer Lokaal"),
    ("Joost Groenendaal", "Groen Bloemendaal"),
    ("Karin Elswout", "Groen Bloemendaal"),
    ("Lars Brederode", "Groen Bloemendaal"),
    ("Mira Koninginneduin", "Groen Bloemendaal"),
    ("Niels Caprera", "Liberaal Overveen"),
    ("Olga Thijssepark", "Liberaal Overveen"),
    ("Piet Wolfshoek", "Liberaal Overveen"),
    ("Quinta Boekenrode", "Sociaal Vogelenzang"),
    ("Ruud Leyduin", "Sociaal Vogelenzang"),
    ("Sanne Manpad", "Sociaal Vogelenzang"),
]

OBJECTIONS = (
    "de burgemeester te berichten dat de raad de volgende wensen en bedenkingen heeft: de aanpak "
    "van drugsafval in de duinen krijgt een eigen plaats in het plan."
)


def stored_state(proposal: Proposal) -> str:
    return Proposal.objects.values_list("state", flat=True).get(pk=proposal.pk)


def point_texts(proposal: Proposal) -> list[str]:
    return list(DecisionPoint.objects.filter(proposal=proposal).values_list("text", flat=True))


def fresh(obj):
    """The row as the database holds it now: the actions work on their own copies."""
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def members(bloemendaal, griffie) -> list[CouncilMember]:
    return [actions.add_member(bloemendaal, name, party, SEATED_FROM, by=griffie) for name, party in COUNCIL]


@pytest.fixture
def former_member(bloemendaal, griffie) -> CouncilMember:
    return actions.add_member(
        bloemendaal,
        "Wim Oudshoorn",
        "Duinpartij",
        datetime.date(2018, 3, 29),
        datetime.date(2022, 3, 29),
        by=griffie,
    )


@pytest.fixture
def meeting(bloemendaal, griffie) -> Meeting:
    return actions.schedule_meeting(bloemendaal, MEETING_STARTS_AT, "Raadzaal Overveen", by=griffie)


@pytest.fixture
def later_meeting(bloemendaal, griffie) -> Meeting:
    return actions.schedule_meeting(bloemendaal, LATER_MEETING_STARTS_AT, "Raadzaal Overveen", by=griffie)


@pytest.fixture
def before_council(concept, griffie, propose_advice) -> Proposal:
    """Bloemendaal's proposal, proposing "geen wensen en bedenkingen", before the council."""
    proposal = propose_advice(concept)
    actions.submit_proposal(proposal, by=griffie)
    return fresh(proposal)


@pytest.fixture
def item(meeting, before_council, griffie) -> AgendaItem:
    return actions.put_on_agenda(meeting, before_council, by=griffie)


@pytest.fixture
def open_with(members, griffie):
    """Open a meeting with the first `present` of the 19 members on the attendance list."""

    def open_(meeting: Meeting, present: int) -> list[CouncilMember]:
        attending = members[:present]
        actions.set_attendance(meeting, attending, by=griffie)
        actions.open_meeting(meeting, by=griffie)
        return attending

    return open_


@pytest.fixture
def adopted(item, open_with, meeting, griffie) -> Proposal:
    """The Bloemendaal proposal adopted as a hamerstuk on 5 October 2023."""
    open_with(meeting, 19)
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    return fresh(item.proposal)


@pytest.fixture
def amsterdam_griffie(make_user) -> User:
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    return make_user(Role.GRIFFIEMEDEWERKER, username="griffie-amsterdam", municipality=amsterdam)


# --- members ---


def test_bloemendaal_has_19_seats_and_19_members_seated_on_the_day_of_the_meeting(
    bloemendaal, members, former_member, meeting
):
    assert bloemendaal.seats == 19
    assert meeting.date == datetime.date(2023, 10, 5)
    assert meeting.seated_members().count() == 19
    assert former_member not in meeting.seated_members()


def test_the_griffie_imports_members_from_a_csv_file(bloemendaal, griffie):
    text = (
        "naam;fractie;vanaf;tot en met\n"
        "Tess Duinrand;Duinpartij;2022-03-30;\n"
        "Umar Kopje;Kennemer Lokaal;2022-03-30;2024-01-31\n"
        "Vera Zeeweg;Kennemer Lokaal;2024-02-01\n"
    )

    stored = actions.import_members(bloemendaal, text, by=griffie)

    assert len(stored) == 3
    assert list(
        CouncilMember.objects.order_by("name").values_list("name", "party", "seated_from", "seated_until")
    ) == [
        ("Tess Duinrand", "Duinpartij", datetime.date(2022, 3, 30), None),
        ("Umar Kopje", "Kennemer Lokaal", datetime.date(2022, 3, 30), datetime.date(2024, 1, 31)),
        ("Vera Zeeweg", "Kennemer Lokaal", datetime.date(2024, 2, 1), None),
    ]


def test_a_csv_with_one_bad_date_stores_nobody_and_names_the_line(bloemendaal, griffie):
    text = (
        "naam;fractie;vanaf;tot en met\n"
        "Tess Duinrand;Duinpartij;2022-03-30;\n"
        "Umar Kopje;Kennemer Lokaal;30-03-2022;\n"
        "Vera Zeeweg;Kennemer Lokaal;2024-02-01;\n"
    )

    with pytest.raises(ValidationError) as refusal:
        actions.import_members(bloemendaal, text, by=griffie)

    assert len(refusal.value.messages) == 1
    assert "regel 3" in refusal.value.messages[0]
    assert not CouncilMember.objects.exists()


def test_a_csv_naming_the_same_member_twice_is_refused_with_the_line(bloemendaal, griffie):
    text = (
        "naam;fractie;vanaf;tot en met\n"
        "Tess Duinrand;Duinpartij;2022-03-30;\n"
        "Tess Duinrand;Duinpartij;2022-03-30;\n"
    )

    with pytest.raises(ValidationError) as refusal:
        actions.import_members(bloemendaal, text, by=griffie)

    assert "regel 3" in " ".join(refusal.value.messages)
    assert not CouncilMember.objects.exists()


def test_a_raadslid_cannot_import_members(bloemendaal, raadslid):
    with pytest.raises(PermissionDenied):
        actions.import_members(bloemendaal, "naam;fractie;vanaf\nA;B;2022-03-30\n", by=raadslid)
    assert not CouncilMember.objects.exists()


# --- the agenda ---


def test_the_griffie_puts_a_proposal_before_the_council_on_the_agenda(meeting, before_council, griffie):
    item = actions.put_on_agenda(meeting, before_council, by=griffie)

    assert (item.meeting, item.proposal, item.position) == (meeting, before_council, 1)
    assert not item.postponed


def test_a_concept_does_not_go_on_the_agenda(meeting, concept, griffie):
    with pytest.raises(WorkflowError, match="Alleen een voorstel dat bij de raad ligt"):
        actions.put_on_agenda(meeting, concept, by=griffie)
    assert not AgendaItem.objects.exists()


def test_a_proposal_of_another_municipality_does_not_go_on_the_agenda(meeting, griffie, amsterdam_griffie):
    amsterdam = amsterdam_griffie.municipality
    text = ProposalText(
        number="2023-0417",
        subject="Zienswijze op het IMV 2024-2027",
        proposer="burgemeester",
        date=datetime.date(2023, 8, 29),
        legal_basis=[],
        themes=[],
        sections=[],
        decision_points=["geen wensen en bedenkingen te uiten."],
    )
    amsterdam_proposal = actions.create_proposal(amsterdam, text, by=amsterdam_griffie)
    actions.submit_proposal(amsterdam_proposal, by=amsterdam_griffie)

    with pytest.raises(WorkflowError, match="hoort bij een andere gemeente"):
        actions.put_on_agenda(meeting, amsterdam_proposal, by=griffie)
    assert not AgendaItem.objects.exists()


def test_a_proposal_is_on_one_meetings_agenda_at_a_time(item, meeting, later_meeting, griffie):
    with pytest.raises(WorkflowError, match="al op de agenda van een andere vergadering"):
        actions.put_on_agenda(later_meeting, item.proposal, by=griffie)
    with pytest.raises(WorkflowError, match="al op de agenda van deze vergadering"):
        actions.put_on_agenda(meeting, item.proposal, by=griffie)
    assert list(AgendaItem.objects.values_list("meeting", flat=True)) == [meeting.pk]


def test_a_raadslid_does_not_set_the_agenda(meeting, before_council, raadslid):
    with pytest.raises(PermissionDenied):
        actions.put_on_agenda(meeting, before_council, by=raadslid)
    assert not AgendaItem.objects.exists()


# --- attendance and quorum (art. 20) ---


def test_a_meeting_with_9_of_19_present_does_not_open_and_says_10_are_needed(meeting, members, griffie):
    actions.set_attendance(meeting, members[:9], by=griffie)

    with pytest.raises(WorkflowError, match=re.escape("ten minste 10 nodig (art. 20)")):
        actions.open_meeting(meeting, by=griffie)
    assert fresh(meeting).opened_at is None


def test_a_meeting_with_10_of_19_present_opens(meeting, members, griffie):
    actions.set_attendance(meeting, members[:10], by=griffie)
    actions.open_meeting(meeting, by=griffie)

    assert fresh(meeting).is_open
    assert fresh(meeting).attendances.count() == 10


def test_a_member_whose_term_ended_before_the_meeting_cannot_sign_the_attendance_list(
    meeting, members, former_member, griffie
):
    with pytest.raises(WorkflowError, match="Wim Oudshoorn heeft op de dag van de vergadering geen zitting"):
        actions.set_attendance(meeting, [*members[:10], former_member], by=griffie)
    assert not meeting.attendances.exists()


def test_the_attendance_list_signed_at_opening_stays_as_it_was(item, meeting, members, open_with, griffie):
    open_with(meeting, 12)

    with pytest.raises(WorkflowError, match="de presentielijst ligt vast; leg komst en vertrek vast"):
        actions.set_attendance(meeting, members[:15], by=griffie)
    assert meeting.attendances.count() == 12


def test_the_attendance_list_keeps_exactly_the_members_the_griffie_gives(meeting, members, griffie):
    actions.set_attendance(meeting, members[:12], by=griffie)
    actions.set_attendance(meeting, members[2:14], by=griffie)

    assert set(meeting.attendances.values_list("member", flat=True)) == {m.pk for m in members[2:14]}


# --- starting a vote, and the hamerstuk (art. 32 lid 3) ---


def test_no_vote_before_the_meeting_opens(item, meeting, members, griffie):
    actions.set_attendance(meeting, members, by=griffie)

    with pytest.raises(WorkflowError, match="alleen gestemd in een geopende vergadering"):
        actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    assert not Vote.objects.exists()


def test_a_hamerstuk_adopts_the_proposal_at_once_with_geen_wensen_en_bedenkingen(
    item, meeting, open_with, griffie
):
    open_with(meeting, 19)

    vote = actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)

    assert (vote.status, vote.outcome) == ("closed", "aangenomen")
    assert stored_state(item.proposal) == State.ADVISED
    decision = Decision.objects.get(proposal=item.proposal)
    assert decision.meeting_date == datetime.date(2023, 10, 5)
    assert decision.vote_mode == "hamerstuk"
    assert (decision.votes_for, decision.votes_against) == (None, None)
    assert decision.result == "aangenomen"
    assert decision.advice == "geen_wensen_en_bedenkingen"
    assert decision.advice_text == ""
    assert decision.meeting == meeting


def test_the_proposal_is_not_put_to_the_vote_before_its_amendments(item, meeting, open_with, griffie):
    open_with(meeting, 19)
    actions.table_amendment(
        item, "Drugsafval in de duinen", ["Anouk van Duinen"], [Change(2, text=OBJECTIONS)], by=griffie
    )

    with pytest.raises(WorkflowError, match="Eerst wordt over de amendementen gestemd"):
        actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)
    assert stored_state(item.proposal) == State.COUNCIL_ADVICE
    assert not Vote.objects.exists()


def test_a_second_vote_does_not_open_while_one_is_open(item, meeting, open_with, griffie):
    open_with(meeting, 19)
    actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)

    with pytest.raises(WorkflowError, match="Er loopt al een stemming"):
        actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)
    assert Vote.objects.count() == 1


def test_a_raadslid_does_not_put_a_proposal_to_the_vote(item, meeting, open_with, raadslid):
    open_with(meeting, 19)

    with pytest.raises(PermissionDenied):
        actions.start_vote(item, VoteMode.HAMERSTUK, by=raadslid)
    assert stored_state(item.proposal) == State.COUNCIL_ADVICE


# --- a show of hands (art. 29, 30, 32) ---


def test_a_show_of_hands_with_a_majority_of_one_adopts(item, meeting, open_with, griffie):
    open_with(meeting, 19)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)

    closed = actions.close_vote(vote, votes_for=10, votes_against=9, by=griffie)

    assert (closed.status, closed.outcome, closed.present) == ("closed", "aangenomen", 19)
    assert stored_state(item.proposal) == State.ADVISED
    decision = Decision.objects.get(proposal=item.proposal)
    assert (decision.vote_mode, decision.votes_for, decision.votes_against) == ("handopsteking", 10, 9)


def test_more_hands_than_members_present_are_refused_and_the_vote_stays_open(
    item, meeting, open_with, griffie
):
    open_with(meeting, 12)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)

    with pytest.raises(
        WorkflowError, match="Er zijn 13 stemmen uitgebracht, maar 12 aanwezige leden mochten stemmen"
    ):
        actions.close_vote(vote, votes_for=7, votes_against=6, by=griffie)

    assert fresh(vote).is_open
    assert stored_state(item.proposal) == State.COUNCIL_ADVICE
    assert not Decision.objects.exists()


def test_a_vote_in_which_9_of_19_take_part_is_invalid_and_the_item_goes_to_the_next_meeting(
    item, meeting, open_with, griffie
):
    """Art. 29: the vote closes as "ongeldig"; nothing stays stuck."""
    open_with(meeting, 12)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)

    closed = actions.close_vote(vote, votes_for=5, votes_against=4, by=griffie)

    assert (closed.status, closed.outcome) == ("closed", "ongeldig")
    assert stored_state(item.proposal) == State.COUNCIL_ADVICE
    item = fresh(item)
    assert item.postponed and item.invalid_before and not item.postponed_on_tie
    assert not meeting.votes_open()


def test_a_tie_in_a_meeting_that_is_not_full_postpones_the_decision(item, meeting, open_with, griffie):
    open_with(meeting, 18)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)

    closed = actions.close_vote(vote, votes_for=9, votes_against=9, by=griffie)

    assert closed.outcome == "aangehouden"
    assert stored_state(item.proposal) == State.COUNCIL_ADVICE
    assert not Decision.objects.exists()
    item.refresh_from_db()
    assert item.postponed
    assert item.postponed_on_tie


def test_a_tie_in_a_full_meeting_rejects_the_proposal(item, meeting, members, open_with, griffie):
    """Art. 28/32: 19 present, one excluded, 18 vote 9 to 9: every member who may vote voted."""
    open_with(meeting, 19)
    vote = actions.start_vote(
        item, VoteMode.HANDOPSTEKING, excluded=[(members[0], "belang bij het besluit")], by=griffie
    )

    closed = actions.close_vote(vote, votes_for=9, votes_against=9, by=griffie)

    assert closed.outcome == "verworpen"
    assert stored_state(item.proposal) == State.REJECTED
    decision = Decision.objects.get(proposal=item.proposal)
    assert (decision.result, decision.votes_for, decision.votes_against) == ("verworpen", 9, 9)


def test_a_rejected_proposal_records_no_advice(item, meeting, open_with, griffie):
    open_with(meeting, 19)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)

    actions.close_vote(vote, votes_for=4, votes_against=15, by=griffie)

    decision = Decision.objects.get(proposal=item.proposal)
    assert decision.result == "verworpen"
    assert (decision.advice, decision.advice_text) == ("", "")


def test_after_a_tie_postpones_it_a_second_tie_at_the_later_meeting_rejects(
    item, meeting, later_meeting, open_with, griffie
):
    open_with(meeting, 18)
    first = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)
    actions.close_vote(first, votes_for=9, votes_against=9, by=griffie)

    moved = actions.postpone_item(fresh(item), later_meeting, by=griffie)
    assert (moved.meeting, moved.proposal, moved.postponed_on_tie) == (later_meeting, item.proposal, True)

    open_with(later_meeting, 18)
    second = actions.start_vote(moved, VoteMode.HANDOPSTEKING, by=griffie)
    closed = actions.close_vote(second, votes_for=9, votes_against=9, by=griffie)

    assert closed.outcome == "verworpen"
    assert stored_state(item.proposal) == State.REJECTED
    decision = Decision.objects.get(proposal=item.proposal)
    assert decision.meeting == later_meeting
    assert decision.meeting_date == datetime.date(2023, 11, 2)


def test_a_postponed_proposal_moves_only_to_a_later_meeting(item, bloemendaal, griffie):
    earlier = actions.schedule_meeting(
        bloemendaal, datetime.datetime(2023, 9, 28, 20, 0, tzinfo=AMSTERDAM), "Raadzaal", by=griffie
    )

    with pytest.raises(WorkflowError, match="latere vergadering"):
        actions.postpone_item(item, earlier, by=griffie)
    assert not fresh(item).postponed


def test_a_copy_of_the_item_loaded_before_a_tie_cannot_reopen_the_vote(item, meeting, open_with, griffie):
    open_with(meeting, 18)
    loaded = AgendaItem.objects.select_related("meeting__municipality", "proposal").get(pk=item.pk)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)
    actions.close_vote(vote, votes_for=9, votes_against=9, by=griffie)

    with pytest.raises(WorkflowError, match="niet meer gestemd"):
        actions.start_vote(loaded, VoteMode.HANDOPSTEKING, by=griffie)
    assert Vote.objects.count() == 1


def test_a_copy_of_the_item_loaded_before_the_decision_cannot_start_another_vote(
    item, meeting, open_with, griffie
):
    open_with(meeting, 19)
    loaded = AgendaItem.objects.select_related("meeting__municipality", "proposal").get(pk=item.pk)
    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)

    with pytest.raises(WorkflowError, match="niet meer gestemd"):
        actions.start_vote(loaded, VoteMode.HAMERSTUK, by=griffie)
    assert Vote.objects.count() == 1


# --- a roll call ---


@pytest.fixture
def roll_call(item, meeting, open_with, griffie) -> Vote:
    """A hoofdelijke stemming with the first 12 members present."""
    open_with(meeting, 12)
    return actions.start_vote(item, VoteMode.HOOFDELIJK, by=griffie)


def test_a_raadslid_votes_for_themselves_and_the_griffie_enters_another_members_vote(
    roll_call, members, raadslid, griffie
):
    members[0].user = raadslid
    members[0].save()

    own = actions.cast_ballot(roll_call, members[0], "voor", by=raadslid)
    entered = actions.cast_ballot(roll_call, members[1], "tegen", by=griffie)

    assert (own.member, own.choice, own.entered_by) == (members[0], "voor", raadslid)
    assert (entered.member, entered.choice, entered.entered_by) == (members[1], "tegen", griffie)


def test_a_member_not_on_the_attendance_list_cannot_vote(roll_call, members, griffie):
    with pytest.raises(WorkflowError, match="Sanne Manpad was niet aanwezig toen de stemming begon"):
        actions.cast_ballot(roll_call, members[18], "voor", by=griffie)
    assert not MemberBallot.objects.exists()


def test_a_member_votes_once(roll_call, members, griffie):
    actions.cast_ballot(roll_call, members[0], "voor", by=griffie)

    with pytest.raises(WorkflowError, match="Anouk van Duinen heeft al gestemd"):
        actions.cast_ballot(roll_call, members[0], "tegen", by=griffie)
    assert list(MemberBallot.objects.values_list("choice", flat=True)) == ["voor"]


def test_no_ballot_after_the_vote_is_closed(roll_call, members, griffie):
    for member in members[:12]:
        actions.cast_ballot(roll_call, member, "voor", by=griffie)
    actions.close_vote(roll_call, by=griffie)

    with pytest.raises(WorkflowError, match="Deze stemming is gesloten"):
        actions.cast_ballot(roll_call, members[11], "tegen", by=griffie)
    assert MemberBallot.objects.count() == 12


def test_a_roll_call_closes_only_when_everyone_called_has_answered(roll_call, members, griffie):
    """Art. 32: each present member who may vote is asked, and answers voor or tegen."""
    for member in members[:10]:
        actions.cast_ballot(roll_call, member, "voor", by=griffie)

    with pytest.raises(WorkflowError, match="Nog niet gestemd \\(art. 32\\)") as refused:
        actions.close_vote(roll_call, by=griffie)
    assert "Karin Elswout" in str(refused.value) and "Lars Brederode" in str(refused.value)
    assert fresh(roll_call).is_open


def test_a_raadslid_cannot_vote_for_another_member(roll_call, members, raadslid):
    members[0].user = raadslid
    members[0].save()

    with pytest.raises(PermissionDenied):
        actions.cast_ballot(roll_call, members[1], "voor", by=raadslid)
    assert not MemberBallot.objects.exists()


def test_closing_a_roll_call_tallies_the_ballots_and_the_decision_lists_each_with_party(
    roll_call, item, members, griffie
):
    choices = ["voor"] * 7 + ["tegen"] * 5
    for member, choice in zip(members[:12], choices, strict=True):
        actions.cast_ballot(roll_call, member, choice, by=griffie)

    closed = actions.close_vote(roll_call, by=griffie)

    assert (closed.votes_for, closed.votes_against, closed.present, closed.outcome) == (
        7,
        5,
        12,
        "aangenomen",
    )
    decision = Decision.objects.get(proposal=item.proposal)
    assert (decision.vote_mode, decision.votes_for, decision.votes_against) == ("hoofdelijk", 7, 5)
    # In the order of the call, from the member drawn first (art. 32).
    chosen = {
        member.pk: (member.party, member.name, choice)
        for member, choice in zip(members[:12], choices, strict=True)
    }
    expected = [chosen[pk] for pk in fresh(roll_call).call_order]
    assert [(v.party, v.name, v.vote) for v in decision.member_votes.all()] == expected


# --- amendments ---


@pytest.mark.parametrize("mode", [VoteMode.HAMERSTUK, VoteMode.HANDOPSTEKING])
def test_an_adopted_amendment_rewrites_point_2_and_the_council_states_its_wensen_en_bedenkingen(
    item, meeting, open_with, griffie, mode
):
    open_with(meeting, 19)
    proposal = item.proposal
    first, old = point_texts(proposal)
    amendment = actions.table_amendment(
        item,
        "Drugsafval in de duinen",
        ["Anouk van Duinen", "Joost Groenendaal"],
        [Change(2, text=OBJECTIONS)],
        advice="wensen_en_bedenkingen",
        advice_text=OBJECTIONS,
        by=griffie,
    )

    vote = actions.start_vote(item, mode, amendment=amendment, by=griffie)
    if mode == VoteMode.HANDOPSTEKING:
        actions.close_vote(vote, votes_for=12, votes_against=7, by=griffie)
    assert fresh(amendment).result == "aangenomen"
    assert point_texts(proposal) == [first, old]  # the point changes when the proposal is adopted

    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)

    assert stored_state(proposal) == State.ADVISED
    assert point_texts(proposal) == [first, OBJECTIONS]
    decision = Decision.objects.get(proposal=proposal)
    assert [
        (a.title, a.submitters, a.result, [(c.point, c.text) for c in a.changes.all()])
        for a in decision.amendments.all()
    ] == [
        (
            "Drugsafval in de duinen",
            ["Anouk van Duinen", "Joost Groenendaal"],
            "aangenomen",
            [(2, OBJECTIONS)],
        )
    ]
    assert (decision.advice, decision.advice_text) == ("wensen_en_bedenkingen", OBJECTIONS)
    point = DecisionPoint.objects.get(proposal=proposal, position=2)
    assert [h.text for h in point.history.order_by("history_date", "history_id")] == [old, OBJECTIONS]
    revisions = [revision.text for revision in fresh(proposal).revisions.all()]
    assert len(revisions) == 3  # imported, the advice proposed in the editor, amended
    assert f"2. {old}" in revisions[1]
    assert f"2. {OBJECTIONS}" in revisions[-1]
    assert decision.proposed_points == [first, old]


def test_a_rejected_amendment_changes_nothing(item, meeting, open_with, griffie):
    open_with(meeting, 19)
    proposal = item.proposal
    before = point_texts(proposal)
    amendment = actions.table_amendment(
        item, "Drugsafval in de duinen", ["Bas Kennemer"], [Change(2, text=OBJECTIONS)], by=griffie
    )
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, amendment=amendment, by=griffie)
    actions.close_vote(vote, votes_for=5, votes_against=14, by=griffie)

    actions.start_vote(item, VoteMode.HAMERSTUK, by=griffie)

    assert fresh(amendment).result == "verworpen"
    assert point_texts(proposal) == before
    decision = Decision.objects.get(proposal=proposal)
    assert [(a.title, a.result) for a in decision.amendments.all()] == [
        ("Drugsafval in de duinen", "verworpen")
    ]
    assert (decision.advice, decision.advice_text) == ("geen_wensen_en_bedenkingen", "")
    assert fresh(proposal).revisions.count() == 2  # imported, and the advice proposed
    assert DecisionPoint.history.filter(proposal_id=proposal.pk, position=2).count() == 1


def test_an_amendment_naming_point_3_of_2_is_refused(item, griffie):
    with pytest.raises(WorkflowError, match="Er is geen beslispunt 3 om te wijzigen"):
        actions.table_amendment(
            item, "Een derde punt", ["Carla Zandvoort"], [Change(3, text=OBJECTIONS)], by=griffie
        )
    assert not item.amendments.exists()


def test_an_amendment_needs_a_submitter(item, griffie):
    with pytest.raises(WorkflowError, match="ten minste één indiener"):
        actions.table_amendment(item, "Zonder indiener", ["  "], [Change(2, text=OBJECTIONS)], by=griffie)


def test_an_amendment_adopted_before_a_tie_still_counts_when_the_proposal_is_adopted_later(
    item, meeting, later_meeting, open_with, griffie
):
    open_with(meeting, 18)
    amendment = actions.table_amendment(
        item, "Drugsafval in de duinen", ["Eva Strandwal"], [Change(2, text=OBJECTIONS)], by=griffie
    )
    actions.start_vote(item, VoteMode.HAMERSTUK, amendment=amendment, by=griffie)
    tie = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)
    actions.close_vote(tie, votes_for=9, votes_against=9, by=griffie)
    moved = actions.postpone_item(fresh(item), later_meeting, by=griffie)

    open_with(later_meeting, 18)
    actions.start_vote(moved, VoteMode.HAMERSTUK, by=griffie)

    assert stored_state(item.proposal) == State.ADVISED
    assert point_texts(item.proposal)[1] == OBJECTIONS
    decision = Decision.objects.get(proposal=item.proposal)
    assert [a.title for a in decision.amendments.all()] == ["Drugsafval in de duinen"]


# --- signing (art. 32a, 77) ---


def test_after_adoption_voorzitter_and_griffier_sign_and_the_decision_is_signed(
    adopted, voorzitter, griffier
):
    actions.sign_decision(adopted, by=voorzitter)
    assert stored_state(adopted) == State.ADVISED

    actions.sign_decision(adopted, by=griffier)

    assert stored_state(adopted) == State.SIGNED
    assert list(adopted.decision.signatures.values_list("role", "name", "as_substitute")) == [
        ("voorzitter", "Voorzitter Test", False),
        ("griffier", "Griffier Test", False),
    ]


def test_a_waarnemend_voorzitter_signs_in_the_voorzitters_place(adopted, bloemendaal, make_user, griffier):
    acting = make_user(Role.RAADSLID, username="waarnemer")
    bloemendaal.acting_voorzitter = acting
    bloemendaal.save()

    signature = actions.sign_decision(adopted, by=acting)
    actions.sign_decision(adopted, by=griffier)

    assert (signature.role, signature.user, signature.as_substitute) == ("voorzitter", acting, True)
    assert stored_state(adopted) == State.SIGNED


def test_the_griffier_records_a_decision_signed_in_ink_with_the_scans_hash(
    adopted, griffier, voorzitter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.7\n% raadsbesluit 2023000853, getekend op 6 oktober 2023\n"
    scan = SimpleUploadedFile("besluit-2023000853.pdf", content, content_type="application/pdf")

    actions.sign_on_paper(
        adopted,
        scan,
        voorzitter=voorzitter,
        griffier=griffier,
        date=datetime.date(2023, 10, 6),
        by=griffier,
    )

    assert stored_state(adopted) == State.SIGNED
    decision = Decision.objects.get(pk=adopted.decision.pk)
    assert decision.paper_scan_sha256 == hashlib.sha256(content).hexdigest()
    assert (tmp_path / decision.paper_scan.name).read_bytes() == content
    # Stored by id and hash, never by the name the browser sent.
    assert decision.paper_scan.name == f"besluiten/{adopted.pk}/{decision.paper_scan_sha256}.pdf"
    assert list(decision.signatures.values_list("role", "name", "date", "as_substitute")) == [
        ("voorzitter", "Voorzitter Test", datetime.date(2023, 10, 6), False),
        ("griffier", "Griffier Test", datetime.date(2023, 10, 6), False),
    ]


@pytest.mark.parametrize("role", [Role.RAADSLID, Role.GRIFFIEMEDEWERKER, Role.VOORZITTER])
def test_only_the_griffier_records_a_decision_signed_in_ink(
    adopted, make_user, voorzitter, griffier, role, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("besluit.pdf", b"%PDF-1.7\n", content_type="application/pdf")

    with pytest.raises(PermissionDenied):
        actions.sign_on_paper(
            adopted,
            scan,
            voorzitter=voorzitter,
            griffier=griffier,
            date=datetime.date(2023, 10, 6),
            by=make_user(role, username=f"ander-{role}"),
        )
    assert stored_state(adopted) == State.ADVISED
    assert not adopted.decision.signatures.exists()
    assert list(tmp_path.iterdir()) == []


def test_after_signing_the_database_refuses_a_new_ballot_or_vote_on_the_item(
    adopted, item, members, voorzitter, griffier
):
    actions.sign_decision(adopted, by=voorzitter)
    actions.sign_decision(adopted, by=griffier)
    hamerstuk = Vote.objects.get(agenda_item=item)

    with (
        pytest.raises(IntegrityError, match="Een ondertekend raadsbesluit verandert nooit"),
        transaction.atomic(),
    ):
        MemberBallot.objects.create(vote=hamerstuk, member=members[0], choice="voor")
    with (
        pytest.raises(IntegrityError, match="Een ondertekend raadsbesluit verandert nooit"),
        transaction.atomic(),
    ):
        Vote.objects.create(agenda_item=item, mode=VoteMode.HANDOPSTEKING)

    assert not MemberBallot.objects.exists()
    assert Vote.objects.filter(agenda_item=item).count() == 1


# --- two at once (PostgreSQL's row locks) ---


def run_at_once(*calls) -> list[Exception | None]:
    """Run each call in its own thread, all released together; the error each raised, or None."""
    released = threading.Barrier(len(calls))
    outcomes: list[Exception | None] = [None] * len(calls)

    def run(index, call):
        released.wait()
        try:
            call()
        except Exception as error:  # noqa: BLE001 - the test inspects whatever went wrong
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_members_casting_ballots_at_the_same_moment_both_count(roll_call, members, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; CI runs this on PostgreSQL")
    for number, member in enumerate(members[:2]):
        member.user = make_user(Role.RAADSLID, username=f"raadslid-{number}")
        member.save()
    copies = [Vote.objects.get(pk=roll_call.pk) for _ in range(2)]

    outcomes = run_at_once(
        lambda: actions.cast_ballot(copies[0], members[0], "voor", by=members[0].user),
        lambda: actions.cast_ballot(copies[1], members[1], "tegen", by=members[1].user),
    )

    assert outcomes == [None, None]
    assert set(MemberBallot.objects.values_list("member", "choice")) == {
        (members[0].pk, "voor"),
        (members[1].pk, "tegen"),
    }


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_closing_a_roll_call_while_the_last_member_votes_never_loses_the_vote(
    roll_call, item, members, griffie
):
    """Art. 32: the roll call closes only when every member called has voted. Whichever comes
    first under the lock, the last vote counts: either the close waits for it, or the close
    is refused naming the member, whose vote then arrives in the still open roll call."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; CI runs this on PostgreSQL")
    for member, choice in zip(members[:11], ["voor"] * 6 + ["tegen"] * 5, strict=True):
        actions.cast_ballot(roll_call, member, choice, by=griffie)
    copies = [Vote.objects.get(pk=roll_call.pk) for _ in range(2)]

    ballot_error, close_error = run_at_once(
        lambda: actions.cast_ballot(copies[0], members[11], "voor", by=griffie),
        lambda: actions.close_vote(copies[1], by=griffie),
    )

    assert ballot_error is None
    assert MemberBallot.objects.filter(vote=roll_call, member=members[11], choice="voor").exists()
    if close_error is not None:
        assert isinstance(close_error, WorkflowError)
        assert str(close_error) == f"Nog niet gestemd (art. 32): {members[11].name}."
        assert fresh(roll_call).status == "open"
        actions.close_vote(fresh(roll_call), by=griffie)
    closed = fresh(roll_call)
    assert (closed.status, closed.votes_for, closed.votes_against) == ("closed", 7, 5)
    decision = Decision.objects.get(proposal=item.proposal)
    assert decision.member_votes.count() == 12


# --- Deliberation and the agenda: what may still happen to a proposal the council is handling ---


def test_a_proposal_returned_to_concept_leaves_the_agenda_and_can_come_back(item, meeting, griffie):
    proposal = fresh(item.proposal)
    actions.return_proposal_to_concept(proposal, by=griffie, reason="tekst aanpassen")
    assert not AgendaItem.objects.filter(pk=item.pk).exists()

    actions.submit_proposal(fresh(proposal), by=griffie)
    again = actions.put_on_agenda(meeting, fresh(proposal), by=griffie)
    assert again.proposal_id == proposal.pk


def test_a_proposal_with_a_tabled_amendment_does_not_go_back_to_concept(item, griffie):
    actions.table_amendment(item, "Duinen", ["A"], [Change(1, text="kennis te nemen; en")], by=griffie)
    with pytest.raises(WorkflowError, match="al in behandeling"):
        actions.return_proposal_to_concept(fresh(item.proposal), by=griffie, reason="tekst aanpassen")
    assert stored_state(item.proposal) == State.COUNCIL_ADVICE


def test_a_proposal_is_not_withdrawn_while_a_vote_on_it_is_open(item, open_with, meeting, griffie):
    open_with(meeting, 15)
    vote = actions.start_vote(item, VoteMode.HANDOPSTEKING, by=griffie)
    with pytest.raises(WorkflowError, match="Er loopt een stemming"):
        actions.withdraw_proposal(fresh(item.proposal), by=griffie, reason="dubbel")
    with pytest.raises(WorkflowError, match="al in behandeling"):
        actions.return_proposal_to_concept(fresh(item.proposal), by=griffie, reason="dubbel")
    actions.close_vote(vote, votes_for=10, votes_against=5, by=griffie)
    assert stored_state(item.proposal) == State.ADVISED


def test_an_item_is_held_over_once_and_only_while_undecided(item, later_meeting, adopted, griffie):
    with pytest.raises(WorkflowError, match="al besloten"):
        actions.postpone_item(item, later_meeting, by=griffie)
    assert not AgendaItem.objects.filter(meeting=later_meeting).exists()


def test_holding_over_twice_is_refused(item, later_meeting, griffie):
    actions.postpone_item(item, later_meeting, by=griffie)
    with pytest.raises(WorkflowError, match="al aangehouden"):
        actions.postpone_item(item, later_meeting, by=griffie)
    assert AgendaItem.objects.filter(proposal=item.proposal, postponed=False).count() == 1


def test_the_attendance_of_a_meeting_with_a_signed_decision_is_final(
    adopted, meeting, members, griffie, voorzitter, griffier
):
    actions.sign_decision(fresh(adopted), by=voorzitter)
    actions.sign_decision(fresh(adopted), by=griffier)
    with pytest.raises(WorkflowError, match="presentielijst ligt daarmee vast"):
        actions.set_attendance(meeting, members[:10], by=griffie)


def test_an_amendment_of_another_item_cannot_be_put_to_the_vote(
    item, meeting, open_with, griffie, bloemendaal_document, import_document
):
    other = import_document({**bloemendaal_document, "regional_plan": None, "number": "2023000901"})
    actions.submit_proposal(other, by=griffie)
    other_item = actions.put_on_agenda(meeting, fresh(other), by=griffie)
    foreign = actions.table_amendment(other_item, "Elders", ["B"], [Change(1, text="iets; en")], by=griffie)
    open_with(meeting, 15)
    with pytest.raises(WorkflowError, match="hoort niet bij dit agendapunt"):
        actions.start_vote(item, VoteMode.HANDOPSTEKING, amendment=foreign, by=griffie)


def test_the_voorzitter_may_declare_a_hamerstuk(item, open_with, meeting, voorzitter):
    open_with(meeting, 15)
    actions.start_vote(item, VoteMode.HAMERSTUK, by=voorzitter)
    assert stored_state(item.proposal) == State.ADVISED
