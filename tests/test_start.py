"""Each person's start page, the notices that tell them something waits, and the steps a
newcomer stumbled over: what each role sees, and must not see, after logging in."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone

from raadsvoorstel import actions, worklists
from raadsvoorstel.models import (
    Municipality,
    Notice,
    PlanState,
    Proposal,
    RegionalPlan,
    Role,
    State,
    WorkflowError,
)
from tests.conftest import HAMERSTUK, with_state

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = timezone.localdate()


def fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_related("municipality").get(pk=proposal.pk)


@pytest.fixture
def document(bloemendaal_document):
    """`document(number, state="concept", decision=None)`: Bloemendaal's proposal renumbered,
    not linked to the regional plan (a council answers a plan once)."""

    def make(number: str, state: str = "concept", decision: dict | None = None) -> dict:
        changed = {**bloemendaal_document, "number": number, "regional_plan": None}
        return with_state(changed, state, decision) if state != "concept" else changed

    return make


@pytest.fixture
def members(bloemendaal, griffie, raadslid):
    """Bloemendaal's 19 members; the first has the raadslid's account."""
    made = [
        actions.add_member(bloemendaal, f"Lid {n}", "Partij", datetime.date(2022, 3, 30), by=griffie)
        for n in range(19)
    ]
    made[0].user = raadslid
    made[0].save()
    return made


@pytest.fixture
def meeting(bloemendaal, griffie):
    starts_at = timezone.now().astimezone(AMSTERDAM).replace(hour=20, minute=0, second=0, microsecond=0)
    return actions.schedule_meeting(
        bloemendaal, starts_at + datetime.timedelta(days=7), "Raadzaal", by=griffie
    )


@pytest.fixture
def elsewhere(make_user):
    """A griffie of another municipality, with a concept of its own."""
    return make_user(Role.GRIFFIEMEDEWERKER, "haarlem", Municipality.objects.get(code="GM0392"))


def lists_of(user) -> dict[str, list]:
    return {worklist.key: worklist.rows for worklist in worklists.start_page(user).lists}


# --- Start pages ---


def test_after_login_each_person_lands_on_their_start_page(client, griffie):
    griffie.set_password("geheim-wachtwoord")
    griffie.save()

    answer = client.post(reverse("login"), {"username": "griffiemedewerker", "password": "geheim-wachtwoord"})

    assert answer.status_code == 302 and answer.url == reverse("start")
    assert "Concepten om af te maken" in client.get(answer.url).text


def test_the_griffie_sees_concepts_proposals_to_agenda_meetings_and_besluiten_to_sign(
    griffie, import_document, document, meeting, elsewhere
):
    concept = import_document(document("2023000901"))
    before_council = import_document(document("2023000902", "council_advice"))
    on_agenda = import_document(document("2023000903", "council_advice"))
    actions.put_on_agenda(meeting, on_agenda, by=griffie)
    advised = import_document(document("2023000904", "advised", HAMERSTUK))
    import_document({**document("2023000999"), "municipality": {"code": "GM0392", "name": "Haarlem"}})

    lists = lists_of(griffie)

    assert lists["concepts"] == [concept]
    assert lists["to_agenda"] == [before_council]
    assert lists["meetings"] == [meeting] and lists["meetings"][0].items == 1
    assert lists["awaiting_signatures"] == [advised]
    assert [p.number for p in lists_of(elsewhere)["concepts"]] == ["2023000999"]


def test_the_voorzitter_sees_what_waits_for_their_own_signature_oldest_first(
    voorzitter, griffier, import_document, document
):
    later = import_document(document("2023000911", "advised", {**HAMERSTUK, "meeting_date": "2023-11-02"}))
    earlier = import_document(document("2023000910", "advised", HAMERSTUK))

    assert lists_of(voorzitter)["my_signature"] == [earlier, later]

    actions.sign_decision(fresh(earlier), by=voorzitter)

    assert lists_of(voorzitter)["my_signature"] == [later]
    assert lists_of(griffier)["my_signature"] == [earlier, later]


def test_a_raadslid_sees_no_concept_anywhere(client, raadslid, concept, document, import_document):
    sent = import_document(document("2023000920", "council_advice"))
    client.force_login(raadslid)

    start = client.get(reverse("start")).text
    listed = client.get(reverse("proposal_list")).text

    assert concept.subject not in start
    assert "2023000853" not in listed and "2023000920" in listed
    assert client.get(reverse("proposal_detail", args=[concept.pk])).status_code == 404
    assert client.get(reverse("proposal_detail", args=[sent.pk])).status_code == 200
    assert "Concepten om af te maken" not in start


def test_a_raadslid_sees_the_next_meeting_with_its_agenda_the_open_roll_call_and_decisions(
    client, raadslid, members, meeting, griffie, import_document, document
):
    item = actions.put_on_agenda(
        meeting, import_document(document("2023000930", "council_advice")), by=griffie
    )
    decided = import_document(document("2023000931", "advised", HAMERSTUK))
    client.force_login(raadslid)

    page = client.get(reverse("start")).text
    assert "Komende vergaderingen" in page and item.proposal.subject in page
    assert reverse("raadsvoorstel_pdf", args=[item.proposal.pk]) in page
    assert decided.subject in page
    assert lists_of(raadslid)["open_votes"] == []

    actions.set_attendance(meeting, members[:12], by=griffie)
    actions.open_meeting(meeting, by=griffie)
    vote = actions.start_vote(item, "hoofdelijk", by=griffie)

    assert lists_of(raadslid)["open_votes"] == [vote]
    assert "Stemmingen die nu open zijn" in client.get(reverse("start")).text
    actions.cast_ballot(vote, members[0], "voor", by=raadslid)
    assert lists_of(raadslid)["open_votes"] == []


def test_the_rbop_secretaris_sees_the_bodys_plans_and_the_municipality_on_every_row(
    client, rbop_secretaris, import_document, bloemendaal_document
):
    plan = RegionalPlan.objects.get(code="imv-nh-2024-2027")
    RegionalPlan.objects.filter(pk=plan.pk).update(state=PlanState.CONSULTATION)
    import_document(with_state(bloemendaal_document, "council_advice", None))
    client.force_login(rbop_secretaris)

    page = client.get(reverse("start")).text
    listed = client.get(reverse("proposal_list")).text

    assert plan.title in page and "0 van 32" in page
    assert f"van de leden van {rbop_secretaris.regional_body}" in listed
    assert '<th scope="col">Gemeente</th>' in listed and "<td>Bloemendaal</td>" in listed


def test_the_navigation_counts_what_waits(client, voorzitter, import_document, document):
    import_document(document("2023000940", "advised", HAMERSTUK))
    client.force_login(voorzitter)

    page = client.get(reverse("proposal_list")).text

    assert f'href="{reverse("start")}">Start <span class="count">(1' in page


def test_no_start_page_lists_another_municipalitys_work(
    elsewhere, griffie, concept, import_document, document
):
    import_document(document("2023000950", "advised", HAMERSTUK))

    for rows in lists_of(elsewhere).values():
        assert all(getattr(row, "municipality_id", None) != concept.municipality_id for row in rows)


# --- Notices, one per trigger ---


@pytest.fixture
def mail(db, settings, mailoutbox, django_capture_on_commit_callbacks):
    """Mail configured; `mail(run)` runs an action and returns the messages it sent (read
    from the outbox as it is then: the test environment may have replaced the list)."""
    settings.RAADSVOORSTEL_SEND_MAIL = True

    def sent(run) -> list:
        before = len(django_mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            run()
        return django_mail.outbox[before:]

    return sent


def with_address(user, address: str | None = None):
    user.email = address or f"{user.username}@bloemendaal.example"
    user.save()
    return user


def test_sending_a_proposal_to_the_council_tells_the_council_and_not_the_griffie(
    mail, concept, griffie, raadslid, voorzitter, propose_advice
):
    with_address(raadslid), with_address(voorzitter), with_address(griffie)
    concept = propose_advice(concept)

    messages = mail(lambda: actions.submit_proposal(fresh(concept), by=griffie))

    assert sorted(m.to[0] for m in messages) == [
        "raadslid@bloemendaal.example",
        "voorzitter@bloemendaal.example",
    ]
    notice = raadslid.notices.get()
    assert "is naar de raad gestuurd" in notice.text and notice.url == concept.get_absolute_url()
    assert not griffie.notices.exists()


def test_publishing_the_agenda_tells_the_council_and_again_when_it_changes(
    mail, meeting, griffie, raadslid, import_document, document
):
    actions.put_on_agenda(meeting, import_document(document("2023000960", "council_advice")), by=griffie)

    messages = mail(lambda: actions.publish_agenda(meeting, by=griffie))
    actions.publish_agenda(meeting, by=griffie)

    texts = list(raadslid.notices.order_by("pk").values_list("text", flat=True))
    assert texts[0].endswith("is gepubliceerd.") and texts[1].endswith("is bijgewerkt.")
    assert raadslid.notices.first().url == meeting.get_absolute_url()
    assert messages == []  # nobody has an address yet: the notice is in the app only


def test_an_empty_agenda_is_not_published(meeting, griffie, raadslid):
    with pytest.raises(WorkflowError, match="lege agenda"):
        actions.publish_agenda(meeting, by=griffie)
    assert not Notice.objects.exists()


def test_opening_a_roll_call_tells_each_member_called(
    mail, meeting, members, griffie, raadslid, import_document, document
):
    with_address(raadslid)
    item = actions.put_on_agenda(
        meeting, import_document(document("2023000970", "council_advice")), by=griffie
    )
    actions.set_attendance(meeting, members[:12], by=griffie)
    actions.open_meeting(meeting, by=griffie)

    messages = mail(lambda: actions.start_vote(item, "hoofdelijk", by=griffie))

    assert [m.to for m in messages] == [["raadslid@bloemendaal.example"]]
    assert raadslid.notices.get().url == reverse("my_votes")


def test_a_decision_tells_each_signatory_it_waits_and_the_archive_tells_they_are_done(
    mail, sign_after_roll_call, concept, griffie, griffier, voorzitter, propose_advice, run_tasks
):
    with_address(voorzitter)
    messages = mail(lambda: sign_after_roll_call(propose_advice(concept)))
    waiting = voorzitter.notices.filter(text__contains="wacht op uw handtekening")
    assert (
        waiting.count() == 1 and griffier.notices.filter(text__contains="wacht op uw handtekening").exists()
    )
    assert any("wacht op uw handtekening" in m.subject for m in messages)

    run_tasks()

    for person in (griffie, griffier, voorzitter):
        assert person.notices.filter(text__contains="ondertekend en gearchiveerd").count() == 1


def test_an_answer_due_within_7_days_is_recalled_once(reference_data, rbop_secretaris, griffie):
    plan = RegionalPlan.objects.get(code="imv-nh-2024-2027")
    RegionalPlan.objects.filter(pk=plan.pk).update(
        state=PlanState.CONSULTATION, answer_deadline=TODAY + datetime.timedelta(days=5)
    )

    assert actions.remind_answers_due(TODAY) >= 1
    assert griffie.notices.filter(text__contains="uiterlijk").count() == 1
    actions.remind_answers_due(TODAY)
    assert griffie.notices.filter(text__contains="uiterlijk").count() == 1

    RegionalPlan.objects.filter(pk=plan.pk).update(answer_deadline=TODAY + datetime.timedelta(days=9))
    Notice.objects.all().delete()
    assert actions.remind_answers_due(TODAY) == 0


def test_a_person_who_wants_no_mail_gets_the_notice_in_the_app_only(
    client, mail, concept, griffie, raadslid, propose_advice
):
    with_address(raadslid)
    client.force_login(raadslid)
    client.post(reverse("notice_mail_preference"), {})  # the box unticked
    raadslid.refresh_from_db()
    assert raadslid.mail_notices is False

    messages = mail(lambda: actions.submit_proposal(fresh(propose_advice(concept)), by=griffie))

    assert messages == [] and raadslid.notices.count() == 1


# --- Withdrawing is a step of its own ---


def test_withdrawing_asks_on_a_page_of_its_own_and_keeps_the_reason(client, griffie, concept):
    client.force_login(griffie)
    url = reverse("proposal_transition", args=[concept.pk, "withdraw"])
    detail = client.get(reverse("proposal_detail", args=[concept.pk])).text

    assert f'href="{url}"' in detail and f'action="{url}"' not in detail
    assert "Weet u zeker" in client.get(url).text

    unconfirmed = client.post(url, {"version": concept.version, "reason": "dubbel"})
    no_reason = client.post(url, {"version": concept.version, "confirmed": "on", "reason": " "})
    assert unconfirmed.status_code == no_reason.status_code == 400
    assert "Geef een reden op." in no_reason.text
    assert fresh(concept).state == State.CONCEPT

    done = client.post(url, {"version": concept.version, "confirmed": "on", "reason": "dubbel ingediend"})
    assert done.status_code == 302 and fresh(concept).state == State.WITHDRAWN


def test_only_who_may_withdraw_sees_the_confirmation_page(client, raadslid, voorzitter, concept):
    url = reverse("proposal_transition", args=[concept.pk, "withdraw"])
    client.force_login(voorzitter)
    assert client.get(url).status_code == 403
    client.force_login(raadslid)
    assert client.get(url).status_code == 404  # a concept is not the raadslid's to see
    assert client.get(reverse("proposal_transition", args=[concept.pk, "submit"])).status_code == 404
