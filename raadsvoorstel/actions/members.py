"""The council's members: added, imported from CSV, edited and their membership ended.

The number of seats is a ceiling (Gemeentewet art. 8): no day may have more members with
zitting than the council has seats. A vacancy is a vacancy, and the rules count it so.
"""

from __future__ import annotations

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import gemeentewet, permissions
from ..models import CouncilMember, Meeting, Municipality, Proposal, User, WorkflowError
from .base import record

__all__ = ["add_member", "import_members", "update_member"]


def _require_griffie(user: User, municipality: Municipality) -> None:
    if not permissions.may_manage_members(user, municipality):
        raise PermissionDenied(_("Alleen de griffie beheert de raadsleden."))


def _payload(member: CouncilMember) -> dict:
    return {
        "name": member.name,
        "party": member.party,
        "seated_from": member.seated_from.isoformat(),
        "seated_until": member.seated_until.isoformat() if member.seated_until else None,
    }


def _refuse_beyond_the_seats(municipality: Municipality, members: list[CouncilMember]) -> None:
    """Art. 8: on no day more members with zitting than seats; `members` are new or changed."""
    changed = {member.pk for member in members if member.pk}
    terms = [
        (m.seated_from, m.seated_until)
        for m in CouncilMember.objects.filter(municipality=municipality).exclude(pk__in=changed)
    ]
    terms += [(member.seated_from, member.seated_until) for member in members]
    most = gemeentewet.most_seated_at_once(terms)
    if most > municipality.seats:
        raise WorkflowError(
            _(
                "De raad heeft %(seats)s zetels; zo zouden er op één dag %(most)s leden zitting hebben. "
                "Beëindig eerst het lidmaatschap van wie vertrekt."
            )
            % {"seats": municipality.seats, "most": most}
        )


def add_member(
    municipality: Municipality,
    name: str,
    party: str,
    seated_from: datetime.date,
    seated_until: datetime.date | None = None,
    *,
    by: User,
) -> CouncilMember:
    _require_griffie(by, municipality)
    member = CouncilMember(
        municipality=municipality,
        name=name.strip(),
        party=party.strip(),
        seated_from=seated_from,
        seated_until=seated_until,
    )
    member.full_clean()
    with transaction.atomic():
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        _refuse_beyond_the_seats(municipality, [member])
        member.save()
        record("add_member", municipality, _payload(member), by=by)
    return member


def update_member(
    member: CouncilMember,
    *,
    name: str,
    party: str,
    seated_from: datetime.date,
    seated_until: datetime.date | None,
    by: User,
) -> CouncilMember:
    """Correct a member's details, or end their membership (seated until). What a signed
    decision records of them (their name and party, the days they sat) stays as it was."""
    _require_griffie(by, member.municipality)
    with transaction.atomic():
        Municipality.objects.select_for_update().get(pk=member.municipality_id)
        stored = CouncilMember.objects.get(pk=member.pk)
        changed = CouncilMember(
            pk=stored.pk,
            municipality=stored.municipality,
            name=name.strip(),
            party=party.strip(),
            seated_from=seated_from,
            seated_until=seated_until,
            user=stored.user,
        )
        changed._state.adding = False  # the same row, so its own term is no duplicate
        changed.full_clean()
        meetings = Meeting.objects.filter(attendances__member=stored).order_by("starts_at")
        signed = meetings.filter(agenda_items__proposal__in=Proposal.objects.final()).distinct()
        if signed.exists() and (changed.name, changed.party) != (stored.name, stored.party):
            raise WorkflowError(
                _("%(name)s staat in een ondertekend raadsbesluit; naam en fractie veranderen niet meer.")
                % {"name": stored.name}
            )
        attended = [meeting.date for meeting in meetings]
        if attended and (
            changed.seated_from > attended[0]
            or (changed.seated_until and changed.seated_until < attended[-1])
        ):
            raise WorkflowError(
                _("%(name)s was aanwezig op %(date)s; het lidmaatschap omvat die dag.")
                % {
                    "name": stored.name,
                    "date": (attended[0] if changed.seated_from > attended[0] else attended[-1]),
                }
            )
        _refuse_beyond_the_seats(stored.municipality, [changed])
        changed.save()
        record(
            "update_member",
            stored.municipality,
            {"before": _payload(stored), "after": _payload(changed)},
            by=by,
        )
    return changed


def import_members(municipality: Municipality, text: str, *, by: User) -> list[CouncilMember]:
    """Members from CSV (naam;fractie;vanaf;tot en met — a header row, ';' or ','), all or
    nothing: `ValidationError` listing each bad line, and nothing stored."""
    _require_griffie(by, municipality)
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else ";", delimiters=";,")
    rows = list(csv.reader(io.StringIO(text), dialect))
    errors, members = [], []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) not in (3, 4):
            errors.append(
                _("regel %(n)s: verwacht naam, fractie, vanaf en eventueel tot en met") % {"n": number}
            )
            continue
        try:
            seated_from = datetime.date.fromisoformat(row[2].strip())
            seated_until = (
                datetime.date.fromisoformat(row[3].strip()) if len(row) == 4 and row[3].strip() else None
            )
        except ValueError:
            errors.append(_("regel %(n)s: een datum schrijft u als 2022-03-31") % {"n": number})
            continue
        member = CouncilMember(
            municipality=municipality,
            name=row[0].strip(),
            party=row[1].strip(),
            seated_from=seated_from,
            seated_until=seated_until,
        )
        try:
            member.full_clean()
        except ValidationError as error:
            errors += [f"regel {number}: {message}" for message in error.messages]
            continue
        key = (member.name, member.seated_from)
        if key in seen:
            errors.append(
                _("regel %(n)s: %(name)s staat al op regel %(other)s")
                % {"n": number, "name": member.name, "other": seen[key]}
            )
            continue
        seen[key] = number
        members.append(member)
    if not rows[1:] and not errors:
        errors.append(_("het bestand bevat geen raadsleden"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        try:
            _refuse_beyond_the_seats(municipality, members)
        except WorkflowError as refusal:
            raise ValidationError([str(refusal)]) from None
        for member in members:
            member.save()
        record("import_members", municipality, {"members": [_payload(m) for m in members]}, by=by)
    return members
