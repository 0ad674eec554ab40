"""One regional plan, 32 councils: the rules of the consultation (Politiewet 2012 art. 38b and
39), sending, the councils' answers, the overview and its report, the vaststelling with its
cascade, the bundle, and who sees what."""

from __future__ import annotations

import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from raadsvoorstel import actions, consultation, db_guards, permissions
from raadsvoorstel.consultation import PlanTemplate
from raadsvoorstel.interchange import parse_documents
from raadsvoorstel.models import (
    Advice,
    AuditEntry,
    BundlePart,
    BundleStatus,
    District,
    Municipality,
    PlanAdoption,
    PlanAnswer,
    PlanState,
    Proposal,
    RegionalBody,
    RegionalPlan,
    Role,
    StaleCopy,
    State,
    User,
    WorkflowError,
)
from raadsvoorstel.text import ProposalText

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
OBJECTIONS = "de raad wil dat de aanpak van drugsafval in de duinen een eigen plaats krijgt."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def plan(reference_data) -> RegionalPlan:
    return RegionalPlan.objects.get(code="imv-nh-2024-2027")


@pytest.fixture
def rbop(rbop_secretaris) -> User:
    return rbop_secretaris


def template() -> PlanTemplate:
    return PlanTemplate(
        subject="Veiligheidsbeleid 2024-2027 van de Eenheid Noord-Holland",
        legal_basis=["artikel 38b, tweede lid, van de Politiewet 2012"],
        sections=[("Aanleiding", "De raad van {gemeente} wordt gehoord over het plan.")],
        decision_points=[
            "kennis te nemen van het concept plan; en",
            "de burgemeester te berichten dat de raad van {gemeente} geen wensen en bedenkingen heeft.",
        ],
        proposed_advice=Advice.NO_OBJECTIONS,
    )


def pdf_upload(text: str = "plan") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "plan.pdf", f"%PDF-1.7\n% {text}\n%%EOF\n".encode(), content_type="application/pdf"
    )


def fields_of(plan: RegionalPlan, *, deadline=TODAY + 14 * DAY) -> actions.PlanFields:
    return actions.PlanFields(
        code=plan.code,
        title=plan.title,
        answer_deadline=deadline,
        adoption_date=deadline + 14 * DAY,
        adoption_meeting="RBOP, Haarlem",
        themes=[],
        template=template(),
        document_title="Concept IMV",
    )


@pytest.fixture
def drafted(plan, rbop) -> RegionalPlan:
    return actions.update_plan(plan, fields_of(plan), version=plan.version, document=pdf_upload(), by=rbop)


@pytest.fixture
def sent(drafted, rbop) -> RegionalPlan:
    actions.send_plan(drafted, version=drafted.version, by=rbop)
    return RegionalPlan.objects.get(pk=drafted.pk)


def griffie_of(code: str) -> User:
    municipality = Municipality.objects.get(code=code)
    user, _ = User.objects.get_or_create(
        username=f"griffie-{code}", defaults={"role": Role.GRIFFIER, "municipality": municipality}
    )
    return user


def decided(code: str, *, advice=Advice.NO_OBJECTIONS, met=TODAY - 20 * DAY, state=State.SIGNED) -> Proposal:
    """A member council's proposal on the plan, decided and signed elsewhere, imported. Where the
    plan was sent already, the griffie first withdraws the concept the body sent."""
    municipality = Municipality.objects.get(code=code)
    for sent_concept in Proposal.objects.filter(
        municipality=municipality, regional_plan__code="imv-nh-2024-2027", state=State.CONCEPT
    ):
        actions.withdraw_proposal(sent_concept, by=griffie_of(code), reason="elders besloten")
    filled = template().filled_in(municipality)
    document = {
        "format": "raadsvoorstel/1",
        "municipality": {"code": code, "name": municipality.name},
        "number": f"IMV-{code}",
        "subject": filled.subject,
        "proposer": "burgemeester",
        "date": (met - 20 * DAY).isoformat(),
        "legal_basis": filled.legal_basis,
        "sections": [{"heading": h, "body": b} for h, b in filled.sections],
        "decision_points": filled.decision_points,
        "themes": [],
        "regional_plan": "imv-nh-2024-2027",
        "attachments": [],
        "state": state,
        "decision": None,
    }
    if state != State.COUNCIL_ADVICE:
        document["decision"] = {
            "meeting_date": met.isoformat(),
            "result": "aangenomen",
            "advice": advice,
            "advice_text": OBJECTIONS if advice == Advice.OBJECTIONS else "",
            "vote": {"mode": "hamerstuk"},
            "amendments": [],
            "signatures": [
                {"role": "voorzitter", "name": "A. de Boer", "date": (met + DAY).isoformat()},
                {"role": "griffier", "name": "M. Visser", "date": (met + DAY).isoformat()},
            ]
            if state == State.SIGNED
            else [],
        }
    (proposal,) = actions.import_proposals(parse_documents([(f"{code}.json", json.dumps(document))]))
    return proposal


def answer(proposal: Proposal, **overrides) -> PlanAnswer:
    code = proposal.municipality.code
    values = {"sent_to": "RBOP Eenheid Noord-Holland", "sent_on": proposal.decision.meeting_date + DAY}
    values |= {"reference": f"{code}/2023/1"} | overrides
    return actions.record_answer(Proposal.objects.get(pk=proposal.pk), by=griffie_of(code), **values)


