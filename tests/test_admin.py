"""The admin shows the whole Bloemendaal case and onboards municipalities."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from raadsvoorstel import actions
from raadsvoorstel.models import Municipality, Proposal, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, concept):
    client.force_login(User.objects.create_superuser("beheer", password="x"))
    return client


def test_the_home_page_leads_to_the_proposals(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("proposal_list")


def test_the_admin_lists_the_bloemendaal_proposal(admin_client):
    response = admin_client.get(reverse("admin:raadsvoorstel_proposal_changelist"))
    assert response.status_code == 200
    assert "2023000853" in response.text
    assert 'lang="nl"' in response.text


def test_the_admin_shows_every_part_of_the_proposal(admin_client, concept):
    response = admin_client.get(reverse("admin:raadsvoorstel_proposal_change", args=[concept.pk]))
    assert response.status_code == 200
    for heading in concept.sections.values_list("heading", flat=True):
        assert heading in response.text
    for point in concept.decision_points.values_list("text", flat=True):
        assert point in response.text
    for text in [
        "Concept Integraal Meerjarenbeleidsplan Veiligheid 2024-2027 Eenheid Noord-Holland",
        "artikel 38b, tweede lid, van de Politiewet 2012",
        "Ondermijning",
    ]:
        assert text in response.text


@pytest.mark.parametrize(
    "page",
    [
        "admin:raadsvoorstel_municipality_changelist",
        "admin:raadsvoorstel_theme_changelist",
        "admin:raadsvoorstel_regionalplan_changelist",
        "admin:raadsvoorstel_regionalbody_changelist",
        "admin:raadsvoorstel_user_changelist",
        "admin:raadsvoorstel_decision_changelist",
        "admin:raadsvoorstel_councilmember_changelist",
        "admin:raadsvoorstel_meeting_changelist",
        "admin:raadsvoorstel_vote_changelist",
    ],
)
def test_each_admin_list_opens(admin_client, page):
    assert admin_client.get(reverse(page)).status_code == 200


def test_a_submitted_proposal_is_read_only_in_the_admin(admin_client, concept, griffie):
    actions.submit_proposal(concept, by=griffie)
    url = reverse("admin:raadsvoorstel_proposal_change", args=[concept.pk])

    response = admin_client.get(url)
    assert 'name="subject"' not in response.text

    admin_client.post(url, {"subject": "Gewijzigd"})
    assert Proposal.objects.get(pk=concept.pk).subject != "Gewijzigd"


def test_the_admin_refuses_a_council_too_small_and_keeps_the_input(admin_client):
    response = admin_client.post(
        reverse("admin:raadsvoorstel_municipality_add"),
        {"code": "GM0392", "name": "Haarlem", "seats": "8"},
    )
    assert response.status_code == 200
    assert "9" in response.text and "Haarlem" in response.text
    assert not Municipality.objects.filter(code="GM0392").exists()


def test_the_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
