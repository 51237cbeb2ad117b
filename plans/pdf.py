"""The implementation plan (实施方案) as a PDF: a pure function over plain data.

`render_plan_pdf(PlanDocument(...))` lays the plan out like an official Chinese
document (A4, cover, table of contents, numbered sections in the outline's order,
"第 X 页 共 Y 页" footers, a 草稿 watermark on drafts) with WeasyPrint and the
system Noto CJK fonts, which WeasyPrint embeds as subsets. It knows nothing of the
models: the caller maps a plan version onto these dataclasses.
"""

import datetime
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.template import Context, Engine
from django.utils.safestring import mark_safe

from plans import textformat
from plans.gantt import GanttRow, gantt_svg
from plans.textformat import Block

PDF_TEMPLATES = Path(__file__).resolve().parent.parent / "templates/plans/pdf"
CSS_FILE = PDF_TEMPLATES / "plan.css"
TEMPLATE = "plan.html"

# The outline of 附件2 (编制大纲): section keys in their order, with their headings.
OUTLINE = (
    ("status", "现状与问题"),
    ("requirements", "需求分析"),
    ("goals", "目标任务"),
    ("content", "主要内容"),
    ("technical", "技术方案"),
    ("schedule", "进度计划"),
    ("deliverables", "主要成果"),
    ("safeguards", "保障措施"),
    ("highlights", "重点、难点、亮点"),
)
DELIVERABLE_KINDS = ("方案", "模式", "方法", "产品", "技术")
NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n):
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for any outline)."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, units = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else NUMERALS[tens - 1]) + "十"
    if units:
        text += NUMERALS[units - 1]
    return text


def plan_title(unit_name):
    """《浙江省水利厅智慧水利先行先试实施方案》 from the unit's Chinese name."""
    return f"《{unit_name}智慧水利先行先试实施方案》"


@dataclass(frozen=True)
class Contact:
    name: str
    post: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class TaskContacts:
    """A task's responsible person (负责人) and contact (联系人)."""

    task: str
    responsible: Contact | None = None
    contact: Contact | None = None


@dataclass(frozen=True)
class Task:
    title: str
    business_domain: str = ""
    technology_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleItem:
    task: str  # the task's title
    name: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class Deliverable:
    task: str  # the task's title
    kind: str  # one of DELIVERABLE_KINDS
    name: str
    due: datetime.date | None = None


@dataclass(frozen=True)
class Subsection:
    """A titled part of a section, numbered （一）（二）… after the section's text."""

    heading: str
    text: str = ""


@dataclass(frozen=True)
class Section:
    """One section of the outline. `key` (see OUTLINE) places the tables in it:
    goals → the task table, schedule → Gantt chart + schedule table,
    deliverables → the deliverables table. `text` is the unit's plain text."""

    heading: str
    text: str = ""
    key: str = ""
    parts: tuple[Subsection, ...] = ()


@dataclass(frozen=True)
class PlanDocument:
    unit_name: str
    batch_name: str
    date: datetime.date
    version_number: int
    is_draft: bool
    sections: tuple[Section, ...]
    window_start: datetime.date
    window_end: datetime.date
    overall_responsible: Contact | None = None
    overall_contact: Contact | None = None
    task_contacts: tuple[TaskContacts, ...] = ()
    tasks: tuple[Task, ...] = ()
    schedule_items: tuple[ScheduleItem, ...] = ()
    deliverables: tuple[Deliverable, ...] = ()
    title: str = field(default="")

    def __post_init__(self):
        if not self.title:
            object.__setattr__(self, "title", plan_title(self.unit_name))


def outline_sections(texts):
    """The nine outline sections in order, their text from {key: text}."""
    return tuple(
        Section(heading=heading, text=texts.get(key, ""), key=key)
        for key, heading in OUTLINE
    )


def text_blocks(text):
    """The blocks of plans.textformat, set for print: a paragraph's lines (and a
    list item's) run on without a break or a space, as Chinese prose does, so a
    text pasted with hard line breaks still fills the justified line."""
    return [
        Block(
            block.kind,
            ("".join(block.items),)
            if block.kind == "paragraph"
            else tuple(item.replace("\n", "") for item in block.items),
        )
        for block in textformat.text_blocks(text)
    ]