def text_of_pdf(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


# --- The rules, each with its article ---


@pytest.mark.parametrize(
    ("article", "members", "answered", "deadline", "on", "allowed"),
    [
        ("art. 38b lid 2: every council heard", 32, 32, TODAY + DAY, TODAY, True),
        ("art. 38b lid 2: one council not heard, deadline to come", 32, 31, TODAY + DAY, TODAY, False),
        ("art. 38b lid 2: on the deadline itself the councils still have time", 32, 31, TODAY, TODAY, False),
        ("art. 38b lid 2: the deadline has passed", 32, 0, TODAY - DAY, TODAY, True),
        ("art. 38b lid 2: no deadline set, not all heard", 32, 31, None, TODAY, False),
        ("art. 38b lid 2: no deadline set, all heard", 3, 3, None, TODAY, True),
    ],
)
def test_the_body_adopts_once_every_council_is_heard_or_the_deadline_passed(
    article, members, answered, deadline, on, allowed
):
    assert consultation.may_adopt(members=members, answered=answered, deadline=deadline, on=on) is allowed


@pytest.mark.parametrize(
    ("article", "sent_on", "meets_on", "deadline", "late"),
    [
        ("art. 38b: answered before the deadline", TODAY - 2 * DAY, None, TODAY - DAY, False),
        ("art. 38b: answered on the deadline", TODAY - DAY, None, TODAY - DAY, False),
        ("art. 38b: answered after the deadline", TODAY, None, TODAY - DAY, True),
        ("art. 38b: no answer, deadline passed", None, None, TODAY - DAY, True),
        ("art. 38b: no answer yet, deadline to come", None, None, TODAY + DAY, False),
        ("art. 38b: the council meets only after the deadline", None, TODAY + 9 * DAY, TODAY + 7 * DAY, True),
        ("art. 38b: the council meets before the deadline", None, TODAY + 3 * DAY, TODAY + 7 * DAY, False),
        ("art. 38b: no deadline, nothing is late", None, None, None, False),
    ],
)
def test_a_council_is_overdue_when_its_answer_comes_after_the_deadline(
    article, sent_on, meets_on, deadline, late
):
    assert consultation.overdue(sent_on=sent_on, deadline=deadline, today=TODAY, meets_on=meets_on) is late


@pytest.mark.parametrize(
    ("article", "sent_on", "adopted_on", "flagged"),
    [
        ("art. 38b lid 2: answered before the vaststelling", TODAY - 3 * DAY, TODAY, False),
        ("art. 38b lid 2: answered the same day", TODAY, TODAY, False),
        ("art. 38b lid 2: answered after the vaststelling", TODAY + DAY, TODAY, True),
        ("art. 38b lid 2: not adopted yet", TODAY, None, False),
        ("art. 38b lid 2: no answer", None, TODAY, False),
    ],
)
def test_a_council_that_answered_after_the_vaststelling_is_flagged(article, sent_on, adopted_on, flagged):
    assert consultation.heard_after_adoption(sent_on, adopted_on) is flagged


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"subject": ""}, "geen onderwerp"),
        ({"decision_points": []}, "geen beslispunten"),
        ({"proposer": "raadslid"}, "burgemeester, college of presidium"),
        ({"proposed_advice": Advice.OBJECTIONS, "proposed_advice_text": ""}, "hebben een tekst nodig"),
        ({"subject": "x" * 280 + "{gemeente}"}, "te lang"),
    ],
)
def test_a_template_that_cannot_be_sent_says_why(change, problem):
    drafted = template()
    for name, value in change.items():
        setattr(drafted, name, value)
    assert any(problem in found for found in drafted.problems())
    assert template().problems() == []


def test_the_template_fills_in_each_councils_name(reference_data):
    filled = template().filled_in(Municipality.objects.get(code="GM0392"))
    assert filled.sections[0][1] == "De raad van Haarlem wordt gehoord over het plan."
    assert "de raad van Haarlem geen wensen" in filled.decision_points[1]


# --- The region as data ---


def test_the_eenheid_noord_holland_has_its_32_councils_in_three_districts(reference_data):
    body = RegionalBody.objects.get(code="rbop-noord-holland")
    assert body.municipalities.count() == 32
    districts = {d.name: d.municipalities.count() for d in District.objects.filter(regional_body=body)}
    assert districts == {"Kennemerland": 9, "Noord-Holland Noord": 16, "Zaanstreek-Waterland": 7}
    assert District.municipalities.through.objects.filter(district__regional_body=body).count() == 32
    bloemendaal = Municipality.objects.get(code="GM0377")
    assert (bloemendaal.name, bloemendaal.seats) == ("Bloemendaal", 19)
    assert Municipality.objects.get(code="GM0392").seats == 39  # Haarlem: over 100,000 inhabitants (art. 8)


# --- Sending ---


