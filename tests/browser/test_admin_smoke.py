"""Chromium logs into the admin and finds the Bloemendaal proposal: the browser setup works."""

import pytest
from playwright.sync_api import expect

from .support import ADMIN_LOGIN_URL, describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_superuser_logs_in_and_sees_the_bloemendaal_proposal(
    concept, beheer, live_url, logged_in_page, screenshot
):
    page = logged_in_page("beheer", login_url=ADMIN_LOGIN_URL)
    expect(page).to_have_url(live_url + "/admin/")

    # The app and the model are both "Raadsvoorstellen" on the admin's index: take the model's row.
    page.get_by_role("row").filter(has=page.locator('a[href$="/proposal/"]')).get_by_role(
        "link", name="Raadsvoorstellen"
    ).click()
    expect(page).to_have_url(live_url + "/admin/raadsvoorstel/proposal/")
    expect(page.locator("#result_list")).to_contain_text("2023000853")

    assert screenshot(page, "admin-voorstellen").stat().st_size > 0


@pytest.mark.browser_context_args(locale="en-US")
def test_the_admin_login_page_is_dutch_even_for_an_english_browser(page, live_url, axe_violations):
    page.goto(live_url + ADMIN_LOGIN_URL)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#id_username")).to_be_visible()

    # Django's admin is not ours to fix: show what axe finds, assert it for our own pages.
    print(f"\naxe op {ADMIN_LOGIN_URL}:\n{describe_violations(axe_violations(page))}")
