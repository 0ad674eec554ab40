"""The public side: anyone, without logging in, reads each municipality's signed decisions
from public meetings, each raadsbesluit as text with its vote and its archived PDF, and a
regional plan with the councils' answers. Nothing else is ever shown, and what is not public
answers exactly as what does not exist."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from raadsvoorstel import actions, pdf, permissions
from raadsvoorstel.models import (
    Advice,
    ArchivedDecision,
    Municipality,
    PlanState,
    Proposal,
    RegionalPlan,
    State,
)
from tests.conftest import HAMERSTUK, with_state
from tests.test_regional import answer, decided, fields_of, pdf_upload, send, template

pytestmark = pytest.mark.django_db

SIGNATURES = [
    {"role": "voorzitter", "name": "E.J. Roest", "date": "2023-10-06"},
    {"role": "griffier", "name": "M. Janssen", "date": "2023-10-06"},
]
SIGNED = {**HAMERSTUK, "signatures": SIGNATURES}
# A rejected proposal carries no advice: its wording is what the council voted down.
REJECTED = {
    **HAMERSTUK,
    "advice": None,
    "result": "verworpen",
    "vote": {"mode": "handopsteking", "for": 4, "against": 11},
}
# Each state a proposal can be imported in, with the decision it carries there.
STATES = [
    (State.CONCEPT, None),
    (State.COUNCIL_ADVICE, None),
    (State.WITHDRAWN, None),
    (State.ADVISED, HAMERSTUK),
    (State.REJECTED, REJECTED),
    (State.SIGNED, SIGNED),
]
MEETINGS = [("openbaar", True), ("besloten", False)]
# Only a signed raadsbesluit of a public meeting is public (rbop_adopted: see the plan's tests).
PUBLIC = {(State.SIGNED, "openbaar")}
PAGE_KINDS = ["page", "pdf", "pdf by id"]
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def number_of(state: str, meeting: str) -> str:
    return f"2023-{state}-{meeting}"


def stored(import_document, document: dict, state: str, decision: dict | None, *, public: bool) -> Proposal:
    """The document in `state`, decided in a public meeting or not, answering no regional plan
    (a rejected answer to a plan would still need its advice)."""
    if decision is not None:
        decision = {**decision, "meeting_public": public}
    return import_document(with_state({**document, "regional_plan": None}, state, decision))


@pytest.fixture
def every_kind(import_document, bloemendaal_document, run_tasks) -> dict[tuple[str, str], Proposal]:
    """One Bloemendaal proposal per state and kind of meeting, numbered after both; archived."""
    made = {}
    for state, decision in STATES:
        for meeting, public in MEETINGS:
            document = {**bloemendaal_document, "number": number_of(state, meeting)}
            made[(state, meeting)] = stored(import_document, document, state, decision, public=public)
    run_tasks()
    return made


def url_of(kind: str, proposal: Proposal) -> str:
    if kind == "pdf by id":
        return reverse("raadsbesluit_pdf", args=[proposal.pk])
    name = {"page": "public_decision", "pdf": "public_raadsbesluit_pdf"}[kind]
    return reverse(name, kwargs={"code": "GM0377", "number": proposal.number})


# --- Who sees what ---


@pytest.mark.parametrize("kind", PAGE_KINDS)
@pytest.mark.parametrize(("meeting", "public"), MEETINGS)
@pytest.mark.parametrize(("state", "decision"), STATES)
def test_only_a_signed_besluit_of_a_public_meeting_is_shown_to_anyone(
    client, import_document, bloemendaal_document, run_tasks, state, decision, meeting, public, kind
):
    proposal = stored(import_document, bloemendaal_document, state, decision, public=public)
    run_tasks()
    expected = 200 if (state, meeting) in PUBLIC else 404
    assert client.get(url_of(kind, proposal)).status_code == expected


def test_public_decisions_and_may_read_publicly_agree_on_every_state(every_kind):
    public = set(permissions.public_decisions().values_list("pk", flat=True))
    for key, proposal in every_kind.items():
        proposal = Proposal.objects.select_related("decision").get(pk=proposal.pk)
        assert permissions.may_read_publicly(proposal) is (proposal.pk in public), key
        assert (proposal.pk in public) is (key in PUBLIC), key


def test_a_guessed_number_gets_the_same_404_as_one_that_does_not_exist(client, every_kind):
    def not_found(url: str) -> bytes:
        response = client.get(url)
        assert response.status_code == 404
        return response.content

    missing = not_found(reverse("public_decision", kwargs={"code": "GM0377", "number": "2099-bestaat-niet"}))
    missing_pdf = not_found(reverse("raadsbesluit_pdf", args=[10**9]))
    for key, proposal in every_kind.items():
        if key in PUBLIC:
            continue
        assert not_found(url_of("page", proposal)) == missing, key
        assert not_found(url_of("pdf", proposal)) == missing, key
        assert not_found(url_of("pdf by id", proposal)) == missing_pdf, key
        assert proposal.number.encode() not in missing


def test_the_list_the_feed_and_the_sitemap_carry_only_public_decisions(client, every_kind):
    shown = number_of(State.SIGNED, "openbaar")
    hidden = [proposal.number for key, proposal in every_kind.items() if key not in PUBLIC]

    pages = {
        "index": client.get(reverse("public_municipalities")),
        "list": client.get(reverse("public_decisions", kwargs={"code": "GM0377"})),
        "feed": client.get(reverse("public_decisions_feed", kwargs={"code": "GM0377"})),
        "sitemap": client.get(reverse("sitemap")),
    }

    assert all(response.status_code == 200 for response in pages.values())
    for name in ("list", "feed", "sitemap"):
        assert shown in pages[name].text, name
        for number in hidden:
            assert number not in pages[name].text, (name, number)
    assert "Bloemendaal" in pages["index"].text
    assert pages["feed"]["Content-Type"].startswith("application/atom+xml")
    assert "/gemeenten/GM0377/besluiten/" in pages["sitemap"].text


def test_a_municipality_without_public_decisions_is_not_in_the_index(
    client, import_document, bloemendaal_document
):
    stored(import_document, bloemendaal_document, State.SIGNED, SIGNED, public=False)
    assert "Bloemendaal" not in client.get(reverse("public_municipalities")).text
    assert "/gemeenten/GM0377/" not in client.get(reverse("sitemap")).text


# --- The canonical address ---


@pytest.mark.parametrize("number", ["2012/0815", "nr. 5 (concept)"])
def test_a_number_with_a_slash_or_spaces_has_its_own_canonical_address(
    client, import_document, bloemendaal_document, run_tasks, number
):
    proposal = stored(
        import_document, {**bloemendaal_document, "number": number}, State.SIGNED, SIGNED, public=True
    )
    run_tasks()
    url = proposal.get_public_url()
    assert url == f"/gemeenten/GM0377/besluiten/{quote(number, safe='/()')}/"

    page = client.get(url)
    assert page.status_code == 200
    assert f'<link rel="canonical" href="http://testserver{url}">' in page.text
    # However a browser or a link spells it, percent-encoded, it is the same page.
    assert client.get(f"/gemeenten/GM0377/besluiten/{quote(number, safe='')}/").status_code == 200
    listed = client.get(reverse("public_decisions", kwargs={"code": "GM0377"}))
    assert f'href="{url}"' in listed.text

    archived = ArchivedDecision.objects.get(proposal=proposal)
    download = client.get(f"{url}raadsbesluit.pdf")
    assert hashlib.sha256(download.content).hexdigest() == archived.sha256


def test_the_pdf_by_internal_id_names_its_canonical_page(
    client, import_document, bloemendaal_document, run_tasks
):
    proposal = stored(import_document, bloemendaal_document, State.SIGNED, SIGNED, public=True)
    run_tasks()
    response = client.get(reverse("raadsbesluit_pdf", args=[proposal.pk]))
    assert response.status_code == 200
    assert response["Link"] == '<http://testserver/gemeenten/GM0377/besluiten/2023000853/>; rel="canonical"'


def test_a_besluit_of_a_besloten_vergadering_stays_with_its_own_council(
    client, import_document, bloemendaal_document, run_tasks, griffie, make_user
):
    proposal = stored(import_document, bloemendaal_document, State.SIGNED, SIGNED, public=False)
    run_tasks()
    archived = ArchivedDecision.objects.get(proposal=proposal)
    url = reverse("raadsbesluit_pdf", args=[proposal.pk])

    assert client.get(url).status_code == 404
    client.force_login(make_user("griffier", "griffier-haarlem", Municipality.objects.get(code="GM0392")))
    assert client.get(url).status_code == 404
    client.force_login(griffie)
    own = client.get(url)
    assert own.status_code == 200 and "Link" not in own
    assert hashlib.sha256(own.content).hexdigest() == archived.sha256
    assert client.get(proposal.get_public_url()).status_code == 404


def test_the_archive_check_links_only_a_public_besluit(
    client, import_document, bloemendaal_document, run_tasks
):
    openbaar = stored(import_document, bloemendaal_document, State.SIGNED, SIGNED, public=True)
    besloten = stored(
        import_document,
        {**bloemendaal_document, "number": "2023-besloten"},
        State.SIGNED,
        SIGNED,
        public=False,
    )
    run_tasks()
    for proposal, linked in [(openbaar, True), (besloten, False)]:
        sha256 = ArchivedDecision.objects.get(proposal=proposal).sha256
        response = client.post(reverse("archive_check"), {"sha256": sha256})
        assert "Dit is het ondertekende raadsbesluit" in response.text
        assert (proposal.get_public_url() in response.text) is linked
        assert (reverse("raadsbesluit_pdf", args=[proposal.pk]) in response.text) is linked


# --- The decision's page ---


@pytest.fixture
def with_wishes(import_document, bloemendaal_document, run_tasks) -> Proposal:
    wishes = "De raad wil dat de aanpak van drugsafval in de duinen een eigen plaats krijgt."
    decision = {**SIGNED, "advice": "wensen_en_bedenkingen", "advice_text": wishes}
    proposal = stored(import_document, bloemendaal_document, State.SIGNED, decision, public=True)
    run_tasks()
    return Proposal.objects.with_document().get(pk=proposal.pk)


def test_the_page_holds_the_raadsbesluit_in_the_words_of_its_pdf(client, with_wishes):
    page = client.get(with_wishes.get_public_url())
    text = " ".join(strip_tags(page.text).split())

    for point in with_wishes.decision_points.all():
        assert " ".join(point.text.split()) in text
    assert "<dt>Advies</dt><dd>wensen en bedenkingen</dd>" in page.text
    assert "drugsafval in de duinen een eigen plaats krijgt." in text
    # From "De raad van de gemeente" to the signatures, the PDF's words exactly.
    printed = " ".join(strip_tags(pdf.besluit_html(with_wishes)).split())
    besluit = printed[printed.index("De raad van de gemeente") :]
    assert besluit in text
    assert "CONCEPT" not in text


def test_the_json_ld_names_the_decision_and_its_archived_pdf(client, with_wishes):
    page = client.get(with_wishes.get_public_url())
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    data = json.loads(script)
    archived = with_wishes.archived_decision

    assert data["@context"] == "https://schema.org" and data["@type"] == "Legislation"
    assert with_wishes.subject in data["name"] and "2023000853" in data["name"]
    assert data["identifier"] == "GM0377/2023000853"
    assert data["url"] == "http://testserver/gemeenten/GM0377/besluiten/2023000853/"
    assert data["legislationDate"] == "2023-10-05" and data["datePublished"] == "2023-10-06"
    assert data["legislationJurisdiction"]["name"] == "Bloemendaal"
    assert data["publisher"]["name"] == "Gemeente Bloemendaal"
    assert data["encoding"] == {
        "@type": "MediaObject",
        "contentUrl": "http://testserver/gemeenten/GM0377/besluiten/2023000853/raadsbesluit.pdf",
        "encodingFormat": "application/pdf",
        "sha256": archived.sha256,
        "contentSize": str(archived.size),
    }
    assert archived.sha256 in page.text and 'href="/controle/"' in page.text


def test_the_json_ld_stays_inside_its_script_whatever_the_subject_says(
    client, import_document, bloemendaal_document
):
    subject = "Beleid </script><script>alert(1)</script> & <!-- meer"
    proposal = stored(
        import_document, {**bloemendaal_document, "subject": subject}, State.SIGNED, SIGNED, public=True
    )
    page = client.get(proposal.get_public_url())
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert subject in json.loads(script)["name"]
    assert "<script>alert(1)" not in page.text


def test_the_page_names_every_member_of_a_roll_call(client, concept, sign_after_roll_call):
    proposal = sign_after_roll_call(concept)
    page = client.get(proposal.get_public_url())
    assert page.status_code == 200
    assert "Hoofdelijke stemming: <strong>12 voor, 0 tegen</strong>" in page.text
    rows = re.findall(r'<tr><th scope="row">(Lid \d+)</th><td>Partij</td><td>voor</td></tr>', page.text)
    assert sorted(rows) == sorted(f"Lid {n}" for n in range(12))


def test_the_page_lists_the_amendments_with_their_results(client, import_document, bloemendaal_document):
    amendment = {
        "title": "Drugsafval",
        "submitters": ["A. Visser (GroenLinks)"],
        "result": "aangenomen",
        "changes": [{"point": 1, "text": "kennis te nemen van het plan, met aandacht voor drugsafval;"}],
    }
    decision = {
        **SIGNED,
        "vote": {"mode": "handopsteking", "for": 15, "against": 2},
        "amendments": [amendment],
    }
    proposal = stored(import_document, bloemendaal_document, State.SIGNED, decision, public=True)
    page = client.get(proposal.get_public_url())
    text = " ".join(strip_tags(page.text).split())
    assert "Drugsafval (A. Visser (GroenLinks)) — aangenomen" in text
    assert "Beslispunt 1 wordt: kennis te nemen van het plan, met aandacht voor drugsafval;" in text
    assert "Handopsteking: 15 voor, 2 tegen." in text
    # Not yet archived: the page says so, and names no hash.
    assert "wordt gearchiveerd" in text


# --- The lists ---


def test_the_municipalitys_list_is_newest_first_and_costs_the_same_queries_for_2_as_for_30(
    client, import_document, bloemendaal_document, django_assert_max_num_queries
):
    url = reverse("public_decisions", kwargs={"code": "GM0377"})

    def make(count: int, start: int) -> None:
        for n in range(start, start + count):
            meeting = (datetime.date(2023, 9, 1) + n * DAY).isoformat()
            document = {**bloemendaal_document, "number": f"2023-{n:03}"}
            stored(import_document, document, State.SIGNED, {**SIGNED, "meeting_date": meeting}, public=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make(2, 0)
    few = queries()
    make(28, 2)
    with django_assert_max_num_queries(few):
        page = client.get(url)
    assert queries() == few
    numbers = re.findall(r'<span class="muted">nr\. (2023-\d{3})</span>', page.text)
    assert numbers == [f"2023-{n:03}" for n in range(29, 4, -1)]
    assert "Pagina 1 van 2" in page.text
    assert "2023-000" in client.get(url, {"pagina": 2}).text


def test_an_unknown_municipality_is_a_404(client, reference_data):
    assert client.get(reverse("public_decisions", kwargs={"code": "GM9999"})).status_code == 404
    assert client.get(reverse("public_decisions_feed", kwargs={"code": "GM9999"})).status_code == 404


def test_an_anonymous_visitor_gets_the_public_header_and_a_user_keeps_the_nav(
    client, griffie, reference_data
):
    anonymous = client.get(reverse("public_municipalities")).text
    assert '<a href="/gemeenten/">Openbare besluiten</a>' in anonymous
    assert "Uitloggen" not in anonymous
    client.force_login(griffie)
    logged_in = client.get(reverse("public_municipalities")).text
    assert '<a href="/gemeenten/">Openbaar</a>' in logged_in and "Uitloggen" in logged_in


# --- A regional plan in public ---

PRIVATE_WISHES = "de raad wil dat de kazerne aan de Zeeweg geheim blijft."


def decided_behind_closed_doors(code: str) -> Proposal:
    """A member council's answer decided in a besloten vergadering, as `decided` imports one."""
    municipality = Municipality.objects.get(code=code)
    filled = template().filled_in(municipality)
    met = TODAY - 20 * DAY
    document = {
        "format": "raadsvoorstel/1",
        "municipality": {"code": code, "name": municipality.name},
        "number": f"IMV-{code}",
        "subject": filled.subject,
        "proposer": "burgemeester",
        "date": (met - 20 * DAY).isoformat(),
        "legal_basis": filled.legal_basis,
        "sections": [{"heading": h, "body": b} for h, b in filled.sections],
        "decision_points": filled.decision_points,
        "themes": [],
        "regional_plan": "imv-nh-2024-2027",
        "attachments": [],
        "state": State.SIGNED,
        "decision": {
            "meeting_date": met.isoformat(),
            "meeting_public": False,
            "result": "aangenomen",
            "advice": Advice.OBJECTIONS,
            "advice_text": PRIVATE_WISHES,
            "vote": {"mode": "hamerstuk"},
            "amendments": [],
            "signatures": [
                {"role": "voorzitter", "name": "A. de Boer", "date": (met + DAY).isoformat()},
                {"role": "griffier", "name": "M. Visser", "date": (met + DAY).isoformat()},
            ],
        },
    }
    from raadsvoorstel.interchange import parse_documents

    (proposal,) = actions.import_proposals(parse_documents([(f"{code}.json", json.dumps(document))]))
    return proposal


