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


def test_the_home_page_asks_a_stranger_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


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
        {"code": "GM0363", "name": "Amsterdam", "seats": "8"},
    )
    assert response.status_code == 200
    assert "9" in response.text and "Amsterdam" in response.text
    assert not Municipality.objects.filter(code="GM0363").exists()


def test_the_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# --- One write path: the admin shows the record and changes reference data through the actions ---


@pytest.mark.parametrize(
    "model",
    ["proposal", "decision", "amendment", "archiveddecision", "meeting", "vote", "auditentry", "revision"],
)
def test_the_admin_adds_nothing_to_the_councils_record(admin_client, model):
    response = admin_client.get(reverse(f"admin:raadsvoorstel_{model}_add"))
    assert response.status_code == 403


def test_a_concept_cannot_be_edited_around_its_version_and_revision(admin_client, concept):
    url = reverse("admin:raadsvoorstel_proposal_change", args=[concept.pk])
    assert 'name="subject"' not in admin_client.get(url).text
    admin_client.post(url, {"subject": "Stilletjes gewijzigd"})
    stored = Proposal.objects.get(pk=concept.pk)
    assert (stored.subject, stored.version) == (concept.subject, concept.version)


def test_deleting_a_signed_besluit_in_the_admin_is_refused_not_an_error(
    admin_client, import_document, bloemendaal_document
):
    from tests.conftest import HAMERSTUK, with_state

    signatures = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    signed = import_document(
        with_state(
            {**bloemendaal_document, "regional_plan": None, "number": "2023000900"},
            "signed",
            {**HAMERSTUK, "signatures": signatures},
        )
    )
    url = reverse("admin:raadsvoorstel_decision_delete", args=[signed.decision.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Proposal.objects.get(pk=signed.pk).decision


def test_a_meeting_cannot_be_opened_in_the_admin(admin_client, bloemendaal):
    import datetime

    from raadsvoorstel.models import Meeting

    meeting = Meeting.objects.create(
        municipality=bloemendaal, starts_at=datetime.datetime(2023, 10, 5, 18, tzinfo=datetime.UTC)
    )
    url = reverse("admin:raadsvoorstel_meeting_change", args=[meeting.pk])
    admin_client.post(
        url, {"opened_at_0": "2023-10-05", "opened_at_1": "20:00", "municipality": bloemendaal.pk}
    )
    assert Meeting.objects.get(pk=meeting.pk).opened_at is None


def test_a_change_to_a_municipality_in_the_admin_is_in_the_audit_log(admin_client, bloemendaal):
    from raadsvoorstel.models import AuditEntry

    url = reverse("admin:raadsvoorstel_municipality_change", args=[bloemendaal.pk])
    data = {
        "code": "GM0377",
        "name": "Bloemendaal",
        "seats": "19",
        "decision_closing": "aldus",
        "roll_call_start": "lot",
        "chair_declares_hamerstuk": "on",
        "advice_term": "wensen_en_bedenkingen",
    }
    assert admin_client.post(url, data).status_code == 302

    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.actor_name, entry.object_key) == ("change_municipality", "beheer", "GM0377")
    assert entry.payload["changed"] == ["decision_closing"]
    assert entry.payload["fields"]["decision_closing"] == "aldus"


def test_a_new_account_in_the_admin_is_in_the_audit_log_without_its_password(admin_client, bloemendaal):
    from raadsvoorstel.models import AuditEntry

    data = {
        "username": "nieuw",
        "password1": "een-lang-wachtwoord-1",
        "password2": "een-lang-wachtwoord-1",
        "usable_password": "true",
        "first_name": "Nieuw",
        "last_name": "Lid",
        "role": "griffiemedewerker",
        "municipality": bloemendaal.pk,
    }
    response = admin_client.post(reverse("admin:raadsvoorstel_user_add"), data)
    assert response.status_code == 302, response.text[:2000]
    entry = AuditEntry.objects.get(action="add_user")
    assert entry.payload["fields"]["password"] == "gewijzigd"
    assert "pbkdf2" not in str(entry.payload) and "md5" not in str(entry.payload)


def test_deleting_someone_who_acted_is_a_message_not_an_error(admin_client, concept, griffie):
    actions.submit_proposal(concept, by=griffie)
    url = reverse("admin:raadsvoorstel_user_delete", args=[griffie.pk])

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "kan niet worden verwijderd" in response.text  # Django's own page, listing what refers to them
    assert User.objects.filter(pk=griffie.pk).exists()


def test_deleting_a_municipality_with_proposals_is_a_message_not_an_error(admin_client, concept, bloemendaal):
    url = reverse("admin:raadsvoorstel_municipality_delete", args=[bloemendaal.pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Municipality.objects.filter(pk=bloemendaal.pk).exists()


def test_the_audit_log_can_be_read_in_the_admin(admin_client, concept):
    response = admin_client.get(reverse("admin:raadsvoorstel_auditentry_changelist"))
    assert response.status_code == 200 and "import_proposal" in response.text


def test_a_theme_named_in_a_signed_decision_keeps_its_name(
    admin_client, import_document, bloemendaal_document
):
    from raadsvoorstel.models import Theme
    from tests.conftest import HAMERSTUK, with_state

    signatures = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    import_document(
        with_state(
            {**bloemendaal_document, "regional_plan": None, "number": "2023000900"},
            "signed",
            {**HAMERSTUK, "signatures": signatures},
        )
    )
    theme = Theme.objects.get(name="Jeugd en Veiligheid")
    url = reverse("admin:raadsvoorstel_theme_change", args=[theme.pk])
    data = {
        "name": "Jeugd",
        "position": theme.position,
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "1",
        "children-0-id": theme.children.get().pk,
        "children-0-parent": theme.pk,
    }

    response = admin_client.post(url, data, follow=True)

    assert "staat in een ondertekend raadsbesluit" in response.text
    assert Theme.objects.get(pk=theme.pk).name == "Jeugd en Veiligheid"
    # A sub-theme no signed decision names may still be renamed.
    unused = Theme.objects.get(name="Mensenhandel")
    data = {"name": "Mensensmokkel", "parent": unused.parent_id, "position": unused.position}
    data |= {"children-TOTAL_FORMS": "0", "children-INITIAL_FORMS": "0"}
    admin_client.post(reverse("admin:raadsvoorstel_theme_change", args=[unused.pk]), data)
    assert Theme.objects.get(pk=unused.pk).name == "Mensensmokkel"


def test_sub_themes_are_shown_in_their_theme_and_changed_on_their_own_page(admin_client, reference_data):
    from raadsvoorstel.models import Theme

    theme = Theme.objects.get(name="Ondermijning")
    page = admin_client.get(reverse("admin:raadsvoorstel_theme_change", args=[theme.pk])).text
    assert "Mensenhandel" in page and 'name="children-0-name"' not in page
