"""The interchange format `raadsvoorstel/1` (docs: shared/docs/interchange.md).

`parse_documents` turns JSON into checked `ProposalDocument`s, collecting every error
with the place it was found; it reads the database (municipalities, themes, plans,
stored numbers) but never writes. `actions.import_proposals` stores what it returns.
`export_proposal` writes a stored proposal back in the same format, so that
export, import elsewhere and export again give the same JSON.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from . import gemeentewet, limits
from .amendments import ACTIONS, DELETE, INSERT, Change
from .models import (
    FINAL_STATES,
    Advice,
    Ballot,
    Municipality,
    Proposal,
    Proposer,
    RegionalPlan,
    Result,
    SignatureRole,
    State,
    Theme,
    VoteMode,
    cbs_code_validator,
)

FORMAT = "raadsvoorstel/1"

DOCUMENT_FIELDS = (
    "format",
    "municipality",
    "number",
    "subject",
    "proposer",
    "date",
    "legal_basis",
    "sections",
    "decision_points",
    "themes",
    "regional_plan",
    "attachments",
    "state",
    "decision",
)
DECISION_FIELDS = (
    "meeting_date",
    "result",
    "advice",
    "advice_text",
    "vote",
    "amendments",
    "signatures",
    "pdf_sha256",
    "meeting_public",
)
# States in which the council has decided and the decision must be present.
STATES_WITH_DECISION = {State.ADVISED, State.SIGNED, State.RBOP_ADOPTED, State.REJECTED}

# [0-9], not \d: \d also matches digits of other scripts, which no ISO date has.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
MAX_FILE_SIZE = 2**63 - 1  # what the database's bigint holds
SHA256 = re.compile(r"[0-9a-f]{64}\Z")


@dataclass
class MemberVoteDocument:
    name: str
    party: str
    vote: str


@dataclass
class AmendmentDocument:
    title: str
    submitters: list[str]
    result: str
    changes: list[Change]


@dataclass
class SignatureDocument:
    role: str
    name: str
    date: datetime.date
    # The waarnemend voorzitter or plaatsvervangend griffier, who sign as such.
    as_substitute: bool = False


@dataclass
class DecisionDocument:
    meeting_date: datetime.date
    result: str
    advice: str
    advice_text: str
    vote_mode: str
    votes_for: int | None
    votes_against: int | None
    member_votes: list[MemberVoteDocument] = field(default_factory=list)
    amendments: list[AmendmentDocument] = field(default_factory=list)
    signatures: list[SignatureDocument] = field(default_factory=list)
    # Art. 23: false for a besloten vergadering.
    meeting_public: bool = True
    # Who had zitting that day, where it differs from the seats; who had to refrain (art. 28).
    seated: int | None = None
    excluded: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AttachmentDocument:
    title: str
    sha256: str = ""
    size: int | None = None


@dataclass
class ProposalDocument:
    municipality: Municipality
    number: str
    subject: str
    proposer: str
    date: datetime.date
    legal_basis: list[str]
    sections: list[tuple[str, str]]
    decision_points: list[str]
    themes: list[Theme]
    regional_plan: RegionalPlan | None
    attachments: list[AttachmentDocument]
    state: str
    decision: DecisionDocument | None
    # Where the document came from, for error messages: "file.json" or "file.json[2]".
    origin: str = ""


@dataclass(frozen=True)
class DocumentError:
    origin: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.path}: {self.reason}" if self.path else f"{self.origin}: {self.reason}"


class InvalidDocuments(Exception):
    def __init__(self, errors: list[DocumentError]):
        super().__init__(f"{len(errors)} fout(en)")
        self.errors = errors


# --- Reading ---


def load_json(text: str, origin: str) -> list[tuple[str, Any]]:
    """The documents in one file: a single object or a list of them, each with its place."""
    duplicates: list[str] = []

    def refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
        # json.loads keeps the last of two equal keys; a document that says a thing
        # twice is refused instead, so that no value vanishes silently.
        keys = [key for key, _value in pairs]
        duplicates.extend(key for index, key in enumerate(keys) if key in keys[:index])
        return dict(pairs)

    def file_error(reason: str) -> InvalidDocuments:
        return InvalidDocuments([DocumentError(origin, "", reason)])

    try:
        data = json.loads(text, object_pairs_hook=refuse_duplicate_keys)
    except json.JSONDecodeError as error:
        raise file_error(
            _("geen geldige JSON (regel %(line)s, kolom %(col)s: %(msg)s)")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from None
    except RecursionError:
        raise file_error(_("de JSON is te diep genest")) from None
    if duplicates:
        raise file_error(_("het veld %(key)s staat twee keer in hetzelfde object") % {"key": duplicates[0]})
    if isinstance(data, list):
        if not data:
            raise file_error(_("de lijst bevat geen voorstellen"))
        return [(f"[{index}]", item) for index, item in enumerate(data)]
    return [("", data)]


def parse_documents(files: Iterable[tuple[str, str]], *, replace: bool = False) -> list[ProposalDocument]:
    """Check every document in `files` (name, text); all are good or `InvalidDocuments`."""
    errors: list[DocumentError] = []
    documents: list[ProposalDocument] = []
    seen: dict[tuple[str, str], str] = {}
    for origin, text in files:
        try:
            items = load_json(text, origin)
        except InvalidDocuments as invalid:
            errors += invalid.errors
            continue
        for prefix, raw in items:
            checker = _Checker(origin, prefix, errors)
            document = checker.document(raw)
            if document is None:
                continue
            key = (document.municipality.code, document.number)
            where = f"{origin}{prefix}"
            if key in seen:
                checker.error(
                    "number",
                    _("nummer %(number)s staat ook in %(other)s")
                    % {"number": document.number, "other": seen[key]},
                )
                continue
            seen[key] = where
            checker.check_not_stored(document, replace=replace)
            document.origin = where
            documents.append(document)
    if errors:
        raise InvalidDocuments(errors)
    return documents


class _Checker:
    """Checks one raw document, adding each problem at its path to `errors`."""

    def __init__(self, origin: str, prefix: str, errors: list[DocumentError]):
        self.origin = origin
        self.prefix = prefix
        self.errors = errors
        self.count_at_start = len(errors)

    def error(self, path: str, reason: str) -> None:
        if self.prefix:
            path = f"{self.prefix}.{path}" if path else self.prefix
        self.errors.append(DocumentError(self.origin, path, reason))

    @property
    def failed(self) -> bool:
        return len(self.errors) > self.count_at_start

    # Generic field checks: each returns the value, or None after reporting an error.

    def obj(self, value: Any, path: str, fields: tuple[str, ...], required: Iterable[str]) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, _("moet een JSON-object zijn"))
            return None
        for key in value:
            if key not in fields:
                self.error(_join(path, key), _("onbekend veld"))
        for key in required:
            if key not in value:
                self.error(_join(path, key), _("ontbreekt"))
        return value

    def text(
        self, value: Any, path: str, *, max_length: int | None = None, allow_empty: bool = False
    ) -> str | None:
        if not isinstance(value, str):
            self.error(path, _("moet een tekst zijn"))
            return None
        if "\x00" in value:
            # No database stores it (PostgreSQL refuses NUL in text); no real text holds it.
            self.error(path, _("bevat een NUL-teken"))
            return None
        if not allow_empty and not value.strip():
            self.error(path, _("mag niet leeg zijn"))
            return None
        if max_length is not None and len(value) > max_length:
            self.error(
                path,
                _("is %(length)s tekens lang; ten hoogste %(max)s toegestaan")
                % {"length": len(value), "max": max_length},
            )
            return None
        return value

    def choice(self, value: Any, path: str, choices: Iterable[str]) -> str | None:
        choices = list(choices)
        if not isinstance(value, str) or value not in choices:
            self.error(path, _("moet een van %(choices)s zijn") % {"choices": ", ".join(choices)})
            return None
        return value

    def date(self, value: Any, path: str) -> datetime.date | None:
        if not isinstance(value, str) or not ISO_DATE.match(value):
            self.error(path, _("moet een datum zijn als 2023-08-22"))
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(path, _("%(value)s is geen bestaande datum") % {"value": value})
            return None

    def flag(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.error(path, _("moet true of false zijn"))
            return False
        return value

    def count(self, value: Any, path: str, *, maximum: int = 32767) -> int | None:
        # bool is an int in Python; JSON's true is no count.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.error(path, _("moet een geheel getal van 0 of meer zijn"))
            return None
        if value > maximum:
            self.error(path, _("is groter dan %(maximum)s") % {"maximum": maximum})
            return None
        return value

    def items(self, value: Any, path: str) -> list[tuple[str, Any]]:
        if not isinstance(value, list):
            self.error(path, _("moet een lijst zijn"))
            return []
        return [(f"{path}[{index}]", item) for index, item in enumerate(value)]

    # The document.

    def document(self, raw: Any) -> ProposalDocument | None:
        raw = self.obj(raw, "", DOCUMENT_FIELDS, DOCUMENT_FIELDS)
        if raw is None:
            return None
        if "format" in raw and raw["format"] != FORMAT:
            self.error("format", _("moet %(format)s zijn") % {"format": FORMAT})
        municipality = self.municipality(raw.get("municipality"))
        state = self.choice(raw.get("state"), "state", State.values) if "state" in raw else None
        decision_points = [
            self.text(item, path)
            for path, item in self.items(raw.get("decision_points", []), "decision_points")
        ]
        if state not in (None, State.CONCEPT) and not decision_points:
            self.error("decision_points", _("een voorstel buiten concept heeft ten minste één beslispunt"))
        document = ProposalDocument(
            municipality=municipality,
            number=self.text(raw.get("number"), "number", max_length=40),
            subject=self.text(raw.get("subject"), "subject", max_length=300),
            proposer=self.choice(raw.get("proposer"), "proposer", Proposer.values),
            date=self.date(raw.get("date"), "date"),
            legal_basis=[
                self.text(item, path, max_length=500)
                for path, item in self.items(raw.get("legal_basis", []), "legal_basis")
            ],
            sections=self.sections(raw.get("sections", [])),
            decision_points=decision_points,
            themes=self.themes(raw.get("themes", [])),
            regional_plan=self.regional_plan(raw.get("regional_plan")),
            attachments=self.attachments(raw.get("attachments", [])),
            state=state,
            decision=None,
        )
        self.text_within_limit(document)
        if state is not None and "decision" in raw:
            document.decision = self.decision(raw["decision"], document)
        if state == State.RBOP_ADOPTED and "regional_plan" in raw and raw["regional_plan"] is None:
            self.error(
                "regional_plan", _("een voorstel dat het RBOP heeft vastgesteld hoort bij een regionaal plan")
            )
        return None if self.failed else document

    def municipality(self, value: Any) -> Municipality | None:
        value = self.obj(value, "municipality", ("code", "name"), ("code", "name"))
        if value is None or "code" not in value:
            return None
        code = value["code"]
        if not isinstance(code, str) or not cbs_code_validator.regex.match(code):
            self.error("municipality.code", _("moet een CBS-code zijn als GM0377"))
            return None
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            self.error("municipality.code", _("onbekende gemeente %(code)s") % {"code": code})
            return None
        if "name" in value and value["name"] != municipality.name:
            self.error(
                "municipality.name",
                _("%(code)s is %(name)s, niet %(given)s")
                % {"code": code, "name": municipality.name, "given": value["name"]},
            )
        return municipality

    def sections(self, value: Any) -> list[tuple[str, str]]:
        sections = []
        for path, item in self.items(value, "sections"):
            item = self.obj(item, path, ("heading", "body"), ("heading", "body"))
            if item is not None:
                sections.append(
                    (
                        self.text(item.get("heading"), f"{path}.heading", max_length=200),
                        self.text(
                            item.get("body"),
                            f"{path}.body",
                            allow_empty=True,
                            max_length=limits.MAX_SECTION_CHARS,
                        ),
                    )
                )
        return sections

    def text_within_limit(self, document: ProposalDocument) -> None:
        """All sections and decision points together stay within `limits.MAX_TEXT_CHARS`."""
        length = sum(len(heading or "") + len(body or "") for heading, body in document.sections)
        length += sum(len(point or "") for point in document.decision_points)
        if length > limits.MAX_TEXT_CHARS:
            self.error(
                "sections",
                _(
                    "de onderdelen en beslispunten zijn samen %(length)s tekens lang; "
                    "ten hoogste %(max)s toegestaan"
                )
                % {"length": length, "max": limits.MAX_TEXT_CHARS},
            )

    def themes(self, value: Any) -> list[Theme]:
        known = {theme.path: theme for theme in Theme.objects.select_related("parent")}
        themes: list[Theme] = []
        for path, item in self.items(value, "themes"):
            name = self.text(item, path)
            if name is None:
                continue
            if name not in known:
                self.error(path, _("onbekend thema %(name)s") % {"name": name})
            elif known[name] in themes:
                self.error(path, _("thema %(name)s staat er al") % {"name": name})
            else:
                themes.append(known[name])
        return themes

    def regional_plan(self, value: Any) -> RegionalPlan | None:
        if value is None:
            return None
        code = self.text(value, "regional_plan")
        if code is None:
            return None
        plan = RegionalPlan.objects.filter(code=code).first()
        if plan is None:
            self.error("regional_plan", _("onbekend regionaal plan %(code)s") % {"code": code})
        return plan

    def attachments(self, value: Any) -> list[AttachmentDocument]:
        attachments = []
        for path, item in self.items(value, "attachments"):
            item = self.obj(item, path, ("title", "sha256", "size"), ("title",))
            if item is None:
                continue
            attachment = AttachmentDocument(
                title=self.text(item.get("title"), f"{path}.title", max_length=300)
            )
            if "sha256" in item:
                if not isinstance(item["sha256"], str) or not SHA256.match(item["sha256"]):
                    self.error(f"{path}.sha256", _("moet 64 hexadecimale tekens (kleine letters) zijn"))
                else:
                    attachment.sha256 = item["sha256"]
            if "size" in item:
                attachment.size = self.count(item["size"], f"{path}.size", maximum=MAX_FILE_SIZE)
            attachments.append(attachment)
        return attachments

    # The decision.

    def decision(self, value: Any, document: ProposalDocument) -> DecisionDocument | None:
        state = document.state
        if state not in STATES_WITH_DECISION:
            if value is not None:
                self.error(
                    "decision", _("hoort niet bij een voorstel met status %(state)s") % {"state": state}
                )
            return None
        if value is None:
            self.error("decision", _("ontbreekt; vereist bij status %(state)s") % {"state": state})
            return None
        value = self.obj(value, "decision", DECISION_FIELDS, ("meeting_date", "result", "advice", "vote"))
        if value is None:
            return None
        meeting_date = self.date(value.get("meeting_date"), "decision.meeting_date")
        if meeting_date and document.date and meeting_date < document.date:
            self.error("decision.meeting_date", _("de vergadering ligt vóór de datum van het voorstel"))
        result = self.choice(value.get("result"), "decision.result", (Result.AANGENOMEN, Result.VERWORPEN))
        expected = Result.VERWORPEN if state == State.REJECTED else Result.AANGENOMEN
        if result and result != expected:
            self.error(
                "decision.result",
                _("bij status %(state)s moet de uitslag %(result)s zijn")
                % {"state": state, "result": expected},
            )
        advice, advice_text = self.advice(value)
        decision = DecisionDocument(
            meeting_date=meeting_date,
            result=result,
            advice=advice,
            advice_text=advice_text,
            vote_mode=None,
            votes_for=None,
            votes_against=None,
        )
        if "meeting_public" in value:
            decision.meeting_public = self.flag(value["meeting_public"], "decision.meeting_public")
        self.vote(value.get("vote"), decision, document)
        decision.amendments = self.amendments(value.get("amendments", []), len(document.decision_points))
        decision.signatures = self.signatures(value.get("signatures", []), state, meeting_date)
        if "pdf_sha256" in value:
            # An export's hash of its archived PDF; the PDF itself does not travel with it.
            self.text(value["pdf_sha256"], "decision.pdf_sha256")
        return decision

    def advice(self, value: dict) -> tuple[str, str]:
        advice = value.get("advice")
        if advice is not None:
            advice = self.choice(advice, "decision.advice", Advice.values)
        text = value.get("advice_text", "")
        text = self.text(text, "decision.advice_text", allow_empty=True) or ""
        if advice == Advice.OBJECTIONS and not text.strip():
            self.error("decision.advice_text", _("vereist bij wensen_en_bedenkingen"))
        elif advice != Advice.OBJECTIONS and text:
            self.error("decision.advice_text", _("hoort alleen bij wensen_en_bedenkingen"))
        return advice or "", text

    def vote(self, value: Any, decision: DecisionDocument, document: ProposalDocument) -> None:
        path = "decision.vote"
        value = self.obj(value, path, ("mode", "for", "against", "members", "seated", "excluded"), ("mode",))
        if value is None:
            return
        seats = document.municipality.seats if document.municipality else None
        if "seated" in value:
            decision.seated = self.count(value["seated"], f"{path}.seated")
            if decision.seated is not None and seats is not None and decision.seated > seats:
                self.error(
                    f"{path}.seated",
                    _("nooit meer leden met zitting dan de raad zetels heeft (%(seats)s)") % {"seats": seats},
                )
                decision.seated = None
            elif decision.seated is not None and decision.seated < 1:
                self.error(f"{path}.seated", _("er heeft ten minste één lid zitting"))
        if "excluded" in value:
            decision.excluded = self.excluded_members(value["excluded"], f"{path}.excluded")
        mode = decision.vote_mode = self.choice(value.get("mode"), f"{path}.mode", VoteMode.values)
        if mode is None:
            return
        if mode == VoteMode.HAMERSTUK:
            for key in ("for", "against", "members"):
                if key in value:
                    self.error(f"{path}.{key}", _("hoort niet bij een hamerstuk"))
        else:
            for key in ("for", "against"):
                if key not in value:
                    self.error(f"{path}.{key}", _("ontbreekt"))
            decision.votes_for = self.count(value.get("for"), f"{path}.for") if "for" in value else None
            decision.votes_against = (
                self.count(value.get("against"), f"{path}.against") if "against" in value else None
            )
        if mode == VoteMode.HOOFDELIJK:
            self.member_votes(value, decision)
            voted_while_excluded = {m.name for m in decision.member_votes} & {
                name for name, _p in decision.excluded
            }
            for name in sorted(voted_while_excluded):
                self.error(
                    f"{path}.excluded", _("%(name)s is uitgesloten (art. 28) en stemt niet") % {"name": name}
                )
        elif "members" in value and mode != VoteMode.HAMERSTUK:
            self.error(f"{path}.members", _("hoort alleen bij een hoofdelijke stemming"))
        counts_known = mode == VoteMode.HAMERSTUK or None not in (decision.votes_for, decision.votes_against)
        if counts_known and decision.result and document.municipality:
            for problem in gemeentewet.problems_with_recorded_vote(
                mode,
                decision.votes_for,
                decision.votes_against,
                decision.result,
                seated=decision.seated or document.municipality.seats,
                excluded=len(decision.excluded),
            ):
                self.error(path, problem)

    def excluded_members(self, value: Any, path: str) -> list[tuple[str, str]]:
        excluded = []
        for item_path, item in self.items(value, path):
            item = self.obj(item, item_path, ("name", "party"), ("name", "party"))
            if item is None:
                continue
            name = self.text(item.get("name"), f"{item_path}.name", max_length=200)
            party = self.text(item.get("party"), f"{item_path}.party", max_length=200)
            if name in {n for n, _p in excluded}:
                self.error(f"{item_path}.name", _("%(name)s staat er al") % {"name": name})
            excluded.append((name, party))
        return excluded

    def member_votes(self, value: dict, decision: DecisionDocument) -> None:
        path = "decision.vote.members"
        if "members" not in value:
            self.error(path, _("ontbreekt; vereist bij een hoofdelijke stemming"))
            return
        names = set()
        for item_path, item in self.items(value["members"], path):
            item = self.obj(item, item_path, ("name", "party", "vote"), ("name", "party", "vote"))
            if item is None:
                continue
            member = MemberVoteDocument(
                name=self.text(item.get("name"), f"{item_path}.name", max_length=200),
                party=self.text(item.get("party"), f"{item_path}.party", max_length=200),
                vote=self.choice(item.get("vote"), f"{item_path}.vote", Ballot.values),
            )
            if member.name in names:
                self.error(f"{item_path}.name", _("%(name)s heeft al gestemd") % {"name": member.name})
            names.add(member.name)
            decision.member_votes.append(member)
        tally = {ballot: sum(m.vote == ballot for m in decision.member_votes) for ballot in Ballot.values}
        for key, ballot in (("for", Ballot.VOOR), ("against", Ballot.TEGEN)):
            recorded = decision.votes_for if key == "for" else decision.votes_against
            if recorded is not None and recorded != tally[ballot]:
                self.error(
                    f"decision.vote.{key}",
                    _("is %(recorded)s, maar %(tally)s leden stemden %(ballot)s")
                    % {"recorded": recorded, "tally": tally[ballot], "ballot": ballot},
                )

    def amendments(self, value: Any, point_count: int) -> list[AmendmentDocument]:
        amendments = []
        # Points struck by any amendment: their numbers may lie beyond the decision's points.
        self.struck = sum(
            1
            for amendment in (value if isinstance(value, list) else [])
            if isinstance(amendment, dict) and isinstance(amendment.get("changes"), list)
            for change in amendment["changes"]
            if isinstance(change, dict) and change.get("action") == DELETE
        )
        for path, item in self.items(value, "decision.amendments"):
            item = self.obj(
                item,
                path,
                ("title", "submitters", "result", "changes"),
                ("title", "submitters", "result", "changes"),
            )
            if item is None:
                continue
            submitters = [
                self.text(name, sub_path, max_length=200)
                for sub_path, name in self.items(item.get("submitters", []), f"{path}.submitters")
            ]
            if not submitters:
                self.error(f"{path}.submitters", _("een amendement heeft ten minste één indiener"))
            changes = []
            for change_path, change in self.items(item.get("changes", []), f"{path}.changes"):
                change = self.obj(change, change_path, ("point", "action", "text"), ("point",))
                if change is None:
                    continue
                action = self.choice(change.get("action", "replace"), f"{change_path}.action", ACTIONS)
                # Numbers refer to the points as they stood when the amendment was voted on:
                # a struck point may lie beyond the decision's last one.
                limit = point_count + (1 if action == INSERT else 0) + self.struck
                point = change.get("point")
                if not isinstance(point, int) or isinstance(point, bool) or not 1 <= point <= limit:
                    self.error(
                        f"{change_path}.point",
                        _("moet een beslispunt van 1 tot en met %(count)s zijn") % {"count": limit},
                    )
                if action == DELETE:
                    if "text" in change:
                        self.error(f"{change_path}.text", _("een geschrapt beslispunt heeft geen tekst"))
                    text = ""
                else:
                    text = self.text(change.get("text"), f"{change_path}.text")
                changes.append(Change(point=point, action=action or "replace", text=text or ""))
            if not changes:
                self.error(f"{path}.changes", _("een amendement wijzigt ten minste één beslispunt"))
            amendments.append(
                AmendmentDocument(
                    title=self.text(item.get("title"), f"{path}.title", max_length=300),
                    submitters=submitters,
                    result=self.choice(item.get("result"), f"{path}.result", Result.values),
                    changes=changes,
                )
            )
        return amendments

    def signatures(
        self, value: Any, state: str, meeting_date: datetime.date | None
    ) -> list[SignatureDocument]:
        signatures = []
        for path, item in self.items(value, "decision.signatures"):
            item = self.obj(item, path, ("role", "name", "date", "as_substitute"), ("role", "name", "date"))
            if item is None:
                continue
            signature = SignatureDocument(
                role=self.choice(item.get("role"), f"{path}.role", SignatureRole.values),
                name=self.text(item.get("name"), f"{path}.name", max_length=200),
                date=self.date(item.get("date"), f"{path}.date"),
                as_substitute=self.flag(item.get("as_substitute", False), f"{path}.as_substitute"),
            )
            if signature.role and signature.role in {s.role for s in signatures}:
                self.error(f"{path}.role", _("de %(role)s heeft al getekend") % {"role": signature.role})
            if signature.date and meeting_date and signature.date < meeting_date:
                self.error(f"{path}.date", _("getekend vóór de vergadering waarin werd besloten"))
            if signature.date and signature.date > timezone.localdate():
                self.error(f"{path}.date", _("een ondertekening ligt niet in de toekomst"))
            signatures.append(signature)
        roles = {s.role for s in signatures}
        if state in FINAL_STATES and roles != set(SignatureRole.values):
            self.error(
                "decision.signatures",
                _("bij status %(state)s hebben voorzitter en griffier beiden getekend") % {"state": state},
            )
        elif state == State.ADVISED and len(roles) == len(SignatureRole.values):
            self.error("decision.signatures", _("met beide handtekeningen is de status signed, niet advised"))
        elif state == State.REJECTED and signatures:
            self.error("decision.signatures", _("een verworpen voorstel wordt niet ondertekend"))
        return signatures

    def check_not_stored(self, document: ProposalDocument, *, replace: bool) -> None:
        stored = Proposal.objects.filter(municipality=document.municipality, number=document.number).first()
        if stored is None:
            return
        if not replace:
            self.error(
                "number",
                _(
                    "%(municipality)s heeft al een voorstel %(number)s (gebruik --replace om een "
                    "concept te vervangen)"
                )
                % {"municipality": document.municipality.name, "number": document.number},
            )
        elif stored.state != State.CONCEPT:
            self.error(
                "number",
                _("het opgeslagen voorstel %(number)s is niet meer in concept en wordt niet vervangen")
                % {"number": document.number},
            )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- Writing ---


def export_proposal(proposal: Proposal) -> dict:
    """The proposal in `raadsvoorstel/1`; use `Proposal.objects.with_document()` to fetch it."""
    decision = getattr(proposal, "decision", None)
    return {
        "format": FORMAT,
        "municipality": {"code": proposal.municipality.code, "name": proposal.municipality.name},
        "number": proposal.number,
        "subject": proposal.subject,
        "proposer": proposal.proposer,
        "date": proposal.date.isoformat(),
        "legal_basis": list(proposal.legal_basis),
        "sections": [{"heading": s.heading, "body": s.body} for s in proposal.sections.all()],
        "decision_points": [point.text for point in proposal.decision_points.all()],
        "themes": [theme.path for theme in _in_tree_order(proposal.themes.all())],
        "regional_plan": proposal.regional_plan.code if proposal.regional_plan else None,
        "attachments": [_export_attachment(a) for a in proposal.attachments.all()],
        "state": proposal.state,
        "decision": _export_decision(decision, getattr(proposal, "archived_decision", None))
        if decision
        else None,
    }


def dumps(document: dict | list) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _in_tree_order(themes: Iterable[Theme]) -> list[Theme]:
    def key(theme: Theme) -> tuple:
        root = theme.parent or theme
        own = (theme.position, theme.name) if theme.parent_id else (-1, "")
        return (root.position, root.name, *own)

    return sorted(themes, key=key)


def _export_attachment(attachment) -> dict:
    exported = {"title": attachment.title}
    if attachment.sha256:
        exported["sha256"] = attachment.sha256
    if attachment.size is not None:
        exported["size"] = attachment.size
    return exported


def _export_decision(decision, archived=None) -> dict:
    vote: dict[str, Any] = {"mode": decision.vote_mode}
    if decision.vote_mode != VoteMode.HAMERSTUK:
        vote["for"] = decision.votes_for
        vote["against"] = decision.votes_against
    if decision.vote_mode == VoteMode.HOOFDELIJK:
        vote["members"] = [
            {"name": m.name, "party": m.party, "vote": m.vote} for m in decision.member_votes.all()
        ]
    # Optional, left out at their default, so older documents round-trip unchanged.
    if decision.seated is not None:
        vote["seated"] = decision.seated
    if decision.excluded:
        vote["excluded"] = [{"name": name, "party": party} for name, party in decision.excluded]
    exported: dict[str, Any] = {
        "meeting_date": decision.meeting_date.isoformat(),
        "result": decision.result,
        "advice": decision.advice or None,
    }
    if decision.advice_text:
        exported["advice_text"] = decision.advice_text
    exported["vote"] = vote
    exported["amendments"] = [
        {
            "title": a.title,
            "submitters": list(a.submitters),
            "result": a.result,
            "changes": [_export_change(c) for c in a.changes.all()],
        }
        for a in decision.amendments.all()
    ]
    exported["signatures"] = [_export_signature(s) for s in decision.signatures.all()]
    if archived is not None:
        exported["pdf_sha256"] = archived.sha256
    if not decision.meeting_public:
        exported["meeting_public"] = False
    return exported


def _export_change(change) -> dict:
    exported = {"point": change.point}
    if change.action != "replace":
        exported["action"] = change.action
    if change.action != DELETE:
        exported["text"] = change.text
    return exported


def _export_signature(signature) -> dict:
    exported = {"role": signature.role, "name": signature.name, "date": signature.date.isoformat()}
    if signature.as_substitute:
        # Optional in the format: left out at its default, so older documents round-trip.
        exported["as_substitute"] = True
    return exported
