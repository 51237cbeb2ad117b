"""Our own small markup for long texts (plan sections, news): paragraphs and lists.

One parser, `text_blocks`, for the web page and the PDF alike. Blank lines
separate paragraphs; lines starting with "- ", "* " or "• " make a bulleted list,
lines starting with "1. ", "1、" or "1）" a numbered one ("2020.5" is a number,
not a list item); a plain line right after a list item continues that item.
Everything the user typed is escaped; the only markup is the one we add.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

BULLET = re.compile(r"^[-*•]\s+")
NUMBERED = re.compile(r"^\d+(?:[.．)）](?!\d)|、)\s*")


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "bullets" or "numbered"
    # A paragraph's lines as typed; a list's items (an item's own line breaks
    # kept as "\n").
    items: tuple[str, ...]


def text_blocks(text):
    blocks = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        kind, items = None, []
        for raw in chunk.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if BULLET.match(line):
                line_kind, line = "bullets", BULLET.sub("", line)
            elif NUMBERED.match(line):
                line_kind, line = "numbered", NUMBERED.sub("", line)
            elif kind in (None, "paragraph"):
                line_kind = "paragraph"
            else:
                items[-1] += "\n" + line  # continues the list item
                continue
            if line_kind == kind:
                items.append(line)
                continue
            if kind is not None:
                blocks.append(Block(kind, tuple(items)))
            kind, items = line_kind, [line]
        if kind is not None:
            blocks.append(Block(kind, tuple(items)))
    return blocks


def _lines(text):
    return "<br>".join(escape(line) for line in text.split("\n"))


def render_text(text):
    """The blocks as HTML for the web: a typed line break stays a line break."""
    tags = {"bullets": "ul", "numbered": "ol"}
    parts = []
    for block in text_blocks(text):
        if block.kind == "paragraph":
            parts.append("<p>" + _lines("\n".join(block.items)) + "</p>")
        else:
            tag = tags[block.kind]
            items = "".join(f"<li>{_lines(item)}</li>" for item in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every user string is escaped
