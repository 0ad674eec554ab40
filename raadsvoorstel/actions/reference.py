"""The maintainers' writes in the admin: municipalities, people, themes, regional bodies and
plans, and council members. Everything else the admin only shows.

Each save or delete runs in one transaction with its audit entry, which records every
field as saved (a password only as "changed").
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils.translation import gettext as _
from django_fsm import FSMField

from .. import permissions
from ..models import (
    CouncilMember,
    District,
    Municipality,
    Proposal,
    RegionalBody,
    RegionalPlan,
    Theme,
    User,
    WorkflowError,
)
from .base import record

__all__ = [
    "REFERENCE_MODELS",
    "delete_reference",
    "dump_reference_data",
    "load_reference_data",
    "save_reference",
]

REFERENCE_MODELS = (Municipality, RegionalBody, District, RegionalPlan, Theme, User, CouncilMember)
SECRET_FIELDS = {"password"}
# The form fields by which the admin sets a password.
PASSWORD_FIELDS = {"password", "password1"}


def _check(obj: models.Model, by: User | None) -> None:
    # No user: a management command, run by whoever runs the server (the log says "systeem").
    if by is not None and not permissions.may_administer(by):
        raise PermissionDenied(_("Alleen een beheerder wijzigt dit."))
    if not isinstance(obj, REFERENCE_MODELS):
        raise PermissionDenied(
            _("Dit wordt niet in het beheer gewijzigd, alleen in de schermen van de griffie.")
        )


def _payload(obj: models.Model, *, password_changed: bool = False) -> dict:
    fields = json.loads(serializers.serialize("json", [obj]))[0]["fields"]
    for name in SECRET_FIELDS & set(fields):
        fields[name] = "gewijzigd" if password_changed else "ongewijzigd"
    return fields


def _subject(obj: models.Model):
    """What the audit entry names: the object's own key where it has one."""
    if hasattr(obj, "key") and hasattr(obj, "audit_type"):
        return obj
    return _Named(obj)


class _Named:
    def __init__(self, obj: models.Model):
        self.audit_type = obj._meta.model_name
        self.key = f"{obj._meta.model_name}/{obj.pk}"


# What a signed raadsbesluit names of the reference data: changing it would change the
# signed record (and make verify_history report it).
NAMED_BY_SIGNED_DECISIONS = {
    Municipality: ("code", "name"),
    Theme: ("name", "parent_id"),
    RegionalPlan: ("code",),
}


def _refuse_change_to_what_signed_decisions_name(obj: models.Model) -> None:
    fields = NAMED_BY_SIGNED_DECISIONS.get(type(obj))
    if not fields or obj._state.adding:
        return
    stored = type(obj).objects.filter(pk=obj.pk).values(*fields).first()
    if stored is None or all(getattr(obj, field) == value for field, value in stored.items()):
        return
    if isinstance(obj, Theme):
        used = Proposal.objects.final().filter(Q(themes=obj) | Q(themes__parent=obj)).exists()
    else:
        used = obj.proposals.final().exists()
    if used:
        raise WorkflowError(
            _("“%(object)s” staat in een ondertekend raadsbesluit; de naam of code verandert daarom niet.")
            % {"object": obj}
        )


def save_reference(
    obj: models.Model,
    *,
    by: User | None,
    changed: list[str],
    then: Callable[[], None] | None = None,
) -> None:
    """Save one reference object as the admin's form left it, and run `then` (the admin's
    own saving of relations and inlines) in the same transaction, before the audit entry."""
    _check(obj, by)
    adding = obj._state.adding
    _refuse_change_to_what_signed_decisions_name(obj)
    with transaction.atomic():
        obj.save()
        if then is not None:
            then()
        record(
            f"{'add' if adding else 'change'}_{obj._meta.model_name}",
            _subject(obj),
            {
                "changed": sorted(changed),
                "fields": _payload(obj, password_changed=bool(PASSWORD_FIELDS & set(changed))),
            },
            by=by,
        )


def delete_reference(obj: models.Model, *, by: User | None) -> None:
    """Delete one reference object, if nothing refers to it; else a WorkflowError that says why."""
    _check(obj, by)
    subject, payload = _subject(obj), _payload(obj)
    try:
        with transaction.atomic():
            obj.delete()
            record(f"delete_{obj._meta.model_name}", subject, {"fields": payload}, by=by)
    except (ProtectedError, RestrictedError, IntegrityError):
        hint = _(" Zet het account op inactief.") if isinstance(obj, User) else ""
        raise WorkflowError(
            _("“%(object)s” kan niet worden verwijderd: het wordt nog gebruikt of staat in de geschiedenis.")
            % {"object": obj}
            + hint
        ) from None


