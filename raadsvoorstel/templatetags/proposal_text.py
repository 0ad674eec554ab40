"""Section bodies as the interchange format defines them: paragraphs separated by a
blank line, lines starting with "- " as list items. The text stays text: templates
escape it, so markup typed by a user is shown as typed."""

import re
from dataclasses import dataclass

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@dataclass
class Block:
    kind: str  # "paragraph" or "list"
    lines: list[str]


@register.filter
def blocks(body: str) -> list[Block]:
    result = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            result.append(Block("list", [line[2:] for line in lines]))
        else:
            result.append(Block("paragraph", lines))
    return result


# Dates as Dutch texts write them, web addresses, and numbers: a line may break before or
# after them, never inside with a hyphen ("12 septem-ber", "htt-ps://").
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_WHOLE = re.compile(
    rf"(?P<url>https?://\S+?)(?=[.,;:)]?(?:\s|$))"
    rf"|(?P<date>\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b)"
    rf"|(?P<number>\b\d[\d./-]*\d\b)"
)


@register.filter
def keep_whole(text: str) -> str:
    """The text escaped, with dates, numbers and web addresses marked so that the PDF never
    hyphenates them; a web address may still wrap, without a hyphen."""
    parts, position = [], 0
    for match in _WHOLE.finditer(str(text)):
        parts.append(escape(text[position : match.start()]))
        kind = "url" if match.group("url") else "whole"
        parts.append(f'<span class="{kind}">{escape(match.group(0))}</span>')
        position = match.end()
    parts.append(escape(str(text)[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
