"""The editor in daily use: a save that meets a newer version (the conflict page, its
summary and its choice per part), folding sections, the hint on list items, and a subject
over the limit."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from raadsvoorstel import actions
from raadsvoorstel.forms import ProposalEditor
from raadsvoorstel.interchange import InvalidDocuments, parse_documents
from raadsvoorstel.models import Proposal
from raadsvoorstel.text import ProposalText
from raadsvoorstel.views import proposals as proposal_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def edit_post(proposal: Proposal, **changes) -> dict[str, list[str]]:
    """What the editor of `proposal`, as stored now, posts with `changes` typed into it."""
    data = ProposalEditor.data_for(ProposalText.of(proposal), version=proposal.version)
    for name, value in changes.items():
        data[name] = value
    # As lists: the test client would send one value of each (one theme of several) otherwise.
    return dict(data.lists())


def save_as(user, proposal: Proposal, *, section: int, body: str) -> None:
    """Someone else's save (or the same user's, from another tab): one section's text changed."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    text = ProposalText.of(proposal)
    heading, _body = text.sections[section - 1]
    text.sections[section - 1] = (heading, body)
    actions.update_proposal(proposal, text, version=proposal.version, by=user)


class _MergeForm(HTMLParser):
    """The fields the conflict page's form sends: its hidden fields and the radios checked."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.radios: dict[str, str | None] = {}
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "/samenvoegen/" in (attrs.get("action") or ""):
            self._in_form = True
        if not self._in_form or tag != "input":
            return
        if attrs.get("type") == "hidden":
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif attrs.get("type") == "radio":
            self.radios.setdefault(attrs["name"], None)
            if "checked" in attrs:
                self.radios[attrs["name"]] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def merge_form(html: str) -> tuple[list[tuple[str, str]], dict[str, str | None]]:
    parser = _MergeForm()
    parser.feed(html)
    return parser.fields, parser.radios


def send(client, proposal: Proposal, page, *, button: str = "save", **choices):
    """Send the conflict page back as a browser would: its fields, with `choices` made."""
    fields, radios = merge_form(page.text)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    for name, value in (radios | choices).items():
        if value is not None:
            data[name] = [value]
    data[button] = ["1"]
    return client.post(reverse("proposal_merge", args=[proposal.pk]), data)


def stale_edit(client, concept, opened: dict, *, section: int, body: str):
    """The user's edit of one section in the editor `opened` before someone saved a newer
    version, posted now."""
    return client.post(
        reverse("proposal_edit", args=[concept.pk]), opened | {f"sections-{section - 1}-body": [body]}
    )


# --- Who saved meanwhile ---


def test_a_conflict_with_the_users_own_other_tab_says_so_and_blames_nobody(as_user, griffie, concept):
    client = as_user(griffie)
    opened = edit_post(concept)
    save_as(griffie, concept, section=1, body="Uit het andere tabblad.")

    response = stale_edit(client, concept, opened, section=2, body="Uit dit tabblad.")

    assert response.status_code == 409
    assert "U hebt dit voorstel intussen in een ander venster of tabblad opgeslagen" in response.text
    assert "Iemand anders" not in response.text
    assert "Versie uit het andere venster" in response.text


def test_a_conflict_with_another_user_names_them_and_when_they_saved(as_user, griffie, griffier, concept):
    opened = edit_post(concept)
    save_as(griffier, concept, section=1, body="Door de griffier.")
    saved_at = concept.revisions.get(version=2).saved_at

    response = stale_edit(as_user(griffie), concept, opened, section=1, body="Door de griffie.")

    assert response.status_code == 409
    assert "Griffier Test heeft dit voorstel intussen opgeslagen" in response.text
    assert timezone.localtime(saved_at).strftime("%H:%M") in response.text
    assert "Hun versie" in response.text and "Mijn versie" in response.text


# --- What differs, at the top ---


def test_the_summary_at_the_top_lists_the_changed_section_by_number_and_heading(
    as_user, griffie, griffier, concept
):
    opened = edit_post(concept)
    save_as(griffier, concept, section=3, body="Een andere gedachtegang.")

    response = stale_edit(as_user(griffie), concept, opened, section=3, body="Mijn gedachtegang.")

    summary = response.text.index('id="wat-verschilt"')
    link = response.text.index('<a href="#keuze-section_3">Onderdeel 3: Gedachtegang</a>')
    first_choice = response.text.index('<fieldset class="choice')
    assert summary < link < first_choice
    assert "gewijzigd door u en door Griffier Test" in response.text
    # Only what differs is listed: the twelve other sections are not.
    assert "#keuze-section_4" not in response.text


# --- Choosing per part ---


def test_choosing_mine_for_one_section_and_theirs_for_another_stores_the_merge_as_a_new_revision(
    as_user, griffie, griffier, concept
):
    client = as_user(griffie)
    mine = edit_post(
        concept, **{"sections-0-body": "Mijn aanleiding.", "sections-1-body": "Mijn keuzeruimte."}
    )
    save_as(griffier, concept, section=1, body="Hun aanleiding.")
    save_as(griffier, concept, section=2, body="Hun keuzeruimte.")
    page = client.post(reverse("proposal_edit", args=[concept.pk]), mine)
    assert page.status_code == 409

    response = send(client, concept, page, choice_section_1="mine", choice_section_2="theirs")

    assert response.status_code == 302
    stored = Proposal.objects.get(pk=concept.pk)
    assert list(stored.sections.values_list("body", flat=True)[:2]) == [
        "Mijn aanleiding.",
        "Hun keuzeruimte.",
    ]
    assert stored.version == 4
    latest = stored.revisions.last()
    assert (latest.version, latest.saved_by) == (4, griffie)


def test_a_part_only_one_side_changed_comes_with_that_sides_version_chosen(
    as_user, griffie, griffier, concept
):
    client = as_user(griffie)
    opened = edit_post(concept)
    save_as(griffier, concept, section=1, body="Hun aanleiding.")

    page = stale_edit(client, concept, opened, section=2, body="Mijn keuzeruimte.")
    _fields, radios = merge_form(page.text)
    assert radios == {"choice_section_1": "theirs", "choice_section_2": "mine"}

    send(client, concept, page)

    bodies = list(Proposal.objects.get(pk=concept.pk).sections.values_list("body", flat=True)[:2])
    assert bodies == ["Hun aanleiding.", "Mijn keuzeruimte."]


def test_a_part_both_changed_must_be_chosen_and_nothing_is_stored_until_then(
    as_user, griffie, griffier, concept
):
    client = as_user(griffie)
    opened = edit_post(concept)
    save_as(griffier, concept, section=1, body="Hun aanleiding.")
    page = stale_edit(client, concept, opened, section=1, body="Mijn aanleiding.")
    assert merge_form(page.text)[1] == {"choice_section_1": None}

    response = send(client, concept, page)

    assert response.status_code == 409
    assert "Onderdeel 1: Aanleiding en beoogd effect: Kies welke versie u houdt." in response.text
    assert 'value="Mijn aanleiding."' in response.text  # the user's text, still with the page
    assert Proposal.objects.get(pk=concept.pk).version == 2


def test_the_choice_is_a_labelled_radio_group_per_part(as_user, griffie, griffier, concept):
    opened = edit_post(concept)
    save_as(griffier, concept, section=1, body="Hun aanleiding.")
    page = stale_edit(as_user(griffie), concept, opened, section=1, body="Mijn aanleiding.")

    group = re.search(r'<fieldset class="choice[^"]*" id="keuze-section_1">(.*?)</fieldset>', page.text, re.S)
    assert "<legend" in group[1] and "Onderdeel 1: Aanleiding en beoogd effect</legend>" in group[1]
    for number, label in enumerate(["Mijn versie", "Hun versie"]):
        radio_id = f"id_choice_section_1_{number}"
        assert f'type="radio" name="choice_section_1" id="{radio_id}"' in group[1]
        assert f'<label for="{radio_id}">{label}</label>' in group[1]


def test_a_third_save_while_the_user_chooses_is_detected_and_overwrites_nothing(
    as_user, griffie, griffier, concept
):
    client = as_user(griffie)
    opened = edit_post(concept)
    save_as(griffier, concept, section=1, body="Hun aanleiding.")
    page = stale_edit(client, concept, opened, section=1, body="Mijn aanleiding.")
    save_as(griffier, concept, section=1, body="Hun tweede aanleiding.")

    response = send(client, concept, page, choice_section_1="mine")

    assert response.status_code == 409
    stored = Proposal.objects.get(pk=concept.pk)
    assert (stored.version, stored.sections.first().body) == (3, "Hun tweede aanleiding.")
    assert 'name="version" value="3"' in response.text  # the page now stands on the newest version
    assert merge_form(response.text)[1] == {"choice_section_1": "mine"}  # the choice made is kept


def test_a_third_save_in_the_instant_before_the_merge_is_written_is_caught_by_the_action(
    as_user, griffie, griffier, concept, monkeypatch
):
    client = as_user(griffie)
    opened = edit_post(concept)
    save_as(griffier, concept, section=1, body="Hun aanleiding.")
    page = stale_edit(client, concept, opened, section=1, body="Mijn aanleiding.")
    merge = proposal_views.combine

    def someone_saves_first(*args, **kwargs):
        save_as(griffier, concept, section=2, body="Net ertussen.")
        return merge(*args, **kwargs)

    monkeypatch.setattr(proposal_views, "combine", someone_saves_first)

    response = send(client, concept, page, choice_section_1="mine")

    assert response.status_code == 409
    stored = Proposal.objects.get(pk=concept.pk)
    assert stored.version == 3
    assert list(stored.sections.values_list("body", flat=True)[:2]) == ["Hun aanleiding.", "Net ertussen."]


def test_merging_to_edit_further_opens_the_editor_with_the_merge_and_stores_nothing(
    as_user, griffie, griffier, concept
):
    client = as_user(griffie)
    opened = edit_post(concept)
    save_as(griffier, concept, section=1, body="Hun aanleiding.")
    page = stale_edit(client, concept, opened, section=1, body="Mijn aanleiding.")

    response = send(client, concept, page, button="edit", choice_section_1="mine")

    assert response.status_code == 200
    assert "Mijn aanleiding.</textarea>" in response.text
    assert 'name="version" value="2"' in response.text
    assert f'action="{reverse("proposal_edit", args=[concept.pk])}"' in response.text
    assert Proposal.objects.get(pk=concept.pk).sections.first().body == "Hun aanleiding."


def test_a_merge_that_is_no_longer_valid_opens_the_editor_with_everything_kept(
    as_user, griffie, griffier, concept, import_document, bloemendaal_document
):
    client = as_user(griffie)
    typed = edit_post(concept, number="2024000999", **{"sections-0-body": "Mijn aanleiding."})
    save_as(griffier, concept, section=1, body="Hun aanleiding.")
    page = client.post(reverse("proposal_edit", args=[concept.pk]), typed)
    # Meanwhile another proposal takes the number the user typed.
    other = bloemendaal_document | {"number": "2024000999", "regional_plan": None}
    import_document(other)

    response = send(client, concept, page, choice_section_1="mine", choice_number="mine")

    assert response.status_code == 200
    assert "Deze gemeente heeft al een voorstel met dit nummer." in response.text
    assert 'value="2024000999"' in response.text and "Mijn aanleiding.</textarea>" in response.text
    assert Proposal.objects.get(pk=concept.pk).number == "2023000853"


# --- The subject's limit ---


def test_a_subject_over_the_limit_is_an_error_that_keeps_the_text_and_stores_nothing(
    as_user, griffie, concept
):
    subject = " ".join(["Een heel lang onderwerp"] * 13)  # 311 characters
    response = as_user(griffie).post(
        reverse("proposal_edit", args=[concept.pk]), edit_post(concept, subject=subject)
    )

    assert response.status_code == 200
    assert "Het onderwerp is 311 tekens; het mag er hoogstens 300 zijn." in response.text
    assert f'value="{subject}"' in response.text
    stored = Proposal.objects.get(pk=concept.pk)
    assert (stored.version, stored.subject) == (1, concept.subject)


def test_the_subject_field_lets_a_browser_cut_nothing_off(as_user, griffie, reference_data):
    page = as_user(griffie).get(reverse("proposal_create")).text
    subject_input = re.search(r'<input[^>]*name="subject"[^>]*>', page)[0]
    assert "maxlength" not in subject_input
    assert 'aria-describedby="id_subject_helptext"' in subject_input
    assert "Hoogstens 300 tekens." in page


def test_an_imported_subject_over_the_limit_is_an_error_not_cut_off(reference_data, bloemendaal_document):
    document = bloemendaal_document | {"subject": "x" * 301}
    with pytest.raises(InvalidDocuments) as refused:
        parse_documents([("lang.json", json.dumps(document))])
    assert [error.path for error in refused.value.errors] == ["subject"]
    assert not Proposal.objects.exists()


# --- Folding sections ---


def details_of(html: str) -> list[tuple[bool, str]]:
    """(open, summary text) of each section in the editor."""
    found = re.findall(r'<details class="row__details"( open)?>\s*<summary[^>]*>(.*?)</summary>', html, re.S)
    return [
        (bool(is_open), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", summary)).strip())
        for is_open, summary in found
    ]


def test_a_new_proposal_shows_its_sections_folded_with_the_first_open(as_user, griffie, reference_data):
    sections = details_of(as_user(griffie).get(reverse("proposal_create")).text)

    assert len(sections) == 11
    assert sections[0] == (True, "Onderdeel 1: Aanleiding en beoogd effect")
    assert not any(is_open for is_open, _summary in sections[1:])


def test_the_section_changed_last_is_open_when_editing_again(as_user, griffie, concept):
    save_as(griffie, concept, section=4, body="Overwogen.")

    sections = details_of(as_user(griffie).get(reverse("proposal_edit", args=[concept.pk])).text)

    assert [number for number, (is_open, _s) in enumerate(sections, start=1) if is_open] == [4]
    assert sections[3][1] == "Onderdeel 4: Overwegingen burgemeester"


def test_a_section_with_an_error_is_open_and_says_so(as_user, griffie, concept):
    data = edit_post(concept, **{"sections-5-heading": ""})
    response = as_user(griffie).post(reverse("proposal_edit", args=[concept.pk]), data)

    sections = details_of(response.text)
    assert [number for number, (is_open, _s) in enumerate(sections, start=1) if is_open] == [6]
    assert "(bevat een fout)" in sections[5][1]


def test_a_section_just_added_is_open(as_user, griffie, concept):
    data = edit_post(concept, add_section="1")
    response = as_user(griffie).post(reverse("proposal_edit", args=[concept.pk]), data)

    sections = details_of(response.text)
    assert len(sections) == 14
    assert [number for number, (is_open, _s) in enumerate(sections, start=1) if is_open] == [14]


def test_the_list_hint_is_tied_to_each_section_text_by_aria_describedby(as_user, griffie, concept):
    page = as_user(griffie).get(reverse("proposal_edit", args=[concept.pk])).text

    textarea = re.search(r'<textarea[^>]*name="sections-0-body"[^>]*>', page)[0]
    assert 'aria-describedby="id_sections-0-body_helptext"' in textarea
    hint = re.search(r'<p class="field__help" id="id_sections-0-body_helptext">(.*?)</p>', page, re.S)[1]
    assert "witregel" in hint and "“- ”" in hint
