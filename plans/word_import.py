"""A plan drafted in Word or WPS, read into the outline's sections.

Three steps, so that nothing is overwritten unseen:
1. `check_docx(upload)` refuses what is no plain .docx before anything reads it:
   another format, a password-protected file (an OLE compound file, as Word
   encrypts), a macro-enabled .docm, a zip bomb (the sizes and the number of
   entries read from the zip's directory, then what every entry really inflates
   to, counted in bounded chunks), a file over MAX_UPLOAD_MB.
2. `read_docx(file)` walks the document in order and cuts it at its headings
   (Word heading styles or outline levels, or paragraphs numbered like the
   outline's headings: 一、 （一） 1. 1.1 第一章, or a bare title), tolerant of how they
   are numbered; `preview(reading, plan)` says which part goes into which section
   (需求分析's three parts each into their own), what matched nothing, and which
   table rows are schedule items or deliverables, each checked by the plan's
   own row forms.
3. `apply_import(...)`, on the unit's confirmation, saves the chosen sections
   through services.save_section (each at the revision the preview showed: a
   section saved meanwhile refuses the whole import) and adds the new rows, in
   one transaction.
python-docx reads the file (it is also what writes it, plans.word_export): it
gives the paragraphs' styles and the tables in the document's order, which the
matching needs.
"""

import calendar
import dataclasses
import datetime
import re
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table

from pilots.files import private_storage

from . import services
from .forms import DeliverableForm, ScheduleItemForm
from .models import SECTION_MAX_CHARS, Deliverable, SectionKey

# A plan with pictures has a few hundred entries and some tens of megabytes.
MAX_ENTRIES = 2000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1024 * 1024
# Uploads waiting for their confirmation, in the private storage; one that was
# neither confirmed nor cancelled within UPLOADS_KEPT is deleted (the session
# that knew it then finds nothing and asks for the file again).
UPLOAD_FOLDER = "plans/imports"
UPLOADS_KEPT = datetime.timedelta(days=1)


class WordFileError(Exception):
    """An upload refused; the message is for the user."""


def _unreadable():
    """What a unit is told of a file that is damaged beyond reading."""
    return _(
        "The document could not be read. Open it in Word or WPS, save it as .docx "
        "and upload it again."
    )


def check_docx(upload):
    """Raise WordFileError unless `upload` is a plain .docx of sane size."""
    limit = settings.MAX_UPLOAD_MB
    if upload.size > limit * 1024 * 1024:
        raise WordFileError(_("The file is larger than %(mb)s MB.") % {"mb": limit})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head == OLE_SIGNATURE:
        raise WordFileError(
            _(
                "This file is password-protected or in the old Word format (.doc). "
                "Save it in Word or WPS as a .docx without a password and upload "
                "it again."
            )
        )
    not_docx = _("This is not a Word document (.docx).")
    if not head.startswith(b"PK\x03\x04"):
        raise WordFileError(not_docx)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise WordFileError(not_docx) from None
    too_big = _("The document unpacks to more than %(mb)s MB; it cannot be read.") % {
        "mb": MAX_UNPACKED_BYTES // (1024 * 1024)
    }
    if (
        len(entries) > MAX_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES
    ):
        raise WordFileError(too_big)
    names = {entry.filename.lower() for entry in entries}
    if "word/document.xml" not in names or "[content_types].xml" not in names:
        raise WordFileError(not_docx)
    try:
        types = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        raise WordFileError(not_docx) from None
    if b"macroenabled" in types.lower() or any(
        name.endswith("vbaproject.bin") for name in names
    ):
        raise WordFileError(
            _(
                "This document contains macros (.docm). Save it as a Word document "
                "(.docx) without macros and upload it again."
            )
        )
    _inflate_within_limit(archive, too_big)
    upload.seek(0)


