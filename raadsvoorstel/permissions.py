"""Who may do what: the one place that answers every "may this user …" question.

Views and actions ask these functions; neither derives a rule itself. The questions come
by subject: a proposal, a meeting and its votes, a municipality, a regional body, and the
public.

The proposal rules are django-rules predicates on (user, proposal). Each is registered
twice: as `proposal.<name>` in the shared rule set, which the workflow's transitions test
directly (so a superuser gets no role it does not hold), and as the permission
`raadsvoorstel.<name>_proposal` for templates. A predicate called without a proposal
(Django asks "may this user change any proposal?") answers no.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from .models import (
    ApiToken,
    CouncilMember,
    Meeting,
    Municipality,
    PlanState,
    Proposal,
    RegionalBody,
    RegionalPlan,
    Role,
    SignatureRole,
    State,
    User,
)

GRIFFIE_ROLES = (Role.GRIFFIEMEDEWERKER, Role.GRIFFIER)

# --- Municipality ---


def is_griffie_of(user: User, municipality: Municipality) -> bool:
    """Griffie staff or the griffier of `municipality`: they draft, keep the council's
    records (members, meetings, attendance, votes) and print."""
    return user.is_authenticated and user.role in GRIFFIE_ROLES and user.municipality_id == municipality.pk


def belongs_to(user: User, municipality: Municipality) -> bool:
    """Anyone of the municipality's own people: griffie, voorzitter, councillors."""
    return user.is_authenticated and user.municipality_id == municipality.pk


def signing_role(user: User, municipality: Municipality) -> SignatureRole | None:
    """The capacity in which `user` signs this municipality's raadsbesluiten, if any.

    The voorzitter signs, or the waarnemend voorzitter in his place (Gemeentewet art.
    77); the griffier co-signs, or the plaatsvervangend griffier (art. 32a).
    """
    if not user.is_authenticated:
        return None
    own_role = user.role if user.municipality_id == municipality.pk else None
    if own_role == Role.VOORZITTER or user.pk in (
        municipality.voorzitter_id,
        municipality.acting_voorzitter_id,
    ):
        return SignatureRole.VOORZITTER
    if own_role == Role.GRIFFIER or user.pk in (municipality.griffier_id, municipality.deputy_griffier_id):
        return SignatureRole.GRIFFIER
    return None


def signs_as_substitute(user: User, municipality: Municipality) -> bool:
    """Whether `user` signs in another's place: the raadsbesluit names them as such."""
    own_role = user.role if user.municipality_id == municipality.pk else None
    role = signing_role(user, municipality)
    return (
        role is not None
        and own_role != role
        and user.pk not in (municipality.voorzitter_id, municipality.griffier_id)
    )


def sees_concepts_of(user: User, municipality: Municipality) -> bool:
    """A concept is the griffie's and the college's draft: the griffie and the voorzitter
    (who chairs the college) follow it; a councillor sees a proposal once it is sent to the
    council."""
    return is_griffie_of(user, municipality) or signing_role(user, municipality) is not None


def may_record_paper_signing(user: User, municipality: Municipality) -> bool:
    """Recording a besluit signed in ink is the griffier's act (or the plaatsvervangend
    griffier's), not a griffiemedewerker's: the one who co-signed vouches for the scan."""
    return signing_role(user, municipality) == SignatureRole.GRIFFIER


def may_manage_members(user: User, municipality: Municipality) -> bool:
    return is_griffie_of(user, municipality)


# --- Meetings and votes ---


def may_view_meeting(user: User, meeting: Meeting) -> bool:
    return belongs_to(user, meeting.municipality)


def visible_meetings(user: User) -> QuerySet[Meeting]:
    """The meetings of the user's own municipality: the rule of `may_view_meeting`, as a query."""
    if not user.is_authenticated or not user.municipality_id:
        return Meeting.objects.none()
    return Meeting.objects.filter(municipality_id=user.municipality_id)


def may_keep_meeting_records(user: User, meeting: Meeting) -> bool:
    """Planning, the agenda, attendance, amendments, holding over, closing a vote."""
    return is_griffie_of(user, meeting.municipality)


def may_start_vote(user: User, meeting: Meeting, *, hamerstuk: bool = False) -> bool:
    """The griffie, or the voorzitter who chairs the meeting, puts an item to the vote; a
    hamerstuk the voorzitter declares only where the Reglement van Orde lets them."""
    if is_griffie_of(user, meeting.municipality):
        return True
    chairs = signing_role(user, meeting.municipality) == SignatureRole.VOORZITTER
    return chairs and (not hamerstuk or meeting.municipality.chair_declares_hamerstuk)


def may_cast_ballot(user: User, member: CouncilMember) -> bool:
    """A member votes for themself; the griffie enters a vote given aloud in the room."""
    own = user.is_authenticated and getattr(user, "council_member", None) == member
    return own or is_griffie_of(user, member.municipality)


