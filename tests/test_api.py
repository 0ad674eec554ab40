"""The API, /api/v1/: who sees what, the document byte for byte, cursors, ETags, sending a
concept in and taking a step, each refused in Dutch where it must be; and the tokens it
is called with, made and revoked on the griffie's page."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from raadsvoorstel import actions
from raadsvoorstel.interchange import InvalidDocuments, parse_documents
from raadsvoorstel.models import ApiToken, AuditEntry, Municipality, Proposal, Role, State
from tests.conftest import HAMERSTUK, with_state

SIGNATURES = [
    {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
    {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-09"},
]
NOT_FOUND = {"errors": [{"path": "", "message": "Er is geen voorstel met dit nummer."}]}


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def numbers(response) -> list[str]:
    return [item["number"] for item in response.json()["items"]]


def export(code: str, number: str) -> str:
    out = StringIO()
    call_command("export_proposal", code, number, stdout=out)
    return out.getvalue()


@pytest.fixture
def token(griffie) -> str:
    """The secret of a token of Bloemendaal's griffiemedewerker."""
    return actions.create_token("DMS Bloemendaal", by=griffie)[1]


@pytest.fixture
def haarlem_griffie(make_user):
    return make_user(Role.GRIFFIER, "griffie-haarlem", Municipality.objects.get(code="GM0392"))


@pytest.fixture
def draft(bloemendaal_document):
    """`draft(number, **fields)`: a Bloemendaal concept document, answering no plan."""

    def make(number: str, **fields) -> dict:
        return {**bloemendaal_document, "regional_plan": None, "number": number, **fields}

    return make


@pytest.fixture
def world(import_document, bloemendaal_document, draft):
    """Bloemendaal with a proposal in each kind of visibility, by number."""
    signed = {**HAMERSTUK, "signatures": SIGNATURES}
    return {
        "concept": import_document(bloemendaal_document),
        "before the council": import_document(with_state(draft("2023000860"), "council_advice", None)),
        "withdrawn": import_document(with_state(draft("2023000861"), "withdrawn", None)),
        "signed": import_document(with_state(draft("2023000862"), "signed", signed)),
        "besloten": import_document(
            with_state(draft("2023000863"), "signed", {**signed, "meeting_public": False})
        ),
    }


# --- Who sees what ---


def test_an_anonymous_caller_lists_only_signed_decisions_of_a_public_meeting(client, world):
    response = client.get("/api/v1/proposals/")

    assert response.status_code == 200
    assert numbers(response) == ["2023000862"]


@pytest.mark.parametrize("kind", ["concept", "before the council", "withdrawn", "besloten"])
def test_an_anonymous_caller_gets_the_same_404_for_what_is_not_public_as_for_no_number(client, world, kind):
    hidden = client.get(f"/api/v1/proposals/GM0377/{world[kind].number}")
    never_used = client.get("/api/v1/proposals/GM0377/1999000001")

    assert hidden.status_code == never_used.status_code == 404
    assert hidden.content == never_used.content
    assert hidden.json() == NOT_FOUND


def test_a_token_user_also_sees_their_own_concepts_and_what_is_before_the_council(client, world, token):
    response = client.get("/api/v1/proposals", **bearer(token))

    assert sorted(numbers(response)) == sorted(p.number for p in world.values())
    assert client.get("/api/v1/proposals/GM0377/2023000853", **bearer(token)).status_code == 200


def test_another_municipalitys_concept_is_a_404_like_a_number_never_used(
    client, import_document, draft, token
):
    import_document(draft("2023000999", municipality={"code": "GM0392", "name": "Haarlem"}))

    hidden = client.get("/api/v1/proposals/GM0392/2023000999", **bearer(token))
    never_used = client.get("/api/v1/proposals/GM0392/2023000998", **bearer(token))

    assert hidden.status_code == 404
    assert hidden.content == never_used.content
    assert "2023000999" not in numbers(client.get("/api/v1/proposals", **bearer(token)))


# --- One proposal ---


def test_the_document_is_byte_for_byte_what_export_proposal_prints(client, world, token):
    public = client.get("/api/v1/proposals/GM0377/2023000862")
    concept = client.get("/api/v1/proposals/GM0377/2023000853", **bearer(token))

    assert public["Content-Type"] == "application/json; charset=utf-8"
    assert public.content == export("GM0377", "2023000862").encode("utf-8")
    assert concept.content == export("GM0377", "2023000853").encode("utf-8")


def test_a_signed_decision_after_a_roll_call_is_served_as_exported(client, concept, sign_after_roll_call):
    sign_after_roll_call(concept)

    response = client.get("/api/v1/proposals/GM0377/2023000853")

    assert response.status_code == 200
    assert response.content == export("GM0377", "2023000853").encode("utf-8")


