"""The models refuse what the law and the workflow forbid, whatever form or script asks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from raadsvoorstel import actions, db_guards
from raadsvoorstel.models import (
    Amendment,
    Decision,
    DecisionPoint,
    MemberVote,
    Municipality,
    Proposal,
    RegionalBody,
    Role,
    Section,
    Signature,
    State,
    TextFrozen,
    Theme,
    User,
)
from tests.conftest import with_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(concept, griffie) -> Proposal:
    actions.submit_proposal(concept, by=griffie)
    return concept


def test_a_concept_may_change_freely(concept):
    concept.subject = "Nieuw onderwerp"
    concept.save()
    point = concept.decision_points.first()
    point.text = "kennis te nemen van het plan."
    point.save()
    Section.objects.create(proposal=concept, position=99, heading="Extra", body="")
    concept.themes.clear()

    assert Proposal.objects.get(pk=concept.pk).subject == "Nieuw onderwerp"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Ander onderwerp"),
        ("number", "2023000854"),
        ("proposer", "college"),
        ("date", datetime.date(2023, 9, 1)),
        ("legal_basis", []),
        ("regional_plan", None),
    ],
)
def test_the_text_of_a_submitted_proposal_is_frozen(submitted, field, value):
    setattr(submitted, field, value)
    with pytest.raises(TextFrozen):
        submitted.save()
    assert getattr(Proposal.objects.get(pk=submitted.pk), field) != value


def test_a_submitted_proposal_cannot_move_to_another_municipality(submitted):
    submitted.municipality = actions.add_municipality("GM0392", "Haarlem", seats=39)
    with pytest.raises(TextFrozen):
        submitted.save()


def test_decision_points_of_a_submitted_proposal_cannot_change_or_go(submitted):
    point = submitted.decision_points.first()
    point.text = "iets anders"
    with pytest.raises(TextFrozen):
        point.save()
    with pytest.raises(TextFrozen):
        point.delete()
    with pytest.raises(TextFrozen):
        DecisionPoint.objects.create(proposal=submitted, position=3, text="een derde punt")
    assert list(submitted.decision_points.values_list("position", flat=True)) == [1, 2]


def test_sections_of_a_submitted_proposal_cannot_change(submitted):
    section = submitted.sections.first()
    section.body = "<script>alert(1)</script>"
    with pytest.raises(TextFrozen):
        section.save()
    with pytest.raises(TextFrozen):
        Section.objects.create(proposal=submitted, position=99, heading="Extra", body="")


def test_themes_of_a_submitted_proposal_cannot_change_from_either_side(submitted):
    theme = Theme.objects.get(name="Zorg en Veiligheid")
    with pytest.raises(TextFrozen), transaction.atomic():
        submitted.themes.add(theme)
    with pytest.raises(TextFrozen), transaction.atomic():
        theme.proposals.add(submitted)
    with pytest.raises(TextFrozen), transaction.atomic():
        submitted.themes.clear()
    assert submitted.themes.count() == 4


def test_a_proposal_back_in_concept_may_change_again(submitted, griffie):
    actions.return_proposal_to_concept(submitted, by=griffie, reason="Herschrijven")
    submitted.subject = "Herschreven"
    submitted.save()
    assert Proposal.objects.get(pk=submitted.pk).subject == "Herschreven"


def test_a_proposal_that_went_to_the_council_is_never_deleted(submitted):
    with pytest.raises(TextFrozen):
        submitted.delete()
    assert Proposal.objects.filter(pk=submitted.pk).exists()


def test_the_state_cannot_be_set_by_assignment(concept):
    with pytest.raises(AttributeError):
        concept.state = State.SIGNED


def test_a_text_change_is_kept_in_the_history(concept, griffie):
    concept._history_user = griffie
    concept.subject = "Nieuw onderwerp"
    concept.save()
    subjects = list(concept.history.order_by("history_date").values_list("subject", flat=True))
    assert subjects == ["Veiligheidsbeleid 2024-2027 van de Eenheid Noord-Holland", "Nieuw onderwerp"]


def test_a_transition_adds_no_text_history_row(concept, griffie):
    actions.submit_proposal(concept, by=griffie)
    assert concept.history.count() == 1


@pytest.mark.parametrize("seats", [8, 46, 0])
def test_the_database_refuses_a_council_size_outside_9_to_45(reference_data, seats):
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(code="GM0392", name="Haarlem", seats=seats)


def test_the_database_refuses_a_code_that_is_no_cbs_code(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(code="GM392", name="Haarlem", seats=39)


def test_a_number_is_unique_within_a_municipality(concept):
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(
            municipality=concept.municipality,
            number=concept.number,
            subject="Dubbel",
            proposer="college",
            date=datetime.date(2023, 9, 1),
        )


def test_the_same_number_may_exist_in_another_municipality(concept):
    haarlem = actions.add_municipality("GM0392", "Haarlem", seats=39)
    Proposal.objects.create(
        municipality=haarlem,
        number=concept.number,
        subject="Ook",
        proposer="college",
        date=datetime.date(2023, 9, 1),
    )


@pytest.mark.parametrize(
    ("role", "municipality", "body"),
    [
        (Role.GRIFFIEMEDEWERKER, False, False),
        (Role.RBOP_SECRETARIS, True, False),
        (Role.RAADSLID, True, True),
        ("", True, False),
    ],
)
def test_a_user_belongs_to_the_organisation_of_their_role(bloemendaal, role, municipality, body):
    user = User(
        username="x",
        role=role,
        municipality=bloemendaal if municipality else None,
        regional_body=RegionalBody.objects.first() if body else None,
    )
    with pytest.raises(ValidationError, match="RBOP-secretaris hoort bij een regionaal orgaan"):
        user.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_a_sub_theme_has_no_sub_themes_of_its_own(reference_data):
    child = Theme.objects.get(name="Mensenhandel")
    with pytest.raises(ValidationError, match="geen deelthema"):
        Theme(name="Loverboys", parent=child).full_clean()


def test_a_theme_path_joins_theme_and_sub_theme(reference_data):
    theme = Theme.objects.get(name="Weerbare jeugd/criminele aanwas")
    assert theme.path == "Ondermijning/Weerbare jeugd/criminele aanwas"


# --- Nothing signed ever changes: the database itself refuses (migration 0002). ---


@pytest.fixture
def signed(import_document, bloemendaal_document, decision_document) -> Proposal:
    decision_document["signatures"] = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    return import_document(with_state(bloemendaal_document, "signed", decision_document))


def refused_by_the_database(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        return "Een ondertekend raadsbesluit verandert nooit" in str(error)
    return False


@pytest.mark.parametrize(
    "change",
    [
        lambda p: Proposal.objects.filter(pk=p.pk).update(subject="Anders"),
        lambda p: Proposal.objects.filter(pk=p.pk).update(legal_basis=[]),
        lambda p: Proposal.objects.filter(pk=p.pk).update(state="advised"),
        lambda p: Proposal.objects.filter(pk=p.pk).delete(),
        lambda p: DecisionPoint.objects.filter(proposal=p).update(text="Anders"),
        lambda p: DecisionPoint.objects.bulk_create([DecisionPoint(proposal=p, position=9, text="Erbij")]),
        lambda p: Amendment.objects.create(
            decision=p.decision, position=1, title="Achteraf", submitters=["X"], result="aangenomen"
        ),
        lambda p: MemberVote.objects.create(
            decision=p.decision, position=1, name="X", party="Y", vote="voor"
        ),
        lambda p: Section.objects.filter(proposal=p).delete(),
        lambda p: Proposal.themes.through.objects.filter(proposal=p).delete(),
        lambda p: Decision.objects.filter(proposal=p).update(result="verworpen"),
        lambda p: Decision.objects.filter(proposal=p).delete(),
        lambda p: Signature.objects.filter(decision__proposal=p).update(name="Iemand anders"),
        lambda p: Signature.objects.filter(decision__proposal=p, role="griffier").delete(),
    ],
    ids=[
        "subject",
        "legal basis",
        "state back",
        "delete proposal",
        "decision point",
        "new point",
        "amendment",
        "member vote",
        "sections",
        "themes",
        "result",
        "delete decision",
        "signature name",
        "delete signature",
    ],
)
def test_the_database_refuses_any_change_to_a_signed_decision(signed, change):
    assert refused_by_the_database(lambda: change(signed))


def test_the_rbop_may_still_adopt_a_signed_proposal_at_the_database(signed):
    assert Proposal.objects.filter(pk=signed.pk).update(state="rbop_adopted") == 1


def test_an_adopted_plan_cannot_go_back_to_signed(signed):
    Proposal.objects.filter(pk=signed.pk).update(state="rbop_adopted")
    assert refused_by_the_database(lambda: Proposal.objects.filter(pk=signed.pk).update(state="signed"))


def test_an_advised_decision_may_still_be_signed(concept, griffie, voorzitter):
    """The guard starts at `signed`: before that the decision is still being completed."""
    actions.submit_proposal(concept, by=griffie)
    Decision.objects.create(
        proposal=concept, meeting_date=datetime.date(2023, 10, 5), result="aangenomen", vote_mode="hamerstuk"
    )
    Signature.objects.create(
        decision=concept.decision, role="voorzitter", name="X", date=datetime.date(2023, 10, 6)
    )


def test_every_guard_survives_the_migrations():
    """SQLite loses a table's triggers when a migration rebuilds it; see db_guards."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_final_%'"
            )
            expected = len(db_guards.sqlite_statements()) + 2  # and the archive's update and delete
        else:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'raadsvoorstel_%_final'")
            expected = len(db_guards.PROPOSAL_OF) + 1 + 1  # the proposal row, and the archive
        assert cursor.fetchone()[0] == expected