def test_sending_gives_each_member_its_own_concept_with_its_name(drafted, rbop, concept):
    made = actions.send_plan(drafted, version=drafted.version, by=rbop)

    assert len(made) == 31  # Bloemendaal already answers the plan with its own proposal
    assert Proposal.objects.filter(regional_plan=drafted).count() == 32
    assert RegionalPlan.objects.get(pk=drafted.pk).state == PlanState.CONSULTATION
    for proposal in made:
        proposal = Proposal.objects.get(pk=proposal.pk)
        assert proposal.state == State.CONCEPT
        assert proposal.municipality.name in proposal.sections.get().body
        assert proposal.proposed_advice == Advice.NO_OBJECTIONS
        attachment = proposal.attachments.get()
        assert (attachment.title, attachment.sha256) == ("Concept IMV", drafted.document_sha256)
    assert AuditEntry.objects.filter(action="send_plan", object_key=drafted.code).count() == 1
    assert AuditEntry.objects.filter(action="create_proposal", payload__sent_by_body=True).count() == 31


@pytest.mark.parametrize("who", ["griffie", "other_body"])
def test_only_the_bodys_secretaris_sends_the_plan(drafted, griffie, make_user, who):
    if who == "other_body":
        other = RegionalBody.objects.create(code="rbop-amsterdam", name="RBOP Eenheid Amsterdam")
        user = User.objects.create(username="rbop-a", role=Role.RBOP_SECRETARIS, regional_body=other)
    else:
        user = griffie
    with pytest.raises(PermissionDenied):
        actions.send_plan(drafted, version=drafted.version, by=user)
    assert not Proposal.objects.filter(regional_plan=drafted).exists()


def test_a_plan_is_not_sent_twice_nor_from_a_stale_page(drafted, rbop):
    version = drafted.version
    actions.send_plan(drafted, version=version, by=rbop)
    with pytest.raises(StaleCopy):
        actions.send_plan(drafted, version=version, by=rbop)
    with pytest.raises(WorkflowError, match="al verstuurd"):
        actions.send_plan(drafted, version=RegionalPlan.objects.get(pk=drafted.pk).version, by=rbop)
    assert Proposal.objects.filter(regional_plan=drafted).count() == 32


def test_a_plan_without_a_deadline_to_come_is_not_sent(plan, rbop):
    plan = actions.update_plan(plan, fields_of(plan, deadline=TODAY - DAY), version=plan.version, by=rbop)
    with pytest.raises(WorkflowError, match="uiterste datum"):
        actions.send_plan(plan, version=plan.version, by=rbop)
    assert RegionalPlan.objects.get(pk=plan.pk).is_concept


def test_once_sent_only_the_dates_and_meeting_change(sent, rbop):
    changed = fields_of(sent, deadline=TODAY + 20 * DAY)
    changed.title = "Een andere titel"
    plan = actions.update_plan(sent, changed, version=sent.version, by=rbop)
    assert (plan.title, plan.answer_deadline) == (sent.title, TODAY + 20 * DAY)
    with pytest.raises(IntegrityError, match="ligt vast"), transaction.atomic():
        RegionalPlan.objects.filter(pk=sent.pk).update(title="Stilletjes")


def test_the_editor_links_a_concept_to_a_plan_in_consultation(sent, griffie, reference_data):
    from raadsvoorstel.forms import ProposalForm

    form = ProposalForm(municipality=griffie.municipality)
    assert list(form.fields["regional_plan"].queryset) == [sent]
    outsider = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    assert not ProposalForm(municipality=outsider).fields["regional_plan"].queryset.exists()


# --- Who sees what ---


def test_a_griffie_sees_only_its_own_municipalitys_proposals_on_the_plan(sent, griffie):
    visible = permissions.visible_proposals(griffie).filter(regional_plan=sent)
    assert set(visible.values_list("municipality__code", flat=True)) == {"GM0377"}


def test_the_rbop_sees_member_proposals_once_they_left_concept_and_changes_none(sent, rbop):
    haarlem = decided("GM0392")
    seen = permissions.visible_proposals(rbop).filter(regional_plan=sent)
    assert list(seen.exclude(state=State.WITHDRAWN)) == [haarlem]
    assert not seen.filter(state=State.CONCEPT).exists()
    concept = Proposal.objects.get(municipality__code="GM0397", regional_plan=sent)
    assert not permissions.may_view(rbop, concept)
    assert not permissions.may_change(rbop, haarlem)
    with pytest.raises(PermissionDenied):
        actions.update_proposal(concept, ProposalText.of(concept), version=concept.version, by=rbop)


# --- The answer ---