def _inflate_within_limit(archive, too_big):
    """Inflate every entry in bounded chunks, counting what comes out: a zip
    whose directory understates an entry's size would otherwise make a single
    read inflate up to 2 GB before zipfile cuts it to the stated size (and then
    fails its CRC check)."""
    unpacked = 0
    try:
        for entry in archive.infolist():
            with archive.open(entry) as member:
                while chunk := member.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise WordFileError(too_big)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
        # A damaged entry, one with a zip password, a compression Word never uses.
        raise WordFileError(_unreadable()) from None


class WordUploadForm(forms.Form):
    """The unit's .docx, refused with its reason unless it can be read."""

    file = forms.FileField(label=gettext_lazy("Word document (.docx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_docx(upload)
            # Read once now, so that a file python-docx cannot open is refused
            # here rather than on the preview.
            read_docx(upload)
        except WordFileError as refused:
            raise ValidationError(str(refused)) from None
        upload.seek(0)
        return upload


# ------------------------------------------------------------------ reading

# What a heading is called, in order of trial: the three parts of 需求分析
# before 需求分析 itself, the specific names before the short ones they contain.
TITLES = [
    (SectionKey.BUSINESS_GOALS, ["业务目标", "business goals"]),
    (SectionKey.FUNCTIONAL_NEEDS, ["功能需求", "functional requirements"]),
    (SectionKey.DATA_NEEDS, ["数据需求", "data requirements"]),
    ("needs", ["需求分析", "需求", "requirements"]),
    ("highlights", ["重点难点亮点", "亮点", "难点", "key points"]),
    (SectionKey.STATUS_QUO, ["现状与问题", "现状", "存在问题", "status quo"]),
    (
        SectionKey.OBJECTIVES,
        ["目标任务", "目标与任务", "建设目标", "总体目标", "目标", "goals and tasks"],
    ),
    (SectionKey.TECHNICAL, ["技术方案", "技术路线", "technical solution"]),
    ("schedule", ["进度计划", "进度安排", "实施计划", "进度", "schedule"]),
    ("deliverables", ["主要成果", "预期成果", "成果", "deliverables"]),
    (SectionKey.SAFEGUARDS, ["保障措施", "保障", "safeguards"]),
    (SectionKey.CONTENT, ["主要内容", "建设内容", "实施内容", "内容", "main content"]),
    ("contacts", ["联系人", "联系方式", "contacts"]),
]
NEEDS_PARTS = {key.value for key in services.NEEDS_KEYS}
# Left out when titles are compared: spaces, punctuation and the joining words
# (现状与问题 = 现状及问题).
PUNCTUATION = re.compile(r"[\s、，,.．:：;；()（）《》“”\"'·&和与及]+")


def _normal(title):
    return PUNCTUATION.sub("", title).lower()


# A paragraph in the body style is a heading only if it is short and ends no
# sentence; unnumbered, only if it is one of these full names (not 内容, 目标…).
FULL_NAMES = {
    _normal(name) for _key, names in TITLES for name in names if len(name) >= 4
}
HEADING_MAX_CHARS = 30

NUMBERINGS = [
    ("chapter", re.compile(r"^第[一二三四五六七八九十百零〇\d]+[章部篇节]")),
    ("cn", re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    ("cn_paren", re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    ("decimal_nested", re.compile(r"^\d+(?:[.．]\d+)+[.．、]?(?!\d)")),
    ("decimal_paren", re.compile(r"^[（(]\d+[）)]")),
    ("decimal", re.compile(r"^\d+(?:[.．、](?!\d)|\s)")),
    ("circled", re.compile(r"^[①-⑳]")),
]
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def numbering(text):
    """(kind, the text without its number) of a heading's numbering; kind ""
    for none. "1.1" counts its depth: 1.1 and 1.1.1 are kinds of their own."""
    for kind, pattern in NUMBERINGS:
        match = pattern.match(text)
        if match:
            if kind == "decimal_nested":
                kind = (
                    f"decimal{match.group(0).count('.') + match.group(0).count('．')}"
                )
            return kind, text[match.end() :].strip()
    return "", text.strip()


def classify(title):
    """The outline key a heading's title (numbering removed) names, or None."""
    plain = _normal(title)
    if not plain:
        return None
    for key, names in TITLES:
        if any(_normal(name) in plain for name in names):
            return str(key)
    return None


@dataclasses.dataclass
class Block:
    """A heading or a paragraph of the document, or a table (rows of cell texts)."""

    text: str = ""
    level: int | None = None  # a Word heading's level (1 = top; 0 the title)
    rows: list | None = None
    list_item: bool = False  # numbered or bulleted by Word itself


def _outline_level(paragraph):
    name = paragraph.style.name if paragraph.style is not None else ""
    match = HEADING_STYLE.match(name or "")
    if match:
        return int(match.group(1))
    for holder in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
        found = holder.find(f".//{qn('w:outlineLvl')}") if holder is not None else None
        if found is not None and found.get(qn("w:val"), "").isdigit():
            level = int(found.get(qn("w:val"))) + 1
            return level if level < 10 else None
    return None


def _is_list_item(paragraph):
    pPr = paragraph._p.pPr
    name = (paragraph.style.name or "") if paragraph.style is not None else ""
    return name.startswith("List") or (
        pPr is not None and pPr.find(qn("w:numPr")) is not None
    )


def _blocks(document):
    blocks = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [[cell.text.strip() for cell in row.cells] for row in item.rows]
            blocks.append(Block(rows=rows))
            continue
        style = item.style.name if item.style is not None else ""
        if style in ("Title", "Subtitle"):
            blocks.append(Block(text=item.text.strip(), level=0))
            continue
        text = "\n".join(line.strip() for line in item.text.split("\n")).strip()
        if not text:
            continue
        level = _outline_level(item)
        listed = level is None and _is_list_item(item)
        if listed and not re.match(r"^([-*•]\s|\d+[.、)）])", text):
            text = "- " + text  # the portal's bullet (textformat)
        blocks.append(
            Block(
                text=text,
                level=level,
                list_item=listed,
            )
        )
    return blocks


@dataclasses.dataclass
class Part:
    """A stretch of the document under one heading."""

    heading: str
    key: str | None  # an outline key (SectionKey values, needs, schedule, …)
    chunks: list = dataclasses.field(default_factory=list)
    tables: list = dataclasses.field(default_factory=list)
    # The last chunk is a Word list: the next list item joins it, one item a
    # line, as the portal's lists are typed.
    in_list: bool = False

    @property
    def text(self):
        return "\n\n".join(self.chunks)


@dataclasses.dataclass
class Reading:
    parts: list  # Part, in the document's order; the first is the text before
    # any heading (the cover)


def _heading_kinds(blocks):
    """The numbering kinds of the document's top headings and of 需求分析's parts,
    from the paragraphs whose titles are outline names."""
    top, parts = {}, {}
    for block in blocks:
        if block.rows is not None or not block.text or "\n" in block.text:
            continue
        kind, title = numbering(block.text)
        key = classify(title) if _normal(title) in FULL_NAMES else None
        if key is None or not kind:
            continue
        counts = parts if key in NEEDS_PARTS else top
        counts[kind] = counts.get(kind, 0) + 1
    return _most_common(top), _most_common(parts)


def _most_common(counts):
    return max(counts, key=counts.get) if counts else None


def _as_heading(block, top_kind, part_kind, top_style_level):
    """("top" | "part" | "inner" | None, key) for a block: a heading of the
    outline's first level, one of 需求分析's parts, a heading inside a section
    (kept as text), or no heading."""
    if block.rows is not None or block.level == 0:
        return None, None
    kind, title = numbering(block.text)
    key = classify(title)
    if block.level is not None:
        if key in NEEDS_PARTS:
            return "part", key
        if block.level <= top_style_level:
            return "top", key
        return "inner", None
    short = (
        len(title) <= HEADING_MAX_CHARS
        and "\n" not in block.text
        and not re.search(r"[。；;：:！？!?，,]$", block.text)
    )
    if not short:
        return None, None
    if kind and kind == top_kind:
        return ("part" if key in NEEDS_PARTS else "top"), key
    if kind and kind == part_kind and key in NEEDS_PARTS:
        return "part", key
    if _normal(title) in FULL_NAMES:
        return ("part" if key in NEEDS_PARTS else "top"), key
    return None, None


def read_docx(fileobj):
    """The document cut into parts at its headings (check_docx first)."""
    try:
        document = Document(fileobj)
    except Exception:
        # A package python-docx cannot make sense of (a missing part, broken
        # XML): for the unit, the same as any other unreadable file.
        raise WordFileError(_unreadable()) from None
    blocks = _blocks(document)
    top_kind, part_kind = _heading_kinds(blocks)
    styled = [
        b.level
        for b in blocks
        if b.rows is None and b.level and classify(numbering(b.text)[1])
    ]
    top_style_level = min(styled) if styled else 1
    parts = [Part(heading="", key=None)]
    for block in blocks:
        role, key = _as_heading(block, top_kind, part_kind, top_style_level)
        part = parts[-1]
        if role in ("top", "part"):
            parts.append(Part(heading=block.text, key=key))
        elif block.rows is not None:
            part.tables.append(block.rows)
            part.in_list = False
        elif block.list_item and part.in_list:
            part.chunks[-1] += "\n" + block.text
        else:
            part.chunks.append(block.text)
            part.in_list = block.list_item
    return Reading(parts=parts)


# ------------------------------------------------------------------ tables

SCHEDULE, DELIVERABLES, CONTACTS = "schedule", "deliverables", "contacts"
KINDS = {
    "方案": Deliverable.Kind.SCHEME,
    "模式": Deliverable.Kind.MODEL,
    "方法": Deliverable.Kind.METHOD,
    "产品": Deliverable.Kind.PRODUCT,
    "技术": Deliverable.Kind.TECHNOLOGY,
}
DATE = re.compile(
    r"(\d{4})\s*(?:年|[-/.．])\s*(\d{1,2})\s*(?:(?:月|[-/.．])\s*(\d{1,2})\s*日?|月)?"
)
RANGE = re.compile(r"\s*(?:—|–|-|~|～|至|到)\s*")


def _column(header, *words, avoid=()):
    for index, cell in enumerate(header):
        if any(w in cell for w in words) and not any(a in cell for a in avoid):
            return index
    return None


def table_kind(header):
    """What a table is, from its first row: schedule, deliverables, contacts or
    None, with the column of each field."""
    header = [_normal(cell) for cell in header]
    task = _column(header, "任务", "task")
    if (
        _column(header, "姓名", "name") is not None
        and _column(header, "电话", "手机", "phone") is not None
    ):
        return CONTACTS, {}
    kind = _column(header, "类型", "类别", "形式", "kind")
    if kind is not None and _column(header, "成果", "deliverable") is not None:
        return DELIVERABLES, {
            "task": task,
            "title": _column(header, "名称", "成果", "deliverable", avoid=("类型",)),
            "kind": kind,
            "due": _column(header, "时间", "日期", "完成", "due"),
        }
    start = _column(header, "开始", "起始", "start")
    end = _column(header, "结束", "完成", "截止", "end")
    span = _column(header, "起止", "时间", "period")
    if (start is not None and end is not None) or span is not None:
        return SCHEDULE, {
            "task": task,
            "title": _column(header, "工作", "内容", "事项", "名称", "work"),
            "start": start,
            "end": end,
            "span": span if start is None or end is None else None,
        }
    return None, {}


def parse_date(text, *, month_end=False):
    """2020年4月15日, 2020-04-15, 2020/4/15, 2020.4.15; a month alone (2020年4月)
    is its first day, or its last with `month_end`. None when it is no date."""
    match = DATE.search(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    try:
        if match.group(3):
            return datetime.date(year, month, int(match.group(3)))
        day = calendar.monthrange(year, month)[1] if month_end else 1
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _cell(row, index):
    return row[index].strip() if index is not None and index < len(row) else ""


def _task_for(name, tasks):
    if not name and len(tasks) == 1:
        return tasks[0]
    for task in tasks:
        if name and name in (task.title, task.title_en, task.label):
            return task
    return None


@dataclasses.dataclass
class Row:
    kind: str  # SCHEDULE or DELIVERABLES
    cells: list  # as in the document
    data: dict  # what the row form is given
    errors: list
    duplicate: bool = False
    form: object = None  # the bound row form, which saves the row
    signature: tuple = ()  # what makes it the same row as one saved

    @property
    def is_new(self):
        return not self.errors and not self.duplicate


def _rows(kind, columns, body, *, plan, tasks, existing):
    rows = []
    for cells in body:
        if not any(cells):
            continue
        name = _cell(cells, columns["task"])
        task = _task_for(name, tasks)
        errors = []
        if task is None:
            errors.append(
                _("No task of this plan is called “%(name)s”.") % {"name": name}
            )
        if kind == SCHEDULE:
            if columns["span"] is not None:
                pieces = RANGE.split(_cell(cells, columns["span"]), maxsplit=1)
                start_text, end_text = (pieces + [""])[:2]
            else:
                start_text = _cell(cells, columns["start"])
                end_text = _cell(cells, columns["end"])
            start = parse_date(start_text)
            end = parse_date(end_text, month_end=True)
            data = {
                "task": task.pk if task else "",
                "title": _cell(cells, columns["title"]),
                "start": start.isoformat() if start else start_text,
                "end": end.isoformat() if end else end_text,
            }
            form = ScheduleItemForm(data, plan=plan)
            signature = (data["task"], data["title"], data["start"], data["end"])
        else:
            due = parse_date(_cell(cells, columns["due"]), month_end=True)
            kind_text = _cell(cells, columns["kind"])
            data = {
                "task": task.pk if task else "",
                "title": _cell(cells, columns["title"]),
                "kind": next(
                    (value for word, value in KINDS.items() if word in kind_text),
                    kind_text,
                ),
                "due": due.isoformat() if due else _cell(cells, columns["due"]),
            }
            form = DeliverableForm(data, plan=plan)
            signature = (data["task"], data["title"], data["kind"], data["due"])
        if task is not None and not form.is_valid():
            errors += [
                f"{form.fields[field].label}: {message}"
                if field in form.fields
                else message
                for field, messages in form.errors.items()
                for message in messages
            ]
        rows.append(
            Row(
                kind=kind,
                cells=cells,
                data=data,
                errors=errors,
                duplicate=not errors and signature in existing,
                form=form,
                signature=signature,
            )
        )
        existing.add(signature)
    return rows


# ------------------------------------------------------------------ preview


def _saved_rows(plan):
    """What the plan's rows already say, as the import compares them."""
    return {
        SCHEDULE: {
            (i.task_id, i.title, i.start.isoformat(), i.end.isoformat())
            for i in plan.schedule.all()
        },
        DELIVERABLES: {
            (d.task_id, d.title, d.kind, d.due.isoformat())
            for d in plan.deliverables.all()
        },
    }


@dataclasses.dataclass
class SectionImport:
    key: str
    label: str
    text: str  # from the document ("" when it had none)
    headings: list  # the document's headings that gave it
    current: str
    revision: int

    @property
    def too_long(self):
        return len(self.text) > SECTION_MAX_CHARS

    @property
    def replaces(self):
        return bool(self.current.strip()) and self.current != self.text

    @property
    def unchanged(self):
        return self.current == self.text


@dataclasses.dataclass
class Preview:
    sections: list  # SectionImport for every text section, in order
    unmatched: list  # (heading, text): parts no section takes
    ignored_tables: list  # (heading, first row): tables of no known kind
    contacts_tables: int
    schedule: list  # Row
    deliverables: list  # Row

    @property
    def importable(self):
        return [
            s for s in self.sections if s.text and not s.unchanged and not s.too_long
        ]

    @property
    def new_rows(self):
        return [row for row in self.schedule + self.deliverables if row.is_new]


def preview(reading, plan):
    """What importing `reading` into `plan` would do, section by section and row
    by row. Reads only."""
    texts, headings = {}, {}
    unmatched, ignored, contacts_tables = [], [], 0
    schedule, deliverables = [], []
    tasks = list(plan.batch.tasks_of(plan.unit))
    existing = _saved_rows(plan)
    for part in reading.parts:
        if part.key in SectionKey.values:
            if part.text:
                texts[part.key] = "\n\n".join(
                    filter(None, [texts.get(part.key, ""), part.text])
                )
            headings.setdefault(part.key, []).append(part.heading)
        elif part.text:
            # The cover, 需求分析's own words, text in the schedule, the
            # deliverables or the contacts, a section the outline lacks.
            unmatched.append((part.heading, part.text))
        elif part.key is None and part.heading:
            unmatched.append((part.heading, ""))
        for rows in part.tables:
            kind, columns = table_kind(rows[0]) if rows else (None, {})
            if kind == CONTACTS:
                contacts_tables += 1
            elif kind is None:
                ignored.append((part.heading, rows[0] if rows else []))
            else:
                found = _rows(
                    kind,
                    columns,
                    rows[1:],
                    plan=plan,
                    tasks=tasks,
                    existing=existing[kind],
                )
                (schedule if kind == SCHEDULE else deliverables).extend(found)
    current = {s.key: s for s in plan.sections.all()}
    sections = []
    for key in SectionKey:
        saved = current.get(key.value)
        sections.append(
            SectionImport(
                key=key.value,
                label=key.label,
                text=texts.get(key.value, ""),
                headings=headings.get(key.value, []),
                current=saved.text if saved else "",
                revision=saved.revision if saved else 0,
            )
        )
    return Preview(
        sections=sections,
        unmatched=unmatched,
        ignored_tables=ignored,
        contacts_tables=contacts_tables,
        schedule=schedule,
        deliverables=deliverables,
    )


# ------------------------------------------------------------------ saving


@transaction.atomic
def apply_import(*, plan, preview, keys, revisions, rows, user):
    """Save the sections `keys` (each at the revision the unit saw, `revisions`)
    and, with `rows`, the new schedule items and deliverables of `preview`.
    All or nothing: EditConflict (a section saved since the preview) or
    NotEditable (the plan submitted meanwhile) leaves the plan as it was.
    Returns (sections saved, rows added)."""
    services.lock_editable(plan)
    saved = 0
    for section in preview.importable:
        if section.key not in keys:
            continue
        try:
            services.save_section(
                plan=plan,
                key=section.key,
                text=section.text,
                revision=revisions.get(section.key, -1),
                user=user,
            )
        except services.EditConflict:
            raise services.EditConflict(
                _(
                    "Section “%(s)s” was saved by someone else after the preview was "
                    "made. Nothing was imported: look at the preview again."
                )
                % {"s": section.label}
            ) from None
        saved += 1
    added = 0
    # Read again under the plan's lock: two confirmations of one upload (a
    # double click) add each row once.
    saved_rows = _saved_rows(plan)
    if rows:
        for row in preview.new_rows:
            if row.signature in saved_rows[row.kind]:
                continue
            item = row.form.save(commit=False)
            item.plan = plan
            item.save()
            added += 1
    return saved, added


def delete_stale_uploads(*, now=None):
    """Delete the uploads left waiting past UPLOADS_KEPT (the hourly beat task).
    Returns how many were deleted."""
    now = now or timezone.now()
    storage = private_storage()
    try:
        names = storage.listdir(UPLOAD_FOLDER)[1]
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        if storage.get_modified_time(path) < now - UPLOADS_KEPT:
            storage.delete(path)
            deleted += 1
    return deleted
