"""Who may do what, as django-rules predicates on (user, proposal).

A predicate called without a proposal (Django asks "may this user change any
proposal?") answers no: every grant here depends on the proposal's municipality.

Each rule is registered twice: as `proposal.<name>` in the shared rule set, which the
workflow's transitions test directly (so a superuser gets no role it does not hold),
and as the permission `raadsvoorstel.<name>_proposal` for views and templates.
"""

from __future__ import annotations

import rules

from .models import Municipality, Proposal, Role, SignatureRole, State, User


@rules.predicate
def is_griffie(user: User, proposal: Proposal) -> bool:
    """Griffie staff, and the griffier, of the proposal's municipality."""
    return (
        proposal is not None
        and user.is_authenticated
        and user.role in (Role.GRIFFIEMEDEWERKER, Role.GRIFFIER)
        and user.municipality_id == proposal.municipality_id
    )


@rules.predicate
def is_concept(user: User, proposal: Proposal) -> bool:
    return proposal is not None and proposal.state == State.CONCEPT


@rules.predicate
def is_of_municipality(user: User, proposal: Proposal) -> bool:
    return proposal is not None and user.is_authenticated and user.municipality_id == proposal.municipality_id


@rules.predicate
def may_sign(user: User, proposal: Proposal) -> bool:
    return proposal is not None and signing_role(user, proposal.municipality) is not None


@rules.predicate
def is_secretary_of_plan_body(user: User, proposal: Proposal) -> bool:
    """The RBOP-secretaris of the regional body whose plan the proposal answers."""
    plan = proposal.regional_plan if proposal is not None else None
    return (
        user.is_authenticated
        and user.role == Role.RBOP_SECRETARIS
        and plan is not None
        and plan.regional_body_id == user.regional_body_id
    )


def may_change(user: User, proposal: Proposal) -> bool:
    """Whether `user` may edit this proposal's text now: the griffie, while it is a concept.

    Tested as a rule, not through `user.has_perm`, which says yes to any superuser.
    """
    return rules.test_rule("proposal.change", user, proposal)


def is_griffie_of(user: User, municipality: Municipality) -> bool:
    """Griffie staff or the griffier of `municipality`: they draft, keep the council's
    records (meetings, attendance, votes) and print."""
    return (
        user.is_authenticated
        and user.role in (Role.GRIFFIEMEDEWERKER, Role.GRIFFIER)
        and user.municipality_id == municipality.pk
    )


def signs_as_substitute(user: User, municipality: Municipality) -> bool:
    """Whether `user` signs in another's place: the raadsbesluit names them as such."""
    own_role = user.role if user.municipality_id == municipality.pk else None
    role = signing_role(user, municipality)
    return (
        role is not None
        and own_role != role
        and user.pk
        not in (
            municipality.voorzitter_id,
            municipality.griffier_id,
        )
    )


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
    if own_role == Role.GRIFFIER or user.pk in (
        municipality.griffier_id,
        municipality.deputy_griffier_id,
    ):
        return SignatureRole.GRIFFIER
    return None


PROPOSAL_RULES = {
    "view": is_of_municipality | is_secretary_of_plan_body,
    "change": is_griffie & is_concept,
    "submit": is_griffie,
    "return_to_concept": is_griffie,
    "withdraw": is_griffie,
    "record_decision": is_griffie,
    # Signing itself checks signing_role; the griffie completes a signing done in ink.
    "sign": may_sign | is_griffie,
    "record_rbop_adoption": is_secretary_of_plan_body,
}

for _name, _predicate in PROPOSAL_RULES.items():
    rules.add_rule(f"proposal.{_name}", _predicate)
    rules.add_perm(f"raadsvoorstel.{_name}_proposal", _predicate)
