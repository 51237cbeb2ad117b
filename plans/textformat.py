"""Our own small formatter for the plan's long texts: paragraphs and lists.

Everything the user typed is escaped; the only markup is the one we add. Blank
lines separate paragraphs; lines starting with "- " or "* " make a bulleted list,
lines starting with "1. " (any number) a numbered one.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.、)]\s*(.*)$")


def _blocks(text):
    """Yield (kind, lines): kind is "p", "ul" or "ol"."""
    kind, lines = None, []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if lines:
                yield kind, lines
            kind, lines = None, []
            continue
        bullet, numbered = BULLET.match(line), NUMBERED.match(line)
        if bullet:
            line_kind, content = "ul", bullet.group(1)
        elif numbered:
            line_kind, content = "ol", numbered.group(1)
        else:
            line_kind, content = "p", line.strip()
        if lines and line_kind != kind:
            yield kind, lines
            lines = []
        kind = line_kind
        lines.append(content)
    if lines:
        yield kind, lines


def render_text(text):
    parts = []
    for kind, lines in _blocks(text or ""):
        if kind == "p":
            parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
        else:
            items = "".join(f"<li>{escape(line)}</li>" for line in lines)
            parts.append(f"<{kind}>{items}</{kind}>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every user string is escaped
