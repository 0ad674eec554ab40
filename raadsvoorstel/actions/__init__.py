"""Every write the application makes, one function each, split by noun like the models.

Each action checks who may do it (permissions.py), runs in one transaction, re-reads
what it decides on under a row lock, and leaves its history: one entry in the audit log,
plus the transition log for a change of state and a Revision for a change of text. Views,
commands and the admin call these; nothing else writes.
"""

from .backup import restore_archive
from .decisions import (
    archive_signed_decision,
    enqueue_archive,
    record_decision,
    sign_decision,
    sign_on_paper,
    signatories,
)
from .meetings import (
    add_member,
    cast_ballot,
    close_vote,
    derived_advice,
    import_members,
    open_meeting,
    postpone_item,
    put_on_agenda,
    schedule_meeting,
    set_attendance,
    start_vote,
    table_amendment,
)
from .proposals import (
    USER_TRANSITIONS,
    EditConflict,
    UserTransition,
    add_attachment,
    add_municipality,
    create_proposal,
    import_proposals,
    record_rbop_adoption,
    remove_attachment,
    return_proposal_to_concept,
    submit_proposal,
    transitions_for,
    update_proposal,
    withdraw_proposal,
)
from .reference import delete_reference, dump_reference_data, load_reference_data, save_reference

__all__ = [
    "USER_TRANSITIONS",
    "EditConflict",
    "UserTransition",
    "add_attachment",
    "add_member",
    "add_municipality",
    "archive_signed_decision",
    "cast_ballot",
    "close_vote",
    "create_proposal",
    "delete_reference",
    "derived_advice",
    "dump_reference_data",
    "enqueue_archive",
    "import_members",
    "import_proposals",
    "load_reference_data",
    "open_meeting",
    "postpone_item",
    "put_on_agenda",
    "record_decision",
    "record_rbop_adoption",
    "remove_attachment",
    "restore_archive",
    "return_proposal_to_concept",
    "save_reference",
    "schedule_meeting",
    "set_attendance",
    "sign_decision",
    "sign_on_paper",
    "signatories",
    "start_vote",
    "submit_proposal",
    "table_amendment",
    "transitions_for",
    "update_proposal",
    "withdraw_proposal",
]
