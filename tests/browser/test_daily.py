"""Daily use in Chromium: each role logs in through the form and lands on its own start
page; the griffie sends a proposal to the council and the raadslid finds the notice,
follows it to the proposal; withdrawing asks on a page of its own. Every page passes
axe-core and uses each id once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from raadsvoorstel.models import Proposal, State

from .support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# The heading of a list each role's start page opens with.
FIRST_LIST = {
    "griffie": "Concepten om af te maken",
    "griffier": "Concepten om af te maken",
    "voorzitter": "Wacht op uw handtekening",
    "raadslid": "Stemmingen die nu open zijn",
    "rbop_secretaris": "Plannen in voorbereiding en consultatie",
}


def test_each_role_lands_on_its_own_start_page(
    concept,
    griffie,
    griffier,
    voorzitter,
    raadslid,
    rbop_secretaris,
    browser,
    logged_in_page,
    live_url,
    screenshot,
):
    people = {
        "griffie": griffie,
        "griffier": griffier,
        "voorzitter": voorzitter,
        "raadslid": raadslid,
        "rbop_secretaris": rbop_secretaris,
    }
    for role, person in people.items():
        page = browser.new_context(locale="nl-NL").new_page()
        logged_in_page(person, page=page)
        assert page.url == f"{live_url}/"
        expect(page.get_by_role("heading", name=FIRST_LIST[role])).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Goedendag")
        if role == "griffie":
            expect(page.get_by_role("link", name=concept.subject)).to_be_visible()
            screenshot(page, "12-startpagina-griffie")
        if role == "raadslid":
            expect(page.get_by_role("link", name=concept.subject)).to_have_count(0)
        assert_accessible(page)
        page.context.close()


def test_a_raadslid_follows_the_notice_of_a_proposal_sent_to_the_council(
    concept, griffie, raadslid, propose_advice, browser, logged_in_page, live_url
):
    propose_advice(concept)
    griffie_page = logged_in_page(griffie)
    griffie_page.goto(f"{live_url}/voorstellen/{concept.pk}/")
    griffie_page.get_by_role("button", name="Naar de raad sturen").click()
    expect(griffie_page.get_by_text("Gelukt: het voorstel heeft nu de status")).to_be_visible()

    page = browser.new_context(locale="nl-NL").new_page()
    logged_in_page(raadslid, page=page)
    page.get_by_role("link", name=re.compile(r"^Meldingen \(1\s+ongelezen\s*\)$")).click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Voorstel {concept.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(concept.number)
    page.goto(f"{live_url}/meldingen/")
    page.get_by_role("button", name="Alles gelezen").click()
    expect(page.get_by_role("link", name="Meldingen", exact=True)).to_be_visible()


def test_withdrawing_is_confirmed_on_a_page_of_its_own(concept, griffie, logged_in_page, live_url):
    page = logged_in_page(griffie)
    page.goto(f"{live_url}/voorstellen/{concept.pk}/")
    page.get_by_role("link", name="Intrekken…").click()
    assert_accessible(page)
    page.get_by_label("Waarom wordt het voorstel ingetrokken?").fill("Dubbel ingediend.")
    page.get_by_role("button", name="Ja, intrekken").click()
    expect(page.get_by_text("Gelukt: het voorstel heeft nu de status “Ingetrokken”.")).to_be_visible()
    assert Proposal.objects.get(pk=concept.pk).state == State.WITHDRAWN
