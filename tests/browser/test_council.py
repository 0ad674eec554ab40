"""The council decides in Chromium: three councillors vote in their own browsers during
one roll call, the griffie closes it, the result and the advice appear, and voorzitter
and griffier sign. Every page on the way passes axe-core."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from raadsvoorstel import actions, demo
from raadsvoorstel.models import CouncilMember, Meeting, Proposal, Role, State, User

from . import support

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page, axe_violations) -> None:
    violations = axe_violations(page)
    assert violations == [], support.describe_violations(violations)


@pytest.fixture
def meeting(bloemendaal, griffie, concept) -> Meeting:
    """Bloemendaal's 19 members, the IMV proposal on the agenda of 5 October 2023, 15 present."""
    actions.import_members(
        bloemendaal, (demo.FIXTURES / "members-GM0377.csv").read_text(encoding="utf-8"), by=griffie
    )
    meeting = Meeting.objects.create(
        municipality=bloemendaal,
        starts_at=datetime.datetime(2023, 10, 5, 20, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam")),
    )
    actions.submit_proposal(concept, by=griffie)
    actions.put_on_agenda(meeting, concept, by=griffie)
    return meeting


def councillor(member: CouncilMember) -> User:
    user = User.objects.create(
        username=member.name.split()[0].lower(),
        first_name=member.name,
        role=Role.RAADSLID,
        municipality=member.municipality,
    )
    member.user = user
    member.save()
    return user


def test_three_councillors_vote_the_griffie_closes_and_both_sign(
    meeting, griffie, voorzitter, griffier, logged_in_page, axe_violations, screenshot, browser, live_url
):
    page = logged_in_page(griffie)
    page.goto(f"{live_url}/vergaderingen/{meeting.pk}/")
    expect(page.get_by_text("0 aanwezig; om te openen zijn er 10 nodig")).to_be_visible()
    assert_accessible(page, axe_violations)

    members = list(CouncilMember.objects.order_by("name"))
    present = members[:15]
    for member in present:
        page.get_by_label(f"{member.name} ({member.party})").check()
    page.get_by_role("button", name="Presentielijst opslaan").click()
    expect(page.get_by_text("15 aanwezig")).to_be_visible()
    page.get_by_role("button", name="Vergadering openen").click()
    expect(page.get_by_text("De vergadering is geopend.").first).to_be_visible()
    screenshot(page, "6-vergadering")

    page.get_by_role("link", name="Veiligheidsbeleid 2024-2027").click()
    assert_accessible(page, axe_violations)
    page.get_by_label("Wijze van stemmen").select_option("hoofdelijk")
    page.get_by_role("button", name="Stemming openen").click()
    expect(page.get_by_role("heading", name="Stemming: het voorstel (hoofdelijke stemming)")).to_be_visible()

    # Three councillors, each in their own browser, vote at the same time.
    voters = [(present[0], "Voor"), (present[1], "Voor"), (present[2], "Tegen")]
    their_pages = []
    for member, choice in voters:
        own = browser.new_context(locale="nl-NL").new_page()
        logged_in_page(councillor(member), page=own)
        own.goto(f"{live_url}/stemmen/")
        their_pages.append((own, choice))
    assert_accessible(their_pages[0][0], axe_violations)
    for own, choice in their_pages:
        own.get_by_role("button", name=choice).click()
    for own, _choice in their_pages:
        expect(own.get_by_text("Uw stem is uitgebracht.")).to_be_visible()
    screenshot(their_pages[0][0], "7-stemmen-als-raadslid")

    # The griffie enters the others' votes from the roll call, and closes the vote.
    page.reload()
    for member in present[3:12]:
        page.get_by_role("button", name=f"voor {member.name}").click()
    assert_accessible(page, axe_violations)
    screenshot(page, "8-hoofdelijke-stemming")
    page.get_by_role("button", name="Stemming sluiten").click()

    expect(page.get_by_text("Besluit: aangenomen — geen wensen en bedenkingen.")).to_be_visible()
    expect(page.get_by_role("table", name="Per fractie")).to_be_visible()
    proposal = Proposal.objects.get(number="2023000853")
    assert proposal.state == State.ADVISED
    assert (proposal.decision.votes_for, proposal.decision.votes_against) == (11, 1)

    for signer in (voorzitter, griffier):
        signing = browser.new_context(locale="nl-NL").new_page()
        logged_in_page(signer, page=signing)
        signing.goto(f"{live_url}/voorstellen/{proposal.pk}/")
        signing.get_by_role("link", name="Ondertekenen").click()
        expect(signing.get_by_text("De raad voornoemd, d.d. 5 oktober 2023")).to_be_visible()
        assert_accessible(signing, axe_violations)
        signing.get_by_label("Ik heb het raadsbesluit gelezen en onderteken het.").check()
        signing.get_by_role("button", name="Ondertekenen").click()
        expect(signing.get_by_text("U hebt het besluit ondertekend.")).to_be_visible()

    expect(signing.get_by_text("Ondertekend").first).to_be_visible()
    screenshot(signing, "9-ondertekend")
    assert Proposal.objects.get(pk=proposal.pk).state == State.SIGNED