def _contact_rows(document):
    rows = []
    for role, person in (
        ("总体负责人", document.overall_responsible),
        ("联系人", document.overall_contact),
    ):
        if person is not None:
            rows.append(("全部任务", role, person))
    for entry in document.task_contacts:
        for role, person in (("负责人", entry.responsible), ("联系人", entry.contact)):
            if person is not None:
                rows.append((entry.task, role, person))
    return rows


def _cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _cn_month(day):
    return f"{day.year}年{day.month}月" if day else ""


def ordered_schedule(document):
    """The schedule items grouped by task (in the tasks' order) then by date: the
    rows of the schedule table and of its Gantt chart, in the PDF and on the
    experts' reading page."""
    task_order = [task.title for task in document.tasks]
    for item in document.schedule_items:
        if item.task not in task_order:
            task_order.append(item.task)
    return sorted(
        document.schedule_items,
        key=lambda item: (task_order.index(item.task), item.start, item.end),
    )


def schedule_chart(document):
    """The ordered schedule items and their Gantt chart as SVG ("" without
    items), as the PDF draws them."""
    schedule = ordered_schedule(document)
    gantt = ""
    if schedule:
        gantt = gantt_svg(
            [GanttRow(i.task, i.name, i.start, i.end) for i in schedule],
            document.window_start,
            document.window_end,
        )
    return schedule, gantt


def plan_context(document):
    """The template context: sections numbered 一、二、… with their blocks."""
    schedule, gantt = schedule_chart(document)
    sections = [
        {
            "anchor": f"section-{index}",
            "number": chinese_numeral(index),
            "heading": section.heading,
            "key": section.key,
            "blocks": text_blocks(section.text),
            "parts": [
                {
                    "number": chinese_numeral(number),
                    "heading": part.heading,
                    "blocks": text_blocks(part.text),
                }
                for number, part in enumerate(section.parts, start=1)
            ],
        }
        for index, section in enumerate(document.sections, start=1)
    ]
    return {
        "doc": document,
        "date": _cn_date(document.date),
        # Numbers go in as text: the engine then needs no locale settings.
        "version": str(document.version_number),
        "window": "至".join(
            _cn_month(day) for day in (document.window_start, document.window_end)
        ),
        "sections": sections,
        "contacts": _contact_rows(document),
        "task_domains": any(
            task.business_domain or task.technology_domains for task in document.tasks
        ),
        "schedule": [
            {"item": i, "start": _cn_date(i.start), "end": _cn_date(i.end)}
            for i in schedule
        ],
        "deliverables": [
            {"item": d, "due": _cn_month(d.due)} for d in document.deliverables
        ],
        # gantt_svg escapes every piece of user text itself.
        "gantt": mark_safe(gantt),  # noqa: S308
    }


@cache
def _template():
    # A template engine of its own: the renderer needs no settings, no app registry
    # and no request; Django's autoescape (on by default) escapes every user text.
    engine = Engine(dirs=[str(PDF_TEMPLATES)], autoescape=True)
    return engine.get_template(TEMPLATE)


def plan_html(document):
    """The HTML WeasyPrint lays out."""
    return _template().render(Context(plan_context(document), autoescape=True))


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(CSS_FILE))


# The archival copy: PDF/A-3a, the level of PDF/A that also requires the
# document to be tagged (structure, reading order, language) for accessibility.
# WeasyPrint's default pdf_tags is False, which the variant does not override:
# it is asked for explicitly.
ARCHIVAL_OPTIONS = {
    "pdf_variant": "pdf/a-3a",
    "pdf_tags": True,
    "custom_metadata": True,
}


@dataclass(frozen=True)
class ArchiveInfo:
    """What an archival copy records of its version in the PDF's document
    information (and its XMP packet): who, which batch, which version, when it was
    submitted and, for the approved copy, approved."""

    unit_name: str
    batch_name: str
    version_number: int
    title: str
    submitted_at: datetime.datetime
    approved_at: datetime.datetime | None = None


def _archive_metadata(metadata, info):
    version = f"第{info.version_number}版"
    metadata.title = f"{info.title}（{version}）"
    metadata.authors = [info.unit_name]
    dates = [f"提交于{info.submitted_at.isoformat(timespec='seconds')}"]
    if info.approved_at is not None:
        dates.append(f"批准于{info.approved_at.isoformat(timespec='seconds')}")
    metadata.description = " · ".join(
        [info.batch_name, info.unit_name, version, *dates]
    )
    metadata.keywords = [info.unit_name, info.batch_name, version, "实施方案"]
    metadata.created = info.submitted_at.isoformat(timespec="seconds")
    metadata.modified = (info.approved_at or info.submitted_at).isoformat(
        timespec="seconds"
    )
    # The same facts under names of their own, for a machine reading the archive.
    metadata.custom = {
        "unit": info.unit_name,
        "batch": info.batch_name,
        "version": str(info.version_number),
        "submitted": info.submitted_at.isoformat(timespec="seconds"),
        **(
            {"approved": info.approved_at.isoformat(timespec="seconds")}
            if info.approved_at is not None
            else {}
        ),
    }


