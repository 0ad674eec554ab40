"""Nothing signed ever changes: database triggers, on PostgreSQL and SQLite alike.

Once a proposal is `signed` (or `rbop_adopted`), its text, its decision, the vote, the
amendments and the signatures refuse every insert, update and delete, and the proposal
row itself may only move from `signed` to `rbop_adopted`. The models refuse the same
earlier and with kinder words; these triggers hold against any other path to the
database (a queryset update, a script, a shell).

Migrations call `create` and `drop`. On SQLite, Django alters a table by building a new
one and dropping the old, which loses the triggers: a migration that alters a guarded
table (see PROPOSAL_OF) must `drop` before and `create` after, as 0003 does. A migration
creates the guards for the tables that exist at its point in history (`tables=`); the
latest one guards them all.
"""

FINAL = "('signed', 'rbop_adopted')"
MESSAGE = "Een ondertekend raadsbesluit verandert nooit."

# For each guarded table: the SQL giving the proposal a row belongs to, with {row} for NEW/OLD.
PROPOSAL_OF = {
    "raadsvoorstel_section": "{row}.proposal_id",
    "raadsvoorstel_decisionpoint": "{row}.proposal_id",
    "raadsvoorstel_attachment": "{row}.proposal_id",
    "raadsvoorstel_proposal_themes": "{row}.proposal_id",
    "raadsvoorstel_decision": "{row}.proposal_id",
    "raadsvoorstel_signature": (
        "(SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = {row}.decision_id)"
    ),
    "raadsvoorstel_membervote": (
        "(SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = {row}.decision_id)"
    ),
    "raadsvoorstel_amendment": (
        "(SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = {row}.decision_id)"
    ),
    "raadsvoorstel_amendmentchange": (
        "(SELECT d.proposal_id FROM raadsvoorstel_decision d"
        " JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = {row}.amendment_id)"
    ),
    # The council's live records of the decision (migration 0005 on).
    "raadsvoorstel_tabledamendment": (
        "(SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = {row}.agenda_item_id)"
    ),
    "raadsvoorstel_vote": (
        "(SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = {row}.agenda_item_id)"
    ),
    "raadsvoorstel_memberballot": (
        "(SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai"
        " JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = {row}.vote_id)"
    ),
}
# The tables guarded since migration 0002.
FIRST_TABLES = list(PROPOSAL_OF)[:9]

TEXT_COLUMNS = ["municipality_id", "number", "subject", "proposer", "date", "legal_basis", "regional_plan_id"]


def is_final(table: str, row: str) -> str:
    proposal = PROPOSAL_OF[table].format(row=row)
    return f"(SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = {proposal}) IN {FINAL}"


def proposal_row_changes(old: str = "OLD", new: str = "NEW", distinct: str = "IS NOT") -> str:
    """True when a final proposal's row changes in anything but signed -> rbop_adopted."""
    text_changed = " OR ".join(f"{new}.{c} {distinct} {old}.{c}" for c in TEXT_COLUMNS)
    return (
        f"{old}.state IN {FINAL} AND ("
        f"{new}.state NOT IN {FINAL} OR ({old}.state = 'rbop_adopted' AND {new}.state <> 'rbop_adopted')"
        f" OR {text_changed})"
    )


def sqlite_statements(tables: list[str] | None = None) -> list[str]:
    statements = []
    for table in tables or PROPOSAL_OF:
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            condition = " OR ".join(is_final(table, row) for row in rows)
            statements.append(
                f"CREATE TRIGGER {table}_final_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    statements.append(
        "CREATE TRIGGER raadsvoorstel_proposal_final_update BEFORE UPDATE ON raadsvoorstel_proposal "
        f"WHEN {proposal_row_changes()} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    statements.append(
        "CREATE TRIGGER raadsvoorstel_proposal_final_delete BEFORE DELETE ON raadsvoorstel_proposal "
        f"WHEN OLD.state IN {FINAL} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    return statements


def postgresql_statements(tables: list[str] | None = None) -> list[str]:
    raise_error = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"
    statements = []
    for table in tables or PROPOSAL_OF:
        statements.append(f"""
            CREATE FUNCTION {table}_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND {is_final(table, "NEW")} THEN {raise_error} END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND {is_final(table, "OLD")} THEN {raise_error} END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""")
        statements.append(
            f"CREATE TRIGGER {table}_final BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_final()"
        )
    statements.append(f"""
        CREATE FUNCTION raadsvoorstel_proposal_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF OLD.state IN {FINAL} THEN {raise_error} END IF;
                RETURN OLD;
            END IF;
            IF {proposal_row_changes(distinct="IS DISTINCT FROM")} THEN {raise_error} END IF;
            RETURN NEW;
        END $$""")
    statements.append(
        "CREATE TRIGGER raadsvoorstel_proposal_final BEFORE UPDATE OR DELETE ON raadsvoorstel_proposal "
        "FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_proposal_refuse_final()"
    )
    return statements


def drop_statements(vendor: str) -> list[str]:
    tables = [*PROPOSAL_OF, "raadsvoorstel_proposal"]
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {table}_refuse_final() CASCADE" for table in tables]
    return [
        f"DROP TRIGGER IF EXISTS {table}_final_{event}"
        for table in tables
        for event in ("insert", "update", "delete")
    ]


def create(schema_editor, tables: list[str] | None = None) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgresql_statements, "sqlite": sqlite_statements}[vendor](tables)
    for statement in statements:
        schema_editor.execute(statement)


def drop(schema_editor) -> None:
    for statement in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


ARCHIVE = "raadsvoorstel_archiveddecision"
ARCHIVE_MESSAGE = "Een gearchiveerd raadsbesluit verandert nooit."


def archive_statements(vendor: str) -> list[str]:
    """An archived raadsbesluit is written once and never updated or deleted (migration 0006)."""
    if vendor == "postgresql":
        return [
            f"""
            CREATE FUNCTION {ARCHIVE}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{ARCHIVE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END $$""",
            f"CREATE TRIGGER {ARCHIVE}_final BEFORE UPDATE OR DELETE ON {ARCHIVE} "
            f"FOR EACH ROW EXECUTE FUNCTION {ARCHIVE}_refuse_change()",
        ]
    return [
        f"CREATE TRIGGER {ARCHIVE}_final_{event} BEFORE {event.upper()} ON {ARCHIVE} "
        f"BEGIN SELECT RAISE(ABORT, '{ARCHIVE_MESSAGE}'); END"
        for event in ("update", "delete")
    ]


def drop_archive_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {ARCHIVE}_refuse_change() CASCADE"]
    return [f"DROP TRIGGER IF EXISTS {ARCHIVE}_final_{event}" for event in ("update", "delete")]


def create_archive_guard(schema_editor) -> None:
    for statement in archive_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_archive_guard(schema_editor) -> None:
    for statement in drop_archive_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def every_guard_statements(vendor: str) -> list[str]:
    """All guards of the latest migration, for tests that must lift them for a while."""
    statements = sqlite_statements() if vendor == "sqlite" else postgresql_statements()
    return statements + archive_statements(vendor)


def every_drop_statement(vendor: str) -> list[str]:
    return drop_statements(vendor) + drop_archive_statements(vendor)
