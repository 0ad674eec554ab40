"""What the database itself refuses, on PostgreSQL and SQLite alike: the generator of the
triggers that keep the record trustworthy whatever path writes to it (a queryset update,
a script, a shell, a database session).

- **The text is frozen once it leaves concept.** The sections, decision points,
  attachments and themes of a proposal past `concept` refuse every change, and so do the
  text columns of its row. The one exception is the council's own: the decision points of
  a proposal before the council may change between the vote that adopts it (with its
  amendments) and the recording of its decision, which the same transaction does.
- **A signed decision is final.** The decision, its vote, amendments and signatures; the
  meeting that took it, its attendance list, the agenda item, the tabled amendments, the
  votes and each member's ballot: no insert, update or delete. The meeting may still be
  closed (its `closed_at` set once). The proposal's row moves only from `signed` to
  `rbop_adopted`, and only for a proposal that answers a regional plan; and it becomes
  signed only with both signatures in place. A new proposal row is always a concept.
- **A proposal is never deleted**: it is withdrawn.
- **A regional plan's record only grows.** A council's answer, the body's vaststelling and
  its handling of each council's wensen en bedenkingen are written once. A plan that was
  sent keeps its text and template; an adopted plan changes no more, and a plan becomes
  adopted only with its vaststelling recorded, as does a member proposal (`rbop_adopted`).
- **The history only grows.** The audit log, the revisions, the transition log, the field
  history, the admin's log and the archive refuse update and delete.

This module serves new migrations only: a migration holds its SQL as it was the day it was
written (`frozen_source` prints it), and never imports this module. On SQLite, Django
alters a table by building a new one, which loses its triggers: a migration that alters a
guarded table drops the guards before and creates them after, from its own copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

FINAL = "('signed', 'rbop_adopted')"

FINAL_MESSAGE = "Een ondertekend raadsbesluit verandert nooit."
TEXT_MESSAGE = "De tekst van een voorstel dat niet meer in concept is, ligt vast."
HISTORY_MESSAGE = "De geschiedenis wordt alleen aangevuld, nooit gewijzigd."
ARCHIVE_MESSAGE = "Een gearchiveerd raadsbesluit verandert nooit."
DELETE_MESSAGE = "Een raadsvoorstel wordt nooit verwijderd; trek het in."
UNSIGNED_MESSAGE = "Een raadsbesluit is pas ondertekend als voorzitter en griffier allebei hebben getekend."
NEW_MESSAGE = "Een nieuw raadsvoorstel begint als concept."
ANSWER_MESSAGE = "Een verstuurd antwoord op een regionaal plan verandert nooit."
ADOPTION_MESSAGE = "De vaststelling van een regionaal plan verandert nooit."
PLAN_SENT_MESSAGE = (
    "Een verstuurd regionaal plan ligt vast; alleen de termijn en de vergadering veranderen nog."
)
PLAN_NOT_ADOPTED_MESSAGE = "Een regionaal plan is pas vastgesteld als de vaststelling is vastgelegd."
NEW_PLAN_MESSAGE = "Een nieuw regionaal plan begint als concept."
PLAN_WITHDRAWN_MESSAGE = "Een ingetrokken regionaal plan verandert niet meer."

VENDORS = ("sqlite", "postgresql")


def _state(proposal: str) -> str:
    return f"(SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = {proposal})"


def _final_meeting(meeting: str) -> str:
    """A meeting that took a decision which is now signed."""
    return (
        "EXISTS (SELECT 1 FROM raadsvoorstel_agendaitem ai"
        " JOIN raadsvoorstel_proposal p ON p.id = ai.proposal_id"
        f" WHERE ai.meeting_id = {meeting} AND p.state IN {FINAL})"
    )


def _amendments_being_applied(proposal: str) -> str:
    """The council adopted the proposal by a vote, and its decision is not recorded yet:
    the moment its adopted amendments are written into the decision points."""
    return (
        "(EXISTS (SELECT 1 FROM raadsvoorstel_vote v"
        " JOIN raadsvoorstel_agendaitem ai ON ai.id = v.agenda_item_id"
        f" WHERE ai.proposal_id = {proposal} AND v.amendment_id IS NULL AND v.status = 'closed'"
        " AND v.motion_id IS NULL AND v.outcome = 'aangenomen')"
        f" AND NOT EXISTS (SELECT 1 FROM raadsvoorstel_decision d WHERE d.proposal_id = {proposal}))"
    )


def _unsigned(proposal: str) -> str:
    """The decision lacks the voorzitter's or the griffier's signature (Gemeentewet art. 32a)."""
    return (
        "(SELECT count(DISTINCT s.role) FROM raadsvoorstel_signature s"
        " JOIN raadsvoorstel_decision d ON d.id = s.decision_id"
        f" WHERE d.proposal_id = {proposal} AND s.role IN ('voorzitter', 'griffier')) < 2"
    )


def _plan_adopted(plan: str) -> str:
    """The body's vaststelling of the plan is recorded."""
    return f"EXISTS (SELECT 1 FROM raadsvoorstel_planadoption a WHERE a.plan_id = {plan})"