# --- Reference data as a file: the demo's fixtures/reference.json, and archive exports ---


def load_reference_data(data: dict) -> list[models.Model]:
    """Municipalities, regional bodies (with their members), regional plans and themes from
    a reference file, as `dump_reference_data` writes it. What exists is kept, so loading
    twice changes nothing; returns what was created, each saved with its audit entry."""
    import datetime

    created: list[models.Model] = []

    def ensure(model, lookup: dict, defaults: dict, *, then=None) -> models.Model:
        existing = model.objects.filter(**lookup).first()
        if existing is not None:
            return existing
        obj = model(**lookup, **defaults)
        # A protected state field refuses being set, even to its own value by full_clean.
        obj.full_clean(exclude=[f.name for f in model._meta.fields if isinstance(f, FSMField)])
        save_reference(obj, by=None, changed=sorted({*lookup, *defaults}), then=then and (lambda: then(obj)))
        created.append(obj)
        return obj

    with transaction.atomic():
        for item in data["municipalities"]:
            ensure(Municipality, {"code": item["code"]}, {"name": item["name"], "seats": item["seats"]})
        for item in data["regional_bodies"]:
            members = Municipality.objects.filter(code__in=item["municipalities"])
            body = ensure(
                RegionalBody,
                {"code": item["code"]},
                {"name": item["name"]},
                then=lambda body, members=members: body.municipalities.set(members),
            )
            missing = members.exclude(pk__in=body.municipalities.values("pk"))
            if missing.exists():
                body.municipalities.add(*missing)
                save_reference(body, by=None, changed=["municipalities"])
            for district_item in item.get("districts", []):
                in_district = Municipality.objects.filter(code__in=district_item["municipalities"])
                district = ensure(
                    District,
                    {"regional_body": body, "name": district_item["name"]},
                    {},
                    then=lambda district, in_district=in_district: district.municipalities.set(in_district),
                )
                missing = in_district.exclude(pk__in=district.municipalities.values("pk"))
                if missing.exists():
                    district.municipalities.add(*missing)
                    save_reference(district, by=None, changed=["municipalities"])
        for item in data["regional_plans"]:
            ensure(
                RegionalPlan,
                {"code": item["code"]},
                {
                    "title": item["title"],
                    "regional_body": RegionalBody.objects.get(code=item["regional_body"]),
                    "adoption_date": datetime.date.fromisoformat(item["adoption_date"])
                    if item.get("adoption_date")
                    else None,
                    "answer_deadline": datetime.date.fromisoformat(item["answer_deadline"])
                    if item.get("answer_deadline")
                    else None,
                    "adoption_meeting": item.get("adoption_meeting", ""),
                },
            )
        for position, item in enumerate(data["themes"], start=1):
            theme = ensure(
                Theme,
                {"name": item["name"], "parent": None},
                {"position": item.get("position", position), "is_pending": item.get("pending", False)},
            )
            for child_position, child in enumerate(item["children"], start=1):
                name = child if isinstance(child, str) else child["name"]
                ensure(Theme, {"name": name, "parent": theme}, {"position": child_position})
    return created


def dump_reference_data() -> dict:
    """The reference data in the shape `load_reference_data` reads."""
    return {
        "municipalities": [
            {"code": m.code, "name": m.name, "seats": m.seats} for m in Municipality.objects.order_by("code")
        ],
        "regional_bodies": [
            {
                "code": body.code,
                "name": body.name,
                "municipalities": sorted(body.municipalities.values_list("code", flat=True)),
                "districts": [
                    {
                        "name": district.name,
                        "municipalities": sorted(district.municipalities.values_list("code", flat=True)),
                    }
                    for district in body.districts.order_by("name")
                ],
            }
            for body in RegionalBody.objects.order_by("code")
        ],
        "regional_plans": [
            {
                "code": plan.code,
                "title": plan.title,
                "regional_body": plan.regional_body.code,
                "adoption_date": plan.adoption_date.isoformat() if plan.adoption_date else None,
                "answer_deadline": plan.answer_deadline.isoformat() if plan.answer_deadline else None,
                "adoption_meeting": plan.adoption_meeting,
            }
            for plan in RegionalPlan.objects.select_related("regional_body").order_by("code")
        ],
        "themes": [
            {
                "name": theme.name,
                "position": theme.position,
                "pending": theme.is_pending,
                "children": [child.name for child in theme.children.order_by("position", "name")],
            }
            for theme in Theme.objects.filter(parent=None).order_by("position", "name")
        ],
    }