def test_the_griffie_records_the_answer_and_its_letter_is_archived(sent):
    haarlem = decided("GM0392", advice=Advice.OBJECTIONS)
    recorded = answer(haarlem, reference="GM0392/2023/77")

    letter = recorded.letter.read()
    assert hashlib.sha256(letter).hexdigest() == recorded.letter_sha256
    text = text_of_pdf(letter)
    assert "Gemeente Haarlem" in text and "GM0392/2023/77" in text
    assert "wensen en bedenkingen" in text and "drugsafval in de duinen" in text
    assert (
        AuditEntry.objects.get(action="record_plan_answer").payload["letter_sha256"] == recorded.letter_sha256
    )
    with pytest.raises(IntegrityError, match="verandert nooit"), transaction.atomic():
        PlanAnswer.objects.filter(pk=recorded.pk).update(reference="anders")


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("not signed", "ondertekend"),
        ("twice", "al vastgelegd"),
        ("before the meeting", "verzenddatum"),
        ("in the future", "verzenddatum"),
    ],
)
def test_an_answer_that_cannot_be_is_refused_and_stores_nothing(sent, situation, message, media):
    if situation == "not signed":
        proposal = decided("GM0392", state=State.ADVISED)
        overrides = {}
    else:
        proposal = decided("GM0392")
        if situation == "twice":
            answer(proposal)
        overrides = {
            "twice": {},
            "before the meeting": {"sent_on": proposal.decision.meeting_date - DAY},
            "in the future": {"sent_on": TODAY + DAY},
        }[situation]
    before = PlanAnswer.objects.count()
    with pytest.raises(WorkflowError, match=message):
        answer(proposal, **overrides)
    assert PlanAnswer.objects.count() == before
    assert (
        len(list((media / "antwoorden").rglob("*.pdf")) if (media / "antwoorden").exists() else []) == before
    )


def test_another_municipalitys_griffie_cannot_record_the_answer(sent, griffie):
    haarlem = decided("GM0392")
    with pytest.raises(PermissionDenied):
        actions.record_answer(haarlem, sent_to="RBOP", sent_on=TODAY, reference="x", by=griffie)


# --- The overview and its report ---


def send(plan: RegionalPlan, rbop: User) -> RegionalPlan:
    plan = RegionalPlan.objects.get(pk=plan.pk)
    actions.send_plan(plan, version=plan.version, by=rbop)
    return RegionalPlan.objects.get(pk=plan.pk)


@pytest.fixture
def consultation_under_way(drafted, rbop):
    """Haarlem and Velsen signed and answered (Velsen with wensen en bedenkingen), Zandvoort
    signed without an answer yet, Texel before its council; the rest in concept. The councils
    that decided before the plan was sent keep their own proposal; sending skips them."""
    answering = [decided("GM0392"), decided("GM0453", advice=Advice.OBJECTIONS)]
    decided("GM0473")
    decided("GM0448", state=State.COUNCIL_ADVICE)
    plan = send(drafted, rbop)
    for proposal in answering:
        answer(proposal)
    return plan


def test_the_overview_and_the_report_match_the_data(consultation_under_way):
    picture = consultation.overview(consultation_under_way)
    assert (picture.members, picture.answered) == (32, 2)
    assert {key: count for key, _label, count in picture.totals} == {
        "geen": 2,  # Haarlem and Zandvoort
        "wensen": 1,
        "verworpen": 0,
        "open": 29,
    }
    assert [row.municipality.name for row in picture.objections] == ["Velsen"]
    assert picture.overdue_count == 0

    lines = consultation.report_csv(picture).splitlines()
    assert lines[0] == "code,name,state,advice,meeting_date,answer_sent_on"
    rows = {line.split(",")[0]: line for line in lines[1:]}
    assert len(rows) == 32 and list(rows) == sorted(rows)
    met = (TODAY - 20 * DAY).isoformat()
    assert (
        rows["GM0392"]
        == f"GM0392,Haarlem,signed,geen_wensen_en_bedenkingen,{met},{(TODAY - 19 * DAY).isoformat()}"
    )
    assert (
        rows["GM0453"] == f"GM0453,Velsen,signed,wensen_en_bedenkingen,{met},{(TODAY - 19 * DAY).isoformat()}"
    )
    assert rows["GM0473"] == f"GM0473,Zandvoort,signed,geen_wensen_en_bedenkingen,{met},"
    assert rows["GM0448"] == "GM0448,Texel,council_advice,,,"
    assert rows["GM0397"] == "GM0397,Heemstede,concept,,,"


def test_after_the_deadline_every_council_without_an_answer_is_overdue(consultation_under_way):
    picture = consultation.overview(
        consultation_under_way, today=consultation_under_way.answer_deadline + DAY
    )
    assert picture.overdue_count == 30


def test_the_overview_costs_the_same_queries_for_3_members_as_for_32(consultation_under_way, rbop):
    small = RegionalBody.objects.create(code="klein", name="Klein orgaan")
    small.municipalities.set(Municipality.objects.filter(code__in=["GM0392", "GM0453", "GM0473"]))
    small_plan = RegionalPlan.objects.create(code="klein-plan", title="Klein plan", regional_body=small)

    def queries(plan) -> int:
        with CaptureQueriesContext(connection) as captured:
            consultation.overview(plan)
        return len(captured)

    assert queries(consultation_under_way) == queries(small_plan)