# The proposal a row belongs to, with {row} for NEW or OLD.
_VIA_DECISION = "(SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = {row}.decision_id)"
_VIA_AGENDA_ITEM = (
    "(SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = {row}.agenda_item_id)"
)
_VIA_VOTE = (
    "(SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai"
    " JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = {row}.vote_id)"
)

TEXT_TABLES = {
    "raadsvoorstel_section": "{row}.proposal_id",
    "raadsvoorstel_decisionpoint": "{row}.proposal_id",
    "raadsvoorstel_attachment": "{row}.proposal_id",
    "raadsvoorstel_proposal_themes": "{row}.proposal_id",
}
DECISION_TABLES = {
    "raadsvoorstel_decision": "{row}.proposal_id",
    "raadsvoorstel_signature": _VIA_DECISION,
    "raadsvoorstel_membervote": _VIA_DECISION,
    "raadsvoorstel_amendment": _VIA_DECISION,
    "raadsvoorstel_amendmentchange": (
        "(SELECT d.proposal_id FROM raadsvoorstel_decision d"
        " JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = {row}.amendment_id)"
    ),
    "raadsvoorstel_agendaitem": "{row}.proposal_id",
    "raadsvoorstel_tabledamendment": _VIA_AGENDA_ITEM,
    "raadsvoorstel_vote": _VIA_AGENDA_ITEM,
    "raadsvoorstel_memberballot": _VIA_VOTE,
    # The council procedure's records (migration 0010 on).
    "raadsvoorstel_motion": _VIA_AGENDA_ITEM,
    "raadsvoorstel_voteexclusion": _VIA_VOTE,
    "raadsvoorstel_vote_present_members": _VIA_VOTE,
}
APPEND_ONLY_TABLES = {
    "raadsvoorstel_auditentry": HISTORY_MESSAGE,
    "raadsvoorstel_revision": HISTORY_MESSAGE,
    "django_fsm_log_statelog": HISTORY_MESSAGE,
    "raadsvoorstel_historicalproposal": HISTORY_MESSAGE,
    "raadsvoorstel_historicalsection": HISTORY_MESSAGE,
    "raadsvoorstel_historicaldecisionpoint": HISTORY_MESSAGE,
    "raadsvoorstel_historicaldecision": HISTORY_MESSAGE,
    "django_admin_log": HISTORY_MESSAGE,
    "raadsvoorstel_archiveddecision": ARCHIVE_MESSAGE,
    # The consultation's record (migration 0011 on).
    "raadsvoorstel_plananswer": ANSWER_MESSAGE,
    "raadsvoorstel_planadoption": ADOPTION_MESSAGE,
    "raadsvoorstel_answerhandling": ADOPTION_MESSAGE,
}

