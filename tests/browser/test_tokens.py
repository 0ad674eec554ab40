"""The griffie's API tokens in Chromium: found from the notices page, made with a name, shown
once, then revoked; the page passes axe-core and uses each id once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from raadsvoorstel.models import ApiToken

from .support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_griffie_makes_a_token_sees_it_once_and_revokes_it(griffie, logged_in_page, live_url):
    page = logged_in_page(griffie)
    page.goto(f"{live_url}/meldingen/")
    page.get_by_role("link", name="API-sleutels").click()
    assert_accessible(page)

    page.get_by_label("Naam van de sleutel").fill("Zaaksysteem Bloemendaal")
    page.get_by_role("button", name="Sleutel maken").click()
    secret = page.locator("code.token-secret").inner_text()
    assert secret.startswith("rvs_")
    assert_accessible(page)

    page.goto(f"{live_url}/api-sleutels/")
    expect(page.get_by_text(secret)).to_have_count(0)
    page.get_by_role("button", name="Intrekken Zaaksysteem Bloemendaal").click()
    expect(page.get_by_text("is ingetrokken; hij werkt niet meer")).to_be_visible()
    assert ApiToken.objects.get(user=griffie).revoked_at is not None
