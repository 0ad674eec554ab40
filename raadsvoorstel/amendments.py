"""What amendments do to a proposal's decision points, as plain functions of lists.

An amendment's changes each name a point by its number as the points stand when the
amendment is voted on: "replace" gives point N a new text, "insert" puts a new point N
before the one that has that number now, "delete" strikes point N. Adopted amendments apply
in the order they were adopted; the points as proposed are never changed by this module,
so the raadsvoorstel can show them as proposed and the raadsbesluit as decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

REPLACE, INSERT, DELETE = "replace", "insert", "delete"
ACTIONS = (REPLACE, INSERT, DELETE)
# At one number: the existing point is replaced or struck before a new one goes in before it.
_ORDER_AT_ONE_POINT = {REPLACE: 0, DELETE: 1, INSERT: 2}


@dataclass(frozen=True)
class Change:
    point: int
    action: str = REPLACE
    text: str = ""

    @classmethod
    def of(cls, raw: dict) -> Change:
        return cls(point=raw["point"], action=raw.get("action", REPLACE), text=raw.get("text", ""))

    def as_dict(self) -> dict:
        stored = {"point": self.point, "action": self.action}
        if self.action != DELETE:
            stored["text"] = self.text
        return stored


def problems(point_count: int, changes: Iterable[Change]) -> list[str]:
    """Why these changes cannot apply to `point_count` points; empty when they can."""
    changes = list(changes)
    found = []
    if not changes:
        found.append(_("Een amendement wijzigt ten minste één beslispunt."))
    touched: set[int] = set()
    for change in changes:
        if change.action not in ACTIONS:
            found.append(_("Onbekende wijziging “%(action)s”.") % {"action": change.action})
            continue
        highest = point_count + 1 if change.action == INSERT else point_count
        if not 1 <= change.point <= highest:
            found.append(
                _("Er is geen beslispunt %(point)s om te %(verb)s.")
                % {
                    "point": change.point,
                    "verb": _("schrappen") if change.action == DELETE else _("wijzigen"),
                }
            )
        if change.action != DELETE and not change.text.strip():
            found.append(_("Beslispunt %(point)s krijgt een tekst.") % {"point": change.point})
        if change.action in (REPLACE, DELETE):
            if change.point in touched:
                found.append(_("Beslispunt %(point)s wordt twee keer gewijzigd.") % {"point": change.point})
            touched.add(change.point)
    remaining = point_count + sum(
        1 if c.action == INSERT else -1 if c.action == DELETE else 0 for c in changes
    )
    if not found and remaining < 1:
        found.append(_("Een besluit houdt ten minste één beslispunt."))
    return found


def apply(points: list[str], changes: Iterable[Change]) -> list[str]:
    """The points after one amendment; its numbers refer to `points` as given."""
    result = list(points)
    ordered = sorted(
        enumerate(changes),
        # From the last point back, so each number still means what it meant; inserts at one
        # number go in reverse, so they end up in the amendment's own order.
        key=lambda item: (item[1].point, -_ORDER_AT_ONE_POINT[item[1].action], item[0]),
        reverse=True,
    )
    for _index, change in ordered:
        position = change.point - 1
        if change.action == REPLACE:
            result[position] = change.text
        elif change.action == DELETE:
            del result[position]
        else:
            result.insert(position, change.text)
    return result


def amended(points: list[str], adopted: Iterable[Iterable[Change]]) -> list[str]:
    """The points after each adopted amendment in turn, in the order they were adopted."""
    for changes in adopted:
        points = apply(points, changes)
    return points


def overlap(first: Iterable[Change], second: Iterable[Change]) -> bool:
    """Whether two amendments touch a point with the same number: once one is adopted, the
    other lapses (vervalt) unless it is tabled again against the new text."""
    return bool({change.point for change in first} & {change.point for change in second})