# The proposal row: its text, and the columns that never change once it is signed.
PROPOSAL_TEXT_COLUMNS = (
    "municipality_id",
    "number",
    "subject",
    "proposer",
    "initiator",
    "date",
    "legal_basis",
    "regional_plan_id",
    "proposed_advice",
    "proposed_advice_text",
)
PROPOSAL_FIXED_COLUMNS = ("id", *PROPOSAL_TEXT_COLUMNS, "created_at")
MEETING_FIXED_COLUMNS = (
    "id",
    "municipality_id",
    "starts_at",
    "place",
    "public",
    "continues_id",
    "convened_at",
    "opened_at",
)
# A regional plan's text: fixed once it is sent to the member councils.
PLAN_FIXED_COLUMNS = (
    "id",
    "code",
    "title",
    "regional_body_id",
    "template",
    "document_title",
    "document_sha256",
)
# Tables of a meeting's own record: final once a decision taken there is signed.
MEETING_RECORD_TABLES = ("raadsvoorstel_attendance", "raadsvoorstel_presencechange")


@dataclass(frozen=True)
class Guard:
    """One table's refusals: for each event, the SQL condition (over OLD and NEW) under which
    the row may not change, and the message; `None` as condition refuses always."""

    table: str
    refusals: tuple[tuple[str, str | None, str], ...]  # (event, condition, message)


def _changed(columns: tuple[str, ...], distinct: str) -> str:
    return " OR ".join(f"NEW.{c} {distinct} OLD.{c}" for c in columns)


def guards(vendor: str) -> list[Guard]:
    distinct = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    result = []
    for table, proposal in TEXT_TABLES.items():
        old, new = proposal.format(row="OLD"), proposal.format(row="NEW")

        def frozen(row_proposal: str, table: str = table) -> str:
            condition = f"{_state(row_proposal)} <> 'concept'"
            if table == "raadsvoorstel_decisionpoint":
                condition = (
                    f"({condition} AND NOT ({_state(row_proposal)} = 'council_advice'"
                    f" AND {_amendments_being_applied(row_proposal)}))"
                )
            return condition

        result.append(
            Guard(
                table,
                (
                    ("INSERT", frozen(new), TEXT_MESSAGE),
                    ("UPDATE", f"{frozen(old)} OR {frozen(new)}", TEXT_MESSAGE),
                    ("DELETE", frozen(old), TEXT_MESSAGE),
                ),
            )
        )
    for table, proposal in DECISION_TABLES.items():
        old = f"{_state(proposal.format(row='OLD'))} IN {FINAL}"
        new = f"{_state(proposal.format(row='NEW'))} IN {FINAL}"
        result.append(
            Guard(
                table,
                (
                    ("INSERT", new, FINAL_MESSAGE),
                    ("UPDATE", f"{old} OR {new}", FINAL_MESSAGE),
                    ("DELETE", old, FINAL_MESSAGE),
                ),
            )
        )
    for table in MEETING_RECORD_TABLES:
        old, new = _final_meeting("OLD.meeting_id"), _final_meeting("NEW.meeting_id")
        result.append(
            Guard(
                table,
                (
                    ("INSERT", new, FINAL_MESSAGE),
                    ("UPDATE", f"{old} OR {new}", FINAL_MESSAGE),
                    ("DELETE", old, FINAL_MESSAGE),
                ),
            )
        )
    meeting_closed_once = f"OLD.closed_at IS NULL AND NOT ({_changed(MEETING_FIXED_COLUMNS, distinct)})"
    result.append(
        Guard(
            "raadsvoorstel_meeting",
            (
                ("UPDATE", f"{_final_meeting('OLD.id')} AND NOT ({meeting_closed_once})", FINAL_MESSAGE),
                ("DELETE", _final_meeting("OLD.id"), FINAL_MESSAGE),
            ),
        )
    )
    adopted_by_rbop = (
        "OLD.state = 'signed' AND NEW.state = 'rbop_adopted' AND NEW.regional_plan_id IS NOT NULL"
        f" AND {_plan_adopted('NEW.regional_plan_id')}"
        f" AND NOT ({_changed(PROPOSAL_FIXED_COLUMNS, distinct)})"
    )
    result.append(
        Guard(
            "raadsvoorstel_proposal",
            (
                ("UPDATE", f"OLD.state IN {FINAL} AND NOT ({adopted_by_rbop})", FINAL_MESSAGE),
                (
                    "UPDATE",
                    f"OLD.state <> 'concept' AND ({_changed(PROPOSAL_TEXT_COLUMNS, distinct)})",
                    TEXT_MESSAGE,
                ),
                (
                    "UPDATE",
                    f"NEW.state IN {FINAL} AND OLD.state NOT IN {FINAL} AND {_unsigned('NEW.id')}",
                    UNSIGNED_MESSAGE,
                ),
                ("INSERT", "NEW.state <> 'concept'", NEW_MESSAGE),
                ("DELETE", None, DELETE_MESSAGE),
            ),
        )
    )
    result.append(
        Guard(
            "raadsvoorstel_regionalplan",
            (
                ("UPDATE", "OLD.state = 'adopted'", ADOPTION_MESSAGE),
                ("UPDATE", "OLD.state = 'withdrawn'", PLAN_WITHDRAWN_MESSAGE),
                ("UPDATE", "OLD.state <> 'concept' AND NEW.state = 'concept'", PLAN_SENT_MESSAGE),
                (
                    "UPDATE",
                    f"OLD.state <> 'concept' AND ({_changed(PLAN_FIXED_COLUMNS, distinct)})",
                    PLAN_SENT_MESSAGE,
                ),
                (
                    "UPDATE",
                    f"NEW.state = 'adopted' AND NOT {_plan_adopted('NEW.id')}",
                    PLAN_NOT_ADOPTED_MESSAGE,
                ),
                ("INSERT", "NEW.state <> 'concept'", NEW_PLAN_MESSAGE),
                ("DELETE", "OLD.state <> 'concept'", PLAN_SENT_MESSAGE),
            ),
        )
    )
    for table, message in APPEND_ONLY_TABLES.items():
        result.append(Guard(table, (("UPDATE", None, message), ("DELETE", None, message))))
    return result


