"""Search of the public column: published news, units, tasks, published achievements.

Why substring matching: Chinese is written without spaces, so a word-based index
(PostgreSQL's full-text search with its default parsers, or SQLite's) sees
「智慧水库调度系统上线运行」 as one token and never finds 「水库」 inside it; a Chinese
segmenter (zhparser, jieba) would be a new system package or dependency to keep
for a column of a few hundred pages. `icontains` (UPPER(...) LIKE UPPER(...)),
which both PostgreSQL and SQLite run, finds any substring in either language and
is fast enough at this size. The query is split on whitespace; every term must
occur in at least one of a type's fields. Results rank title hits first, then
the newest; each type shows at most `LIMIT` rows with its full count, so a search
costs two queries per type (eight) whatever the data.

Not cached: the space of queries is unbounded, and caching it would let anyone
fill the cache with junk queries. It reads only published rows, so nothing a
cache would protect is at stake.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from milestones.models import Achievement
from pilots.models import PilotUnit, Task

from .public import published_news, task_url

MAX_LENGTH = 100
MAX_TERMS = 8
LIMIT = 10
EXCERPT = 60  # characters shown either side of the first match in a long text


@dataclass
class Group:
    key: str
    label: str
    count: int
    results: list


@dataclass
class Result:
    title: str
    url: str
    excerpt: str
    meta: str


def terms_of(query):
    """The distinct terms of a query, in order, at most MAX_TERMS."""
    seen = []
    for term in query.split():
        if term.casefold() not in (t.casefold() for t in seen):
            seen.append(term)
    return seen[:MAX_TERMS]


def _matching(queryset, terms, title_fields, other_fields):
    fields = [*title_fields, *other_fields]
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(any_field)
    in_title = Q()
    for term in terms:
        one_title = Q()
        for name in title_fields:
            one_title |= Q(**{f"{name}__icontains": term})
        in_title &= one_title
    return queryset.annotate(
        title_hit=Case(
            When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )


def _pattern(terms):
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def highlight(text, terms):
    """`text` escaped, with every match of a term wrapped in <mark>."""
    text = text or ""
    if not terms:
        return escape(text)
    parts = []
    last = 0
    for match in _pattern(terms).finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def excerpt(text, terms):
    """A highlighted stretch of `text` around its first match (or its start)."""
    text = " ".join((text or "").split())
    match = _pattern(terms).search(text) if terms else None
    start = max(0, match.start() - EXCERPT) if match else 0
    end = min(len(text), (match.end() if match else 0) + EXCERPT)
    piece = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{highlight(piece, terms)}{suffix}")  # noqa: S308 - escaped


def _page(queryset, order):
    count = queryset.count()
    return count, list(queryset.order_by("-title_hit", *order)[:LIMIT])


def search(query):
    """Groups of results (news, units, tasks, achievements) for `query`."""
    terms = terms_of(query)
    groups = []

    count, posts = _page(
        _matching(published_news(), terms, ["title"], ["summary", "body"]),
        ["-publish_at", "-pk"],
    )
    groups.append(
        Group(
            "news",
            _("News"),
            count,
            [
                Result(
                    highlight(post.title, terms),
                    post.get_absolute_url(),
                    excerpt(f"{post.summary} {post.body}", terms),
                    f"{timezone.localdate(post.publish_at):%Y-%m-%d}",
                )
                for post in posts
            ],
        )
    )

    count, units = _page(
        _matching(
            PilotUnit.objects.all(),
            terms,
            ["name", "name_en", "short_name", "short_name_en"],
            [],
        ),
        ["order", "slug"],
    )
    groups.append(
        Group(
            "units",
            _("Pilot units"),
            count,
            [
                Result(
                    highlight(unit.label, terms),
                    unit.get_absolute_url(),
                    "",
                    unit.get_level_display(),
                )
                for unit in units
            ],
        )
    )

    count, tasks = _page(
        _matching(
            Task.objects.select_related("unit"),
            terms,
            ["title", "title_en"],
            ["description"],
        ),
        ["unit__order", "order", "pk"],
    )
    groups.append(
        Group(
            "tasks",
            _("Pilot tasks"),
            count,
            [
                Result(
                    highlight(task.label, terms),
                    task_url(task),
                    excerpt(task.description, terms) if task.description else "",
                    task.unit.label,
                )
                for task in tasks
            ],
        )
    )

    count, achievements = _page(
        _matching(
            Achievement.objects.public().select_related("unit", "task"),
            terms,
            ["title"],
            ["description"],
        ),
        ["-published_at", "-pk"],
    )
    groups.append(
        Group(
            "achievements",
            _("Achievements"),
            count,
            [
                Result(
                    highlight(item.title, terms),
                    f"{task_url(item.task)}#achievement-{item.pk}",
                    excerpt(item.description, terms),
                    f"{item.unit.label} · {item.get_kind_display()}",
                )
                for item in achievements
            ],
        )
    )
    return groups
