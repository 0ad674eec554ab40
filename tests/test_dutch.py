"""Everything a user reads is Dutch: the admin, where Django 6.1 and our apps left English, and
our own pages; the "gelet op" of a proposal as a list; the theme filter as a tree."""

from __future__ import annotations

import datetime
import gettext
import html
import io
import re
import zoneinfo

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

from raadsvoorstel import actions, tasks
from raadsvoorstel.management.commands.compile_translations import mo_bytes, read_po
from raadsvoorstel.models import Amendment, Decision, Meeting, Proposal, Theme, User, Vote
from tests.conftest import HAMERSTUK, with_state

pytestmark = pytest.mark.django_db

# What the walk-through found in English, each as Django 6.1 or a column without a Dutch
# name shows it: the admin's own words, and field names used as labels and column headers.
ENGLISH = [
    "Search",
    "Filter by",
    "Pagination",
    "result",
    "results",
    "Select an option",
    "Are you sure",
    "Deleting the",
    "Proposal",
    "Decision",
    "Member",
    "Agenda item",
    "Amendment",
    "Motion",
    "Present members",
    "Entered by",
    "Get full name",
    "Path",
    "Transition",
    "Timestamp",
    "Source state",
    "Target state",
    "Description",
    "By",
    "Can add",
    "Can view",
    "historical",
    "Task",
    "Tasks",
    "Queue name",
    "Run after",
]


