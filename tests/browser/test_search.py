"""Search in Chromium: a visitor without an account searches the public decisions, narrows
by municipality and follows a result to its public page. axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import HAMERSTUK, with_state

from .support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED = {
    **HAMERSTUK,
    "signatures": [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ],
}


def test_a_visitor_searches_the_public_decisions(
    import_document, bloemendaal_document, page, live_url, screenshot
):
    signed = import_document(with_state(bloemendaal_document, "signed", SIGNED))

    page.goto(f"{live_url}/zoeken/")
    assert_accessible(page)
    page.get_by_label("Zoekwoorden").fill("Meerjarenbeleidsplan")
    page.get_by_label("Gemeente").select_option(label="Bloemendaal")
    page.get_by_role("button", name="Zoeken").click()

    expect(page.get_by_role("status")).to_have_text("1 resultaat")
    expect(page.locator(".search-result mark").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "14-zoeken")
    page.get_by_role("link", name=signed.subject).click()
    expect(page).to_have_url(f"{live_url}{signed.get_public_url()}")