def render_plan_pdf(document, *, archive=None):
    """The PDF (bytes) of `document`; with `archive` (an ArchiveInfo) its
    archival copy: PDF/A-3a, tagged, the version's facts in its metadata."""
    from weasyprint import HTML

    html = HTML(string=plan_html(document), base_url=str(PDF_TEMPLATES))
    if archive is None:
        return html.write_pdf(stylesheets=[_stylesheet()])
    rendered = html.render(stylesheets=[_stylesheet()], **ARCHIVAL_OPTIONS)
    _archive_metadata(rendered.metadata, archive)
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile (the PDF/A output intent) and never
        # closes it: the file's finalizer warns as soon as the profile is read.
        warnings.filterwarnings(
            "ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning
        )
        return rendered.write_pdf(**ARCHIVAL_OPTIONS)


# ------------------------------------------------------ from a plan's snapshot

KIND_LABELS = {
    "scheme": "方案",
    "model": "模式",
    "method": "方法",
    "product": "产品",
    "technology": "技术",
}


def _contact(row):
    return Contact(row["name"], row["post"], row["phone"], row["email"])


def document_from_snapshot(
    content, *, version_number, date, is_draft, window_start, window_end
):
    """A PlanDocument from the JSON of plans.services.snapshot() (as frozen in
    PlanVersion.content): sections keyed by plans.models.SectionKey, rows with
    task titles. The dates and the draft flag come from the caller (the version,
    its batch's implementation window)."""
    texts = content.get("sections", {})
    sections = (
        Section("现状与问题", texts.get("status_quo", ""), "status"),
        Section(
            "需求分析",
            key="requirements",
            parts=(
                Subsection("业务目标", texts.get("business_goals", "")),
                Subsection("功能需求", texts.get("functional_needs", "")),
                Subsection("数据需求", texts.get("data_needs", "")),
            ),
        ),
        Section("目标任务", texts.get("objectives", ""), "goals"),
        Section("主要内容", texts.get("content", ""), "content"),
        Section("技术方案", texts.get("technical", ""), "technical"),
        Section("进度计划", "", "schedule"),
        Section("主要成果", "", "deliverables"),
        Section("保障措施", texts.get("safeguards", ""), "safeguards"),
        Section("重点、难点、亮点", texts.get("highlights", ""), "highlights"),
    )
    overall = {
        row["role"]: _contact(row)
        for row in content.get("contacts", [])
        if not row["task"]
    }
    per_task = {}
    for row in content.get("contacts", []):
        if row["task"]:
            per_task.setdefault(row["task_title"], {})[row["role"]] = _contact(row)
    task_titles = [task["title"] for task in content.get("tasks", [])]
    task_contacts = tuple(
        TaskContacts(title, roles.get("responsible"), roles.get("contact"))
        for title, roles in sorted(
            per_task.items(),
            key=lambda entry: (
                task_titles.index(entry[0]) if entry[0] in task_titles else 999
            ),
        )
    )
    day = datetime.date.fromisoformat
    return PlanDocument(
        unit_name=content["unit"],
        batch_name=content.get("batch", ""),
        date=date,
        version_number=version_number,
        is_draft=is_draft,
        sections=sections,
        window_start=window_start,
        window_end=window_end,
        overall_responsible=overall.get("responsible"),
        overall_contact=overall.get("contact"),
        task_contacts=task_contacts,
        tasks=tuple(Task(title) for title in task_titles),
        schedule_items=tuple(
            ScheduleItem(i["task_title"], i["title"], day(i["start"]), day(i["end"]))
            for i in content.get("schedule", [])
        ),
        deliverables=tuple(
            Deliverable(
                d["task_title"],
                KIND_LABELS.get(d["kind"], d["kind"]),
                d["title"],
                day(d["due"]),
            )
            for d in content.get("deliverables", [])
        ),
    )