# --- Regional body ---


def is_secretary_of(user: User, body: RegionalBody | None) -> bool:
    return (
        body is not None
        and user.is_authenticated
        and user.role == Role.RBOP_SECRETARIS
        and user.regional_body_id == body.pk
    )


def visible_plans(user: User) -> QuerySet[RegionalPlan]:
    """The RBOP-secretaris sees every plan of their body; the people of a member municipality
    see the body's plans once they are sent (a concept plan is the secretaris's draft)."""
    plans = RegionalPlan.objects.select_related("regional_body")
    if not user.is_authenticated:
        return plans.none()
    if user.role == Role.RBOP_SECRETARIS and user.regional_body_id:
        return plans.filter(regional_body_id=user.regional_body_id)
    if user.municipality_id:
        members = plans.filter(regional_body__municipalities=user.municipality_id)
        return members.exclude(state=PlanState.CONCEPT)
    return plans.none()


def may_view_plan(user: User, plan: RegionalPlan) -> bool:
    """The same rule as `visible_plans`, for one plan; a test keeps them equal."""
    if is_secretary_of(user, plan.regional_body):
        return True
    return (
        user.is_authenticated
        and user.municipality_id is not None
        and plan.state != PlanState.CONCEPT
        and plan.regional_body.municipalities.filter(pk=user.municipality_id).exists()
    )


def may_manage_plan(user: User, plan: RegionalPlan) -> bool:
    """Draft, send, adopt, withdraw and bundle: the body's secretaris only."""
    return is_secretary_of(user, plan.regional_body)


def may_follow_consultation(user: User, plan: RegionalPlan) -> bool:
    """See every member's state and answer on the plan: the body's secretaris. A griffie sees
    its own council's part; the public pages (once decided) show the rest."""
    return is_secretary_of(user, plan.regional_body)


def may_record_answer(user: User, proposal: Proposal) -> bool:
    """The griffie of the council that decided records that its answer was sent."""
    return (
        proposal.regional_plan_id is not None
        and proposal.is_final
        and is_griffie_of(user, proposal.municipality)
        and not _has_answer(proposal)
    )


def _has_answer(proposal: Proposal) -> bool:
    try:
        return proposal.plan_answer is not None
    except Proposal.plan_answer.RelatedObjectDoesNotExist:
        return False


# --- Proposals ---


def visible_proposals(user: User) -> QuerySet[Proposal]:
    """What a logged-in user works with: their municipality's proposals, or, for an
    RBOP-secretaris, the proposals past concept that answer their body's plans.

    The same rule as the `view` predicate below, as a query; a test keeps them equal.
    """
    proposals = Proposal.objects.all()
    if not user.is_authenticated:
        return proposals.none()
    if user.municipality_id:
        own = proposals.filter(municipality_id=user.municipality_id)
        return own if sees_concepts_of(user, user.municipality) else own.exclude(state=State.CONCEPT)
    if user.regional_body_id and user.role == Role.RBOP_SECRETARIS:
        # A concept is the griffie's own draft; the RBOP follows what reaches the council.
        return proposals.filter(regional_plan__regional_body_id=user.regional_body_id).exclude(
            state=State.CONCEPT
        )
    return proposals.none()


@rules.predicate
def is_griffie(user: User, proposal: Proposal) -> bool:
    """Griffie staff, and the griffier, of the proposal's municipality."""
    return proposal is not None and is_griffie_of(user, proposal.municipality)


@rules.predicate
def is_concept(user: User, proposal: Proposal) -> bool:
    return proposal is not None and proposal.is_concept


@rules.predicate
def is_of_municipality(user: User, proposal: Proposal) -> bool:
    return proposal is not None and user.is_authenticated and user.municipality_id == proposal.municipality_id


@rules.predicate
def may_sign_proposal(user: User, proposal: Proposal) -> bool:
    return proposal is not None and signing_role(user, proposal.municipality) is not None


@rules.predicate
def is_secretary_of_plan_body(user: User, proposal: Proposal) -> bool:
    """The RBOP-secretaris of the regional body whose plan the proposal answers."""
    plan = proposal.regional_plan if proposal is not None else None
    return plan is not None and is_secretary_of(user, plan.regional_body)


@rules.predicate
def chairs_the_council(user: User, proposal: Proposal) -> bool:
    """The voorzitter (or waarnemend voorzitter): chairs the meeting, may declare a hamerstuk."""
    return proposal is not None and signing_role(user, proposal.municipality) == SignatureRole.VOORZITTER


@rules.predicate
def has_left_concept(user: User, proposal: Proposal) -> bool:
    return proposal is not None and not proposal.is_concept


@rules.predicate
def sees_its_concepts(user: User, proposal: Proposal) -> bool:
    return proposal is not None and sees_concepts_of(user, proposal.municipality)


