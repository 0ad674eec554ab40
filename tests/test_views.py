"""The griffie's pages: what each role sees and may do, and every refusal."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from raadsvoorstel import actions
from raadsvoorstel.models import Attachment, Proposal, Role, State, Theme
from raadsvoorstel.text import ProposalText

pytestmark = pytest.mark.django_db

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def editor_data(proposal: Proposal | None = None, **changes) -> dict:
    """A complete, valid POST of the proposal editor."""
    data = {
        "number": "2024000001",
        "subject": "Verordening jeugdhulp",
        "proposer": "college",
        "date": "2024-01-15",
        "legal_basis": "artikel 147 van de Gemeentewet\nartikel 2.9 van de Jeugdwet",
        "version": "",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading": "Aanleiding en beoogd effect",
        "sections-0-body": "Een nieuwe verordening.",
        "sections-0-ORDER": "1",
        "points-TOTAL_FORMS": "2",
        "points-INITIAL_FORMS": "0",
        "points-0-text": "de Verordening jeugdhulp vast te stellen;",
        "points-0-ORDER": "1",
        "points-1-text": "de oude verordening in te trekken.",
        "points-1-ORDER": "2",
    }
    if proposal is not None:
        data |= {
            "number": proposal.number,
            "subject": proposal.subject,
            "proposer": proposal.proposer,
            "date": proposal.date.isoformat(),
            "legal_basis": "\n".join(proposal.legal_basis),
            "version": str(proposal.version),
            "sections-INITIAL_FORMS": "0",
            "points-INITIAL_FORMS": "0",
        }
    data.update(changes)
    return data


# --- logging in ---


def test_an_anonymous_visitor_is_sent_to_the_dutch_login_page(client):
    response = client.get(reverse("proposal_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    page = client.get(reverse("login"))
    assert 'lang="nl"' in page.text
    assert "Gebruikersnaam" in page.text and "Wachtwoord" in page.text


def test_a_wrong_password_is_refused_in_dutch_and_keeps_the_username(client, griffie):
    griffie.set_password("goed-wachtwoord")
    griffie.save()
    response = client.post(reverse("login"), {"username": griffie.username, "password": "fout"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.text
    assert f'value="{griffie.username}"' in response.text


def test_logging_out_takes_a_post(as_user, griffie):
    client = as_user(griffie)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


# --- the overview ---


def test_the_overview_lists_the_municipalitys_proposals_with_their_state_label(as_user, griffie, concept):
    response = as_user(griffie).get(reverse("proposal_list"))
    assert response.status_code == 200
    assert "2023000853" in response.text
    assert "Veiligheidsbeleid 2024-2027" in response.text
    assert "22 augustus 2023" in response.text
    assert ">Concept<" in response.text


def test_the_overview_shows_no_proposals_of_another_municipality(as_user, make_user, concept):
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    outsider = make_user(Role.GRIFFIEMEDEWERKER, username="amsterdam", municipality=amsterdam)
    response = as_user(outsider).get(reverse("proposal_list"))
    assert "2023000853" not in response.text


def test_the_rbop_secretaris_follows_the_proposals_that_reached_the_council(
    as_user, rbop_secretaris, griffie, concept
):
    client = as_user(rbop_secretaris)
    assert "2023000853" not in client.get(reverse("proposal_list")).text  # a concept is the griffie's
    assert client.get(reverse("proposal_detail", args=[concept.pk])).status_code == 404

    actions.submit_proposal(concept, by=griffie)

    assert "2023000853" in client.get(reverse("proposal_list")).text


def test_a_superuser_with_a_role_gets_no_more_than_that_role(as_user, make_user, concept):
    secretaris = make_user(Role.RBOP_SECRETARIS, username="super-rbop")
    secretaris.is_superuser = secretaris.is_staff = True
    secretaris.save()
    client = as_user(secretaris)

    response = client.post(
        reverse("proposal_edit", args=[concept.pk]), editor_data(concept, subject="Anders")
    )

    assert response.status_code in (403, 404)
    assert Proposal.objects.get(pk=concept.pk).subject != "Anders"


def test_a_tampered_row_count_is_no_crash(as_user, griffie, reference_data):
    data = editor_data(add_point="1", **{"points-TOTAL_FORMS": "abc"})
    response = as_user(griffie).post(reverse("proposal_create"), data)
    assert response.status_code == 200
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "veiligheid"}, True),
        ({"q": "2023000853"}, True),
        ({"q": "jeugdhulp"}, False),
        ({"state": "concept"}, True),
        ({"state": "signed"}, False),
        ({"sort": "subject"}, True),
    ],
)
def test_the_overview_filters_and_searches(as_user, griffie, concept, query, found):
    response = as_user(griffie).get(reverse("proposal_list"), query)
    assert ("2023000853" in response.text) is found


def test_filtering_by_a_theme_includes_its_sub_themes(as_user, griffie, concept):
    concept.themes.set([Theme.objects.get(name="Mensenhandel")])
    ondermijning = Theme.objects.get(name="Ondermijning", parent=None)
    response = as_user(griffie).get(reverse("proposal_list"), {"theme": ondermijning.pk})
    assert "2023000853" in response.text


def test_the_overview_pages_by_25(as_user, griffie, import_document, bloemendaal_document):
    for number in range(30):
        import_document({**bloemendaal_document, "regional_plan": None, "number": f"2023{number:06d}"})
    client = as_user(griffie)
    first = client.get(reverse("proposal_list"))
    assert "Pagina 1 van 2" in first.text
    second = client.get(reverse("proposal_list"), {"pagina": 2, "sort": "number"})
    assert len(re.findall(r'href="/voorstellen/\d+/"', second.text)) == 5


# --- the read view and its buttons ---


@pytest.fixture
def sent_to_council(concept, griffie, propose_advice) -> Proposal:
    actions.submit_proposal(propose_advice(concept), by=griffie)
    return Proposal.objects.get(pk=concept.pk)


def test_the_read_view_numbers_the_proposed_decision_as_the_council_reads_it(
    as_user, raadslid, sent_to_council
):
    response = as_user(raadslid).get(reverse("proposal_detail", args=[sent_to_council.pk]))
    assert response.status_code == 200
    assert "Voorgesteld besluit" in response.text
    assert '<ol class="decision__points">' in response.text
    assert "kennis te nemen van het concept Integraal Meerjarenbeleidsplan" in response.text
    assert "<li>Weerbare jeugd/criminele aanwas</li>" in response.text


def test_markup_in_a_section_is_shown_as_typed(as_user, griffie, concept):
    section = concept.sections.first()
    section.body = '<script>alert("x")</script> <img src=x>'
    section.save()
    response = as_user(griffie).get(reverse("proposal_detail", args=[concept.pk]))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text
    assert "<img src=x>" not in response.text


def test_the_griffie_sees_edit_and_the_transitions_of_the_state(as_user, griffie, concept):
    response = as_user(griffie).get(reverse("proposal_detail", args=[concept.pk]))
    assert reverse("proposal_edit", args=[concept.pk]) in response.text
    assert "Naar de raad sturen" in response.text
    assert "Intrekken" in response.text
    assert "Terug naar concept" not in response.text


def test_a_raadslid_sees_no_buttons(as_user, raadslid, sent_to_council):
    response = as_user(raadslid).get(reverse("proposal_detail", args=[sent_to_council.pk]))
    assert response.status_code == 200
    assert "Terug naar concept" not in response.text and "Intrekken" not in response.text


def test_a_raadslid_does_not_see_a_concept(as_user, raadslid, concept):
    """A concept is the griffie's and the college's draft until it goes to the council."""
    assert as_user(raadslid).get(reverse("proposal_detail", args=[concept.pk])).status_code == 404


def test_another_municipalitys_proposal_does_not_exist_for_a_user(as_user, make_user, concept):
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    outsider = make_user(Role.GRIFFIEMEDEWERKER, username="amsterdam", municipality=amsterdam)
    client = as_user(outsider)
    assert client.get(reverse("proposal_detail", args=[concept.pk])).status_code == 404
    assert client.get(reverse("proposal_edit", args=[concept.pk])).status_code == 404
    assert client.post(reverse("proposal_transition", args=[concept.pk, "submit"])).status_code == 404


# --- transitions ---


def test_submitting_to_the_council_from_the_page(as_user, griffie, concept):
    response = as_user(griffie).post(reverse("proposal_transition", args=[concept.pk, "submit"]), follow=True)
    assert "Bij de raad" in response.text
    assert Proposal.objects.get(pk=concept.pk).state == State.COUNCIL_ADVICE


def test_a_failed_condition_is_explained_in_dutch(as_user, griffie, concept):
    concept.decision_points.all().delete()
    response = as_user(griffie).post(reverse("proposal_transition", args=[concept.pk, "submit"]), follow=True)
    assert "Een voorstel zonder beslispunten kan niet naar de raad." in response.text
    assert Proposal.objects.get(pk=concept.pk).state == State.CONCEPT


def test_withdrawing_without_a_reason_is_refused(as_user, griffie, concept):
    response = as_user(griffie).post(
        reverse("proposal_transition", args=[concept.pk, "withdraw"]),
        {"reason": " ", "confirmed": "on"},
        follow=True,
    )
    assert "Geef een reden op." in response.text
    assert Proposal.objects.get(pk=concept.pk).state == State.CONCEPT


def test_a_voorzitter_cannot_submit_by_posting(as_user, voorzitter, concept):
    response = as_user(voorzitter).post(reverse("proposal_transition", args=[concept.pk, "submit"]))
    assert response.status_code == 403
    assert Proposal.objects.get(pk=concept.pk).state == State.CONCEPT


def test_an_unknown_transition_is_not_found(as_user, griffie, concept):
    response = as_user(griffie).post(reverse("proposal_transition", args=[concept.pk, "complete_signing"]))
    assert response.status_code == 404


def test_a_transition_needs_a_post(as_user, griffie, concept):
    assert (
        as_user(griffie).get(reverse("proposal_transition", args=[concept.pk, "submit"])).status_code == 405
    )


# --- creating and editing ---


def test_a_new_proposal_starts_with_the_usual_headings(as_user, griffie, reference_data):
    response = as_user(griffie).get(reverse("proposal_create"))
    for heading in ["Aanleiding en beoogd effect", "Politieke keuzeruimte", "Achterliggende documenten"]:
        assert f'value="{heading}"' in response.text


def test_the_griffie_creates_a_proposal_with_two_decision_points_and_two_themes(
    as_user, griffie, reference_data
):
    themes = [Theme.objects.get(name="Ondermijning", parent=None), Theme.objects.get(name="Mensenhandel")]
    data = editor_data() | {"themes": [str(theme.pk) for theme in themes]}

    response = as_user(griffie).post(reverse("proposal_create"), data)

    proposal = Proposal.objects.get(number="2024000001")
    assert response["Location"] == reverse("proposal_detail", args=[proposal.pk])
    assert list(proposal.decision_points.values_list("text", flat=True)) == [
        "de Verordening jeugdhulp vast te stellen;",
        "de oude verordening in te trekken.",
    ]
    assert set(proposal.themes.all()) == set(themes)
    assert proposal.legal_basis == ["artikel 147 van de Gemeentewet", "artikel 2.9 van de Jeugdwet"]
    assert proposal.revisions.count() == 1


def test_reordering_and_removing_rows_is_saved_in_the_new_order(as_user, griffie, reference_data):
    data = editor_data(**{"points-0-ORDER": "2", "points-1-ORDER": "1", "sections-0-DELETE": "on"})
    as_user(griffie).post(reverse("proposal_create"), data)
    proposal = Proposal.objects.get(number="2024000001")
    assert list(proposal.decision_points.values_list("position", "text")) == [
        (1, "de oude verordening in te trekken."),
        (2, "de Verordening jeugdhulp vast te stellen;"),
    ]
    assert not proposal.sections.exists()


def test_adding_a_row_shows_one_more_without_saving_or_judging(as_user, griffie, reference_data):
    data = editor_data(number="", add_point="1")
    response = as_user(griffie).post(reverse("proposal_create"), data)
    assert response.status_code == 200
    assert 'name="points-2-text"' in response.text
    assert "Controleer het formulier" not in response.text
    assert not Proposal.objects.exists()


def test_a_form_with_errors_keeps_every_field_and_says_what_is_wrong(as_user, griffie, reference_data):
    data = editor_data(subject="", date="2023-02-30", **{"points-1-text": ""})
    data["sections-0-body"] = "Mijn zorgvuldig getypte tekst"
    response = as_user(griffie).post(reverse("proposal_create"), data)
    assert response.status_code == 200
    assert "Controleer het formulier" in response.text
    assert "Onderwerp: Dit veld is verplicht." in response.text
    assert "Voer een geldige datum in." in response.text
    assert "Beslispunt 2, tekst: Dit veld is verplicht." in response.text
    assert "Mijn zorgvuldig getypte tekst" in response.text
    assert 'value="2024000001"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Proposal.objects.exists()


def test_a_number_already_used_in_the_municipality_is_refused(as_user, griffie, concept):
    response = as_user(griffie).post(reverse("proposal_create"), editor_data(number="2023000853"))
    assert "al een voorstel met dit nummer" in response.text
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("role", [Role.RAADSLID, Role.VOORZITTER])
def test_only_the_griffie_creates_proposals(as_user, make_user, reference_data, role):
    client = as_user(make_user(role, username=f"ander-{role}"))
    assert client.get(reverse("proposal_create")).status_code == 403
    assert client.post(reverse("proposal_create"), editor_data()).status_code == 403
    assert not Proposal.objects.exists()


def test_the_rbop_secretaris_creates_no_proposals(as_user, rbop_secretaris):
    assert as_user(rbop_secretaris).get(reverse("proposal_create")).status_code == 403


def test_editing_saves_a_new_version_with_its_revision(as_user, griffie, concept):
    data = editor_data(concept, subject="Veiligheidsbeleid 2024-2027, herzien")
    response = as_user(griffie).post(reverse("proposal_edit", args=[concept.pk]), data)
    assert response.status_code == 302
    concept.refresh_from_db()
    assert concept.subject == "Veiligheidsbeleid 2024-2027, herzien"
    assert concept.version == 2
    assert list(concept.revisions.values_list("version", flat=True)) == [1, 2]


def test_a_stale_edit_gets_the_conflict_page_with_the_users_own_input(as_user, griffie, griffier, concept):
    stale = editor_data(concept, subject="Mijn onderwerp")
    theirs = ProposalText.of(concept)
    theirs.subject = "Hun onderwerp"
    actions.update_proposal(concept, theirs, version=concept.version, by=griffier)

    response = as_user(griffie).post(reverse("proposal_edit", args=[concept.pk]), stale)

    assert response.status_code == 409
    assert "Griffier Test heeft dit voorstel intussen opgeslagen" in response.text
    assert 'value="Mijn onderwerp"' in response.text  # their input, still in the form
    assert re.search(r"<del>(?:(?!</del>).)*Hun", response.text, re.S)  # beside what was saved meanwhile
    assert 'name="version" value="2"' in response.text  # saving again now replaces theirs knowingly
    assert Proposal.objects.get(pk=concept.pk).subject == "Hun onderwerp"


def test_saving_from_the_conflict_page_replaces_the_other_version_knowingly(as_user, griffie, concept):
    concept.refresh_from_db()
    data = editor_data(concept, subject="Mijn onderwerp", version=str(concept.version))
    as_user(griffie).post(reverse("proposal_edit", args=[concept.pk]), data)
    assert Proposal.objects.get(pk=concept.pk).subject == "Mijn onderwerp"


def test_a_submitted_proposal_is_read_only_whatever_the_browser_sends(as_user, griffie, concept):
    actions.submit_proposal(concept, by=griffie)
    client = as_user(griffie)
    page = client.get(reverse("proposal_detail", args=[concept.pk]))
    assert "De tekst ligt vast" in page.text
    assert client.get(reverse("proposal_edit", args=[concept.pk])).status_code == 403
    response = client.post(
        reverse("proposal_edit", args=[concept.pk]), editor_data(concept, subject="Anders")
    )
    assert response.status_code == 403
    assert Proposal.objects.get(pk=concept.pk).subject != "Anders"


# --- attachments ---


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_pdf_is_stored_with_its_hash_and_can_be_downloaded(as_user, griffie, concept, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = as_user(griffie)
    response = client.post(
        reverse("attachment_add", args=[concept.pk]),
        {"title": "Concept IMV", "file": upload("imv.pdf", MINIMAL_PDF)},
    )
    assert response.status_code == 302
    attachment = concept.attachments.get(title="Concept IMV")
    assert attachment.size == len(MINIMAL_PDF)
    assert len(attachment.sha256) == 64
    download = client.get(reverse("attachment_download", args=[concept.pk, attachment.pk]))
    assert download.content == MINIMAL_PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "geen PDF-bestand"),  # a renamed .exe
        ("leeg.pdf", b"", "leeg"),
        ("groot.pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024) + b"\n%%EOF\n", "groter dan 20 MB"),
    ],
    ids=["renamed-exe", "empty", "21-MB"],
)
def test_an_invalid_upload_is_refused_and_nothing_is_stored(
    as_user, griffie, concept, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    response = as_user(griffie).post(
        reverse("attachment_add", args=[concept.pk]), {"title": "Bijlage", "file": upload(name, content)}
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Attachment.objects.filter(title="Bijlage").exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_a_voorzitter_cannot_upload(as_user, voorzitter, concept):
    response = as_user(voorzitter).post(
        reverse("attachment_add", args=[concept.pk]), {"title": "X", "file": upload("x.pdf", MINIMAL_PDF)}
    )
    assert response.status_code == 403


# --- history ---


def test_the_history_shows_transitions_and_a_word_diff_between_versions(as_user, griffie, concept):
    client = as_user(griffie)
    client.post(
        reverse("proposal_edit", args=[concept.pk]), editor_data(concept, subject="Veiligheidsbeleid herzien")
    )
    concept.refresh_from_db()
    actions.submit_proposal(concept, by=griffie, reason="Agenda oktober")

    response = client.get(reverse("proposal_history", args=[concept.pk]))

    assert "Agenda oktober" in response.text
    assert "Bij de raad" in response.text
    assert "herzien" in response.text
    assert "<ins>" in response.text and "<del>" in response.text
    assert "Versie 2" in response.text


def test_the_editor_shows_the_theme_tree_with_the_proposals_themes_ticked(as_user, griffie, concept):
    response = as_user(griffie).get(reverse("proposal_edit", args=[concept.pk]))
    ondermijning = Theme.objects.get(name="Ondermijning", parent=None)
    mensenhandel = Theme.objects.get(name="Mensenhandel")
    assert re.search(rf'value="{ondermijning.pk}" id="theme-{ondermijning.pk}" checked', response.text)
    assert re.search(rf'value="{mensenhandel.pk}" id="theme-{mensenhandel.pk}">', response.text)
    assert f'<label for="theme-{mensenhandel.pk}">Mensenhandel</label>' in response.text
