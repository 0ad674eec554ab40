"""The RBOP's half in Chromium: the secretaris sends the IMV to the 32 councils, a council's
griffie records its answer, the secretaris follows the consultation, has the bundle made
(the progress bar keeps itself current) and records the vaststelling. Every page passes
axe-core and uses each id once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from raadsvoorstel import actions
from raadsvoorstel.models import Advice, Proposal, RegionalPlan, State
from tests.test_regional import decided, fields_of, griffie_of, pdf_upload

from .support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = timezone.localdate()


@pytest.fixture
def drafted(reference_data, rbop_secretaris, settings, tmp_path) -> RegionalPlan:
    settings.MEDIA_ROOT = tmp_path
    plan = RegionalPlan.objects.get(code="imv-nh-2024-2027")
    return actions.update_plan(
        plan, fields_of(plan), version=plan.version, document=pdf_upload(), by=rbop_secretaris
    )


def test_the_rbop_runs_a_consultation_from_sending_to_vaststelling(
    drafted, rbop_secretaris, logged_in_page, browser, live_url, screenshot, run_tasks, tmp_path
):
    haarlem = decided("GM0392")
    velsen = decided("GM0453", advice=Advice.OBJECTIONS)

    page = logged_in_page(rbop_secretaris)
    page.goto(f"{live_url}/plannen/")
    assert_accessible(page)
    page.get_by_role("link", name=drafted.title).click()
    assert_accessible(page)
    page.get_by_role("button", name="Plan versturen naar de raden").click()
    expect(page.get_by_text("30 raden hebben een raadsvoorstel in concept gekregen.")).to_be_visible()
    expect(page.get_by_text("0 van de 32 raden hebben hun antwoord verstuurd.")).to_be_visible()

    # Haarlem's and Velsen's griffies record their answers on their own proposal pages.
    for proposal in (haarlem, velsen):
        own = browser.new_context(locale="nl-NL").new_page()
        logged_in_page(griffie_of(proposal.municipality.code), page=own)
        own.goto(f"{live_url}/voorstellen/{proposal.pk}/")
        own.get_by_label("Kenmerk").fill(f"{proposal.municipality.code}/2026/12")
        own.get_by_label("Verzonden op").fill((TODAY - datetime.timedelta(days=1)).isoformat())
        assert_accessible(own)
        own.get_by_role("button", name="Antwoord vastleggen").click()
        expect(own.get_by_text("Het antwoord is vastgelegd; de brief is gearchiveerd.")).to_be_visible()
        letter = own.request.get(f"{live_url}/voorstellen/{proposal.pk}/antwoordbrief.pdf")
        assert letter.status == 200 and letter.body().startswith(b"%PDF-1.7")
        own.context.close()

    page.reload()
    expect(page.get_by_text("2 van de 32 raden hebben hun antwoord verstuurd.")).to_be_visible()
    expect(page.get_by_role("heading", name="Velsen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "10-consultatie")

    # The bundle: queued, made by the worker, and the bar follows without reloading.
    run_tasks()  # the councils' raadsbesluiten are archived first
    page.get_by_role("button", name="Bundel maken").click()
    expect(page.get_by_text("De bundel wordt gemaakt: 0 van 3 onderdelen klaar.")).to_be_visible()
    assert_accessible(page)
    run_tasks()
    expect(page.get_by_role("link", name="De bundel (PDF/A")).to_be_visible(timeout=10_000)

    # The deadline passes; the vaststelling names the councils without an answer.
    RegionalPlan.objects.filter(pk=drafted.pk).update(answer_deadline=TODAY - datetime.timedelta(days=1))
    page.get_by_role("link", name="Vaststelling vastleggen").click()
    expect(page.get_by_text("Nog geen antwoord van 30 raden")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Vergadering").fill("RBOP Eenheid Noord-Holland, Haarlem")
    page.get_by_label(
        "art. 39 lid 1 Politiewet 2012: de burgemeesters en de hoofdofficier van justitie"
    ).check()
    adopted = tmp_path / "vastgesteld.pdf"
    adopted.write_bytes(b"%PDF-1.7\n% vastgesteld\n%%EOF\n")
    page.get_by_label("Het vastgestelde plan (PDF, ten hoogste 20 MB)").set_input_files(str(adopted))
    page.get_by_label("Verwerking van de wensen en bedenkingen van Velsen").fill(
        "Opgenomen in paragraaf 3.2."
    )
    page.get_by_role("button", name="Vaststelling vastleggen").click()
    expect(page.get_by_text("De vaststelling is vastgelegd.")).to_be_visible()
    expect(page.get_by_text("Vastgesteld zonder antwoord van")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "11-vaststelling")

    assert Proposal.objects.get(pk=haarlem.pk).state == State.RBOP_ADOPTED
    assert Proposal.objects.get(municipality__code="GM0377", regional_plan=drafted).state == State.CONCEPT