def shown_text(response) -> str:
    """What a user reads or hears on the page: its text, and the words in alt, title,
    aria-label, placeholder and on buttons; not its markup, scripts or addresses."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    spoken = re.findall(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"', page)
    spoken += re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page) + "\n" + "\n".join(spoken))


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


@pytest.fixture
def beheer(client):
    client.force_login(User.objects.create_superuser("beheer", password="x"))
    return client


@pytest.fixture
def council_record(concept, sign_after_roll_call, import_document, bloemendaal_document) -> Proposal:
    """Something in every list of the admin: the Bloemendaal proposal decided by roll call and
    signed (a meeting, attendance, votes, ballots, signatures), a second, imported signed
    decision with a rejected amendment, and its archiving waiting as a background task."""
    amendment = {
        "title": "Jaarlijkse evaluatie",
        "submitters": ["Eva Jansen"],
        "result": "verworpen",
        "changes": [{"point": 1, "action": "replace", "text": "jaarlijks te evalueren."}],
    }
    signatures = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    imported = import_document(
        with_state(
            {**bloemendaal_document, "regional_plan": None, "number": "2023000900"},
            "signed",
            {**HAMERSTUK, "amendments": [amendment], "signatures": signatures},
        )
    )
    tasks.archive_decision.enqueue(imported.pk)
    return sign_after_roll_call(concept)


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


# --- The admin ---


def test_every_admin_list_is_dutch(beheer, council_record):
    for url in [reverse("admin:index"), *changelists()]:
        response = beheer.get(url, {"q": "2023"} if "proposal" in url else {})
        assert response.status_code == 200, url
        assert english_in(shown_text(response)) == [], url


def test_the_proposal_list_in_the_admin_searches_filters_and_pages_in_dutch(beheer, council_record):
    url = reverse("admin:raadsvoorstel_proposal_changelist")
    text = shown_text(beheer.get(url, {"q": "2023000900"}))

    assert "Zoeken in raadsvoorstellen" in text
    assert "Filteren op datum" in text
    assert "Paginering van raadsvoorstellen" in text
    assert "1 resultaat" in text and "2 totaal" in text


def test_the_decision_list_heads_its_proposal_column_in_dutch(beheer, council_record):
    response = beheer.get(reverse("admin:raadsvoorstel_decision_changelist"))

    assert re.search(
        r'<th scope="col" class="sortable column-proposal[^"]*">.*?Raadsvoorstel', response.text, re.S
    )
    assert "Proposal" not in shown_text(response)


@pytest.mark.parametrize(
    "model", [Proposal, Decision, Amendment, Meeting, Vote], ids=lambda model: model.__name__
)
def test_every_page_of_the_councils_record_in_the_admin_is_dutch(beheer, council_record, model):
    for obj in model.objects.all():
        url = reverse(f"admin:raadsvoorstel_{model._meta.model_name}_change", args=[obj.pk])
        response = beheer.get(url)
        assert response.status_code == 200, url
        assert english_in(shown_text(response)) == [], url


def test_a_vote_in_the_admin_names_its_fields_and_ballots_in_dutch(beheer, council_record):
    vote = Vote.objects.get(mode="hoofdelijk")
    text = shown_text(beheer.get(reverse("admin:raadsvoorstel_vote_change", args=[vote.pk])))

    for label in ["Agendapunt:", "Amendement:", "Motie:", "Aanwezige leden:", "Raadslid", "Ingevoerd door"]:
        assert label in text


def test_a_proposals_transitions_in_the_admin_read_as_on_its_history_page(beheer, council_record):
    text = shown_text(beheer.get(reverse("admin:raadsvoorstel_proposal_change", args=[council_record.pk])))

    for heading in ["Tijdstip", "Door", "Van", "Naar", "Reden"]:
        assert heading in text
    assert "Bij de raad" in text and "council_advice" not in text


def test_gelet_op_is_shown_as_a_list_not_as_json(beheer, concept):
    response = beheer.get(reverse("admin:raadsvoorstel_proposal_change", args=[concept.pk]))

    items = "".join(f"<li>{html.escape(provision)}</li>" for provision in concept.legal_basis)
    assert f'<div class="readonly"><ul>{items}</ul></div>' in response.text
    assert '["artikel' not in response.text and "[&quot;artikel" not in response.text


def test_the_admin_stays_read_only_for_proposals(beheer, concept):
    url = reverse("admin:raadsvoorstel_proposal_change", args=[concept.pk])

    assert 'name="legal_basis"' not in beheer.get(url).text
    beheer.post(url, {"legal_basis": '["gewijzigd"]'})
    assert Proposal.objects.get(pk=concept.pk).legal_basis == concept.legal_basis


def test_a_users_permissions_are_named_in_dutch(beheer, griffie):
    text = shown_text(beheer.get(reverse("admin:raadsvoorstel_user_change", args=[griffie.pk])))

    assert "Raadsvoorstellen | Kan raadsvoorstel toevoegen" in text
    assert "Kan geschiedenis van raadsvoorstel bekijken" in text
    assert "Achtergrondtaken | Kan achtergrondtaak bekijken" in text
    assert "Can add" not in text and "historical" not in text


def test_the_users_list_heads_the_full_name_in_dutch(beheer, griffie):
    text = shown_text(beheer.get(reverse("admin:raadsvoorstel_user_changelist")))

    assert "Naam" in text and "Get full name" not in text


def test_a_select_without_a_choice_offers_the_dutch_empty_choice(beheer, reference_data):
    response = beheer.get(reverse("admin:raadsvoorstel_councilmember_add"))

    assert '<option value="" selected>— kies een optie —</option>' in response.text
    assert "Select an option" not in response.text


def test_deleting_in_the_admin_asks_in_dutch(beheer, reference_data):
    from raadsvoorstel.models import District

    district = District.objects.get(name="Kennemerland")
    text = shown_text(beheer.get(reverse("admin:raadsvoorstel_district_delete", args=[district.pk])))

    assert "Weet u zeker dat u district ‘Kennemerland’ wilt verwijderen?" in text
    assert english_in(text) == []


def test_the_admins_calendar_speaks_dutch(beheer):
    catalogue = beheer.get(reverse("admin:jsi18n")).content.decode()

    assert '"Today (%(date)s)": "Vandaag (%(date)s)"' in catalogue
    assert '"%(month)s %(day)s, %(year)s": "%(day)s %(month)s %(year)s"' in catalogue


def test_the_committed_catalogues_are_compiled_from_their_po_files():
    catalogues = sorted((settings.BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po"))

    assert catalogues
    for po in catalogues:
        assert po.with_suffix(".mo").read_bytes() == mo_bytes(read_po(po)), (
            f"{po.with_suffix('.mo')} is out of date: run manage.py compile_translations"
        )


A_PO_FILE = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

# A comment.
msgid "Search"
msgstr "Zoe"
"ken"

msgctxt "Task"
msgid "Ready"
msgstr "Gereed"

msgid "%d result"
msgid_plural "%d results"
msgstr[0] "%d resultaat"
msgstr[1] "%d resultaten"

#, fuzzy
msgid "Guess"
msgstr "Gok"

msgid "Untranslated"
msgstr ""

#~ msgid "Old"
#~ msgstr "Oud"
"""