def test_the_etag_is_the_sha256_of_the_body_and_if_none_match_answers_304(client, world):
    url = "/api/v1/proposals/GM0377/2023000862"
    response = client.get(url)
    etag = response["ETag"]

    assert etag == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert response["Vary"] == "Authorization"
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=header)
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"something else"').status_code == 200


def test_a_step_changes_the_etag(client, world, token):
    url = "/api/v1/proposals/GM0377/2023000853"
    before = client.get(url, **bearer(token))["ETag"]
    client.post(
        f"{url}/transitions", {"transition": "submit"}, content_type="application/json", **bearer(token)
    )

    after = client.get(url, HTTP_IF_NONE_MATCH=before, **bearer(token))

    assert after.status_code == 200
    assert after["ETag"] != before


def test_a_number_with_a_slash_works_percent_encoded(client, import_document, draft, token):
    import_document(draft("2023/0815"))

    response = client.get("/api/v1/proposals/GM0377/2023%2F0815", **bearer(token))
    (item,) = client.get("/api/v1/proposals?q=0815", **bearer(token)).json()["items"]
    step = client.post(
        "/api/v1/proposals/GM0377/2023%2F0815/transitions",
        {"transition": "submit"},
        content_type="application/json",
        **bearer(token),
    )

    assert response.status_code == 200
    assert response.json()["number"] == "2023/0815"
    assert urlsplit(item["url"]).path == "/api/v1/proposals/GM0377/2023%2F0815"
    assert step.status_code == 200


# --- Pages by cursor ---


@pytest.fixture
def seven_concepts(import_document, draft) -> list[str]:
    return [import_document(draft(f"2024{n:06d}")).number for n in range(7)]


def follow(client, url: str, **headers) -> list[list[str]]:
    pages = []
    while url:
        response = client.get(url, **headers)
        assert response.status_code == 200
        pages.append(numbers(response))
        url = response.json()["next"]
    return pages


def test_the_next_links_bring_every_proposal_once(client, seven_concepts, token):
    pages = follow(client, "/api/v1/proposals?limit=3", **bearer(token))

    assert [len(page) for page in pages] == [3, 3, 1]
    seen = [number for page in pages for number in page]
    assert sorted(seen) == sorted(seven_concepts)


def test_a_proposal_changed_while_paging_comes_round_again_and_none_goes_missing(
    client, seven_concepts, token, griffie
):
    first = client.get("/api/v1/proposals?limit=3", **bearer(token)).json()
    changed = Proposal.objects.get(number=first["items"][0]["number"])
    actions.submit_proposal(changed, by=griffie)

    rest = follow(client, first["next"], **bearer(token))

    seen = [item["number"] for item in first["items"]] + [number for page in rest for number in page]
    assert set(seen) == set(seven_concepts)
    assert seen[-1] == changed.number


def test_since_gives_what_changed_from_then_on(client, seven_concepts, token, griffie):
    moment = timezone.now()
    actions.submit_proposal(Proposal.objects.get(number=seven_concepts[2]), by=griffie)

    response = client.get("/api/v1/proposals", {"since": moment.isoformat()}, **bearer(token))

    assert numbers(response) == [seven_concepts[2]]


def test_a_first_signature_counts_as_a_change(client, import_document, draft, token, voorzitter):
    advised = import_document(with_state(draft("2024000200"), "advised", HAMERSTUK))
    moment = timezone.now()
    actions.sign_decision(advised, by=voorzitter)

    response = client.get("/api/v1/proposals", {"since": moment.isoformat()}, **bearer(token))

    assert numbers(response) == ["2024000200"]


def test_the_filters_narrow_the_list(client, world, token):
    def listed(**query) -> list[str]:
        return sorted(numbers(client.get("/api/v1/proposals", query, **bearer(token))))

    assert listed(state="withdrawn") == ["2023000861"]
    assert listed(municipality="GM0392") == []
    assert listed(q="000862") == ["2023000862"]
    # The seed's themes include Ondermijning/Mensenhandel: a theme includes its sub-themes.
    assert "2023000853" in listed(theme="Ondermijning")


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ({"cursor": "nonsense"}, "cursor"),
        ({"state": "ondertekend"}, "state"),
        ({"theme": "Geen thema"}, "theme"),
        ({"limit": "1000"}, "limit"),
        ({"since": "gisteren"}, "since"),
        ({"municipality": "Bloemendaal"}, "municipality"),
    ],
)
def test_a_wrong_query_is_refused_in_dutch_at_its_place(client, reference_data, query, path):
    response = client.get("/api/v1/proposals", query)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == path
    assert error["message"] and "Input" not in error["message"]


# --- Sending a concept in ---


def post_document(client, document, token: str | None = None, **headers):
    body = document if isinstance(document, str) else json.dumps(document)
    return client.post(
        "/api/v1/proposals",
        body,
        content_type="application/json",
        **(bearer(token) if token else {}),
        **headers,
    )


