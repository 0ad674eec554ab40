"""The proposal's workflow through the actions: every transition allowed and refused,
by role and by condition, each recorded with who, when, from, to and why."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django_fsm_log.models import StateLog

from raadsvoorstel import actions
from raadsvoorstel.interchange import DecisionDocument
from raadsvoorstel.models import (
    Decision,
    Proposal,
    Role,
    Signature,
    StaleCopy,
    State,
    User,
    WorkflowError,
)

pytestmark = pytest.mark.django_db


def hamerstuk(result: str = "aangenomen") -> DecisionDocument:
    return DecisionDocument(
        meeting_date=datetime.date(2023, 10, 5),
        result=result,
        advice="geen_wensen_en_bedenkingen" if result == "aangenomen" else "",
        advice_text="",
        vote_mode="hamerstuk" if result == "aangenomen" else "handopsteking",
        votes_for=None if result == "aangenomen" else 4,
        votes_against=None if result == "aangenomen" else 15,
    )


def log_of(proposal: Proposal) -> list[tuple]:
    return [
        (entry.transition, entry.source_state, entry.state, entry.by, entry.description)
        for entry in StateLog.objects.for_(proposal).order_by("timestamp", "pk")
    ]


def stored_state(proposal: Proposal) -> str:
    return Proposal.objects.values_list("state", flat=True).get(pk=proposal.pk)


@pytest.fixture
def before_council(concept, griffie) -> Proposal:
    actions.submit_proposal(concept, by=griffie)
    return concept


@pytest.fixture
def advised(before_council, griffie) -> Proposal:
    actions.record_decision(before_council, hamerstuk(), by=griffie)
    return before_council


@pytest.fixture
def signed(advised, voorzitter, griffier) -> Proposal:
    actions.sign_decision(advised, by=voorzitter)
    actions.sign_decision(advised, by=griffier)
    return advised


@pytest.fixture
def other_municipality_griffie(make_user) -> User:
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    return make_user(Role.GRIFFIEMEDEWERKER, username="griffie-amsterdam", municipality=amsterdam)


# --- submit ---


def test_griffie_submits_a_concept_to_the_council_and_the_step_is_logged(concept, griffie):
    actions.submit_proposal(concept, by=griffie, reason="Agenda 5 oktober")

    assert concept.state == State.COUNCIL_ADVICE
    assert stored_state(concept) == State.COUNCIL_ADVICE
    assert log_of(concept) == [("submit", "concept", "council_advice", griffie, "Agenda 5 oktober")]


def test_the_griffier_may_do_what_the_griffie_does(concept, griffier):
    actions.submit_proposal(concept, by=griffier)
    assert concept.state == State.COUNCIL_ADVICE


@pytest.mark.parametrize("role", [Role.RAADSLID, Role.VOORZITTER, Role.RBOP_SECRETARIS])
def test_only_the_griffie_submits(concept, make_user, role):
    with pytest.raises(PermissionDenied):
        actions.submit_proposal(concept, by=make_user(role, username=f"ander-{role}"))
    assert stored_state(concept) == State.CONCEPT
    assert log_of(concept) == []


def test_griffie_of_another_municipality_cannot_submit(concept, other_municipality_griffie):
    with pytest.raises(PermissionDenied):
        actions.submit_proposal(concept, by=other_municipality_griffie)
    assert stored_state(concept) == State.CONCEPT


def test_a_superuser_without_a_role_gets_no_role_in_the_workflow(concept):
    admin = User.objects.create_superuser("beheer", password="x")
    with pytest.raises(PermissionDenied):
        actions.submit_proposal(concept, by=admin)


def test_a_proposal_without_decision_points_cannot_go_to_the_council(concept, griffie):
    concept.decision_points.all().delete()

    with pytest.raises(WorkflowError, match="Een voorstel zonder beslispunten kan niet naar de raad"):
        actions.submit_proposal(concept, by=griffie)
    assert stored_state(concept) == State.CONCEPT
    assert log_of(concept) == []


def test_submitting_twice_is_refused_with_the_state_named(before_council, griffie):
    with pytest.raises(WorkflowError, match="Bij de raad"):
        actions.submit_proposal(before_council, by=griffie)


# --- back to concept, withdraw ---


def test_griffie_takes_a_proposal_back_to_concept_with_a_reason(before_council, griffie):
    actions.return_proposal_to_concept(before_council, by=griffie, reason="Tekst klopt niet")

    assert stored_state(before_council) == State.CONCEPT
    assert log_of(before_council)[-1] == (
        "return_to_concept",
        "council_advice",
        "concept",
        griffie,
        "Tekst klopt niet",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_going_back_to_concept_needs_a_reason(before_council, griffie, reason):
    with pytest.raises(WorkflowError, match="Geef een reden op"):
        actions.return_proposal_to_concept(before_council, by=griffie, reason=reason)
    assert stored_state(before_council) == State.COUNCIL_ADVICE
    assert len(log_of(before_council)) == 1


def test_a_concept_cannot_go_back_to_concept(concept, griffie):
    with pytest.raises(WorkflowError):
        actions.return_proposal_to_concept(concept, by=griffie, reason="waarom niet")


def test_no_way_back_to_concept_once_a_decision_is_recorded(before_council, griffie):
    Decision.objects.create(
        proposal=before_council,
        meeting_date=datetime.date(2023, 10, 5),
        result="aangenomen",
        vote_mode="hamerstuk",
    )
    with pytest.raises(WorkflowError, match="Er is al een besluit vastgelegd"):
        actions.return_proposal_to_concept(before_council, by=griffie, reason="te laat")


@pytest.mark.parametrize("fixture", ["concept", "before_council"])
def test_griffie_withdraws_an_undecided_proposal_with_a_reason(request, griffie, fixture):
    proposal = request.getfixturevalue(fixture)
    actions.withdraw_proposal(proposal, by=griffie, reason="Het college trekt het voorstel in")

    assert stored_state(proposal) == State.WITHDRAWN
    assert log_of(proposal)[-1][2:] == ("withdrawn", griffie, "Het college trekt het voorstel in")


def test_withdrawing_needs_a_reason(concept, griffie):
    with pytest.raises(WorkflowError, match="Geef een reden op"):
        actions.withdraw_proposal(concept, by=griffie)
    assert stored_state(concept) == State.CONCEPT


def test_a_decided_proposal_cannot_be_withdrawn(advised, griffie):
    with pytest.raises(WorkflowError):
        actions.withdraw_proposal(advised, by=griffie, reason="te laat")
    assert stored_state(advised) == State.ADVISED


def test_a_raadslid_cannot_withdraw(concept, raadslid):
    with pytest.raises(PermissionDenied):
        actions.withdraw_proposal(concept, by=raadslid, reason="liever niet")


# --- the council's decision ---


def test_recording_an_adopting_decision_makes_the_proposal_advised(before_council, griffie):
    decision = actions.record_decision(before_council, hamerstuk(), by=griffie)

    assert stored_state(before_council) == State.ADVISED
    assert decision.advice == "geen_wensen_en_bedenkingen"
    assert log_of(before_council)[-1][:4] == ("record_advice", "council_advice", "advised", griffie)


def test_recording_a_rejecting_decision_makes_the_proposal_rejected(before_council, griffie):
    actions.record_decision(before_council, hamerstuk("verworpen"), by=griffie)
    assert stored_state(before_council) == State.REJECTED


def test_a_decision_on_a_concept_is_refused_and_nothing_is_stored(concept, griffie):
    with pytest.raises(WorkflowError):
        actions.record_decision(concept, hamerstuk(), by=griffie)
    assert not Decision.objects.exists()
    assert stored_state(concept) == State.CONCEPT


def test_a_raadslid_cannot_record_the_decision_and_nothing_is_stored(before_council, raadslid):
    with pytest.raises(PermissionDenied):
        actions.record_decision(before_council, hamerstuk(), by=raadslid)
    assert not Decision.objects.exists()


# --- signing ---


def test_voorzitter_and_griffier_both_sign_and_only_then_is_it_signed(advised, voorzitter, griffier):
    actions.sign_decision(advised, by=voorzitter)
    assert stored_state(advised) == State.ADVISED

    actions.sign_decision(advised, by=griffier)

    assert stored_state(advised) == State.SIGNED
    # A digital signature is dated the day it is given.
    today = timezone.localdate()
    assert list(advised.decision.signatures.values_list("role", "name", "date")) == [
        ("voorzitter", "Voorzitter Test", today),
        ("griffier", "Griffier Test", today),
    ]
    assert log_of(advised)[-1][:4] == ("complete_signing", "advised", "signed", griffier)


def test_signing_twice_keeps_the_first_signature(advised, voorzitter):
    actions.sign_decision(advised, by=voorzitter)

    first = Signature.objects.get()

    with pytest.raises(WorkflowError, match="al ondertekend"):
        actions.sign_decision(advised, by=voorzitter)
    assert list(Signature.objects.all()) == [first]


@pytest.mark.parametrize("role", [Role.GRIFFIEMEDEWERKER, Role.RAADSLID, Role.RBOP_SECRETARIS])
def test_only_voorzitter_and_griffier_sign(advised, make_user, role):
    with pytest.raises(PermissionDenied):
        actions.sign_decision(advised, by=make_user(role, username=f"ander-{role}"))
    assert not Signature.objects.exists()


def test_an_acting_voorzitter_configured_on_the_municipality_signs_as_voorzitter(
    advised, bloemendaal, make_user, griffier
):
    acting = make_user(Role.RAADSLID, username="waarnemer")
    bloemendaal.acting_voorzitter = acting
    bloemendaal.save()

    signature = actions.sign_decision(advised, by=acting)
    actions.sign_decision(advised, by=griffier)

    assert signature.role == "voorzitter"
    assert signature.name == "Raadslid Test"
    assert stored_state(advised) == State.SIGNED


def test_a_proposal_before_the_decision_cannot_be_signed(before_council, voorzitter):
    with pytest.raises(WorkflowError, match="Advies uitgebracht"):
        actions.sign_decision(before_council, by=voorzitter)
    assert not Signature.objects.exists()


# --- a stale proposal, and two people at once ---


def test_a_transition_on_a_stale_copy_fails_cleanly(concept, griffie):
    stale = Proposal.objects.get(pk=concept.pk)
    actions.submit_proposal(concept, by=griffie)

    with pytest.raises(StaleCopy, match="intussen gewijzigd: het heeft nu de status “Bij de raad”"):
        actions.withdraw_proposal(stale, by=griffie, reason="dubbel")

    assert stored_state(concept) == State.COUNCIL_ADVICE
    assert [entry[0] for entry in log_of(concept)] == ["submit"]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_one_wins_the_other_gets_a_clean_error(concept, griffie, griffier):
    """Two griffie members act on the same concept at the same moment, each in a thread."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; CI runs this on PostgreSQL")
    copies = [Proposal.objects.get(pk=concept.pk) for _ in range(2)]
    both_loaded = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(name, proposal, action, user, **kwargs):
        both_loaded.wait()
        try:
            action(proposal, by=user, **kwargs)
            outcomes[name] = "done"
        except WorkflowError as error:
            outcomes[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("submit", copies[0], actions.submit_proposal, griffie)),
        threading.Thread(
            target=act,
            args=("withdraw", copies[1], actions.withdraw_proposal, griffier),
            kwargs={"reason": "dubbel"},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [name for name, outcome in outcomes.items() if outcome == "done"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, WorkflowError)]
    assert len(winners) == 1 and len(losers) == 1
    assert "intussen gewijzigd" in str(losers[0])
    expected = State.COUNCIL_ADVICE if winners == ["submit"] else State.WITHDRAWN
    assert stored_state(concept) == expected
    assert [entry[0] for entry in log_of(concept)] == winners


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_voorzitter_and_griffier_signing_at_once_both_count(advised, voorzitter, griffier):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; CI runs this on PostgreSQL")
    copies = [Proposal.objects.get(pk=advised.pk) for _ in range(2)]
    both_loaded = threading.Barrier(2)
    errors = []

    def sign(proposal, user):
        both_loaded.wait()
        try:
            actions.sign_decision(proposal, by=user)
        except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign, args=(copies[0], voorzitter)),
        threading.Thread(target=sign, args=(copies[1], griffier)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert stored_state(advised) == State.SIGNED
    assert Signature.objects.count() == 2
