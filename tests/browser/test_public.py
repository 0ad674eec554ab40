"""The public side in Chromium: a visitor without an account goes from the municipalities to
Bloemendaal's decisions, reads the raadsbesluit on the IMV with its roll call and amendment,
and downloads the archived PDF. Every page passes axe-core, works by keyboard and fits 640 px."""

from __future__ import annotations

import hashlib
import json

import pytest
from playwright.sync_api import expect

from raadsvoorstel.demo import FIXTURES
from raadsvoorstel.models import ArchivedDecision
from tests.conftest import with_state

from .support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

WISHES = (
    "de burgemeester te berichten dat de raad wil dat de aanpak van drugsafval in de duinen "
    "een eigen plaats krijgt."
)


@pytest.fixture
def imv_besluit(import_document, bloemendaal_document, run_tasks, settings, tmp_path):
    """Bloemendaal's raadsbesluit on the IMV: amended by roll call (16 voor, 3 tegen), signed, archived."""
    settings.MEDIA_ROOT = tmp_path
    rows = (FIXTURES / "members-GM0377.csv").read_text(encoding="utf-8").splitlines()[1:]
    members = [
        {"name": name, "party": party, "vote": "voor" if n < 16 else "tegen"}
        for n, (name, party, *_dates) in enumerate(row.split(";") for row in rows)
    ]
    decision = {
        "meeting_date": "2023-10-05",
        "result": "aangenomen",
        "advice": "wensen_en_bedenkingen",
        "advice_text": WISHES,
        "vote": {"mode": "hoofdelijk", "for": 16, "against": 3, "members": members},
        "amendments": [
            {
                "title": "Drugsafval in de duinen",
                "submitters": ["Fatima El Amrani (GroenLinks)"],
                "result": "aangenomen",
                "changes": [{"point": 2, "text": WISHES}],
            }
        ],
        "signatures": [
            {"role": "voorzitter", "name": "Elbert Roest", "date": "2023-10-06"},
            {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
        ],
    }
    points = [bloemendaal_document["decision_points"][0], WISHES]
    proposal = import_document(
        with_state({**bloemendaal_document, "decision_points": points}, "signed", decision)
    )
    run_tasks()
    return proposal


def test_a_visitor_reads_a_raadsbesluit_and_downloads_its_pdf_without_logging_in(
    imv_besluit, page, live_url, screenshot
):
    page.goto(f"{live_url}/inloggen/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Openbare besluiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Openbare besluiten")
    assert_accessible(page)

    page.get_by_role("link", name="Bloemendaal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Besluiten van de gemeenteraad van Bloemendaal")
    expect(page.get_by_role("cell", name="wensen en bedenkingen")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=imv_besluit.subject).click()
    assert page.url == f"{live_url}/gemeenten/GM0377/besluiten/2023000853/"
    expect(page.get_by_role("heading", level=2, name="Raadsbesluit")).to_be_visible()
    expect(page.get_by_text("besluit:", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name="Fatima El Amrani GroenLinks voor")).to_be_visible()
    expect(page.get_by_text("Hoofdelijke stemming: 16 voor, 3 tegen.")).to_be_visible()
    expect(
        page.get_by_text("Drugsafval in de duinen (Fatima El Amrani (GroenLinks)) — aangenomen")
    ).to_be_visible()
    metadata = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert metadata["@type"] == "Legislation" and imv_besluit.subject in metadata["name"]
    assert_accessible(page)
    screenshot(page, "13-openbaar-besluit")

    # The PDF: the archived bytes, with the hash the page shows.
    archived = ArchivedDecision.objects.get(proposal=imv_besluit)
    expect(page.locator("code.hash")).to_have_text(archived.sha256)
    link = page.get_by_role("link", name="Raadsbesluit 2023000853 (PDF/A)")
    download = page.request.get(live_url + link.get_attribute("href"))
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(download.body()).hexdigest() == archived.sha256


def test_the_public_pages_work_by_keyboard_and_fit_640_pixels(imv_besluit, page, live_url):
    """200% zoom on a 1280-pixel screen is a 640-pixel viewport: nothing scrolls sideways."""
    page.set_viewport_size({"width": 640, "height": 800})
    page.goto(f"{live_url}/gemeenten/GM0377/besluiten/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    # From the content on, the keyboard reaches the decision and opens it.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == imv_besluit.subject:
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_url}/gemeenten/GM0377/besluiten/2023000853/")
    for path in ("/gemeenten/", "/gemeenten/GM0377/besluiten/", "/gemeenten/GM0377/besluiten/2023000853/"):
        page.goto(live_url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        assert_accessible(page)
