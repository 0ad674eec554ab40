"""Frozen: the trigger SQL of migrations 0002 to 0006, exactly as those migrations ran it.

Never edit this file. The migrations that import it must do tomorrow what they did the day
they were written, whatever becomes of `raadsvoorstel/db_guards.py`; a new migration holds
its own SQL (see `db_guards.frozen_source`). The migration loader skips modules whose name
starts with an underscore, so this is not a migration itself.
"""


def run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


# 0002: a signed decision is final: its text, decision, vote record and signatures (9 tables).
FIRST_GUARDS = {
    "sqlite": [
        "CREATE TRIGGER raadsvoorstel_section_final_insert BEFORE INSERT ON raadsvoorstel_section WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_section_final_update BEFORE UPDATE ON raadsvoorstel_section WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_section_final_delete BEFORE DELETE ON raadsvoorstel_section WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final_insert BEFORE INSERT ON raadsvoorstel_decisionpoint WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final_update BEFORE UPDATE ON raadsvoorstel_decisionpoint WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final_delete BEFORE DELETE ON raadsvoorstel_decisionpoint WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_attachment_final_insert BEFORE INSERT ON raadsvoorstel_attachment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_attachment_final_update BEFORE UPDATE ON raadsvoorstel_attachment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_attachment_final_delete BEFORE DELETE ON raadsvoorstel_attachment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final_insert BEFORE INSERT ON raadsvoorstel_proposal_themes WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final_update BEFORE UPDATE ON raadsvoorstel_proposal_themes WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final_delete BEFORE DELETE ON raadsvoorstel_proposal_themes WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decision_final_insert BEFORE INSERT ON raadsvoorstel_decision WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decision_final_update BEFORE UPDATE ON raadsvoorstel_decision WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decision_final_delete BEFORE DELETE ON raadsvoorstel_decision WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_signature_final_insert BEFORE INSERT ON raadsvoorstel_signature WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_signature_final_update BEFORE UPDATE ON raadsvoorstel_signature WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_signature_final_delete BEFORE DELETE ON raadsvoorstel_signature WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_membervote_final_insert BEFORE INSERT ON raadsvoorstel_membervote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_membervote_final_update BEFORE UPDATE ON raadsvoorstel_membervote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_membervote_final_delete BEFORE DELETE ON raadsvoorstel_membervote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendment_final_insert BEFORE INSERT ON raadsvoorstel_amendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendment_final_update BEFORE UPDATE ON raadsvoorstel_amendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendment_final_delete BEFORE DELETE ON raadsvoorstel_amendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final_insert BEFORE INSERT ON raadsvoorstel_amendmentchange WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = NEW.amendment_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final_update BEFORE UPDATE ON raadsvoorstel_amendmentchange WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = OLD.amendment_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = NEW.amendment_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final_delete BEFORE DELETE ON raadsvoorstel_amendmentchange WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = OLD.amendment_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_final_update BEFORE UPDATE ON raadsvoorstel_proposal WHEN OLD.state IN ('signed', 'rbop_adopted') AND (NEW.state NOT IN ('signed', 'rbop_adopted') OR (OLD.state = 'rbop_adopted' AND NEW.state <> 'rbop_adopted') OR NEW.municipality_id IS NOT OLD.municipality_id OR NEW.number IS NOT OLD.number OR NEW.subject IS NOT OLD.subject OR NEW.proposer IS NOT OLD.proposer OR NEW.date IS NOT OLD.date OR NEW.legal_basis IS NOT OLD.legal_basis OR NEW.regional_plan_id IS NOT OLD.regional_plan_id) BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_final_delete BEFORE DELETE ON raadsvoorstel_proposal WHEN OLD.state IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
    ],
    "postgresql": [
        """
            CREATE FUNCTION raadsvoorstel_section_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_section_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_section FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_section_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_decisionpoint_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_decisionpoint FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_decisionpoint_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_attachment_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_attachment_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_attachment FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_attachment_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_proposal_themes_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_proposal_themes FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_proposal_themes_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_decision_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_decision_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_decision FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_decision_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_signature_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_signature_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_signature FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_signature_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_membervote_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_membervote_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_membervote FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_membervote_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_amendment_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_amendment_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_amendment FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_amendment_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_amendmentchange_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = NEW.amendment_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = OLD.amendment_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_amendmentchange FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_amendmentchange_refuse_final()",
        """
        CREATE FUNCTION raadsvoorstel_proposal_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF OLD.state IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                RETURN OLD;
            END IF;
            IF OLD.state IN ('signed', 'rbop_adopted') AND (NEW.state NOT IN ('signed', 'rbop_adopted') OR (OLD.state = 'rbop_adopted' AND NEW.state <> 'rbop_adopted') OR NEW.municipality_id IS DISTINCT FROM OLD.municipality_id OR NEW.number IS DISTINCT FROM OLD.number OR NEW.subject IS DISTINCT FROM OLD.subject OR NEW.proposer IS DISTINCT FROM OLD.proposer OR NEW.date IS DISTINCT FROM OLD.date OR NEW.legal_basis IS DISTINCT FROM OLD.legal_basis OR NEW.regional_plan_id IS DISTINCT FROM OLD.regional_plan_id) THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
            RETURN NEW;
        END $$""",
        "CREATE TRIGGER raadsvoorstel_proposal_final BEFORE UPDATE OR DELETE ON raadsvoorstel_proposal FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_proposal_refuse_final()",
    ],
}

# 0005: the same, and the council's tabled amendments, votes and ballots.
COUNCIL_GUARDS = {
    "sqlite": [
        "CREATE TRIGGER raadsvoorstel_section_final_insert BEFORE INSERT ON raadsvoorstel_section WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_section_final_update BEFORE UPDATE ON raadsvoorstel_section WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_section_final_delete BEFORE DELETE ON raadsvoorstel_section WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final_insert BEFORE INSERT ON raadsvoorstel_decisionpoint WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final_update BEFORE UPDATE ON raadsvoorstel_decisionpoint WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final_delete BEFORE DELETE ON raadsvoorstel_decisionpoint WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_attachment_final_insert BEFORE INSERT ON raadsvoorstel_attachment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_attachment_final_update BEFORE UPDATE ON raadsvoorstel_attachment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_attachment_final_delete BEFORE DELETE ON raadsvoorstel_attachment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final_insert BEFORE INSERT ON raadsvoorstel_proposal_themes WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final_update BEFORE UPDATE ON raadsvoorstel_proposal_themes WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final_delete BEFORE DELETE ON raadsvoorstel_proposal_themes WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decision_final_insert BEFORE INSERT ON raadsvoorstel_decision WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decision_final_update BEFORE UPDATE ON raadsvoorstel_decision WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_decision_final_delete BEFORE DELETE ON raadsvoorstel_decision WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_signature_final_insert BEFORE INSERT ON raadsvoorstel_signature WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_signature_final_update BEFORE UPDATE ON raadsvoorstel_signature WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_signature_final_delete BEFORE DELETE ON raadsvoorstel_signature WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_membervote_final_insert BEFORE INSERT ON raadsvoorstel_membervote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_membervote_final_update BEFORE UPDATE ON raadsvoorstel_membervote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_membervote_final_delete BEFORE DELETE ON raadsvoorstel_membervote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendment_final_insert BEFORE INSERT ON raadsvoorstel_amendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendment_final_update BEFORE UPDATE ON raadsvoorstel_amendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendment_final_delete BEFORE DELETE ON raadsvoorstel_amendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final_insert BEFORE INSERT ON raadsvoorstel_amendmentchange WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = NEW.amendment_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final_update BEFORE UPDATE ON raadsvoorstel_amendmentchange WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = OLD.amendment_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = NEW.amendment_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final_delete BEFORE DELETE ON raadsvoorstel_amendmentchange WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = OLD.amendment_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_tabledamendment_final_insert BEFORE INSERT ON raadsvoorstel_tabledamendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = NEW.agenda_item_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_tabledamendment_final_update BEFORE UPDATE ON raadsvoorstel_tabledamendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = OLD.agenda_item_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = NEW.agenda_item_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_tabledamendment_final_delete BEFORE DELETE ON raadsvoorstel_tabledamendment WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = OLD.agenda_item_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_vote_final_insert BEFORE INSERT ON raadsvoorstel_vote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = NEW.agenda_item_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_vote_final_update BEFORE UPDATE ON raadsvoorstel_vote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = OLD.agenda_item_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = NEW.agenda_item_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_vote_final_delete BEFORE DELETE ON raadsvoorstel_vote WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = OLD.agenda_item_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_memberballot_final_insert BEFORE INSERT ON raadsvoorstel_memberballot WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = NEW.vote_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_memberballot_final_update BEFORE UPDATE ON raadsvoorstel_memberballot WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = OLD.vote_id)) IN ('signed', 'rbop_adopted') OR (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = NEW.vote_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_memberballot_final_delete BEFORE DELETE ON raadsvoorstel_memberballot WHEN (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = OLD.vote_id)) IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_final_update BEFORE UPDATE ON raadsvoorstel_proposal WHEN OLD.state IN ('signed', 'rbop_adopted') AND (NEW.state NOT IN ('signed', 'rbop_adopted') OR (OLD.state = 'rbop_adopted' AND NEW.state <> 'rbop_adopted') OR NEW.municipality_id IS NOT OLD.municipality_id OR NEW.number IS NOT OLD.number OR NEW.subject IS NOT OLD.subject OR NEW.proposer IS NOT OLD.proposer OR NEW.date IS NOT OLD.date OR NEW.legal_basis IS NOT OLD.legal_basis OR NEW.regional_plan_id IS NOT OLD.regional_plan_id) BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_proposal_final_delete BEFORE DELETE ON raadsvoorstel_proposal WHEN OLD.state IN ('signed', 'rbop_adopted') BEGIN SELECT RAISE(ABORT, 'Een ondertekend raadsbesluit verandert nooit.'); END",
    ],
    "postgresql": [
        """
            CREATE FUNCTION raadsvoorstel_section_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_section_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_section FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_section_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_decisionpoint_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_decisionpoint_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_decisionpoint FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_decisionpoint_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_attachment_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_attachment_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_attachment FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_attachment_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_proposal_themes_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_proposal_themes_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_proposal_themes FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_proposal_themes_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_decision_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = NEW.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = OLD.proposal_id) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_decision_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_decision FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_decision_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_signature_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_signature_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_signature FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_signature_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_membervote_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_membervote_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_membervote FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_membervote_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_amendment_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = NEW.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d WHERE d.id = OLD.decision_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_amendment_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_amendment FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_amendment_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_amendmentchange_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = NEW.amendment_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT d.proposal_id FROM raadsvoorstel_decision d JOIN raadsvoorstel_amendment a ON a.decision_id = d.id WHERE a.id = OLD.amendment_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_amendmentchange_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_amendmentchange FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_amendmentchange_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_tabledamendment_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = NEW.agenda_item_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = OLD.agenda_item_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_tabledamendment_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_tabledamendment FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_tabledamendment_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_vote_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = NEW.agenda_item_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai WHERE ai.id = OLD.agenda_item_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_vote_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_vote FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_vote_refuse_final()",
        """
            CREATE FUNCTION raadsvoorstel_memberballot_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('INSERT', 'UPDATE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = NEW.vote_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') AND (SELECT p.state FROM raadsvoorstel_proposal p WHERE p.id = (SELECT ai.proposal_id FROM raadsvoorstel_agendaitem ai JOIN raadsvoorstel_vote v ON v.agenda_item_id = ai.id WHERE v.id = OLD.vote_id)) IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER raadsvoorstel_memberballot_final BEFORE INSERT OR UPDATE OR DELETE ON raadsvoorstel_memberballot FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_memberballot_refuse_final()",
        """
        CREATE FUNCTION raadsvoorstel_proposal_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF OLD.state IN ('signed', 'rbop_adopted') THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
                RETURN OLD;
            END IF;
            IF OLD.state IN ('signed', 'rbop_adopted') AND (NEW.state NOT IN ('signed', 'rbop_adopted') OR (OLD.state = 'rbop_adopted' AND NEW.state <> 'rbop_adopted') OR NEW.municipality_id IS DISTINCT FROM OLD.municipality_id OR NEW.number IS DISTINCT FROM OLD.number OR NEW.subject IS DISTINCT FROM OLD.subject OR NEW.proposer IS DISTINCT FROM OLD.proposer OR NEW.date IS DISTINCT FROM OLD.date OR NEW.legal_basis IS DISTINCT FROM OLD.legal_basis OR NEW.regional_plan_id IS DISTINCT FROM OLD.regional_plan_id) THEN RAISE EXCEPTION 'Een ondertekend raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation'; END IF;
            RETURN NEW;
        END $$""",
        "CREATE TRIGGER raadsvoorstel_proposal_final BEFORE UPDATE OR DELETE ON raadsvoorstel_proposal FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_proposal_refuse_final()",
    ],
}

DROP_GUARDS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS raadsvoorstel_section_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_section_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_section_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_decisionpoint_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_decisionpoint_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_decisionpoint_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_attachment_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_attachment_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_attachment_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_proposal_themes_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_proposal_themes_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_proposal_themes_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_decision_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_decision_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_decision_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_signature_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_signature_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_signature_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_membervote_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_membervote_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_membervote_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_amendment_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_amendment_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_amendment_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_amendmentchange_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_amendmentchange_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_amendmentchange_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_tabledamendment_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_tabledamendment_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_tabledamendment_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_vote_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_vote_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_vote_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_memberballot_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_memberballot_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_memberballot_final_delete",
        "DROP TRIGGER IF EXISTS raadsvoorstel_proposal_final_insert",
        "DROP TRIGGER IF EXISTS raadsvoorstel_proposal_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_proposal_final_delete",
    ],
    "postgresql": [
        "DROP FUNCTION IF EXISTS raadsvoorstel_section_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_decisionpoint_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_attachment_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_proposal_themes_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_decision_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_signature_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_membervote_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_amendment_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_amendmentchange_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_tabledamendment_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_vote_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_memberballot_refuse_final() CASCADE",
        "DROP FUNCTION IF EXISTS raadsvoorstel_proposal_refuse_final() CASCADE",
    ],
}

# 0006: an archived raadsbesluit is never updated or deleted.
ARCHIVE_GUARD = {
    "sqlite": [
        "CREATE TRIGGER raadsvoorstel_archiveddecision_final_update BEFORE UPDATE ON raadsvoorstel_archiveddecision BEGIN SELECT RAISE(ABORT, 'Een gearchiveerd raadsbesluit verandert nooit.'); END",
        "CREATE TRIGGER raadsvoorstel_archiveddecision_final_delete BEFORE DELETE ON raadsvoorstel_archiveddecision BEGIN SELECT RAISE(ABORT, 'Een gearchiveerd raadsbesluit verandert nooit.'); END",
    ],
    "postgresql": [
        """
            CREATE FUNCTION raadsvoorstel_archiveddecision_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'Een gearchiveerd raadsbesluit verandert nooit.' USING ERRCODE = 'integrity_constraint_violation';
            END $$""",
        "CREATE TRIGGER raadsvoorstel_archiveddecision_final BEFORE UPDATE OR DELETE ON raadsvoorstel_archiveddecision FOR EACH ROW EXECUTE FUNCTION raadsvoorstel_archiveddecision_refuse_change()",
    ],
}

DROP_ARCHIVE_GUARD = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS raadsvoorstel_archiveddecision_final_update",
        "DROP TRIGGER IF EXISTS raadsvoorstel_archiveddecision_final_delete",
    ],
    "postgresql": [
        "DROP FUNCTION IF EXISTS raadsvoorstel_archiveddecision_refuse_change() CASCADE",
    ],
}
