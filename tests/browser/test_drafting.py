"""A griffiemedewerker drafts a proposal in Chromium, from login to the council's agenda,
and every page on the way passes axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from raadsvoorstel.models import Proposal, Role, State, User

from .support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_griffiemedewerker_drafts_a_proposal_and_sends_it_to_the_council(
    concept, griffie, logged_in_page, screenshot, live_url
):
    page = logged_in_page(griffie)
    expect(page.get_by_role("heading", name="Concepten om af te maken")).to_be_visible()
    page.get_by_role("link", name="Voorstellen", exact=True).click()
    expect(page.get_by_role("heading", name="Raadsvoorstellen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "1-overzicht")

    page.get_by_role("link", name="Nieuw voorstel").click()
    expect(page.get_by_role("heading", name="Nieuw raadsvoorstel")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Registratienummer").fill("2024000001")
    page.get_by_label("Onderwerp").fill("Verordening jeugdhulp 2024")
    page.get_by_label("Indiener", exact=True).select_option("college")
    page.get_by_label("Datum").fill("2024-01-15")
    page.get_by_label("Jeugd en Veiligheid").check()
    page.get_by_label("Mensenhandel").check()

    # Two decision points, each added with the button, then typed.
    for text in ["de oude verordening in te trekken.", "de Verordening jeugdhulp 2024 vast te stellen;"]:
        page.get_by_role("button", name="Beslispunt toevoegen").click()
        page.locator('textarea[name$="-text"]').last.fill(text)

    # The second point should come first: move it up and see the numbers follow.
    second = page.locator(".rows").first.locator("[data-row]").nth(1)
    second.get_by_role("button", name="Omhoog").click()
    first_row = page.locator(".rows").first.locator("[data-row]").first
    expect(first_row.locator(".row__legend")).to_have_text("Beslispunt 1")
    expect(first_row.locator("textarea")).to_have_value("de Verordening jeugdhulp 2024 vast te stellen;")
    screenshot(page, "2-nieuw-voorstel")

    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het voorstel is aangemaakt.")).to_be_visible()
    points = page.locator("ol.decision__points li")
    expect(points).to_have_text(
        ["de Verordening jeugdhulp 2024 vast te stellen;", "de oude verordening in te trekken."]
    )
    assert_accessible(page)
    proposal = Proposal.objects.get(number="2024000001")
    assert sorted(theme.name for theme in proposal.themes.all()) == ["Jeugd en Veiligheid", "Mensenhandel"]

    # Someone else saves while our griffiemedewerker is still editing.
    page.get_by_role("link", name="Bewerken").click()
    other = page.context.browser.new_context(locale="nl-NL").new_page()
    logged_in_page(colleague_of(griffie), page=other)
    other.goto(f"{live_url}/voorstellen/{proposal.pk}/bewerken/")
    other.get_by_label("Onderwerp").fill("Verordening jeugdhulp 2024 (collega)")
    other.get_by_role("button", name="Opslaan").click()
    expect(other.get_by_text("Het voorstel is opgeslagen.")).to_be_visible()

    page.get_by_label("Onderwerp").fill("Verordening jeugdhulp 2024, herzien")
    page.get_by_role("button", name="Opslaan").click()
    expect(
        page.get_by_role("heading", name="Ahmed Yilmaz heeft dit voorstel intussen opgeslagen")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Onderwerp")).to_be_visible()  # what differs, at the top
    subject = page.get_by_role("group", name="Onderwerp")
    expect(subject.locator("pre.diff del")).to_have_text(re.compile("collega"))
    expect(subject.locator("pre.diff ins")).to_have_text(re.compile("herzien"))
    assert_accessible(page)
    screenshot(page, "3-conflict")
    assert Proposal.objects.get(pk=proposal.pk).subject == "Verordening jeugdhulp 2024 (collega)"

    # Both changed the subject: nothing is chosen for them. Our griffiemedewerker keeps
    # their own, by keyboard, then sends the proposal to the council.
    subject.get_by_label("Mijn versie").focus()
    page.keyboard.press("Space")
    expect(subject.get_by_label("Mijn versie")).to_be_checked()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Het voorstel is opgeslagen.")).to_be_visible()
    page.get_by_role("button", name="Naar de raad sturen").click()
    expect(page.get_by_text("Gelukt: het voorstel heeft nu de status “Bij de raad”.")).to_be_visible()
    expect(page.get_by_role("link", name="Bewerken")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "4-bij-de-raad")

    stored = Proposal.objects.get(pk=proposal.pk)
    assert stored.state == State.COUNCIL_ADVICE
    assert stored.subject == "Verordening jeugdhulp 2024, herzien"

    page.get_by_role("link", name="Geschiedenis").click()
    expect(page.get_by_role("cell", name="Bij de raad")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "5-geschiedenis")


def colleague_of(user: User) -> User:
    return User.objects.create(
        username="collega",
        first_name="Ahmed",
        last_name="Yilmaz",
        role=Role.GRIFFIEMEDEWERKER,
        municipality=user.municipality,
    )


def test_the_login_page_and_a_refused_submission_are_accessible(
    concept, griffie, logged_in_page, page, live_url
):
    page.goto(f"{live_url}/inloggen/")
    assert_accessible(page)

    logged_in_page(griffie)
    concept.decision_points.all().delete()
    page.goto(f"{live_url}/voorstellen/{concept.pk}/")
    page.get_by_role("button", name="Naar de raad sturen").click()
    expect(page.get_by_role("alert")).to_have_text("Een voorstel zonder beslispunten kan niet naar de raad.")
    assert_accessible(page)


def test_a_form_with_errors_announces_them_and_moves_the_focus_there(
    reference_data, griffie, logged_in_page, live_url
):
    page = logged_in_page(griffie)
    page.goto(f"{live_url}/voorstellen/nieuw/")
    page.get_by_label("Onderwerp").fill("Zonder nummer")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Registratienummer: Dit veld is verplicht.")
    expect(page.get_by_label("Onderwerp")).to_have_value("Zonder nummer")
    expect(page.get_by_label("Registratienummer")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_the_editor_works_by_keyboard_alone(concept, griffie, logged_in_page, live_url):
    page = logged_in_page(griffie)
    page.goto(f"{live_url}/voorstellen/{concept.pk}/bewerken/")
    page.get_by_label("Registratienummer").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Onderwerp")).to_be_focused()

    first_row = page.locator(".rows").first.locator("[data-row]").first
    move_down = first_row.get_by_role("button", name="Omlaag").element_handle()
    move_down.focus()
    page.keyboard.press("Enter")

    # The focus stays on the button of the row that moved, now in second place.
    assert page.evaluate("button => document.activeElement === button", move_down)
    second = page.locator(".rows").first.locator("[data-row]").nth(1)
    expect(second.locator("textarea")).to_have_value(concept.decision_points.first().text)
    expect(second.locator(".row__legend")).to_have_text("Beslispunt 2")


@pytest.mark.parametrize("width", [640])
def test_the_pages_work_at_200_percent_zoom(concept, griffie, logged_in_page, live_url, width):
    """200% zoom on a 1280-pixel screen is a 640-pixel viewport: nothing scrolls sideways."""
    page = logged_in_page(griffie)
    page.set_viewport_size({"width": width, "height": 800})
    for path in ["/voorstellen/", f"/voorstellen/{concept.pk}/", f"/voorstellen/{concept.pk}/bewerken/"]:
        page.goto(live_url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls {overflow} pixels sideways at {width} pixels wide"
