"""Shared fixtures: the Bloemendaal world from the quick start, and its people by role."""

from __future__ import annotations

import copy
import json

import pytest
from django.conf import settings

from raadsvoorstel import actions, demo
from raadsvoorstel.interchange import parse_documents
from raadsvoorstel.models import Municipality, Proposal, RegionalBody, Role, User

BLOEMENDAAL_FILE = settings.BASE_DIR / "fixtures" / "proposals" / "GM0377-2023000853.json"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a second per demo account; the tests do not test the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db) -> None:
    demo.load_reference_data()


@pytest.fixture
def bloemendaal(reference_data) -> Municipality:
    return Municipality.objects.get(code="GM0377")


@pytest.fixture
def bloemendaal_document() -> dict:
    """The seed proposal as a fresh `raadsvoorstel/1` dict, to change per test."""
    return json.loads(BLOEMENDAAL_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def make_user(bloemendaal):
    def make(role: str, username: str | None = None, municipality: Municipality | None = None) -> User:
        user = User(username=username or role, first_name=role.capitalize(), last_name="Test", role=role)
        if role == Role.RBOP_SECRETARIS:
            user.regional_body = RegionalBody.objects.get(code="rbop-noord-holland")
        else:
            user.municipality = municipality or bloemendaal
        user.save()
        return user

    return make


@pytest.fixture
def griffie(make_user) -> User:
    return make_user(Role.GRIFFIEMEDEWERKER)


@pytest.fixture
def griffier(make_user) -> User:
    return make_user(Role.GRIFFIER)


@pytest.fixture
def voorzitter(make_user) -> User:
    return make_user(Role.VOORZITTER)


@pytest.fixture
def raadslid(make_user) -> User:
    return make_user(Role.RAADSLID)


@pytest.fixture
def rbop_secretaris(make_user) -> User:
    return make_user(Role.RBOP_SECRETARIS)


@pytest.fixture
def import_document(reference_data):
    """Store one `raadsvoorstel/1` dict through the real parser and import action."""

    def store(document: dict) -> Proposal:
        (proposal,) = actions.import_proposals(parse_documents([("test.json", json.dumps(document))]))
        return proposal

    return store


@pytest.fixture
def concept(import_document, bloemendaal_document) -> Proposal:
    """The Bloemendaal proposal as a concept, as the quick start loads it."""
    return import_document(bloemendaal_document)


# The council's decision as product.md describes it: a hamerstuk with "geen wensen en
# bedenkingen". The meeting date is illustrative; the seed leaves "d.d." blank.
HAMERSTUK = {
    "meeting_date": "2023-10-05",
    "result": "aangenomen",
    "advice": "geen_wensen_en_bedenkingen",
    "vote": {"mode": "hamerstuk"},
    "amendments": [],
    "signatures": [],
}


@pytest.fixture
def decision_document() -> dict:
    return copy.deepcopy(HAMERSTUK)


def with_state(document: dict, state: str, decision: dict | None) -> dict:
    changed = copy.deepcopy(document)
    changed["state"] = state
    changed["decision"] = copy.deepcopy(decision)
    return changed
