"""The public search's index: what it holds, how it is built and kept current.

Why a table of words: Chinese is written without spaces, so neither PostgreSQL's
full-text parsers nor SQLite's split 「山洪灾害监测预警平台」 into words, and
pg_trgm cannot serve a needle of two characters (most Chinese words). rjieba
(jieba's dictionary and HMM, in Rust) segments the text into words — 山洪 / 灾害 /
监测 / 预警 / 平台 — and the query alike, and `column.SearchTerm` keeps one row
per (word, entry) with a btree on the word: a plain index both databases the
portal runs on (PostgreSQL, SQLite for `make run`) serve the same way, with one
implementation. `cut_for_search` also yields the short words inside long ones
(浙江省 gives 浙江 and 浙江省), so a query for the shorter word finds the longer.

One `column.SearchEntry` per thing the public sees: published news (a scheduled
post too, with `visible_from`: it becomes findable at its time without a save),
every unit and task, published achievements, published notices (公示), and
public messages published with their answer. What the public does not see is
never stored, so no query can leak it.

Kept current by signals (`connect_signals`, from the column's app config): a save
or delete of an indexed model re-indexes it (a unit also its tasks and
achievements, a task its achievements: their address and meta line name it), and
a `pilots.History` row re-indexes its subject, because the workflows (news
publish and withdraw, message moderation, achievements published or not) change
state with a conditional `update()` that sends no signal but writes History.
`rebuild()` makes the whole index anew (`manage.py rebuild_search_index`,
seed_demo, seed_scale's bulk rows).

The builders read fields only (no manager, method or property of the models), and
take the model classes as arguments, so the migration that creates the tables
fills them with the same code over its historical models.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

import rjieba
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from milestones.models import Achievement
from pilots.models import History, PilotUnit, Task

from .models import NewsPost, PublicMessage, PublicNotice, SearchEntry, SearchTerm

Kind = SearchEntry.Kind
TITLE_WEIGHT = 10.0  # a text word reaches it only at about 8,100 mentions (1 + ln n)
MAX_TERM = 64  # SearchTerm.term's length; longer "words" (a URL) are not indexed
BATCH_SIZE = 2000
WORD = re.compile(r"\w")


def words(text):
    """The words of `text`, casefolded, in order (repeats kept): the same
    segmentation for what is indexed and for what is searched."""
    return [
        word.casefold()
        for word in rjieba.cut_for_search(text or "")
        if WORD.search(word) and len(word) <= MAX_TERM
    ]


@dataclass(frozen=True)
class Models:
    """The model classes the builders read: the current ones, or a migration's."""

    PilotUnit: type
    Task: type
    NewsPost: type
    Achievement: type
    PublicNotice: type
    PublicMessage: type


CURRENT = Models(PilotUnit, Task, NewsPost, Achievement, PublicNotice, PublicMessage)


@dataclass
class Document:
    kind: str
    object_id: int
    title: str
    title_en: str
    url: str
    text: str
    meta: str
    meta_en: str
    visible_from: object = None
    # Indexed as title words but not shown (a unit's short names).
    also_title: str = ""


def _labels(model, field):
    """{value: (Chinese label, English label)} of a field's choices, from the
    field itself (a migration's historical model has the English msgid there)."""
    labels = {}
    for value, label in model._meta.get_field(field).choices:
        with translation.override("zh-hans"):
            zh = gettext(str(label))
        with translation.override("en"):
            en = gettext(str(label))
        labels[value] = (zh, en)
    return labels


