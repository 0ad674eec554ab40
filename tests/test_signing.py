"""Four eyes on the raadsbesluit (Gemeentewet art. 32a, art. 77): who signs, who records a
signing in ink, whom they may name, and on which dates, on every path."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from raadsvoorstel import actions, pdf
from raadsvoorstel.interchange import InvalidDocuments
from raadsvoorstel.models import Proposal, Role, State, WorkflowError
from tests.conftest import HAMERSTUK, with_state

pytestmark = pytest.mark.django_db

MEETING = datetime.date(2023, 10, 5)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def advised(import_document, bloemendaal_document) -> Proposal:
    return import_document(with_state(bloemendaal_document, "advised", HAMERSTUK))


@pytest.fixture
def people(bloemendaal, make_user, voorzitter, griffier):
    """The municipality's signatories as configured, with a waarnemend voorzitter (a
    raadslid, art. 77) and a plaatsvervangend griffier (a griffiemedewerker)."""
    bloemendaal.voorzitter, bloemendaal.griffier = voorzitter, griffier
    bloemendaal.acting_voorzitter = make_user(Role.RAADSLID, username="waarnemer")
    bloemendaal.deputy_griffier = make_user(Role.GRIFFIEMEDEWERKER, username="plaatsvervanger")
    actions.save_reference(
        bloemendaal, by=None, changed=["voorzitter", "griffier", "acting_voorzitter", "deputy_griffier"]
    )
    return {
        "voorzitter": voorzitter,
        "griffier": griffier,
        "waarnemer": bloemendaal.acting_voorzitter,
        "plaatsvervanger": bloemendaal.deputy_griffier,
        "griffie": make_user(Role.GRIFFIEMEDEWERKER, username="gewone-griffie"),
        "raadslid": make_user(Role.RAADSLID, username="gewoon-raadslid"),
        "buiten": make_user(Role.VOORZITTER, username="andere-burgemeester", municipality=_amsterdam()),
    }


def _amsterdam():
    return actions.add_municipality("GM0363", "Amsterdam", seats=45)


def scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n% getekend\n%%EOF\n", content_type="application/pdf")


def record_in_ink(proposal, people, *, by, voorzitter="voorzitter", griffier="griffier", date=MEETING):
    actions.sign_on_paper(
        proposal, scan(), voorzitter=people[voorzitter], griffier=people[griffier], date=date, by=people[by]
    )


# Who records a besluit signed in ink: the griffier or the plaatsvervangend griffier only.
RECORDERS = [
    ("griffier", True),
    ("plaatsvervanger", True),
    ("griffie", False),
    ("voorzitter", False),
    ("waarnemer", False),
    ("raadslid", False),
    ("buiten", False),
]


@pytest.mark.parametrize(("recorder", "allowed"), RECORDERS)
def test_only_the_griffier_or_deputy_records_a_signing_in_ink(advised, people, recorder, allowed):
    if allowed:
        record_in_ink(advised, people, by=recorder)
        assert Proposal.objects.get(pk=advised.pk).state == State.SIGNED
    else:
        with pytest.raises(PermissionDenied):
            record_in_ink(advised, people, by=recorder)
        assert Proposal.objects.get(pk=advised.pk).state == State.ADVISED


# Whom the record may name as having signed, and whether as substitute (art. 77, 32a).
SIGNATORIES = [
    ("voorzitter", "griffier", (False, False)),
    ("waarnemer", "griffier", (True, False)),
    ("voorzitter", "plaatsvervanger", (False, True)),
    ("griffie", "griffier", None),
    ("buiten", "griffier", None),
    ("voorzitter", "raadslid", None),
    ("griffier", "voorzitter", None),
]


@pytest.mark.parametrize(("chair", "co_signer", "as_substitute"), SIGNATORIES)
def test_the_signatories_are_the_people_configured_for_those_roles(
    advised, people, chair, co_signer, as_substitute
):
    if as_substitute is None:
        with pytest.raises(WorkflowError, match="niet als .* ingesteld"):
            record_in_ink(advised, people, by="griffier", voorzitter=chair, griffier=co_signer)
        assert not advised.decision.signatures.exists()
        return
    record_in_ink(advised, people, by="griffier", voorzitter=chair, griffier=co_signer)
    signatures = Proposal.objects.get(pk=advised.pk).decision.signatures.order_by("-role")
    assert tuple(s.as_substitute for s in signatures) == as_substitute


def test_the_raadsbesluit_names_a_substitute_as_such(advised, people):
    record_in_ink(advised, people, by="plaatsvervanger", voorzitter="waarnemer", griffier="plaatsvervanger")
    html = pdf.besluit_html(Proposal.objects.with_document().get(pk=advised.pk))
    assert "de waarnemend voorzitter," in html and "de plaatsvervangend griffier," in html


# The signing date: on or after the meeting that took the decision, and not in the future.
DATES = [
    (MEETING, True),
    (MEETING + datetime.timedelta(days=1), True),
    (MEETING - datetime.timedelta(days=1), False),
    (datetime.date(1999, 1, 1), False),
    (timezone.localdate() + datetime.timedelta(days=1), False),
]


@pytest.mark.parametrize(("date", "allowed"), DATES)
def test_a_signing_in_ink_is_dated_from_the_meeting_to_today(advised, people, date, allowed):
    if allowed:
        record_in_ink(advised, people, by="griffier", date=date)
        assert set(
            Proposal.objects.get(pk=advised.pk).decision.signatures.values_list("date", flat=True)
        ) == {date}
    else:
        with pytest.raises(WorkflowError):
            record_in_ink(advised, people, by="griffier", date=date)
        assert not advised.decision.signatures.exists()


@pytest.mark.parametrize(("date", "allowed"), DATES)
def test_an_imported_signature_is_dated_from_the_meeting_to_today(
    import_document, bloemendaal_document, date, allowed
):
    signatures = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": date.isoformat()},
        {"role": "griffier", "name": "Marieke Janssen", "date": MEETING.isoformat()},
    ]
    document = with_state(bloemendaal_document, "signed", {**HAMERSTUK, "signatures": signatures})
    if allowed:
        assert import_document(document).state == State.SIGNED
    else:
        with pytest.raises(InvalidDocuments) as refused:
            import_document(document)
        assert [error.path for error in refused.value.errors] == ["decision.signatures[0].date"]
        assert not Proposal.objects.exists()


def test_digital_signatures_are_personal_and_take_two_people(advised, people):
    actions.sign_decision(advised, by=people["voorzitter"])
    with pytest.raises(WorkflowError, match="al ondertekend"):
        actions.sign_decision(Proposal.objects.get(pk=advised.pk), by=people["waarnemer"])
    with pytest.raises(PermissionDenied):
        actions.sign_decision(Proposal.objects.get(pk=advised.pk), by=people["griffie"])
    actions.sign_decision(Proposal.objects.get(pk=advised.pk), by=people["plaatsvervanger"])
    signatures = Proposal.objects.get(pk=advised.pk).decision.signatures.order_by("role")
    assert [(s.role, s.user, s.as_substitute) for s in signatures] == [
        ("griffier", people["plaatsvervanger"], True),
        ("voorzitter", people["voorzitter"], False),
    ]


def test_a_substitute_signature_survives_export_and_import(import_document, bloemendaal_document):
    from raadsvoorstel.interchange import export_proposal

    signatures = [
        {"role": "voorzitter", "name": "Anne Waarnemer", "date": "2023-10-06", "as_substitute": True},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    proposal = import_document(
        with_state(bloemendaal_document, "signed", {**HAMERSTUK, "signatures": signatures})
    )
    exported = export_proposal(Proposal.objects.with_document().get(pk=proposal.pk))
    assert exported["decision"]["signatures"] == signatures


def test_one_person_cannot_be_both_signatories(advised, people, bloemendaal):
    bloemendaal.deputy_griffier = people["voorzitter"]
    actions.save_reference(bloemendaal, by=None, changed=["deputy_griffier"])
    with pytest.raises(WorkflowError, match="twee mensen"):
        record_in_ink(advised, people, by="griffier", voorzitter="voorzitter", griffier="voorzitter")
