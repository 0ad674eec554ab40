"""The models refuse what the law and the workflow forbid, whatever form or script asks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from raadsvoorstel import actions
from raadsvoorstel.models import (
    DecisionPoint,
    Municipality,
    Proposal,
    RegionalBody,
    Role,
    Section,
    State,
    TextFrozen,
    Theme,
    User,
)

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
    submitted.municipality = actions.add_municipality("GM0363", "Amsterdam", seats=45)
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
        Municipality.objects.create(code="GM0363", name="Amsterdam", seats=seats)


def test_the_database_refuses_a_code_that_is_no_cbs_code(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(code="GM363", name="Amsterdam", seats=45)


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
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    Proposal.objects.create(
        municipality=amsterdam,
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