def test_a_concept_sent_in_is_stored_for_the_token_user_201_with_its_location(client, draft, token, griffie):
    response = post_document(client, draft("2024000100"), token)

    assert response.status_code == 201
    assert response["Location"] == "http://testserver/api/v1/proposals/GM0377/2024000100"
    assert response.json()["state"] == "concept"
    assert client.get(response["Location"], **bearer(token)).status_code == 200
    entry = AuditEntry.objects.filter(action="import_proposal").latest("seq")
    assert (entry.object_key, entry.actor) == ("GM0377/2024000100", griffie)


def test_a_wrong_document_gets_the_import_commands_errors_with_their_paths(client, draft, token):
    document = draft("2024000101", decision_points=["  "], themes=["Geen thema"])
    with pytest.raises(InvalidDocuments) as command:
        parse_documents([("", json.dumps(document))])

    response = post_document(client, document, token)

    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": e.path, "message": e.reason} for e in command.value.errors]
    assert {"path": "decision_points[0]", "message": "mag niet leeg zijn"} in response.json()["errors"]
    assert not Proposal.objects.filter(number="2024000101").exists()


def test_invalid_json_is_refused_with_the_parsers_message(client, reference_data, token):
    response = post_document(client, '{"format": ', token)

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("geen geldige JSON")


@pytest.mark.parametrize("state", ["council_advice", "signed", "withdrawn"])
def test_a_document_past_concept_is_refused(client, draft, token, state):
    decision = {**HAMERSTUK, "signatures": SIGNATURES} if state == "signed" else None
    response = post_document(client, with_state(draft("2024000102"), state, decision), token)

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "state"
    assert not Proposal.objects.filter(number="2024000102").exists()


def test_a_document_for_another_municipality_is_forbidden(client, draft, token):
    response = post_document(
        client, draft("2024000103", municipality={"code": "GM0392", "name": "Haarlem"}), token
    )

    assert response.status_code == 403
    assert "Bloemendaal" in response.json()["errors"][0]["message"]
    assert not Proposal.objects.filter(number="2024000103").exists()


