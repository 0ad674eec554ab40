"""What every action module shares: the transaction that holds a proposal's row, running a
transition with its log entry, keeping a revision, and the audit entry of each write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from django_fsm_log.helpers import FSMLogDescriptor

from .. import audit, search, text
from ..models import AuditEntry, Proposal, Revision, StaleCopy, State, User, WorkflowError

__all__ = ["acting_on", "record", "keep_revision", "run_transition", "check_transition", "stale_copy"]


def stale_copy(state: str, version: int) -> StaleCopy:
    return StaleCopy(
        _(
            "Dit voorstel is intussen gewijzigd: het heeft nu de status “%(state)s” (versie "
            "%(version)s). Uw wijziging is niet opgeslagen; bekijk het voorstel opnieuw."
        )
        % {"state": State(state).label, "version": version}
    )


def _lock(proposal: Proposal) -> None:
    """Hold the proposal's row until the transaction ends; refuse if it changed since the
    caller read it (its state and version, read again here under the lock)."""
    state, version = Proposal.objects.select_for_update().values_list("state", "version").get(pk=proposal.pk)
    if state != proposal.state or version != proposal.version:
        raise stale_copy(state, version)


@contextmanager
def acting_on(proposal: Proposal) -> Iterator[None]:
    """One transaction holding the proposal's row: the caller's copy must be the stored one
    (else `StaleCopy`), and on any refusal nothing is stored.

    The caller's copy is not refreshed on a refusal: reloading it here would be reading the
    database on the caller's behalf, and the views load what they show themselves.
    """
    with transaction.atomic():
        _lock(proposal)
        yield


def check_transition(proposal: Proposal, name: str, by: User) -> None:
    """Raise the reason, in the griffie's words, why `by` cannot make this transition now."""
    transition = getattr(proposal, name)._django_fsm.get_transition(proposal.state)
    if transition is None:
        raise WorkflowError(
            _("Dat kan niet bij een voorstel met de status “%(state)s”.")
            % {"state": proposal.get_state_display()}
        )
    if not transition.has_perm(proposal, by):
        raise PermissionDenied(_("U hebt niet de rol die deze stap mag zetten bij dit voorstel."))
    for condition in transition.conditions:
        if not condition(proposal):
            raise WorkflowError(condition.message)


def run_transition(
    proposal: Proposal, name: str, *, by: User | None, reason: str = "", payload: dict | None = None
) -> None:
    """Run one transition inside the caller's transaction: the state moves, the version goes
    up, and the transition log and the audit log each get their entry (with `payload`, what
    else the action wrote)."""
    if by is not None:
        check_transition(proposal, name, by)
    source = proposal.state
    with FSMLogDescriptor(proposal, "by", by), FSMLogDescriptor(proposal, "description", reason):
        getattr(proposal, name)(by=by, reason=reason)
    proposal.version += 1
    # The text did not change: no field-history row for a change of state.
    proposal.skip_history_when_saving = True
    try:
        proposal.save(update_fields=["state", "version", "updated_at"])
    except ConcurrentTransition:
        stored = Proposal.objects.values_list("state", "version").get(pk=proposal.pk)
        raise stale_copy(*stored) from None
    finally:
        del proposal.skip_history_when_saving
    record(
        name,
        proposal,
        {
            "from": source,
            "to": proposal.state,
            "reason": reason,
            "version": proposal.version,
            **(payload or {}),
        },
        by=by,
    )


def record(action: str, subject, payload: dict, *, by: User | None) -> AuditEntry:
    """The audit entry of one write, in its transaction. `subject` is a proposal, or any
    object with a `key` and an `audit_type` (a meeting, a municipality, ...)."""
    if isinstance(subject, Proposal):
        return audit.append(action, "proposal", subject.key, payload, by=by)
    return audit.append(action, subject.audit_type, subject.key, payload, by=by)


def keep_revision(proposal: Proposal, *, by: User | None) -> Revision:
    """The whole text as it now stands, for the history's word diff; the search index reads
    the same text, so it is brought up to date here too."""
    search.index(proposal)
    return Revision.objects.create(
        proposal=proposal, version=proposal.version, saved_by=by, text=text.text_of(proposal)
    )
