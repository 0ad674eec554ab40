"""The council's pages: a meeting from attendance to signature, and every refusal."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from raadsvoorstel import actions, demo
from raadsvoorstel.models import AgendaItem, CouncilMember, Meeting, Proposal, Role, State, Vote

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def council(bloemendaal, griffie):
    """Bloemendaal's 19 demo members, and the demo meeting of 5 October 2023."""
    text = (demo.FIXTURES / "members-GM0377.csv").read_text(encoding="utf-8")
    actions.import_members(bloemendaal, text, by=griffie)
    return Meeting.objects.create(
        municipality=bloemendaal, starts_at=datetime.datetime(2023, 10, 5, 20, tzinfo=AMSTERDAM)
    )


@pytest.fixture
def on_agenda(council, concept, griffie, propose_advice) -> AgendaItem:
    """Bloemendaal's proposal, proposing "geen wensen en bedenkingen", on the agenda."""
    proposal = propose_advice(concept)
    actions.submit_proposal(proposal, by=griffie)
    return actions.put_on_agenda(council, Proposal.objects.get(pk=proposal.pk), by=griffie)


def members(n: int) -> list[CouncilMember]:
    return list(CouncilMember.objects.order_by("name")[:n])


def post(client, name: str, *args, data=None, **kwargs):
    return client.post(reverse(name, args=args), data or {}, follow=True, **kwargs)


def test_the_meeting_page_says_how_many_must_be_present(client, griffie, council):
    client.force_login(griffie)
    response = client.get(reverse("meeting_detail", args=[council.pk]))
    assert "0 van de 19 leden met zitting aanwezig; om te openen zijn er 10 nodig" in response.text
    assert "Alle leden aanwezig" in response.text


def test_opening_without_quorum_is_refused_in_dutch_and_keeps_the_ticks(client, griffie, council):
    client.force_login(griffie)
    ticked = [m.pk for m in members(9)]
    response = post(client, "meeting_attendance", council.pk, data={"members": ticked, "open": "1"})
    assert (
        "Er zijn 9 leden aanwezig van de 19 met zitting; om te openen zijn er ten minste 10 nodig"
        in response.text
    )
    assert response.text.count("checked") >= 9  # what was ticked stays ticked
    assert Meeting.objects.get(pk=council.pk).opened_at is None


def test_all_members_present_ticks_everyone_to_untick(client, griffie, council):
    client.force_login(griffie)
    response = post(client, "meeting_attendance", council.pk, data={"all": "1"})
    assert response.text.count('type="checkbox" name="members"') == 19
    assert response.text.count(" checked") >= 19
    assert not Meeting.objects.get(pk=council.pk).attendances.exists()  # nothing saved yet


def test_saving_the_list_and_opening_is_one_step(client, griffie, council):
    client.force_login(griffie)
    response = post(
        client, "meeting_attendance", council.pk, data={"members": [m.pk for m in members(12)], "open": "1"}
    )
    assert "De presentielijst is opgeslagen en de vergadering is geopend." in response.text
    meeting = Meeting.objects.get(pk=council.pk)
    assert meeting.is_open and meeting.attendances.count() == 12


def test_the_bloemendaal_proposal_decided_as_in_reality_and_signed_by_both(
    client, griffie, voorzitter, griffier, on_agenda
):
    meeting = on_agenda.meeting
    client.force_login(griffie)
    post(client, "meeting_attendance", meeting.pk, data={"members": [m.pk for m in members(15)], "open": "1"})

    asked = post(
        client, "item_start_vote", meeting.pk, on_agenda.pk, data={"subject": "proposal", "mode": "hamerstuk"}
    )
    assert "Zonder stemming wordt dit als hamerstuk aangenomen" in asked.text
    assert Proposal.objects.get(pk=on_agenda.proposal_id).state == State.COUNCIL_ADVICE  # not yet
    response = post(
        client,
        "item_start_vote",
        meeting.pk,
        on_agenda.pk,
        data={"subject": "proposal", "mode": "hamerstuk", "confirmed": "True"},
    )

    assert "Zonder stemming aangenomen (hamerstuk)." in response.text
    assert "De stemming is geopend" not in response.text
    proposal = Proposal.objects.get(pk=on_agenda.proposal_id)
    assert proposal.state == State.ADVISED
    assert proposal.decision.advice == "geen_wensen_en_bedenkingen"
    assert proposal.decision.meeting_date == datetime.date(2023, 10, 5)

    for signer in (voorzitter, griffier):
        client.force_login(signer)
        page = client.get(reverse("proposal_sign", args=[proposal.pk]))
        assert "De raad voornoemd, d.d. 5 oktober 2023" in page.text
        refused = post(client, "proposal_sign", proposal.pk)  # without the confirmation
        assert "Bevestig dat u het besluit hebt gelezen." in refused.text
        post(client, "proposal_sign", proposal.pk, data={"confirm": "on"})

    assert Proposal.objects.get(pk=proposal.pk).state == State.SIGNED