PROPOSAL_RULES = {
    "view": (is_of_municipality & (has_left_concept | sees_its_concepts))
    | (is_secretary_of_plan_body & has_left_concept),
    "change": is_griffie & is_concept,
    "submit": is_griffie,
    "return_to_concept": is_griffie,
    "withdraw": is_griffie,
    # The griffie records; the voorzitter's hamerstuk records the decision itself.
    "record_decision": is_griffie | chairs_the_council,
    # Signing itself checks signing_role; completing a signing in ink is the griffier's.
    "sign": may_sign_proposal,
    "record_rbop_adoption": is_secretary_of_plan_body,
}

for _name, _predicate in PROPOSAL_RULES.items():
    rules.add_rule(f"proposal.{_name}", _predicate)
    rules.add_perm(f"raadsvoorstel.{_name}_proposal", _predicate)


def may_view(user: User, proposal: Proposal) -> bool:
    return rules.test_rule("proposal.view", user, proposal)


def may_change(user: User, proposal: Proposal) -> bool:
    """Whether `user` may edit this proposal's text now: the griffie, while it is a concept.

    Tested as a rule, not through `user.has_perm`, which says yes to any superuser.
    """
    return rules.test_rule("proposal.change", user, proposal)


def may_sign(user: User, proposal: Proposal) -> bool:
    """Sign it digitally, for themself, as voorzitter or griffier (or their substitute)."""
    return rules.test_rule("proposal.sign", user, proposal)


# --- The public ---
#
# Council decisions are public (Gemeentewet art. 23; the Wet open overheid asks for active
# publication): a signed raadsbesluit taken in a public meeting is anyone's to read, with
# its vote and amendments. Never a concept, a proposal still before the council, a
# withdrawn or rejected one (no raadsbesluit is signed), nor the besluit of a besloten
# vergadering (art. 23 lid 2): to the public those do not exist, whatever the URL.

# A plan is public once it is sent to the councils: their agendas carry it from then on.
PUBLIC_PLAN_STATES = (PlanState.CONSULTATION, PlanState.ADOPTED)


def public_decisions() -> QuerySet[Proposal]:
    """Every raadsbesluit anyone may read: the rule of `may_read_publicly`, as a query; a
    test keeps them equal. The states and the meeting are named once, on the model
    (`Proposal.objects.public()`), so that every reader of public data asks the same."""
    return Proposal.objects.public()


def may_read_publicly(proposal: Proposal) -> bool:
    """Anyone, logged in or not, may read it and its raadsbesluit."""
    return proposal.is_public


def public_plans() -> QuerySet[RegionalPlan]:
    """The regional plans anyone may read: the rule of `may_read_plan_publicly`, as a query.
    A concept is the secretaris's draft; a withdrawn plan is no longer on any agenda."""
    return RegionalPlan.objects.filter(state__in=PUBLIC_PLAN_STATES)


def may_read_plan_publicly(plan: RegionalPlan) -> bool:
    return plan.state in PUBLIC_PLAN_STATES


# --- The API ---


def readable_proposals(user: User) -> QuerySet[Proposal]:
    """What `user` may read in full, through the API or find by searching: the public
    decisions for anyone, and for a logged-in or token user also what their own pages show
    (`visible_proposals`). Anything else does not exist for them: the same 404 as a number
    never used."""
    public = Proposal.objects.public()
    if not user.is_authenticated:
        return public
    return visible_proposals(user) | public


def may_take_step(user: User, proposal: Proposal, name: str) -> bool:
    """Whether `user`'s role may take the workflow step `name` on this proposal at all,
    whatever its state now (the state and the step's conditions are the action's to check)."""
    return rules.test_rule(f"proposal.{name}", user, proposal)


def may_hold_api_token(user: User) -> bool:
    """API tokens are the griffie's: the document systems that send concepts in and follow
    the workflow act for the griffie that keeps the council's records."""
    return (
        user.is_authenticated
        and user.is_active
        and user.municipality is not None
        and is_griffie_of(user, user.municipality)
    )


def visible_tokens(user: User) -> QuerySet[ApiToken]:
    """The tokens of the griffie of the user's own municipality: a colleague can revoke the
    token of someone who left. Nobody else sees any."""
    if not may_hold_api_token(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user__municipality_id=user.municipality_id, user__role__in=GRIFFIE_ROLES)


def may_revoke_token(user: User, token: ApiToken) -> bool:
    """The same rule as `visible_tokens`, for one token."""
    return (
        may_hold_api_token(user)
        and token.user.role in GRIFFIE_ROLES
        and token.user.municipality_id == user.municipality_id
    )


# --- The admin ---


def may_administer(user: User) -> bool:
    """Maintainers: onboarding municipalities, people, themes and regional bodies."""
    return user.is_authenticated and user.is_active and user.is_superuser