def test_plan_report_prints_the_csv_and_refuses_an_unknown_plan(consultation_under_way, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("plan_report", consultation_under_way.code)
    assert capsys.readouterr().out.splitlines()[0] == "code,name,state,advice,meeting_date,answer_sent_on"
    with pytest.raises(CommandError, match="Geen regionaal plan met de code onbekend"):
        call_command("plan_report", "onbekend")


# --- The vaststelling ---


def adopt(plan, rbop, *, on=TODAY, handlings=None):
    plan = RegionalPlan.objects.get(pk=plan.pk)
    return actions.adopt_plan(
        plan,
        adopted_on=on,
        meeting="RBOP, Haarlem",
        legal_ground="art39_lid1",
        document=pdf_upload("vastgesteld"),
        handlings=handlings or {},
        version=plan.version,
        by=rbop,
    )


def test_before_the_deadline_the_plan_waits_for_every_council_and_says_which(consultation_under_way, rbop):
    with pytest.raises(WorkflowError, match="Zonder antwoord: .*Bloemendaal.*Zandvoort"):
        adopt(consultation_under_way, rbop)
    assert RegionalPlan.objects.get(pk=consultation_under_way.pk).state == PlanState.CONSULTATION
    assert not PlanAdoption.objects.exists()


def test_each_councils_wensen_en_bedenkingen_are_handled_in_the_vaststelling(consultation_under_way, rbop):
    RegionalPlan.objects.filter(pk=consultation_under_way.pk).update(answer_deadline=TODAY - DAY)
    with pytest.raises(WorkflowError, match="verwerkt van: Velsen"):
        adopt(consultation_under_way, rbop)


def test_the_vaststelling_moves_every_signed_member_and_keeps_who_did_not_answer(
    consultation_under_way, rbop
):
    RegionalPlan.objects.filter(pk=consultation_under_way.pk).update(answer_deadline=TODAY - DAY)
    velsen = Municipality.objects.get(code="GM0453")

    adoption = adopt(consultation_under_way, rbop, handlings={velsen.pk: "Opgenomen in paragraaf 3.2."})

    plan = RegionalPlan.objects.get(pk=consultation_under_way.pk)
    assert plan.state == PlanState.ADOPTED
    states = dict(Proposal.objects.filter(regional_plan=plan).values_list("municipality__code", "state"))
    assert {code for code, state in states.items() if state == State.RBOP_ADOPTED} == {
        "GM0392",
        "GM0453",
        "GM0473",
    }
    assert states["GM0448"] == State.COUNCIL_ADVICE and states["GM0377"] == State.CONCEPT
    assert (
        len(adoption.without_answer) == 30
        and {"code": "GM0473", "name": "Zandvoort"} in adoption.without_answer
    )
    log = StateLog.objects.filter(object_id=Proposal.objects.get(municipality=velsen, regional_plan=plan).pk)
    assert log.latest("timestamp").by == rbop and log.latest("timestamp").transition == "record_rbop_adoption"
    assert adoption.handlings.get().text == "Opgenomen in paragraaf 3.2."
    picture = consultation.overview(plan)
    assert next(r for r in picture.rows if r.municipality == velsen).handling == "Opgenomen in paragraaf 3.2."
    with pytest.raises(WorkflowError, match="in consultatie"):
        adopt(plan, rbop, handlings={velsen.pk: "nogmaals"})
    for rows, change in [
        (PlanAdoption.objects.all(), {"meeting": "x"}),
        (adoption.handlings.all(), {"text": "x"}),
    ]:
        with pytest.raises(IntegrityError, match=db_guards.ADOPTION_MESSAGE), transaction.atomic():
            rows.update(**change)


def test_a_vaststelling_that_fails_halfway_leaves_nothing_behind(consultation_under_way, rbop, media):
    """All or nothing: the database refuses to move one member, and nothing of the
    vaststelling stays, not the plan's state, not the adopted document."""
    RegionalPlan.objects.filter(pk=consultation_under_way.pk).update(answer_deadline=TODAY - DAY)
    zandvoort = Proposal.objects.get(municipality__code="GM0473", regional_plan=consultation_under_way)
    refuse = {
        "postgresql": [
            "CREATE FUNCTION refuse_zandvoort() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.id = {zandvoort.pk} AND NEW.state = 'rbop_adopted' "
            "THEN RAISE EXCEPTION 'storing'; END IF; "
            "RETURN NEW; END $$",
            "CREATE TRIGGER refuse_zandvoort BEFORE UPDATE ON raadsvoorstel_proposal "
            "FOR EACH ROW EXECUTE FUNCTION refuse_zandvoort()",
        ],
        "sqlite": [
            "CREATE TRIGGER refuse_zandvoort BEFORE UPDATE ON raadsvoorstel_proposal "
            f"WHEN NEW.id = {zandvoort.pk} AND NEW.state = 'rbop_adopted' "
            "BEGIN SELECT RAISE(ABORT, 'storing'); END"
        ],
    }[connection.vendor]
    with connection.cursor() as cursor:
        for statement in refuse:
            cursor.execute(statement)
    velsen = Municipality.objects.get(code="GM0453")

    with pytest.raises(Exception, match="storing"):
        adopt(consultation_under_way, rbop, handlings={velsen.pk: "Opgenomen."})

    assert RegionalPlan.objects.get(pk=consultation_under_way.pk).state == PlanState.CONSULTATION
    assert not PlanAdoption.objects.exists()
    assert not Proposal.objects.filter(state=State.RBOP_ADOPTED).exists()
    assert not list((media / "plannen").rglob("vastgesteld-*.pdf"))


def test_the_database_refuses_an_adopted_plan_without_its_vaststelling(sent):
    with pytest.raises(IntegrityError, match=db_guards.PLAN_NOT_ADOPTED_MESSAGE), transaction.atomic():
        RegionalPlan.objects.filter(pk=sent.pk).update(state="adopted")


# --- The bundle ---


@pytest.fixture
def bundle_ready(drafted, rbop, run_tasks):
    """Haarlem (geen wensen en bedenkingen) and Velsen (with them), signed, answered and archived."""
    answering = [decided("GM0392"), decided("GM0453", advice=Advice.OBJECTIONS)]
    plan = send(drafted, rbop)
    for proposal in answering:
        answer(proposal)
    run_tasks()
    return plan


def test_the_bundle_holds_the_answers_every_objection_and_each_archived_raadsbesluit(
    bundle_ready, rbop, run_tasks
):
    bundle = actions.request_bundle(bundle_ready, by=rbop)
    assert run_tasks() == 4  # the summary, two councils, the assembly

    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.DONE and bundle.parts_done == bundle.parts_total == 3
    content = bundle.file.read()
    reader = PdfReader(io.BytesIO(content))
    archived_pages = sum(
        len(PdfReader(io.BytesIO(p.archived_decision.file.read())).pages)
        for p in Proposal.objects.filter(
            municipality__code__in=["GM0392", "GM0453"], regional_plan=bundle_ready
        )
    )
    summary_pages = BundlePart.objects.get(bundle=bundle, position=0).pages
    assert len(reader.pages) == bundle.pages == summary_pages + 2 + archived_pages
    text = text_of_pdf(content)
    assert "Bundel van de consultatie" in text and "2 van de 32 raden hebben geantwoord" in text
    assert "drugsafval in de duinen" in text
    assert "Raadsbesluit van Haarlem" in text and "Raadsbesluit van Velsen" in text
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp


def test_a_bundle_interrupted_halfway_is_finished_on_retry_without_doubles(bundle_ready, rbop, run_tasks):
    velsen = Proposal.objects.get(municipality__code="GM0453", regional_plan=bundle_ready).archived_decision
    original = velsen.file.read()
    with open(velsen.file.path, "wb") as damaged:
        damaged.write(b"%PDF-1.7 beschadigd")

    bundle = actions.request_bundle(bundle_ready, by=rbop)
    run_tasks()
    bundle.refresh_from_db()
    assert (bundle.status, bundle.parts_done) == (BundleStatus.RUNNING, 2)
    assert not bundle.file

    with open(velsen.file.path, "wb") as restored:
        restored.write(original)
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())  # the retry's wait is over
    run_tasks()
    actions.store_bundle_part(bundle.pk, 0)  # a worker that runs a finished part again adds nothing

    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.DONE
    assert sorted(BundlePart.objects.filter(bundle=bundle).values_list("position", flat=True)) == [0, 1, 2]
    assert AuditEntry.objects.filter(action="bundle_done").count() == 1