def test_compile_translations_writes_what_gettext_reads(settings, tmp_path):
    po = tmp_path / "nl" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(A_PO_FILE, encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError):
        call_command("compile_translations", "--check")

    call_command("compile_translations", stdout=io.StringIO())

    call_command("compile_translations", "--check")
    with po.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert catalogue.gettext("Search") == "Zoeken"
    assert catalogue.pgettext("Task", "Ready") == "Gereed"
    assert catalogue.ngettext("%d result", "%d results", 1) == "%d resultaat"
    assert catalogue.ngettext("%d result", "%d results", 2) == "%d resultaten"
    assert catalogue.gettext("Guess") == "Guess"
    assert catalogue.gettext("Untranslated") == "Untranslated"
    assert catalogue.gettext("Old") == "Old"


# --- Our pages ---


def test_the_agenda_select_offers_the_dutch_empty_choice(client, bloemendaal, griffie, concept):
    meeting = actions.schedule_meeting(
        bloemendaal,
        datetime.datetime(2023, 10, 5, 20, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam")),
        "Raadzaal",
        by=griffie,
    )
    actions.submit_proposal(concept, by=griffie)
    client.force_login(griffie)

    response = client.get(reverse("meeting_detail", args=[meeting.pk]))

    assert re.search(
        r'<select name="proposal"[^>]*>\s*<option value="" selected>— kies een voorstel —</option>',
        response.text,
    )
    assert "Select an option" not in response.text and "---------" not in response.text


def theme_options(response) -> list[str]:
    select = re.search(r'<select name="theme"[^>]*>(.*?)</select>', response.text, re.S).group(1)
    return [html.unescape(label) for label in re.findall(r"<option[^>]*>(.*?)</option>", select)]


def test_the_theme_filter_is_a_tree_of_main_themes_each_followed_by_its_sub_themes(
    client, griffie, reference_data
):
    # Last by position though first by name; its sub-themes in position order, not by name.
    last = Theme.objects.create(name="Aanpak", position=1000)
    Theme.objects.create(name="Zuid", parent=last, position=0)
    Theme.objects.create(name="Noord", parent=last, position=1)
    client.force_login(griffie)

    options = theme_options(client.get(reverse("proposal_list")))

    expected = ["Alle"]
    for main in Theme.objects.filter(parent=None).order_by("position", "name"):
        expected.append(main.name)
        expected += ["\u2003" + sub.name for sub in main.children.order_by("position", "name")]
    assert options == expected
    assert options[-3:] == ["Aanpak", "\u2003Zuid", "\u2003Noord"]
    assert "\u2003Mensenhandel" in options[options.index("Ondermijning") :]


def test_a_chosen_sub_theme_stays_chosen_in_the_filter(client, griffie, concept):
    mensenhandel = Theme.objects.get(name="Mensenhandel")
    concept.themes.set([mensenhandel])
    client.force_login(griffie)

    response = client.get(reverse("proposal_list"), {"theme": mensenhandel.pk})

    assert f'<option value="{mensenhandel.pk}" selected>\u2003Mensenhandel</option>' in response.text
    assert "2023000853" in response.text