def test_a_roll_call_with_an_adopted_amendment(
    client, griffie, make_user, council, import_document, bloemendaal_document
):
    proposal = import_document(
        {**bloemendaal_document, "number": "2023000901", "regional_plan": None, "themes": []}
    )
    actions.submit_proposal(proposal, by=griffie)
    item = actions.put_on_agenda(council, proposal, by=griffie)
    present = members(15)
    client.force_login(griffie)
    post(client, "meeting_attendance", council.pk, data={"members": [m.pk for m in present], "open": "1"})

    response = post(
        client,
        "item_amendment",
        council.pk,
        item.pk,
        data={
            "title": "Jaarlijkse evaluatie",
            "submitters": "Eva Jansen, Ruben Kok",
            "point_2_action": "replace",
            "point_2": "een nieuwe tekst.",
            "insert_at": "3",
            "insert_text": "jaarlijks te evalueren.",
        },
    )
    assert "Het amendement is ingediend." in response.text
    amendment = item.amendments.get()
    post(
        client,
        "item_start_vote",
        council.pk,
        item.pk,
        data={"mode": "handopsteking", "subject": f"amendment-{amendment.pk}"},
    )
    vote = Vote.objects.get(amendment=amendment)
    post(client, "item_close_vote", council.pk, item.pk, vote.pk, data={"votes_for": 9, "votes_against": 6})
    page = client.get(reverse("item_detail", args=[council.pk, item.pk])).text
    assert "zoals gewijzigd door de aangenomen amendementen" in page and "jaarlijks te evalueren." in page

    # The proposal itself by roll call: one member in their own browser, the rest by the griffie.
    post(client, "item_start_vote", council.pk, item.pk, data={"mode": "hoofdelijk", "subject": "proposal"})
    roll_call = Vote.objects.get(amendment=None)
    own = make_user(Role.RAADSLID, username="eigen-stem")
    present[0].user = own
    present[0].save()
    client.force_login(own)
    own_page = client.get(reverse("my_votes")).text
    assert "Voor" in own_page and "jaarlijks te evalueren." in own_page  # the points as they now stand
    assert (
        "Uw stem is uitgebracht."
        in post(client, "my_votes", data={"vote": roll_call.pk, "choice": "voor"}).text
    )
    client.force_login(griffie)
    for member, choice in zip(present[1:], ["voor"] * 9 + ["tegen"] * 5, strict=True):
        post(client, "item_ballot", council.pk, item.pk, roll_call.pk, member.pk, data={"choice": choice})
    panel = client.get(reverse("item_vote_panel", args=[council.pk, item.pk])).text
    assert "Tot nu toe 10 voor en 5 tegen; nog 0 te gaan." in panel
    response = post(client, "item_close_vote", council.pk, item.pk, roll_call.pk)

    assert "Per fractie" in response.text and "in de volgorde van de oproeping" in response.text
    proposal.refresh_from_db()
    assert proposal.state == State.ADVISED
    assert proposal.decision_points.get(position=2).text == "een nieuwe tekst."
    assert proposal.decision_points.get(position=3).text == "jaarlijks te evalueren."
    assert proposal.decision.member_votes.count() == 15
    assert proposal.decision.amendments.get().result == "aangenomen"


def test_counts_beyond_attendance_are_refused_and_the_vote_stays_open(client, griffie, on_agenda):
    meeting = on_agenda.meeting
    client.force_login(griffie)
    post(client, "meeting_attendance", meeting.pk, data={"members": [m.pk for m in members(12)], "open": "1"})
    post(
        client,
        "item_start_vote",
        meeting.pk,
        on_agenda.pk,
        data={"mode": "handopsteking", "subject": "proposal"},
    )
    vote = Vote.objects.get()

    response = post(
        client,
        "item_close_vote",
        meeting.pk,
        on_agenda.pk,
        vote.pk,
        data={"votes_for": 10, "votes_against": 5},
    )

    assert "Er zijn 15 stemmen uitgebracht, maar 12 aanwezige leden mochten stemmen." in response.text
    assert Vote.objects.get().is_open