@pytest.fixture
def drafted(reference_data, rbop_secretaris) -> RegionalPlan:
    plan = RegionalPlan.objects.get(code="imv-nh-2024-2027")
    return actions.update_plan(
        plan, fields_of(plan), version=plan.version, document=pdf_upload(), by=rbop_secretaris
    )


@pytest.fixture
def answered(drafted, rbop_secretaris) -> RegionalPlan:
    """Haarlem (geen wensen en bedenkingen) and Velsen (with them) decided in public and
    answered; Zandvoort decided behind closed doors, with wishes of its own, and answered."""
    councils = [
        decided("GM0392"),
        decided("GM0453", advice=Advice.OBJECTIONS),
        decided_behind_closed_doors("GM0473"),
    ]
    plan = send(drafted, rbop_secretaris)
    for proposal in councils:
        answer(proposal)
    return plan


def test_a_plan_is_public_once_sent_and_until_withdrawn(client, drafted, rbop_secretaris):
    page = reverse("public_plan", kwargs={"code": drafted.code})
    document = reverse("public_plan_document", kwargs={"code": drafted.code})
    missing = client.get(reverse("public_plan", kwargs={"code": "bestaat-niet"}))

    concept = client.get(page)
    assert concept.status_code == 404 and concept.content == missing.content
    assert client.get(document).status_code == 404

    plan = send(drafted, rbop_secretaris)
    assert client.get(page).status_code == 200
    assert client.get(document).content.startswith(b"%PDF")
    assert plan.get_public_url() in client.get(reverse("sitemap")).text

    actions.withdraw_plan(plan, reason="vervangen", version=plan.version, by=rbop_secretaris)
    assert client.get(page).content == missing.content
    assert plan.get_public_url() not in client.get(reverse("sitemap")).text


