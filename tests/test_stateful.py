"""Random walks over the workflow and the council's meetings (hypothesis's stateful testing).

Each step is one action from `raadsvoorstel.actions`, by a user drawn from every role of
Bloemendaal and from the griffie of another municipality. After every step: each proposal's
state is one the machine knows, reached only by transitions the model allows; a refused
action changed nothing; the transition log replays to each proposal's state; and
`verify_history` finds the history intact.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_fsm_log.models import StateLog
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from raadsvoorstel import actions
from raadsvoorstel.models import (
    AgendaItem,
    Attendance,
    AuditEntry,
    CouncilMember,
    Decision,
    Meeting,
    MemberBallot,
    Proposal,
    Revision,
    Role,
    Signature,
    State,
    User,
    Vote,
    VoteMode,
    WorkflowError,
)
from raadsvoorstel.text import ProposalText

# What an action may answer when it refuses: then it must have stored nothing.
REFUSALS = (WorkflowError, PermissionDenied, IntegrityError)  # StaleCopy, EditConflict: WorkflowErrors

USERS = ["griffiemedewerker", "griffier", "voorzitter", "raadslid", "griffie_elders"]
MEMBERS = 7  # Bloemendaal's council in this world: a quorum is 4
NUMBERS = ["2026-001", "2026-002", "2026-003"]  # few, so that a number is sometimes taken

# Every (source, target) the model's transitions allow.
ALLOWED = {
    (source, transition.target)
    for transition in Proposal._meta.get_field("state").get_all_transitions(Proposal)
    for source in ([transition.source] if isinstance(transition.source, str) else transition.source)
}

# Mostly a fresh copy of the proposal; now and then one read before the last change.
fresh_copies = st.sampled_from([True, True, True, False])
users = st.sampled_from(USERS)


def digest() -> tuple:
    """The rows an action of this machine writes, as they stand now."""
    return (
        list(Proposal.objects.order_by("pk").values_list("pk", "state", "version")),
        Revision.objects.count(),
        AuditEntry.objects.count(),
        StateLog.objects.count(),
        list(Decision.objects.order_by("pk").values_list("pk", "proposal_id", "result")),
        Signature.objects.count(),
        list(AgendaItem.objects.order_by("pk").values_list("pk", "proposal_id", "postponed")),
        list(Meeting.objects.order_by("pk").values_list("pk", "opened_at", "closed_at")),
        Attendance.objects.count(),
        list(
            Vote.objects.order_by("pk").values_list("pk", "status", "outcome", "votes_for", "votes_against")
        ),
        MemberBallot.objects.count(),
    )


def text(number: str, points: int) -> ProposalText:
    return ProposalText(
        number=number,
        subject=f"Voorstel {number}",
        proposer="college",
        date=datetime.date(2026, 1, 12),
        legal_basis=[],
        themes=[],
        sections=[("Inleiding", "Een voorstel uit de wandeling.")],
        decision_points=[f"Beslispunt {n}." for n in range(1, points + 1)],
    )


class CouncilWorkflow(RuleBasedStateMachine):
    """One example: proposals and meetings of Bloemendaal, built up from nothing, inside a
    savepoint that `teardown` rolls back, so the next example meets the same world."""

    world: dict  # set by the test: the users and council members, outside the savepoint

    proposals = Bundle("proposals")
    meetings = Bundle("meetings")
    items = Bundle("items")
    votes = Bundle("votes")

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.users: dict[str, User] = self.world["users"]
        self.members: list[CouncilMember] = self.world["members"]
        self.municipality = self.users["griffiemedewerker"].municipality
        self.states: dict[int, str] = {}  # each proposal's state after the previous step
        self.logged: dict[int, int] = {}  # how many transition-log entries it had then

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- Calling an action ---

    def attempt(self, action, *args, **kwargs):
        """Run the action; a refusal must leave every row as it was."""
        before = digest()
        try:
            return action(*args, **kwargs)
        except REFUSALS as refusal:
            assert not connection.needs_rollback, (
                f"{action.__name__} left the transaction broken: {refusal!r}"
            )
            assert digest() == before, f"{action.__name__} refused ({refusal!r}) but changed rows"
            return None

    def copy_of(self, pk: int, fresh: bool) -> Proposal:
        proposal = Proposal.objects.select_related("municipality").get(pk=pk)
        if not fresh:
            proposal.version -= 1  # as read before the last change
        return proposal

    # --- Drafting and the workflow ---

    @rule(target=proposals, number=st.sampled_from(NUMBERS), points=st.integers(0, 2), user=users)
    def create(self, number, points, user):
        proposal = self.attempt(
            actions.create_proposal, self.municipality, text(number, points), by=self.users[user]
        )
        return multiple() if proposal is None else proposal.pk

    @rule(pk=proposals, points=st.integers(0, 3), user=users, fresh=fresh_copies)
    def update(self, pk, points, user, fresh):
        proposal = Proposal.objects.select_related("municipality").get(pk=pk)
        version = proposal.version if fresh else proposal.version - 1
        self.attempt(
            actions.update_proposal,
            proposal,
            text(proposal.number, points),
            version=version,
            by=self.users[user],
        )

    @rule(pk=proposals, user=users, fresh=fresh_copies)
    def submit(self, pk, user, fresh):
        self.attempt(actions.submit_proposal, self.copy_of(pk, fresh), by=self.users[user])

    @rule(pk=proposals, user=users, fresh=fresh_copies, reason=st.sampled_from(["", "Onvolledig."]))
    def return_to_concept(self, pk, user, fresh, reason):
        self.attempt(
            actions.return_proposal_to_concept, self.copy_of(pk, fresh), by=self.users[user], reason=reason
        )

    @rule(pk=proposals, user=users, fresh=fresh_copies, reason=st.sampled_from(["", "Achterhaald."]))
    def withdraw(self, pk, user, fresh, reason):
        self.attempt(actions.withdraw_proposal, self.copy_of(pk, fresh), by=self.users[user], reason=reason)

    # --- Meetings ---

    @rule(target=meetings, days_ago=st.integers(-2, 20), user=users)
    def schedule(self, days_ago, user):
        starts_at = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - datetime.timedelta(
            days=days_ago
        )
        meeting = self.attempt(
            actions.schedule_meeting, self.municipality, starts_at, "Raadzaal", by=self.users[user]
        )
        return multiple() if meeting is None else meeting.pk

    @rule(target=items, meeting=meetings, pk=proposals, user=users)
    def put_on_agenda(self, meeting, pk, user):
        item = self.attempt(
            actions.put_on_agenda,
            Meeting.objects.get(pk=meeting),
            Proposal.objects.get(pk=pk),
            by=self.users[user],
        )
        return multiple() if item is None else item.pk

    @rule(meeting=meetings, present=st.sets(st.integers(0, MEMBERS - 1)), user=users)
    def set_attendance(self, meeting, present, user):
        members = [self.members[n] for n in sorted(present)]
        self.attempt(actions.set_attendance, Meeting.objects.get(pk=meeting), members, by=self.users[user])

    @rule(meeting=meetings, user=users)
    def open_meeting(self, meeting, user):
        self.attempt(actions.open_meeting, Meeting.objects.get(pk=meeting), by=self.users[user])

    @rule(meeting=meetings, user=users)
    def close_meeting(self, meeting, user):
        self.attempt(actions.close_meeting, Meeting.objects.get(pk=meeting), by=self.users[user])

    # --- Votes ---

    @rule(target=votes, item=items, mode=st.sampled_from(VoteMode.values), user=users)
    def start_vote(self, item, mode, user):
        agenda_item = (
            AgendaItem.objects.select_related("meeting__municipality", "proposal").filter(pk=item).first()
        )
        if agenda_item is None:  # taken off the agenda when its proposal went back to concept
            return multiple()
        vote = self.attempt(actions.start_vote, agenda_item, mode, by=self.users[user])
        return multiple() if vote is None else vote.pk

    @rule(
        vote=votes, member=st.integers(0, MEMBERS - 1), choice=st.sampled_from(["voor", "tegen"]), user=users
    )
    def cast_ballot(self, vote, member, choice, user):
        self.attempt(
            actions.cast_ballot, Vote.objects.get(pk=vote), self.members[member], choice, by=self.users[user]
        )

    @rule(vote=votes, votes_for=st.integers(0, MEMBERS), votes_against=st.integers(0, MEMBERS), user=users)
    def close_vote(self, vote, votes_for, votes_against, user):
        self.attempt(
            actions.close_vote,
            Vote.objects.get(pk=vote),
            votes_for=votes_for,
            votes_against=votes_against,
            by=self.users[user],
        )

    @rule(vote=votes, user=users)
    def cast_every_ballot(self, vote, user):
        """The whole roll call at once, as the griffie enters it: otherwise rarely complete."""
        stored = Vote.objects.get(pk=vote)
        for member in CouncilMember.objects.filter(pk__in=stored.call_order).order_by("name"):
            self.attempt(actions.cast_ballot, stored, member, "voor", by=self.users[user])

    # --- One step along the way, by whoever takes it there ---

    @rule(
        pk=proposals,
        mode=st.sampled_from(VoteMode.values),
        present=st.integers(3, MEMBERS),
        votes_for=st.integers(0, MEMBERS),
        votes_against=st.integers(0, MEMBERS),
        choice=st.sampled_from(["voor", "tegen"]),
        steps=st.integers(1, 8),
    )
    def advance(self, pk, mode, present, votes_for, votes_against, choice, steps):
        """The next few steps the proposal waits for, each by the role that takes it: random
        users alone seldom carry a proposal all the way to the signatures."""
        for _ in range(steps):
            self.advance_once(pk, mode, present, votes_for, votes_against, choice)

    def advance_once(self, pk, mode, present, votes_for, votes_against, choice):
        griffie = self.users["griffiemedewerker"]
        proposal = self.copy_of(pk, fresh=True)
        if proposal.state == State.CONCEPT:
            self.attempt(actions.submit_proposal, proposal, by=griffie)
        elif proposal.state == State.ADVISED:
            signed = set(Signature.objects.filter(decision__proposal=proposal).values_list("role", flat=True))
            signer = self.users["griffier" if "voorzitter" in signed else "voorzitter"]
            self.attempt(actions.sign_decision, proposal, by=signer)
        elif proposal.state == State.COUNCIL_ADVICE:
            item = (
                AgendaItem.objects.filter(proposal=proposal, postponed=False)
                .select_related("meeting")
                .first()
            )
            if item is None:
                meeting = (
                    Meeting.objects.filter(closed_at=None)
                    .exclude(agenda_items__proposal=proposal)
                    .order_by("pk")
                    .last()
                ) or actions.schedule_meeting(
                    self.municipality, timezone.now() - datetime.timedelta(days=1), "Raadzaal", by=griffie
                )
                self.attempt(actions.put_on_agenda, meeting, proposal, by=griffie)
                return
            meeting = item.meeting
            if meeting.opened_at is None:
                self.attempt(actions.set_attendance, meeting, self.members[:present], by=griffie)
                self.attempt(actions.open_meeting, meeting, by=griffie)
                return
            if meeting.closed_at is not None:
                later = actions.schedule_meeting(
                    self.municipality, meeting.starts_at + datetime.timedelta(days=1), "Raadzaal", by=griffie
                )
                self.attempt(actions.postpone_item, item, later, by=griffie)
                return
            vote = Vote.objects.filter(agenda_item__meeting=meeting, status="open").first()
            if vote is None:
                self.attempt(actions.start_vote, item, mode, by=griffie)
                return
            for member in CouncilMember.objects.filter(pk__in=vote.call_order).order_by("name"):
                self.attempt(actions.cast_ballot, vote, member, choice, by=griffie)
            self.attempt(
                actions.close_vote, vote, votes_for=votes_for, votes_against=votes_against, by=griffie
            )

    # --- Signing ---

    @rule(pk=proposals, user=users, fresh=fresh_copies)
    def sign(self, pk, user, fresh):
        self.attempt(actions.sign_decision, self.copy_of(pk, fresh), by=self.users[user])

    # --- After every step ---

    @invariant()
    def history_holds(self):
        assert not connection.needs_rollback
        for pk, state, number in Proposal.objects.values_list("pk", "state", "number"):
            assert state in State.values
            log = list(
                StateLog.objects.filter(object_id=pk, content_type__model="proposal")
                .order_by("timestamp", "pk")
                .values_list("source_state", "state")
            )
            # Only the transitions the model allows happened since the previous step...
            previous, seen = self.states.get(pk, State.CONCEPT), self.logged.get(pk, 0)
            walked = previous
            for source, target in log[seen:]:
                assert (source, target) in ALLOWED, f"{number}: {source} → {target} is no transition"
                assert source == walked, f"{number}: the log jumps from {walked} to {source}"
                walked = target
            assert walked == state, f"{number}: was {previous}, is {state}, the log says {walked}"
            # ... and the whole log, from the concept it was created as, ends where it is.
            replayed = State.CONCEPT
            for source, target in log:
                assert source == replayed
                replayed = target
            assert replayed == state
            self.states[pk], self.logged[pk] = state, len(log)
        out, err = io.StringIO(), io.StringIO()
        call_command("verify_history", stdout=out, stderr=err)  # CommandError on a changed history
        assert "entries intact" in out.getvalue() and not err.getvalue()


@pytest.fixture
def world(bloemendaal, make_user) -> dict:
    """Bloemendaal's people in every role, seven council members (one with the raadslid's
    account) and the griffie of Amsterdam, who may do nothing here."""
    people = {role: make_user(role) for role in ("griffiemedewerker", "griffier", "voorzitter", "raadslid")}
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    people["griffie_elders"] = make_user(
        Role.GRIFFIEMEDEWERKER, username="griffie-amsterdam", municipality=amsterdam
    )
    members = [
        actions.add_member(
            bloemendaal, f"Lid {n}", "Partij", datetime.date(2022, 3, 30), by=people["griffier"]
        )
        for n in range(MEMBERS)
    ]
    members[0].user = people["raadslid"]
    members[0].save(update_fields=["user"])
    return {"users": people, "members": members}


def test_random_walks_over_the_workflow_keep_the_state_and_the_history_sound(db, world):
    CouncilWorkflow.world = world
    run_state_machine_as_test(
        CouncilWorkflow,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