# --- The pages: who reaches what ---

USERS = ["anonymous", "griffie", "outsider", "rbop", "other_rbop", "raadslid"]
# The answer of each user, in the order of USERS: 302 is the way to the login page.
PAGES = {
    "plan_list": [302, 200, 200, 200, 200, 200],
    "plan_detail": [302, 200, 404, 200, 404, 200],
    "plan_edit": [302, 403, 404, 200, 404, 403],
    "plan_adopt": [302, 403, 404, 200, 404, 403],
    "plan_report": [302, 403, 404, 200, 404, 403],
    "plan_document": [302, 200, 404, 200, 404, 200],
    "plan_create": [302, 403, 403, 200, 200, 403],
    "answer_letter": [302, 404, 404, 200, 404, 404],
}


@pytest.fixture
def people(griffie, raadslid, rbop, reference_data) -> dict:
    outsider_town = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    other_body = RegionalBody.objects.create(code="rbop-amsterdam", name="RBOP Eenheid Amsterdam")
    return {
        "anonymous": None,
        "griffie": griffie,
        "outsider": User.objects.create(username="griffie-a", role=Role.GRIFFIER, municipality=outsider_town),
        "rbop": rbop,
        "other_rbop": User.objects.create(
            username="rbop-a", role=Role.RBOP_SECRETARIS, regional_body=other_body
        ),
        "raadslid": raadslid,
    }


@pytest.mark.parametrize("page", PAGES)
def test_each_page_of_the_consultation_answers_each_user_as_the_table_says(client, sent, people, page):
    haarlem = decided("GM0392")
    answer(haarlem)
    args = {"plan_list": [], "plan_create": [], "answer_letter": [haarlem.pk]}.get(page, [sent.code])
    url = reverse(page, args=args)
    answers = []
    for name in USERS:
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        answers.append(client.get(url).status_code)
    assert answers == PAGES[page]


def test_a_griffie_sees_its_own_row_and_the_rbop_every_row(client, consultation_under_way, griffie, rbop):
    client.force_login(griffie)
    own = client.get(reverse("plan_detail", args=[consultation_under_way.code])).text
    assert "Bloemendaal" in own and "Velsen" not in own and "drugsafval" not in own
    client.force_login(rbop)
    every = client.get(reverse("plan_detail", args=[consultation_under_way.code])).text
    assert "Velsen" in every and "Zandvoort" in every and "drugsafval in de duinen" in every
    assert "<svg" in every and "2 van de 32 raden hebben hun antwoord verstuurd" in every


