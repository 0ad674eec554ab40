"""The API, `/api/v1/` (docs/api.md): proposals listed by cursor, read in `raadsvoorstel/1`,
sent in as concepts, and moved through the workflow, for document systems and open data.

Each endpoint parses the request and calls one query or action, as the pages do: who may
read what is `permissions.readable_proposals`, every write is an action, and a document
coming in is checked by `interchange.parse_documents` with the import command's messages.
The OpenAPI document (`/api/v1/openapi.json`, pages at `/api/v1/docs`) describes the
format with the models of `schema.py`.

Errors are JSON, in Dutch, always in one shape: `{"errors": [{"path": …, "message": …}]}`.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
from typing import Annotated
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import IntegrityError
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Greatest
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from . import actions, limits, permissions, schema, search
from .interchange import InvalidDocuments, dumps, export_proposal, parse_documents
from .models import AuditEntry, Proposal, StaleCopy, State, Theme, User, WorkflowError

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100

api = NinjaAPI(
    title="Raadsvoorstel API",
    version="1",
    urls_namespace="api",
    description=(
        "Raadsvoorstellen en raadsbesluiten in het formaat raadsvoorstel/1. Zie docs/api.md; "
        "het formaat zelf staat in docs/interchange.md."
    ),
)


# --- Errors: one shape, in Dutch ---


class ErrorItem(Schema):
    path: str = Field(
        description="Where in the request or document, e.g. `decision_points[1]`; empty for the whole."
    )
    message: str


class Errors(Schema):
    errors: list[ErrorItem]


class ApiError(Exception):
    def __init__(self, status: int, message: str = "", *, path: str = "", errors: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.errors = errors if errors is not None else [{"path": path, "message": message}]
        self.headers: dict[str, str] = {}


def _error_response(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(request, {"errors": error.errors}, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


api.add_exception_handler(ApiError, _error_response)


def not_found() -> ApiError:
    """The one answer for a proposal that does not exist and for one the caller may not see."""
    return ApiError(404, _("Er is geen voorstel met dit nummer."))


class InvalidToken(ApiError):
    def __init__(self):
        super().__init__(401, _("Deze API-sleutel is onbekend of ingetrokken."))
        self.headers["WWW-Authenticate"] = 'Bearer realm="raadsvoorstel", error="invalid_token"'


@api.exception_handler(AuthenticationError)
def _no_token(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    error = ApiError(
        401, _("Hiervoor is een API-sleutel nodig: stuur de kop “Authorization: Bearer <sleutel>”.")
    )
    error.headers["WWW-Authenticate"] = 'Bearer realm="raadsvoorstel"'
    return _error_response(request, error)


@api.exception_handler(HttpError)
def _refused_by_ninja(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own refusals, in English: a body it cannot read is the one a client meets.
    message = (
        _("geen geldige JSON") if exc.status_code == 400 else _("Dit verzoek kan niet worden uitgevoerd.")
    )
    return _error_response(request, ApiError(exc.status_code, message))


# Pydantic's messages are English; the interface is Dutch. The types a request can run into.
PYDANTIC_MESSAGES = {
    "missing": _lazy("ontbreekt"),
    "extra_forbidden": _lazy("onbekend veld"),
    "string_type": _lazy("moet een tekst zijn"),
    "int_type": _lazy("moet een geheel getal zijn"),
    "int_parsing": _lazy("moet een geheel getal zijn"),
    "int_from_float": _lazy("moet een geheel getal zijn"),
    "greater_than_equal": _lazy("moet ten minste %(ge)s zijn"),
    "less_than_equal": _lazy("mag ten hoogste %(le)s zijn"),
    "datetime_type": _lazy("moet een tijdstip zijn als 2023-10-05T20:00:00+02:00"),
    "datetime_parsing": _lazy("moet een tijdstip zijn als 2023-10-05T20:00:00+02:00"),
    "datetime_from_date_parsing": _lazy("moet een tijdstip zijn als 2023-10-05T20:00:00+02:00"),
    "literal_error": _lazy("moet een van %(expected)s zijn"),
    "string_pattern_mismatch": _lazy("heeft niet de goede vorm"),
    "model_attributes_type": _lazy("moet een JSON-object zijn"),
    "dict_type": _lazy("moet een JSON-object zijn"),
    "json_invalid": _lazy("geen geldige JSON"),
}


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        # loc is ("query", "limit") or ("body", "step", "reason"): the caller's name is the last part.
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path", "step")
        ]
        template = str(PYDANTIC_MESSAGES.get(error.get("type"), _("ongeldige waarde")))
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        try:
            message = template % context
        except (KeyError, TypeError, ValueError):
            message = template
        errors.append({"path": ".".join(location), "message": message})
    return _error_response(request, ApiError(400, errors=errors))


# --- Who is asking ---


class BearerToken(HttpBearer):
    """`Authorization: Bearer <sleutel>`, a token made on the page /api-sleutels/."""

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            # Credentials of another kind are refused, never mistaken for no credentials.
            raise InvalidToken()
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = actions.use_token(token)
        if api_token is None:
            raise InvalidToken()
        return api_token.user


def anyone(request: HttpRequest) -> AnonymousUser | None:
    """Reading needs no token: without one, the caller sees what the public sees."""
    return AnonymousUser() if "Authorization" not in request.headers else None


TOKEN = BearerToken()
READ_AUTH = [TOKEN, anyone]
# OpenAPI's way of saying "a token is optional": the empty requirement, added to the token's
# own (ninja extends the list it writes with this one).
OPTIONAL_TOKEN = {"security": [{}]}


# --- Listing, by cursor ---


class ProposalFilters(Schema):
    municipality: Annotated[str, Field(pattern=r"^GM[0-9]{4}$")] | None = Field(
        None, description="CBS code, e.g. GM0377."
    )
    state: Annotated[str, Field(json_schema_extra={"enum": State.values})] | None = Field(
        None, description="One of the states of raadsvoorstel/1."
    )
    theme: str | None = Field(
        None, description="A theme, or `theme/subtheme`; a theme includes its sub-themes."
    )
    q: str | None = Field(None, description="Words in the subject or the number.")
    since: datetime.datetime | None = Field(
        None,
        description="Only what changed at or after this moment (ISO 8601; without a zone, Dutch time).",
    )
    cursor: str | None = Field(None, description="The `next` link carries it; opaque.")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class ProposalSummary(Schema):
    municipality: str
    number: str
    subject: str
    state: str
    date: datetime.date
    themes: list[str]
    changed_at: datetime.datetime = Field(
        description="The last change to anything its document holds, a signature or the PDF's hash too."
    )
    url: str = Field(description="The proposal in raadsvoorstel/1.")


class ProposalPage(Schema):
    items: list[ProposalSummary]
    next: str | None = Field(description="The next page, or null on the last.")


@api.get(
    "/proposals",
    response={200: ProposalPage, 400: Errors, 401: Errors},
    auth=READ_AUTH,
    openapi_extra=OPTIONAL_TOKEN,
    summary="Voorstellen, in volgorde van wijziging",
)
@api.get(
    "/proposals/",
    response={200: ProposalPage, 400: Errors, 401: Errors},
    auth=READ_AUTH,
    include_in_schema=False,
)
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters]):
    """Oldest change first, so that `since` and then the `next` links bring everything that
    changed: a proposal that changes while being paged comes round again, never goes missing."""
    proposals = _with_changed_at(_filtered(permissions.readable_proposals(request.auth), filters))
    if filters.since is not None:
        try:
            since = _aware(filters.since)
            since.astimezone(datetime.UTC)  # the database compares in UTC
        except OverflowError:
            # A moment hours from year 1 or 9999 has no UTC time: a bad parameter, not an error.
            raise ApiError(400, _("moet een tijdstip tussen het jaar 1 en 9999 zijn"), path="since") from None
        proposals = proposals.filter(changed_at__gte=since)
    if filters.cursor:
        changed_at, pk = _read_cursor(filters.cursor)
        proposals = proposals.filter(Q(changed_at__gt=changed_at) | Q(changed_at=changed_at, pk__gt=pk))
    page = list(
        proposals.order_by("changed_at", "pk")
        .select_related("municipality")
        .prefetch_related("themes__parent")[: filters.limit + 1]
    )
    next_url = None
    if len(page) > filters.limit:
        page = page[: filters.limit]
        query = request.GET.copy()
        query["cursor"] = _cursor(page[-1])
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": [_summary(request, proposal) for proposal in page], "next": next_url}


def _with_changed_at(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """`changed_at`: the last write to anything the proposal's document holds. Its own row's
    `updated_at` misses some (a first signature, the archived PDF's hash), but every action
    that writes any of it appends an audit entry under the proposal's key: the later of the
    two is the moment it last changed."""
    last_entry = (
        AuditEntry.objects.filter(
            object_type="proposal",
            object_key=Concat(OuterRef("municipality__code"), Value("/"), OuterRef("number")),
        )
        .order_by("-seq")
        .values("at")[:1]
    )
    return proposals.annotate(changed_at=Greatest("updated_at", Coalesce(Subquery(last_entry), "updated_at")))


def _filtered(proposals: QuerySet[Proposal], filters: ProposalFilters) -> QuerySet[Proposal]:
    if filters.municipality:
        proposals = proposals.filter(municipality__code=filters.municipality)
    if filters.state:
        if filters.state not in State.values:
            raise ApiError(
                400, _("moet een van %(choices)s zijn") % {"choices": ", ".join(State.values)}, path="state"
            )
        proposals = proposals.filter(state=filters.state)
    if filters.theme:
        theme = next((t for t in Theme.objects.select_related("parent") if t.path == filters.theme), None)
        if theme is None:
            raise ApiError(400, _("onbekend thema %(name)s") % {"name": filters.theme}, path="theme")
        # A theme includes its sub-themes, as on the overview page.
        proposals = proposals.filter(
            pk__in=Proposal.objects.filter(Q(themes=theme) | Q(themes__parent=theme)).values("pk")
        )
    if filters.q:
        proposals = _matching(proposals, filters.q)
    return proposals


def _matching(proposals: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    """The words, found as the search page finds them (`search.py`: full text on PostgreSQL),
    filtered by pk: a page of the API keeps its own order (change, id), not the ranking."""
    text = text.strip()
    if not text:
        return proposals
    return proposals.filter(pk__in=search.matching(proposals, text).values("pk"))


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _cursor(proposal: Proposal) -> str:
    """Where the page ended, (change, id): a key to go on from, never an offset, so that
    inserts and changes elsewhere never shift what comes next."""
    raw = json.dumps([proposal.changed_at.isoformat(), proposal.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        changed_at = datetime.datetime.fromisoformat(moment)
        if not isinstance(pk, int) or timezone.is_naive(changed_at):
            raise ValueError
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise ApiError(
            400, _("onbekende cursor; gebruik de link “next” van de vorige pagina"), path="cursor"
        ) from None
    return changed_at, pk


def proposal_url(proposal: Proposal) -> str:
    """The API's address of a proposal; a number with `/` (or any other sign) percent-encoded."""
    return reverse(
        "api:get_proposal",
        kwargs={"code": proposal.municipality.code, "number": "NUMBER"},
    ).replace("NUMBER", quote(proposal.number, safe=""))


def _summary(request: HttpRequest, proposal: Proposal) -> dict:
    return {
        "municipality": proposal.municipality.code,
        "number": proposal.number,
        "subject": proposal.subject,
        "state": proposal.state,
        "date": proposal.date,
        "themes": sorted(theme.path for theme in proposal.themes.all()),
        "changed_at": getattr(proposal, "changed_at", proposal.updated_at),
        "url": request.build_absolute_uri(proposal_url(proposal)),
    }


# --- One proposal ---


def _readable(user, code: str, number: str) -> Proposal:
    proposal = permissions.readable_proposals(user).filter(municipality__code=code, number=number).first()
    if proposal is None:
        raise not_found()
    return proposal


class StepRequest(Schema):
    transition: str = Field(description="submit, return_to_concept or withdraw.")
    reason: str = Field("", description="Required for return_to_concept and withdraw.")
    version: int | None = Field(
        None, ge=1, description="The version the caller last read: refused (409) if it changed since."
    )


class StepResult(Schema):
    state: str
    state_label: str
    version: int


# Registered before the document's own route: `{path:number}` would take "…/transitions" too.
@api.post(
    "/proposals/{code}/{path:number}/transitions",
    response={200: StepResult, 400: Errors, 401: Errors, 403: Errors, 404: Errors, 409: Errors},
    auth=TOKEN,
    summary="Een stap in de workflow",
)
def take_step(request: HttpRequest, code: str, number: str, step: StepRequest):
    """The steps of the proposal page's buttons, under the same rules: the role first (403),
    then the state, the step's conditions and the version (409)."""
    user = request.auth
    proposal = _readable(user, code, number)
    transition = actions.USER_TRANSITIONS.get(step.transition)
    if transition is None:
        raise ApiError(
            400,
            _("moet een van %(choices)s zijn") % {"choices": ", ".join(actions.USER_TRANSITIONS)},
            path="transition",
        )
    if not permissions.may_take_step(user, proposal, transition.name):
        raise ApiError(403, _("U hebt niet de rol die deze stap mag zetten bij dit voorstel."))
    if transition.reason_label and not step.reason.strip():
        raise ApiError(400, _("Geef een reden op."), path="reason")
    if step.version is not None:
        # As the pages' hidden field: the step acts on the proposal as the caller last read it.
        proposal.version = step.version
    try:
        transition.run(proposal, by=user, reason=step.reason)
    except PermissionDenied as refusal:
        raise ApiError(403, str(refusal)) from None
    except (StaleCopy, WorkflowError) as refusal:
        raise ApiError(409, str(refusal)) from None
    return {
        "state": proposal.state,
        "state_label": str(proposal.get_state_display()),
        "version": proposal.version,
    }


@api.get(
    "/proposals/{code}/{path:number}",
    response={200: schema.RaadsvoorstelDocument, 304: None, 401: Errors, 404: Errors},
    auth=READ_AUTH,
    openapi_extra=OPTIONAL_TOKEN,
    summary="Eén voorstel in raadsvoorstel/1",
)
def get_proposal(request: HttpRequest, code: str, number: str):
    """The document byte for byte as `manage.py export_proposal` writes it, with a strong
    ETag (its SHA-256): `If-None-Match` with it answers 304 while nothing changed."""
    proposal = permissions.readable_proposals(request.auth).with_document()
    proposal = proposal.filter(municipality__code=code, number=number).first()
    if proposal is None:
        raise not_found()
    body = dumps(export_proposal(proposal)).encode("utf-8")
    etag = f'"{hashlib.sha256(body).hexdigest()}"'
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    # What a caller sees depends on its token: a cache keeps the answers apart.
    response["Vary"] = "Authorization"
    response["Cache-Control"] = "no-cache"
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 13.1.2: `*`, or any of the listed tags, compared weakly (W/ ignored)."""
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip() for tag in if_none_match.split(","))
    return etag in (tag.removeprefix("W/") for tag in tags)


# --- Sending a concept in ---

# The body is checked by the import's own parser, not by pydantic, so that its messages
# and paths are the command's; the schema only describes it.
DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RaadsvoorstelDocument"}}},
    }
}


@api.post(
    "/proposals",
    response={201: ProposalSummary, 400: Errors, 401: Errors, 403: Errors, 409: Errors, 413: Errors},
    auth=TOKEN,
    openapi_extra=DOCUMENT_BODY,
    summary="Een concept insturen",
)
@api.post("/proposals/", response={201: ProposalSummary}, auth=TOKEN, include_in_schema=False)
def create_proposal(request: HttpRequest):
    """A concept in the token user's municipality from one `raadsvoorstel/1` document, checked
    as `manage.py import_proposals` checks it; 201 with its address in `Location`."""
    user = request.auth
    text = _body_text(request)
    _refuse_other_municipality(text, user)
    try:
        documents = parse_documents([("", text)])
    except InvalidDocuments as invalid:
        raise ApiError(400, errors=[{"path": e.path, "message": e.reason} for e in invalid.errors]) from None
    if len(documents) != 1 or documents[0].origin:
        raise ApiError(400, _("stuur één voorstel, als JSON-object, geen lijst"))
    (document,) = documents
    if document.state != State.CONCEPT:
        raise ApiError(
            400,
            _("via de API komt alleen een concept binnen, geen voorstel met status %(state)s")
            % {"state": document.state},
            path="state",
        )
    if not permissions.is_griffie_of(user, document.municipality):
        raise _other_municipality(user)
    try:
        (proposal,) = actions.import_proposals([document], by=user)
    except IntegrityError:
        # Someone stored the same number between the check and the write.
        raise ApiError(409, _("Deze gemeente heeft al een voorstel met dit nummer."), path="number") from None
    except WorkflowError as refusal:
        raise ApiError(400, str(refusal)) from None
    proposal = (
        Proposal.objects.select_related("municipality").prefetch_related("themes__parent").get(pk=proposal.pk)
    )
    response = api.create_response(
        request, ProposalSummary(**_summary(request, proposal)).model_dump(), status=201
    )
    response["Location"] = request.build_absolute_uri(proposal_url(proposal))
    return response


def too_large() -> ApiError:
    return ApiError(
        413,
        _("Het document is groter dan %(limit)s; er is niets opgeslagen.")
        % {"limit": limits.megabytes(limits.MAX_IMPORT_BYTES)},
    )


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, met where ninja reads it (a step's body).
    return _error_response(request, too_large())


def _body_text(request: HttpRequest) -> str:
    # The size the request announces first: a body over the limit is never read.
    if limits.content_length(request) > limits.MAX_IMPORT_BYTES:
        raise too_large()
    try:
        body = request.body
        if len(body) > limits.MAX_IMPORT_BYTES:
            raise too_large()
        # utf-8-sig: a byte-order mark is no reason to refuse, as in the import command.
        return body.decode("utf-8-sig")
    except RequestDataTooBig:
        raise too_large() from None
    except UnicodeDecodeError:
        raise ApiError(400, _("het document is geen UTF-8")) from None


def _refuse_other_municipality(text: str, user: User) -> None:
    """A document for another council is refused before it is checked: the checks would
    otherwise tell which numbers that council has used."""
    try:
        code = json.loads(text)["municipality"]["code"]
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):
        return  # the parser says what is wrong with it
    if isinstance(code, str) and code != user.municipality.code:
        raise _other_municipality(user)


def _other_municipality(user: User) -> ApiError:
    return ApiError(
        403,
        _("U kunt alleen voorstellen van uw eigen gemeente (%(name)s) insturen.")
        % {"name": user.municipality.name},
        path="municipality.code",
    )