def _local_date(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def _addresses(name, arguments):
    """A function making `name`'s address from its `arguments` values: reverse()
    runs once, with marks that are then replaced (reverse per row was most of the
    time of a rebuild at 3,000 units)."""
    marks = [str(987_654_320 + n) for n in range(arguments)]
    template = reverse(name, args=marks)

    def address(*values):
        url = template
        for mark, value in zip(marks, values, strict=True):
            url = url.replace(mark, str(value))
        return url

    return address


def _units(models, ids):
    rows = models.PilotUnit.objects.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    levels = _labels(models.PilotUnit, "level")
    address = _addresses("column:unit_detail", 1)
    fields = ["pk", "slug", "name", "name_en", "short_name", "short_name_en", "level"]
    # Values, not instances: tens of thousands of rows at national scale.
    for pk, slug, name, name_en, short, short_en, level in rows.values_list(*fields):
        meta, meta_en = levels.get(level, (level, level))
        yield Document(
            Kind.UNIT,
            pk,
            name,
            name_en,
            address(slug),
            "",
            meta,
            meta_en,
            also_title=f"{short} {short_en}",
        )


def _tasks(models, ids):
    rows = models.Task.objects.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    address = _addresses("column:task_detail", 2)
    fields = ["pk", "title", "title_en", "description", "unit__slug", "unit__name"]
    for pk, title, title_en, text, slug, unit, unit_en in rows.values_list(
        *fields, "unit__name_en"
    ):
        yield Document(
            Kind.TASK,
            pk,
            title,
            title_en,
            address(slug, pk),
            text,
            unit,
            unit_en or unit,
        )


def _news(models, ids):
    rows = models.NewsPost.objects.filter(
        publish_at__isnull=False, withdrawn_at__isnull=True
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    address = _addresses("column:news_detail", 3)
    for post in rows:
        local = timezone.localtime(post.publish_at)
        date = _local_date(post.publish_at)
        yield Document(
            Kind.NEWS,
            post.pk,
            post.title,
            "",
            address(f"{local:%Y}", f"{local:%m}", post.slug),
            f"{post.summary}\n{post.body}",
            date,
            date,
            visible_from=post.publish_at,
        )


def _achievements(models, ids):
    rows = models.Achievement.objects.filter(published_at__isnull=False)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    kinds = _labels(models.Achievement, "kind")
    address = _addresses("column:task_detail", 2)
    for item in rows.select_related("unit"):
        kind, kind_en = kinds.get(item.kind, (item.kind, item.kind))
        yield Document(
            Kind.ACHIEVEMENT,
            item.pk,
            item.title,
            "",
            address(item.unit.slug, item.task_id) + f"#achievement-{item.pk}",
            item.description,
            f"{item.unit.name} · {kind}",
            f"{item.unit.name_en or item.unit.name} · {kind_en}",
        )


def _notices(models, ids):
    rows = models.PublicNotice.objects.filter(published=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    for notice in rows:
        period = f"{notice.starts_on:%Y-%m-%d} – {notice.ends_on:%Y-%m-%d}"
        yield Document(
            Kind.NOTICE,
            notice.pk,
            notice.title,
            "",
            reverse("column:notice_detail", args=[notice.pk]),
            notice.body,
            period,
            period,
        )


def _messages(models, ids):
    # Only what the public's list shows: published with the office's answer.
    rows = models.PublicMessage.objects.filter(status="published")
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    kinds = _labels(models.PublicMessage, "kind")
    for message in rows:
        kind, kind_en = kinds.get(message.kind, (message.kind, message.kind))
        date = _local_date(message.created_at)
        yield Document(
            Kind.MESSAGE,
            message.pk,
            message.subject,
            "",
            # The list pages its messages; the anchor finds it on its page.
            reverse("column:message_list") + f"#message-{message.pk}",
            f"{message.body}\n{message.answer}",
            f"{kind} · {date}",
            f"{kind_en} · {date}",
        )


BUILDERS = {
    Kind.NEWS: _news,
    Kind.UNIT: _units,
    Kind.TASK: _tasks,
    Kind.ACHIEVEMENT: _achievements,
    Kind.NOTICE: _notices,
    Kind.MESSAGE: _messages,
}


def _weights(document):
    """{word: weight}: TITLE_WEIGHT for a word of the title, plus 1 + ln(its
    count) for a word of the text (a tenth mention adds little)."""
    title_words = set(
        words(f"{document.title} {document.title_en} {document.also_title}")
    )
    counts = Counter(words(document.text))
    weights = {}
    for word in title_words | counts.keys():
        weight = TITLE_WEIGHT if word in title_words else 0.0
        if counts[word]:
            weight += 1.0 + math.log(counts[word])
        weights[word] = weight
    return weights


def _write(documents, Entry, Term):
    documents = list(documents)
    entries = Entry.objects.bulk_create(
        (
            Entry(
                kind=doc.kind,
                object_id=doc.object_id,
                title=doc.title[:300],
                title_en=doc.title_en[:300],
                url=doc.url,
                text=doc.text,
                meta=doc.meta[:300],
                meta_en=doc.meta_en[:300],
                visible_from=doc.visible_from,
            )
            for doc in documents
        ),
        batch_size=BATCH_SIZE,
    )
    _insert_terms(
        Term,
        (
            (word, entry.pk, weight, doc.visible_from)
            for doc, entry in zip(documents, entries, strict=True)
            for word, weight in _weights(doc).items()
        ),
    )
    return len(entries)


def _insert_terms(Term, rows):
    """INSERT the (term, entry id, weight, visible_from) rows, many per statement.

    Not bulk_create: a model instance per term, and its preparation, were most of a
    rebuild's CPU at 3,000 units (180,000 terms); plain multi-row INSERT is the same
    SQL on PostgreSQL and SQLite."""
    ops = connection.ops
    columns = ", ".join(
        ops.quote_name(Term._meta.get_field(name).column)
        for name in ("term", "entry", "weight", "visible_from")
    )
    per_statement = min(1000, (connection.features.max_query_params or 4000) // 4)
    batch = []

    def flush():
        values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
        params = [value for row in batch for value in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ops.quote_name(Term._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model, values as parameters
                f"VALUES {values}",
                params,
            )
        batch.clear()

    for term, entry_id, weight, visible_from in rows:
        moment = ops.adapt_datetimefield_value(visible_from)
        batch.append((term, entry_id, weight, moment))
        if len(batch) >= per_statement:
            flush()
    if batch:
        flush()


def rebuild(models=CURRENT, Entry=SearchEntry, Term=SearchTerm):
    """Make the whole index anew; the number of entries."""
    with transaction.atomic():
        Term.objects.all().delete()
        Entry.objects.all().delete()
        return sum(
            _write(build(models, None), Entry, Term) for build in BUILDERS.values()
        )


def reindex(kind, ids):
    """Index anew the objects of `kind` with these ids: an object the public no
    longer sees (or that is gone) loses its entry."""
    ids = list(ids)
    if not ids:
        return
    with transaction.atomic():
        SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
        _write(BUILDERS[kind](CURRENT, ids), SearchEntry, SearchTerm)


KIND_OF = {
    NewsPost: Kind.NEWS,
    PilotUnit: Kind.UNIT,
    Task: Kind.TASK,
    Achievement: Kind.ACHIEVEMENT,
    PublicNotice: Kind.NOTICE,
    PublicMessage: Kind.MESSAGE,
}


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: rebuild_search_index after it
        return
    reindex(KIND_OF[sender], [instance.pk])
    # Their address and meta line name the unit, the task.
    if sender is PilotUnit:
        reindex(
            Kind.TASK, Task.objects.filter(unit=instance).values_list("pk", flat=True)
        )
    if sender in (PilotUnit, Task):
        field = "unit" if sender is PilotUnit else "task"
        reindex(
            Kind.ACHIEVEMENT,
            Achievement.objects.filter(**{field: instance}).values_list(
                "pk", flat=True
            ),
        )


def _deleted(sender, instance, **kwargs):
    SearchEntry.objects.filter(kind=KIND_OF[sender], object_id=instance.pk).delete()


def _history_written(sender, instance, created=False, raw=False, **kwargs):
    """A workflow changed its subject's state with an update() (no signal)."""
    if raw or not created:
        return
    kind = KIND_OF.get(instance.content_type.model_class())
    if kind is not None:
        reindex(kind, [instance.object_id])


def connect_signals():
    for model in KIND_OF:
        post_save.connect(_saved, sender=model, weak=False)
        post_delete.connect(_deleted, sender=model, weak=False)
    post_save.connect(_history_written, sender=History, weak=False)
