"""The public search: the query's words looked up in the index (search_index.py).

The query is segmented like the indexed text (`search_index.words`), so 山洪预警
is 山洪 + 预警 and finds 山洪灾害监测预警平台. An entry matches when it holds every
word of the query (at most MAX_TERMS); its score is the sum of its words'
weights (a title word far above a text word, see `search_index._weights`), each
times an idf-like factor 1 + ln(df_max / df) among the query's words, so the rarer
word of a query counts more. Ties go to the newer entry.

A search reads `column.SearchTerm` through its (term, entry) btree and then the
page's entries by key: four statements whatever the number of results or units
(the words' frequencies, the count, the page, its entries), none when a word is
found nowhere after the first.

Not cached: the space of queries is unbounded, and caching it would let anyone
fill the cache with junk queries. The index holds only what the public sees.
"""

import math
import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import SearchEntry, SearchTerm
from .search_index import words

MAX_LENGTH = 100
MAX_TERMS = 8
PAGE_SIZE = 20
EXCERPT = 60  # characters shown either side of the first match in a long text


@dataclass
class Result:
    kind: str
    title: str
    url: str
    excerpt: str
    meta: str


def terms_of(query):
    """The distinct words of a query, in order, at most MAX_TERMS."""
    return list(dict.fromkeys(words(query)))[:MAX_TERMS]


def _pattern(terms):
    # Longer words first, so 浙江省 is marked whole rather than as 浙江 + 省; a run
    # of words (数字 + 孪生) is one mark.
    alternatives = sorted(terms, key=len, reverse=True)
    words = "|".join(re.escape(term) for term in alternatives)
    return re.compile(f"(?:{words})+", re.I)


def highlight(text, terms):
    """`text` escaped, with every occurrence of a term wrapped in <mark>."""
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


def matches(terms, now=None):
    """(entry_id, score) of the entries visible at `now` that hold every term,
    best first; None when a term is in no entry (nothing can match)."""
    now = now or timezone.now()
    visible = Q(visible_from__isnull=True) | Q(visible_from__lte=now)
    rows = SearchTerm.objects.filter(visible, term__in=terms)
    frequency = dict(
        rows.order_by().values("term").annotate(n=Count("*")).values_list("term", "n")
    )
    if len(frequency) < len(terms):
        return None
    most = max(frequency.values())
    score = Sum(
        Case(
            *(
                When(term=term, then=F("weight") * Value(1 + math.log(most / n)))
                for term, n in frequency.items()
            ),
            output_field=FloatField(),
        )
    )
    return (
        rows.values("entry_id")
        .annotate(hits=Count("term"), score=score)
        .filter(hits=len(terms))
        .order_by("-score", "-entry_id")
    )


def _result(entry, terms, english):
    title = (entry.title_en if english else "") or entry.title
    meta = (entry.meta_en if english else "") or entry.meta
    return Result(
        SearchEntry.Kind(entry.kind).label,
        highlight(title, terms),
        entry.url,
        excerpt(entry.text, terms) if entry.text else "",
        meta,
    )


def search(query, page_number=1, *, english=False):
    """A page (Paginator) of Results for `query`, or None when the query has no
    word to look for."""
    terms = terms_of(query)
    if not terms:
        return None
    rows = matches(terms)
    page = Paginator(rows if rows is not None else [], PAGE_SIZE).get_page(page_number)
    entries = SearchEntry.objects.in_bulk([row["entry_id"] for row in page])
    page.object_list = [
        _result(entries[row["entry_id"]], terms, english) for row in page
    ]
    return page
