"""Section bodies as the interchange format defines them: paragraphs separated by a
blank line, lines starting with "- " as list items. The text stays text: templates
escape it, so markup typed by a user is shown as typed."""

from dataclasses import dataclass

from django import template

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