def test_the_plan_shows_every_public_answer_and_never_one_of_a_besloten_vergadering(client, answered):
    page = client.get(answered.get_public_url())
    text = " ".join(strip_tags(page.text).split())

    assert page.status_code == 200
    assert "Haarlem" in text and "Velsen" in text
    assert "Wensen en bedenkingen van Velsen" in text and "drugsafval in de duinen" in text
    assert "Zandvoort" not in text and "kazerne" not in text
    haarlem = Proposal.objects.get(municipality__code="GM0392", regional_plan=answered, state=State.SIGNED)
    assert f'href="{haarlem.get_public_url()}"' in page.text


def test_the_vaststelling_is_public_and_so_is_the_handling_of_public_wishes_only(
    client, answered, rbop_secretaris
):
    RegionalPlan.objects.filter(pk=answered.pk).update(answer_deadline=TODAY - DAY)
    plan = RegionalPlan.objects.get(pk=answered.pk)
    velsen, zandvoort = Municipality.objects.get(code="GM0453"), Municipality.objects.get(code="GM0473")
    actions.adopt_plan(
        plan,
        adopted_on=TODAY,
        meeting="RBOP, Haarlem",
        legal_ground="art39_lid1",
        document=pdf_upload("vastgesteld"),
        handlings={velsen.pk: "Opgenomen in paragraaf 3.2.", zandvoort.pk: "Besproken met de kazerne."},
        version=plan.version,
        by=rbop_secretaris,
    )

    page = client.get(plan.get_public_url())
    text = " ".join(strip_tags(page.text).split())
    assert RegionalPlan.objects.get(pk=plan.pk).state == PlanState.ADOPTED
    assert "Vastgesteld op" in text and "art. 39 lid 1 Politiewet 2012" in text
    assert "Opgenomen in paragraaf 3.2." in text
    assert "kazerne" not in text and "Zandvoort" not in text
    assert client.get(reverse("public_adopted", kwargs={"code": plan.code})).content.startswith(b"%PDF")

    # The members that answered in public are rbop_adopted now, and public still; Zandvoort is not.
    adopted = Proposal.objects.select_related("decision").filter(regional_plan=plan, state=State.RBOP_ADOPTED)
    assert {p.municipality.code for p in adopted} == {"GM0392", "GM0453", "GM0473"}
    public = set(permissions.public_decisions().values_list("pk", flat=True))
    for proposal in adopted:
        expected = proposal.municipality.code != "GM0473"
        assert permissions.may_read_publicly(proposal) is expected is (proposal.pk in public)
        assert (client.get(proposal.get_public_url()).status_code == 200) is expected


def test_the_griffie_finds_the_public_page_from_the_proposal(
    client, import_document, bloemendaal_document, griffie
):
    openbaar = stored(import_document, bloemendaal_document, State.SIGNED, SIGNED, public=True)
    besloten = stored(
        import_document,
        {**bloemendaal_document, "number": "2023-besloten"},
        State.SIGNED,
        SIGNED,
        public=False,
    )
    client.force_login(griffie)
    for proposal, linked in [(openbaar, True), (besloten, False)]:
        page = client.get(reverse("proposal_detail", args=[proposal.pk]))
        assert (f'href="{proposal.get_public_url()}"' in page.text) is linked