def test_sending_in_without_a_token_is_401_in_dutch(client, reference_data, draft):
    response = post_document(client, draft("2024000104"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "API-sleutel" in response.json()["errors"][0]["message"]
    assert not Proposal.objects.filter(number="2024000104").exists()


@pytest.mark.parametrize("authorization", ["Bearer rvs_unknown", "Basic Z3JpZmZpZTpkZW1v", "Bearer "])
def test_an_unknown_token_or_other_credentials_are_401_also_for_reading(
    client, reference_data, authorization
):
    response = client.get("/api/v1/proposals", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "Deze API-sleutel is onbekend of ingetrokken."


def test_a_revoked_token_is_401_and_never_read_as_anonymous(client, draft, griffie, token):
    actions.revoke_token(ApiToken.objects.get(user=griffie), by=griffie)

    assert post_document(client, draft("2024000105"), token).status_code == 401
    assert client.get("/api/v1/proposals", **bearer(token)).status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_griffie(client, reference_data, griffie, token):
    griffie.role = Role.RAADSLID
    griffie.save()

    assert client.get("/api/v1/proposals", **bearer(token)).status_code == 401


def test_using_a_token_notes_when_it_was_last_used(client, reference_data, griffie, token):
    client.get("/api/v1/proposals", **bearer(token))

    assert ApiToken.objects.get(user=griffie).last_used_at is not None


# --- Steps in the workflow ---


def step(client, number: str, token: str, **body):
    return client.post(
        f"/api/v1/proposals/GM0377/{number}/transitions",
        body,
        content_type="application/json",
        **bearer(token),
    )


def test_a_step_is_taken_200_with_the_new_state(client, concept, token):
    response = step(client, "2023000853", token, transition="submit")

    assert response.status_code == 200
    assert response.json() == {"state": "council_advice", "state_label": "Bij de raad", "version": 2}
    assert Proposal.objects.get(pk=concept.pk).state == State.COUNCIL_ADVICE


def test_withdrawing_needs_a_reason(client, concept, token):
    response = step(client, "2023000853", token, transition="withdraw")

    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "reason", "message": "Geef een reden op."}]
    assert (
        step(client, "2023000853", token, transition="withdraw", reason="Elders besloten").status_code == 200
    )


def test_a_step_the_state_does_not_allow_is_409(client, world, token):
    response = step(client, "2023000862", token, transition="submit")

    assert response.status_code == 409
    assert "Ondertekend" in response.json()["errors"][0]["message"]


def test_a_step_whose_condition_fails_is_409_with_the_reason(client, import_document, draft, token):
    import_document(draft("2024000106", decision_points=[]))

    response = step(client, "2024000106", token, transition="submit")

    assert response.status_code == 409
    assert (
        response.json()["errors"][0]["message"] == "Een voorstel zonder beslispunten kan niet naar de raad."
    )


def test_a_step_on_an_older_version_is_409_and_changes_nothing(client, concept, token, griffie):
    step(client, "2023000853", token, transition="submit")
    step(client, "2023000853", token, transition="return_to_concept", reason="Nog niet af")

    response = step(client, "2023000853", token, transition="submit", version=1)

    assert response.status_code == 409
    assert "intussen gewijzigd" in response.json()["errors"][0]["message"]
    assert Proposal.objects.get(pk=concept.pk).state == State.CONCEPT


def test_a_step_without_the_role_for_it_is_403(client, world, haarlem_griffie):
    haarlem_token = actions.create_token("Haarlem", by=haarlem_griffie)[1]

    response = step(client, "2023000862", haarlem_token, transition="withdraw", reason="niet van ons")

    assert response.status_code == 403
    assert Proposal.objects.get(number="2023000862").state == State.SIGNED


def test_an_unknown_step_is_400(client, concept, token):
    response = step(client, "2023000853", token, transition="sign")

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "transition"


def test_a_step_needs_a_token(client, concept):
    response = client.post(
        "/api/v1/proposals/GM0377/2023000853/transitions",
        {"transition": "submit"},
        content_type="application/json",
    )

    assert response.status_code == 401


# --- The OpenAPI document ---


def test_the_openapi_document_describes_the_format_with_the_schema(client, reference_data):
    document = client.get("/api/v1/openapi.json").json()

    assert "RaadsvoorstelDocument" in document["components"]["schemas"]
    body = document["paths"]["/api/v1/proposals"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/RaadsvoorstelDocument"}
    read = document["paths"]["/api/v1/proposals/{code}/{number}"]["get"]
    assert read["security"] == [{"BearerToken": []}, {}]
    assert client.get("/api/v1/docs").status_code == 200


# --- Tokens ---


def test_a_token_is_shown_once_and_stored_only_as_its_sha256(client, griffie):
    client.force_login(griffie)

    made = client.post("/api-sleutels/", {"name": "Zaaksysteem"})
    secret = made.context["secret"]
    stored = ApiToken.objects.get(user=griffie)

    assert secret.startswith("rvs_") and len(secret) > 40
    assert secret in made.content.decode()
    assert "no-store" in made["Cache-Control"]
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored.prefix)
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in json.dumps(list(AuditEntry.objects.values("payload")), default=str)
    listed = client.get("/api-sleutels/").content.decode()
    assert "Zaaksysteem" in listed and stored.prefix in listed and secret not in listed


def test_making_and_revoking_a_token_each_leave_an_audit_entry(reference_data, griffie, griffier):
    token, _secret = actions.create_token("Zaaksysteem", by=griffie)
    actions.revoke_token(token, by=griffier)

    entries = list(AuditEntry.objects.filter(object_key=token.key).values_list("action", "actor"))
    assert entries == [("create_token", griffie.pk), ("revoke_token", griffier.pk)]


def test_a_colleague_in_the_griffie_sees_and_revokes_a_token(client, griffie, griffier, token):
    client.force_login(griffier)
    stored = ApiToken.objects.get(user=griffie)

    assert "DMS Bloemendaal" in client.get("/api-sleutels/").content.decode()
    response = client.post(f"/api-sleutels/{stored.pk}/intrekken/", follow=True)

    assert "is ingetrokken" in response.content.decode()
    assert ApiToken.objects.get(pk=stored.pk).revoked_at is not None


def test_a_raadslid_has_no_token_page(client, raadslid):
    client.force_login(raadslid)

    assert client.get("/api-sleutels/").status_code == 403
    assert client.post("/api-sleutels/", {"name": "Mijn sleutel"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_another_municipalitys_griffie_neither_sees_nor_revokes_a_token(
    client, griffie, haarlem_griffie, token
):
    stored = ApiToken.objects.get(user=griffie)
    client.force_login(haarlem_griffie)

    assert "DMS Bloemendaal" not in client.get("/api-sleutels/").content.decode()
    assert client.post(f"/api-sleutels/{stored.pk}/intrekken/").status_code == 404
    assert ApiToken.objects.get(pk=stored.pk).revoked_at is None


def test_the_notices_page_leads_the_griffie_to_the_tokens(client, griffie, raadslid):
    client.force_login(griffie)
    assert "/api-sleutels/" in client.get("/meldingen/").content.decode()
    client.force_login(raadslid)
    assert "/api-sleutels/" not in client.get("/meldingen/").content.decode()


def test_a_step_whose_body_is_no_json_is_400(client, concept, token):
    response = client.post(
        "/api/v1/proposals/GM0377/2023000853/transitions",
        "{",
        content_type="application/json",
        **bearer(token),
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]