def _sqlite(guard: Guard) -> list[str]:
    statements = []
    for number, (event, condition, message) in enumerate(guard.refusals, start=1):
        when = f" WHEN {condition}" if condition else ""
        statements.append(
            f"CREATE TRIGGER {guard.table}_guard_{number} BEFORE {event} ON {guard.table}{when} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    return statements


def _postgresql(guard: Guard) -> list[str]:
    checks = []
    for event, condition, message in guard.refusals:
        refuse = f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"
        test = f"TG_OP = '{event}'" + (f" AND ({condition})" if condition else "")
        checks.append(f"    IF {test} THEN {refuse} END IF;")
    events = " OR ".join(dict.fromkeys(event for event, _condition, _message in guard.refusals))
    body = "\n".join(checks)
    return [
        f"CREATE FUNCTION {guard.table}_guard() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\n"
        "    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n    RETURN NEW;\nEND $$",
        f"CREATE TRIGGER {guard.table}_guard BEFORE {events} ON {guard.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {guard.table}_guard()",
    ]


def create_statements(vendor: str) -> list[str]:
    render = _sqlite if vendor == "sqlite" else _postgresql
    return [statement for guard in guards(vendor) for statement in render(guard)]


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {guard.table}_guard() CASCADE" for guard in guards(vendor)]
    return [
        f"DROP TRIGGER IF EXISTS {guard.table}_guard_{number}"
        for guard in guards(vendor)
        for number in range(1, len(guard.refusals) + 1)
    ]


def frozen_source(name: str) -> str:
    """The statements as Python source for a new migration to hold: `NAME = {vendor: [...]}`
    for creating and `DROP_NAME` for dropping (python -c "from raadsvoorstel import
    db_guards; print(db_guards.frozen_source('GUARDS'))")."""

    def block(label: str, per_vendor: dict[str, list[str]]) -> str:
        lines = [f"{label} = {{"]
        for vendor, statements in per_vendor.items():
            lines.append(f'    "{vendor}": [')
            for statement in statements:
                literal = (
                    f'"""{statement}"""' if "\n" in statement else json.dumps(statement, ensure_ascii=False)
                )
                lines.append(f"        {literal},")
            lines.append("    ],")
        lines.append("}")
        return "\n".join(lines)

    return (
        block(name, {vendor: create_statements(vendor) for vendor in VENDORS})
        + "\n\n"
        + block(f"DROP_{name}", {vendor: drop_statements(vendor) for vendor in VENDORS})
        + "\n"
    )