def test_the_rbop_sends_a_plan_from_its_page(client, drafted, rbop):
    client.force_login(rbop)
    response = client.post(
        reverse("plan_send", args=[drafted.code]), {"version": drafted.version}, follow=True
    )
    assert "Het plan is verstuurd." in response.text
    assert "32 raden hebben een raadsvoorstel in concept gekregen." in response.text


def test_the_griffie_records_the_answer_on_the_proposal_page(client, sent):
    haarlem = decided("GM0392")
    client.force_login(griffie_of("GM0392"))
    page = client.get(reverse("proposal_detail", args=[haarlem.pk])).text
    assert "Antwoord vastleggen" in page
    response = client.post(
        reverse("answer_record", args=[haarlem.pk]),
        {"sent_to": "RBOP", "sent_on": (TODAY - DAY).isoformat(), "reference": "H/1"},
        follow=True,
    )
    assert "Het antwoord is vastgelegd" in response.text and "kenmerk H/1" in response.text


def test_the_adoption_page_names_the_councils_without_an_answer(client, consultation_under_way, rbop):
    client.force_login(rbop)
    page = client.get(reverse("plan_adopt", args=[consultation_under_way.code])).text
    assert "Nog geen antwoord van 30 raden" in page and "Zandvoort" in page
    assert "Verwerking van de wensen en bedenkingen van Velsen" in page
    response = client.post(
        reverse("plan_adopt", args=[consultation_under_way.code]),
        {
            "adopted_on": TODAY.isoformat(),
            "meeting": "RBOP",
            "legal_ground": "art39_lid1",
            "document": pdf_upload(),
            "version": consultation_under_way.version,
            f"handling_{Municipality.objects.get(code='GM0453').pk}": "Opgenomen.",
        },
    )
    assert response.status_code == 400
    assert "Nog niet alle raden hebben geantwoord" in response.text
    assert RegionalPlan.objects.get(pk=consultation_under_way.pk).state == PlanState.CONSULTATION


# Each state-changing page, as each user posts to it: only the body's secretaris (or, for the
# answer, the council's own griffie) gets through; the rest get the same answer as a stranger
# and nothing changes.
POSTS = {
    # A concept plan is the secretaris's own; once sent (by the rbop, fourth), members see it.
    "plan_send": [302, 404, 404, 302, 404, 403],
    "plan_withdraw": [302, 403, 404, 302, 404, 403],
    "bundle_request": [302, 403, 404, 302, 404, 403],
    "answer_record": [302, 404, 404, 403, 404, 404],  # the RBOP reads the proposal, records nothing
}


@pytest.mark.parametrize("page", POSTS)
def test_each_change_of_the_consultation_answers_each_user_as_the_table_says(client, drafted, people, page):
    haarlem = decided("GM0392")
    plan = drafted
    if page != "plan_send":
        plan = send(drafted, people["rbop"])
    args = [haarlem.pk] if page == "answer_record" else [plan.code]
    data = {
        "plan_send": {"version": plan.version},
        "plan_withdraw": {"version": plan.version, "reason": "per vergissing"},
        "bundle_request": {},
        "answer_record": {"sent_to": "RBOP", "sent_on": TODAY.isoformat(), "reference": "x"},
    }[page]
    answers = []
    for name in USERS:
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        before = (RegionalPlan.objects.get(pk=plan.pk).version, PlanAnswer.objects.count())
        answers.append(client.post(reverse(page, args=args), data).status_code)
        if name != "rbop":
            assert (RegionalPlan.objects.get(pk=plan.pk).version, PlanAnswer.objects.count()) == before, name
    assert answers == POSTS[page]


def test_the_bundle_and_the_adopted_plan_are_the_secretariss_and_the_members(
    client, consultation_under_way, rbop, people
):
    RegionalPlan.objects.filter(pk=consultation_under_way.pk).update(answer_deadline=TODAY - DAY)
    adopt(consultation_under_way, rbop, handlings={Municipality.objects.get(code="GM0453").pk: "Opgenomen."})
    bundle = actions.request_bundle(consultation_under_way, by=rbop)
    pages = {
        "bundle_progress": ([consultation_under_way.code, bundle.pk], [302, 403, 404, 200, 404, 403]),
        "adopted_document": ([consultation_under_way.code], [302, 200, 404, 200, 404, 200]),
    }
    for page, (args, expected) in pages.items():
        answers = []
        for name in USERS:
            client.logout()
            if people[name] is not None:
                client.force_login(people[name])
            answers.append(client.get(reverse(page, args=args)).status_code)
        assert answers == expected, page


# --- Notices ---