def test_a_raadslid_cannot_run_the_meeting(client, raadslid, council):
    client.force_login(raadslid)
    assert (
        client.post(
            reverse("meeting_attendance", args=[council.pk]), {"members": [], "open": "1"}
        ).status_code
        == 403
    )
    assert client.post(reverse("meeting_close", args=[council.pk])).status_code == 403


def test_a_raadslid_without_a_member_cannot_vote(client, raadslid, council):
    client.force_login(raadslid)
    assert client.get(reverse("my_votes")).status_code == 403


def test_another_municipalitys_meeting_does_not_exist(client, make_user, council):
    amsterdam = actions.add_municipality("GM0363", "Amsterdam", seats=45)
    client.force_login(make_user(Role.GRIFFIEMEDEWERKER, username="amsterdam", municipality=amsterdam))
    assert client.get(reverse("meeting_detail", args=[council.pk])).status_code == 404


def test_signing_by_a_user_without_the_role_is_refused(client, make_user, on_agenda, griffie):
    proposal = on_agenda.proposal
    actions.set_attendance(on_agenda.meeting, members(12), by=griffie)
    actions.open_meeting(on_agenda.meeting, by=griffie)
    actions.start_vote(on_agenda, "hamerstuk", by=griffie)
    client.force_login(make_user(Role.RAADSLID, username="gewoon-lid"))
    assert client.get(reverse("proposal_sign", args=[proposal.pk])).status_code == 403


