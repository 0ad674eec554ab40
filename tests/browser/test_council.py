"""A council runs its meetings in Chromium, to the letter of the Gemeentewet: a vacancy, an
invalid vote that sends the item to the next meeting, a departure, an amendment that adds a
point (the council's wensen en bedenkingen), a member excluded under art. 28, a roll call
with a councillor voting in their own browser and a vote the griffie corrects, a motie, the
besluitenlijst, and voorzitter and griffier signing. Every page on the way passes axe-core."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from raadsvoorstel import actions, demo
from raadsvoorstel.models import CouncilMember, Meeting, Proposal, Role, State, User, Vote

from .support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
WISHES = (
    "de burgemeester te berichten dat de raad wil dat de aanpak van drugsafval in de duinen "
    "een eigen plaats krijgt."
)


@pytest.fixture
def meetings(bloemendaal, griffie, concept, propose_advice) -> tuple[Meeting, Meeting]:
    """Bloemendaal's members with one seat vacant since September; the IMV proposal on the agenda
    of 5 October 2023, and a next meeting on 2 November."""
    actions.import_members(
        bloemendaal, (demo.FIXTURES / "members-GM0377.csv").read_text(encoding="utf-8"), by=griffie
    )
    leaving = CouncilMember.objects.order_by("name").last()
    actions.update_member(
        leaving,
        name=leaving.name,
        party=leaving.party,
        seated_from=leaving.seated_from,
        seated_until=datetime.date(2023, 9, 30),
        by=griffie,
    )
    first = actions.schedule_meeting(
        bloemendaal, datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM), "Raadzaal", by=griffie
    )
    second = actions.schedule_meeting(
        bloemendaal, datetime.datetime(2023, 11, 2, 20, tzinfo=AMSTERDAM), "Raadzaal", by=griffie
    )
    proposal = propose_advice(concept)
    actions.submit_proposal(proposal, by=griffie)
    actions.put_on_agenda(first, Proposal.objects.get(pk=proposal.pk), by=griffie)
    return first, second


def councillor(member: CouncilMember) -> User:
    user = User.objects.create(
        username=member.name.split()[0].lower(),
        first_name=member.name,
        role=Role.RAADSLID,
        municipality=member.municipality,
    )
    member.user = user
    actions.save_reference(member, by=None, changed=["user"])
    return user


def test_a_council_runs_two_meetings_to_the_letter_of_the_law_and_signs(
    meetings, griffie, voorzitter, griffier, logged_in_page, screenshot, browser, live_url
):
    first, second = meetings
    members = list(first.seated_members().order_by("name"))
    assert len(members) == 18  # one seat vacant: 18 members with zitting

    # --- 5 October: the list, a departure, an invalid vote ---
    page = logged_in_page(griffie)
    page.goto(f"{live_url}/vergaderingen/{first.pk}/")
    expect(
        page.get_by_text("0 van de 18 leden met zitting aanwezig; om te openen zijn er 10 nodig")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Alle leden aanwezig").click()
    for member in members[12:]:
        page.get_by_label(f"{member.name} ({member.party})").uncheck()
    page.get_by_role("button", name="Opslaan en vergadering openen").click()
    expect(page.get_by_text("De presentielijst is opgeslagen en de vergadering is geopend.")).to_be_visible()
    page.get_by_label("Raadslid").select_option(label=f"{members[0].name} ({members[0].party})")
    page.get_by_role("button", name="Vertrekt").click()
    expect(page.get_by_text(f"{members[0].name} is vertrokken.")).to_be_visible()
    expect(page.get_by_text("Nu 11 leden aanwezig.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "6-vergadering")

    page.get_by_role("link", name="Veiligheidsbeleid 2024-2027").click()
    page.get_by_label("Titel").first.fill("Drugsafval in de duinen")
    page.get_by_label("Indieners").first.fill("Jeroen Bakker, Fatima El Amrani")
    page.get_by_label("Nieuw beslispunt invoegen als punt").select_option("3")
    page.get_by_label("Tekst van het nieuwe beslispunt").fill(WISHES)
    page.get_by_label("Advies (wensen en bedenkingen)").select_option("wensen_en_bedenkingen")
    page.get_by_label("Tekst van de wensen en bedenkingen").fill(WISHES)
    page.get_by_role("button", name="Indienen").first.click()
    expect(page.get_by_text("Het amendement is ingediend.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Over").select_option(label="amendement “Drugsafval in de duinen”")
    page.get_by_label("Wijze van stemmen").select_option("handopsteking")
    page.get_by_role("button", name="Verder").click()
    expect(
        page.get_by_role("heading", name="Stemming: Drugsafval in de duinen (handopsteking)")
    ).to_be_visible()
    page.get_by_label("Stemmen voor").fill("5")
    page.get_by_label("Stemmen tegen").fill("3")
    page.get_by_role("button", name="Stemming sluiten").click()
    expect(
        page.get_by_role("heading", name="Drugsafval in de duinen, handopsteking: ongeldig")
    ).to_be_visible()
    expect(page.get_by_text("Aangehouden").first).to_be_visible()
    page.get_by_label("Naar de vergadering van").select_option(label=str(second))
    page.get_by_role("button", name="Verplaatsen").click()
    expect(page.get_by_text("Het voorstel is aangehouden tot de volgende vergadering.")).to_be_visible()
    page.goto(f"{live_url}/vergaderingen/{first.pk}/")
    page.get_by_role("button", name="Vergadering sluiten").click()
    expect(page.get_by_text("De vergadering is gesloten.")).to_be_visible()

    # --- 2 November: the amendment (no quorum needed after the invalid vote), a roll call ---
    page.goto(f"{live_url}/vergaderingen/{second.pk}/")
    page.get_by_role("button", name="Alle leden aanwezig").click()
    for member in members[15:]:
        page.get_by_label(f"{member.name} ({member.party})").uncheck()
    page.get_by_role("button", name="Opslaan en vergadering openen").click()
    page.get_by_role("link", name="Veiligheidsbeleid 2024-2027").click()
    expect(page.get_by_text("De vorige stemming hierover was ongeldig")).to_be_visible()
    page.get_by_label("Over").select_option(label="amendement “Drugsafval in de duinen”")
    page.get_by_label("Wijze van stemmen").select_option("handopsteking")
    page.get_by_role("button", name="Verder").click()
    page.get_by_label("Stemmen voor").fill("9")
    page.get_by_label("Stemmen tegen").fill("6")
    page.get_by_role("button", name="Stemming sluiten").click()
    expect(
        page.get_by_role("heading", name="Beslispunten, zoals gewijzigd door de aangenomen amendementen")
    ).to_be_visible()
    expect(page.locator(".decision__points li").nth(2)).to_have_text(WISHES)

    excluded = members[1]
    page.get_by_label("Over").select_option(label="het voorstel")
    page.get_by_label("Wijze van stemmen").select_option("hoofdelijk")
    page.get_by_label(f"{excluded.name} ({excluded.party})").check()
    page.get_by_label("Reden van uitsluiting").fill("belang bij het besluit (art. 28)")
    page.get_by_role("button", name="Verder").click()
    expect(
        page.get_by_role(
            "heading",
            name="Stemming: Veiligheidsbeleid 2024-2027 van de Eenheid Noord-Holland (hoofdelijke stemming)",
        )
    ).to_be_visible()
    vote = Vote.objects.get(status="open")
    called = vote.called_members()
    assert excluded not in called and len(called) == 14

    # One councillor votes in their own browser; the amendment's text is there to read.
    own = browser.new_context(locale="nl-NL").new_page()
    logged_in_page(councillor(called[0]), page=own)
    own.goto(f"{live_url}/stemmen/")
    expect(own.get_by_text(WISHES).first).to_be_visible()
    assert_accessible(own)
    own.get_by_role("button", name="Voor", exact=True).click()
    expect(own.get_by_text("Uw stem is uitgebracht.")).to_be_visible()
    screenshot(own, "7-stemmen-als-raadslid")

    # The griffie sees it arrive without reloading, enters the others, corrects one slip.
    expect(page.get_by_text("Tot nu toe 1 voor en 0 tegen; nog 13 te gaan.")).to_be_visible(timeout=10_000)
    for member in called[1:12]:
        page.get_by_role("button", name=f"voor {member.name}").click()
    for member in called[12:]:
        page.get_by_role("button", name=f"tegen {member.name}").click()
    slip = called[12]
    page.get_by_text("Een ingevoerde stem corrigeren").click()
    page.get_by_label("Raadslid", exact=True).select_option(label=f"{slip.name} ({slip.party})")
    page.get_by_label("Juiste stem").select_option("voor")
    page.get_by_label("Reden", exact=True).fill("verkeerd ingevoerd")
    page.get_by_role("button", name="Correctie vastleggen").click()
    expect(page.get_by_text(f"De stem van {slip.name} is gecorrigeerd.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "8-hoofdelijke-stemming")
    page.get_by_role("button", name="Stemming sluiten").click()
    expect(page.get_by_text("Besluit: aangenomen — wensen en bedenkingen.")).to_be_visible()
    expect(page.get_by_role("table", name="Per raadslid, in de volgorde van de oproeping")).to_be_visible()

    # A motie, voted on after the proposal.
    page.get_by_label("Titel").last.fill("Duinen schoon")
    page.get_by_label("Tekst van de motie").fill(
        "verzoekt het college de duinen jaarlijks te laten schoonmaken."
    )
    page.get_by_label("Indieners").last.fill("Willem Hoekstra")
    page.get_by_role("button", name="Indienen").last.click()
    page.get_by_label("Over").select_option(label="motie “Duinen schoon”")
    page.get_by_label("Wijze van stemmen").select_option("handopsteking")
    page.get_by_role("button", name="Verder").click()
    page.get_by_label("Stemmen voor").fill("10")
    page.get_by_label("Stemmen tegen").fill("5")
    page.get_by_role("button", name="Stemming sluiten").click()
    expect(page.get_by_role("heading", name="Duinen schoon, handopsteking: aangenomen")).to_be_visible()

    page.goto(f"{live_url}/vergaderingen/{second.pk}/")
    page.get_by_role("button", name="Vergadering sluiten").click()
    page.get_by_role("link", name="Besluitenlijst").click()
    expect(page.get_by_text("Motie “Duinen schoon” (Willem Hoekstra): aangenomen.")).to_be_visible()
    expect(page.get_by_text(f"Uitgesloten (art. 28): {excluded.name}")).to_be_visible()
    assert_accessible(page)
    pdf = page.request.get(f"{live_url}/vergaderingen/{second.pk}/besluitenlijst.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-1.7")

    proposal = Proposal.objects.get(number="2023000853")
    assert proposal.state == State.ADVISED
    assert (proposal.decision.advice, proposal.decision.votes_for, proposal.decision.votes_against) == (
        "wensen_en_bedenkingen",
        13,
        1,
    )
    assert proposal.decision.excluded == [[excluded.name, excluded.party]]

    # --- Voorzitter and griffier sign ---
    for signer in (voorzitter, griffier):
        signing = browser.new_context(locale="nl-NL").new_page()
        logged_in_page(signer, page=signing)
        signing.goto(f"{live_url}/voorstellen/{proposal.pk}/")
        signing.get_by_role("link", name="Ondertekenen").click()
        expect(signing.get_by_text("De raad voornoemd, d.d. 2 november 2023")).to_be_visible()
        assert_accessible(signing)
        signing.get_by_label("Ik heb het raadsbesluit gelezen en onderteken het.").check()
        signing.get_by_role("button", name="Ondertekenen").click()
        expect(signing.get_by_text("U hebt het besluit ondertekend.")).to_be_visible()

    expect(signing.get_by_text("Ondertekend").first).to_be_visible()
    screenshot(signing, "9-ondertekend")
    assert Proposal.objects.get(pk=proposal.pk).state == State.SIGNED


def test_the_griffie_ends_a_membership_confirms_a_hamerstuk_and_withdraws_a_mistaken_vote(
    bloemendaal, griffie, concept, propose_advice, logged_in_page, live_url
):
    actions.import_members(
        bloemendaal, (demo.FIXTURES / "members-GM0377.csv").read_text(encoding="utf-8"), by=griffie
    )
    leaving = CouncilMember.objects.order_by("name").first()
    meeting = actions.schedule_meeting(
        bloemendaal, datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM), "Raadzaal", by=griffie
    )
    proposal = propose_advice(concept)
    actions.submit_proposal(proposal, by=griffie)
    item = actions.put_on_agenda(meeting, Proposal.objects.get(pk=proposal.pk), by=griffie)

    # A member leaves the council at the end of September: the seat is vacant from then on.
    page = logged_in_page(griffie)
    page.goto(f"{live_url}/raadsleden/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Wijzigen {leaving.name}").click()
    page.get_by_label("Lid tot en met").fill("2023-09-30")
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("cell", name="30 september 2023")).to_be_visible()
    page.goto(f"{live_url}/vergaderingen/{meeting.pk}/")
    expect(page.get_by_text("0 van de 18 leden met zitting aanwezig")).to_be_visible()

    page.get_by_role("button", name="Alle leden aanwezig").click()
    page.get_by_role("button", name="Opslaan en vergadering openen").click()
    page.goto(f"{live_url}/vergaderingen/{meeting.pk}/punten/{item.pk}/")

    # A roll call opened by mistake is withdrawn, with its reason kept.
    page.get_by_label("Over").select_option(label="het voorstel")
    page.get_by_label("Wijze van stemmen").select_option("hoofdelijk")
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Stemming intrekken (per vergissing geopend)").click()
    page.get_by_label("Waarom wordt de stemming ingetrokken?").fill("per vergissing geopend")
    page.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_text("Reden: per vergissing geopend")).to_be_visible()

    # A hamerstuk asks to be confirmed first, and then says what happened.
    assert page.get_by_label("Wijze van stemmen").input_value() == ""
    page.get_by_label("Over").select_option(label="het voorstel")
    page.get_by_label("Wijze van stemmen").select_option("hamerstuk")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_text("Zonder stemming wordt dit als hamerstuk aangenomen")).to_be_visible()
    assert_accessible(page)
    assert Proposal.objects.get(pk=proposal.pk).state != State.ADVISED
    page.get_by_role("button", name="Ja, zonder stemming aannemen").click()
    expect(page.get_by_text("Zonder stemming aangenomen (hamerstuk).")).to_be_visible()
    assert_accessible(page)
    assert Proposal.objects.get(pk=proposal.pk).state == State.ADVISED