def test_each_griffie_hears_in_the_app_and_by_mail_that_the_plan_was_sent_and_adopted(
    drafted, rbop, griffie, settings, mailoutbox, client, django_capture_on_commit_callbacks
):
    settings.RAADSVOORSTEL_SEND_MAIL = True
    griffie.email = "griffie@bloemendaal.example"
    griffie.save()
    haarlem = griffie_of("GM0392")
    with django_capture_on_commit_callbacks(execute=True):
        plan = send(drafted, rbop)

    notice = griffie.notices.get()
    assert "verstuurd; uw raadsvoorstel staat klaar" in notice.text
    assert (
        notice.url
        == Proposal.objects.get(municipality=griffie.municipality, regional_plan=plan).get_absolute_url()
    )
    assert haarlem.notices.count() == 1
    assert [message.to for message in mailoutbox] == [
        ["griffie@bloemendaal.example"]
    ]  # Haarlem has no address

    RegionalPlan.objects.filter(pk=plan.pk).update(answer_deadline=TODAY - DAY)
    with django_capture_on_commit_callbacks(execute=True):
        adopt(plan, rbop)
    assert "vastgesteld op" in griffie.notices.first().text
    assert len(mailoutbox) == 2 and "vastgesteld" in mailoutbox[1].subject

    client.force_login(griffie)
    assert '<span class="count">(2' in client.get(reverse("notice_list")).text
    client.post(reverse("notice_list"))
    assert not griffie.notices.filter(read_at__isnull=True).exists()


def test_without_mail_configured_the_notice_is_only_in_the_app(
    drafted, rbop, griffie, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RAADSVOORSTEL_SEND_MAIL = False
    griffie.email = "griffie@bloemendaal.example"
    griffie.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(drafted, rbop)
    assert griffie.notices.count() == 1 and mailoutbox == []


# --- What the review of the consultation found ---


def test_once_sent_the_deadline_only_moves_later_and_the_griffies_hear_of_it(sent, rbop, griffie):
    with pytest.raises(WorkflowError, match="alleen later"):
        actions.update_plan(sent, fields_of(sent, deadline=TODAY - DAY), version=sent.version, by=rbop)
    later = actions.update_plan(
        sent, fields_of(sent, deadline=TODAY + 30 * DAY), version=sent.version, by=rbop
    )
    assert later.answer_deadline == TODAY + 30 * DAY
    assert "verlengd tot en met" in griffie.notices.first().text


def test_a_vaststelling_counts_only_the_answers_sent_by_its_day_and_not_before_sending(
    consultation_under_way, rbop
):
    RegionalPlan.objects.filter(pk=consultation_under_way.pk).update(answer_deadline=TODAY - 30 * DAY)
    with pytest.raises(WorkflowError, match="voordat het aan de raden is verstuurd"):
        adopt(consultation_under_way, rbop, on=TODAY - DAY)
    RegionalPlan.objects.filter(pk=consultation_under_way.pk).update(sent_at=timezone.now() - 40 * DAY)
    # Twenty-five days ago neither Haarlem nor Velsen had answered: none of their wensen are asked for.
    adoption = adopt(consultation_under_way, rbop, on=TODAY - 25 * DAY)
    assert len(adoption.without_answer) == 32


def test_an_answer_needs_an_advice_to_send(sent):
    haarlem = decided("GM0392", advice=None)
    with pytest.raises(WorkflowError, match="geen advies"):
        answer(haarlem)


def test_a_council_answers_a_plan_through_one_proposal(sent, griffie):
    from raadsvoorstel.text import ProposalText

    own = Proposal.objects.get(municipality=griffie.municipality, regional_plan=sent)
    text = ProposalText.of(own)
    text.number = "tweede"
    with pytest.raises(WorkflowError, match="beantwoordt dit regionaal plan al"):
        actions.create_proposal(griffie.municipality, text, by=griffie)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(
            municipality=griffie.municipality,
            regional_plan=sent,
            number="x",
            subject="x",
            proposer="college",
            date=TODAY,
        )


def test_a_sent_plan_never_goes_back_to_concept_nor_changes_once_withdrawn(sent, rbop):
    with pytest.raises(IntegrityError, match="ligt vast"), transaction.atomic():
        RegionalPlan.objects.filter(pk=sent.pk).update(state="concept")
    withdrawn = actions.withdraw_plan(sent, reason="vervangen", version=sent.version, by=rbop)
    with pytest.raises(IntegrityError, match=db_guards.PLAN_WITHDRAWN_MESSAGE), transaction.atomic():
        RegionalPlan.objects.filter(pk=withdrawn.pk).update(adoption_meeting="x")


def test_a_bundle_given_up_on_stays_given_up_and_a_new_one_can_be_asked(bundle_ready, rbop):
    bundle = actions.request_bundle(bundle_ready, by=rbop)
    actions.bundle_failed(bundle.pk, "Onderdeel 1 mislukte 10 keer.")
    with pytest.raises(WorkflowError, match="opgegeven"):
        actions.store_bundle_part(bundle.pk, 0)
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.FAILED and bundle.parts_done == 0
    assert actions.request_bundle(bundle_ready, by=rbop).pk != bundle.pk


def test_the_code_nieuw_is_reserved_for_the_page_that_makes_a_plan(reference_data, rbop):
    plan = RegionalPlan(code="nieuw", title="x")
    with pytest.raises(WorkflowError, match="gereserveerd"):
        actions.create_plan(rbop.regional_body, fields_of(plan), by=rbop)


def test_a_step_from_a_broken_page_is_refused_in_dutch(client, drafted, rbop):
    client.force_login(rbop)
    response = client.post(reverse("plan_send", args=[drafted.code]), {"version": "abc"}, follow=True)
    assert response.status_code == 200 and "niet meer actueel" in response.text
    assert RegionalPlan.objects.get(pk=drafted.pk).is_concept