def test_the_griffier_records_a_decision_signed_on_paper(
    client, griffie, griffier, voorzitter, on_agenda, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    actions.set_attendance(on_agenda.meeting, members(12), by=griffie)
    actions.open_meeting(on_agenda.meeting, by=griffie)
    actions.start_vote(on_agenda, "hamerstuk", by=griffie)
    client.force_login(griffier)
    scan = SimpleUploadedFile("besluit.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    page = client.get(reverse("proposal_sign", args=[on_agenda.proposal_id]))
    assert "Voorzitter Test" in page.text  # chosen from the people configured, not typed
    post(
        client,
        "proposal_sign",
        on_agenda.proposal_id,
        data={"scan": scan, "voorzitter": voorzitter.pk, "griffier": griffier.pk, "date": "2023-10-06"},
    )

    proposal = Proposal.objects.get(pk=on_agenda.proposal_id)
    assert proposal.state == State.SIGNED
    assert len(proposal.decision.paper_scan_sha256) == 64
    assert sorted(proposal.decision.signatures.values_list("name", flat=True)) == [
        "Griffier Test",
        "Voorzitter Test",
    ]


def test_a_griffiemedewerker_cannot_record_a_decision_signed_on_paper(
    client, griffie, griffier, voorzitter, on_agenda, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    actions.set_attendance(on_agenda.meeting, members(12), by=griffie)
    actions.open_meeting(on_agenda.meeting, by=griffie)
    actions.start_vote(on_agenda, "hamerstuk", by=griffie)
    client.force_login(griffie)
    scan = SimpleUploadedFile("besluit.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    response = client.post(
        reverse("proposal_sign", args=[on_agenda.proposal_id]),
        {"scan": scan, "voorzitter": voorzitter.pk, "griffier": griffier.pk, "date": "2023-10-06"},
    )

    assert response.status_code == 403
    assert Proposal.objects.get(pk=on_agenda.proposal_id).state == State.ADVISED
    assert list(tmp_path.iterdir()) == []


def test_members_are_read_from_csv_all_or_nothing(client, griffie, bloemendaal):
    client.force_login(griffie)
    bad = SimpleUploadedFile(
        "leden.csv", b"naam;fractie;vanaf;tot en met\nA;X;2022-03-30;\nB;Y;30-03-2022;\n"
    )
    response = post(client, "member_list", data={"file": bad})
    assert "regel 3" in response.text
    assert not CouncilMember.objects.exists()

    good = SimpleUploadedFile(
        "leden.csv", b"naam;fractie;vanaf;tot en met\nA;X;2022-03-30;\nB;Y;2022-03-30;\n"
    )
    assert "De raadsleden zijn ingelezen." in post(client, "member_list", data={"file": good}).text
    assert CouncilMember.objects.count() == 2


# --- The meeting's pages after opening ---


def opened(client, griffie, meeting, count=12):
    client.force_login(griffie)
    post(
        client,
        "meeting_attendance",
        meeting.pk,
        data={"members": [m.pk for m in members(count)], "open": "1"},
    )


def test_a_departure_and_an_arrival_are_recorded_with_their_time(client, griffie, council):
    opened(client, griffie, council)
    leaving, coming = members(12)[0], members(13)[12]
    response = post(client, "meeting_presence", council.pk, data={"member": leaving.pk, "left": "1"})
    assert f"{leaving.name} is vertrokken." in response.text
    response = post(client, "meeting_presence", council.pk, data={"member": coming.pk, "arrived": "1"})
    assert f"{coming.name} komt binnen" in response.text and "Nu 12 leden aanwezig." in response.text
    assert "Bij de opening tekenden er 12." in response.text


def test_a_vote_opened_by_mistake_is_withdrawn_on_the_page(client, griffie, on_agenda):
    opened(client, griffie, on_agenda.meeting)
    post(
        client,
        "item_start_vote",
        on_agenda.meeting.pk,
        on_agenda.pk,
        data={"subject": "proposal", "mode": "hoofdelijk"},
    )
    vote = Vote.objects.get()
    response = post(
        client,
        "item_withdraw_vote",
        on_agenda.meeting.pk,
        on_agenda.pk,
        vote.pk,
        data={"reason": "per vergissing"},
    )
    assert "De stemming is ingetrokken." in response.text
    assert "per vergissing" in response.text


def test_a_closed_meeting_has_its_besluitenlijst_as_pdf(client, griffie, on_agenda):
    import io

    from pypdf import PdfReader

    meeting = on_agenda.meeting
    opened(client, griffie, meeting)
    post(
        client,
        "item_start_vote",
        meeting.pk,
        on_agenda.pk,
        data={"subject": "proposal", "mode": "hamerstuk", "confirmed": "True"},
    )
    early = client.get(reverse("besluitenlijst_pdf", args=[meeting.pk]), follow=True)
    assert "De besluitenlijst als PDF komt er zodra de vergadering is gesloten." in early.text
    post(client, "meeting_close", meeting.pk)
    response = client.get(reverse("besluitenlijst_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join((page.extract_text() or "") for page in pages).replace("\u2010\n", "")
    assert "Besluitenlijst van de raadsvergadering van 5 oktober 2023" in " ".join(text.split())
    assert "hamerstuk" in text and "aangenomen" in text


def test_only_the_griffier_corrects_a_closed_meetings_attendance(client, griffie, griffier, council):
    opened(client, griffie, council)
    post(client, "meeting_close", council.pk)
    data = {"members": [m.pk for m in members(13)], "reason": "lid vergeten af te vinken"}
    assert client.post(reverse("meeting_correct_attendance", args=[council.pk]), data).status_code == 403
    client.force_login(griffier)
    response = post(client, "meeting_correct_attendance", council.pk, data=data)
    assert "De presentielijst is gecorrigeerd" in response.text
    assert Meeting.objects.get(pk=council.pk).attendances.count() == 13


def test_a_membership_is_ended_in_the_pages(client, griffie, council):
    client.force_login(griffie)
    member = members(1)[0]
    data = {
        "name": member.name,
        "party": member.party,
        "seated_from": member.seated_from.isoformat(),
        "seated_until": "2023-09-30",
    }
    response = post(client, "member_edit", member.pk, data=data)
    assert f"De gegevens van {member.name} zijn opgeslagen." in response.text
    assert CouncilMember.objects.get(pk=member.pk).seated_until == datetime.date(2023, 9, 30)
    assert (
        "0 van de 18 leden met zitting aanwezig"
        in client.get(reverse("meeting_detail", args=[council.pk])).text
    )


def ids_on(html: str) -> list[str]:
    from html.parser import HTMLParser

    found = []

    class Ids(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(value for name, value in attrs if name == "id")

    Ids().feed(html)
    return found


def test_every_label_on_the_meeting_pages_finds_its_own_field(client, griffie, on_agenda):
    """Forms sharing a page (amendment and motie, correction and withdrawal) have their own ids."""
    meeting = on_agenda.meeting
    opened(client, griffie, meeting)
    post(
        client,
        "item_start_vote",
        meeting.pk,
        on_agenda.pk,
        data={"subject": "proposal", "mode": "hoofdelijk"},
    )
    vote = Vote.objects.get()
    first = vote.called_members()[0]
    post(client, "item_ballot", meeting.pk, on_agenda.pk, vote.pk, first.pk, data={"choice": "voor"})
    for page in (
        reverse("item_detail", args=[meeting.pk, on_agenda.pk]),
        reverse("meeting_detail", args=[meeting.pk]),
    ):
        ids = ids_on(client.get(page).text)
        assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
