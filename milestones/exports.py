"""The office's exports for its own reporting, as XLSX or CSV (same columns).

Four tables: units/tasks/stages, review scores, progress reports, achievements.
Headers are in the active language (Chinese by default). A department gets the
same tables limited to the tasks in its business domains (dashboard.Scope).
"""

import csv
import dataclasses
import datetime
import io
import unicodedata
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from milestones.models import Achievement, ProgressReport, TaskAcceptance, TaskProgress
from pilots.text import without_control_characters
from reviews.models import Round, SheetStatus
from reviews.services import round_results

from . import dashboard

TEXT, DATE, DATETIME, NUMBER = "text", "date", "datetime", "number"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclasses.dataclass
class Table:
    title: str
    columns: list  # [(header, kind)]
    rows: list


def _yes(value):
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _local(moment):
    """Spreadsheets have no time zones: a naive Asia/Shanghai datetime."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


# ------------------------------------------------------------------ the tables


def stages_table(scope):
    rows, _periods, tasks, _extended = dashboard.matrix(scope)
    accepted = dict(
        TaskAcceptance.objects.filter(
            result__material__batch=scope.batch, task__in=[t.pk for t in tasks]
        ).values_list("task_id", "passed")
    )
    table = []
    for row in sorted(rows, key=lambda row: (row.unit.order, row.unit.pk)):
        facts, cells = row.facts, row.cells
        plan = facts["plan"]
        for task in row.tasks:
            table.append(
                [
                    row.unit.name,
                    task.title,
                    task.business_domain.name,
                    str(plan.get_status_display()) if plan else _("Not started"),
                    facts["plan_submitted"],
                    facts["plan_days_late"] or 0 if facts["plan_submitted"] else None,
                    facts["reports_due"],
                    facts["reports_on_time"],
                    facts["reports_late"],
                    facts["reports_overdue"],
                    task.latest_percent,
                    cells["midterm"].text,
                    cells["accepted"].text,
                    _yes(accepted.get(task.pk)),
                    facts["plaque"],
                ]
            )
    return Table(
        _("Units and stages"),
        [
            (_("Unit"), TEXT),
            (_("Task"), TEXT),
            (_("Business domain"), TEXT),
            (_("Plan status"), TEXT),
            (_("Plan first submitted"), DATE),
            (_("Days late"), NUMBER),
            (_("Reports due"), NUMBER),
            (_("Reports on time"), NUMBER),
            (_("Reports late"), NUMBER),
            (_("Reports overdue"), NUMBER),
            (_("Latest percent complete"), NUMBER),
            (_("Mid-term check"), TEXT),
            (_("Acceptance"), TEXT),
            (_("Task accepted"), TEXT),
            (_("Plaque awarded on"), DATE),
        ],
        table,
    )


def scores_table(scope):
    unit_ids = set(scope.units().values_list("pk", flat=True))
    table = []
    rounds = Round.objects.filter(batch=scope.batch).order_by("opens_on", "pk")
    for round_ in rounds:
        submissions = [
            s
            for s in round_.submissions.filter(is_current=True).select_related(
                "unit", "decision"
            )
            if s.unit_id in unit_ids
        ]
        criteria, results = round_results(round_, submissions)
        results.sort(key=lambda r: (r["submission"].unit.order, r["submission"].pk))
        for result in results:
            unit = result["submission"].unit
            for expert in result["experts"]:
                sheet = expert["sheet"]
                if sheet is None or sheet.status != SheetStatus.SUBMITTED:
                    continue
                for criterion, value in zip(criteria, expert["scores"], strict=True):
                    table.append(
                        [
                            round_.title,
                            str(round_.get_kind_display()),
                            unit.name,
                            expert["expert"].get_full_name(),
                            _local(sheet.submitted_at),
                            criterion.name,
                            _number(criterion.weight),
                            _number(criterion.max_score),
                            _number(value),
                            _number(expert["total"]),
                            _number(result["result"].value),
                        ]
                    )
    return Table(
        _("Review scores"),
        [
            (_("Review round"), TEXT),
            (_("Kind"), TEXT),
            (_("Unit"), TEXT),
            (_("Expert"), TEXT),
            (_("Sheet submitted at"), DATETIME),
            (_("Criterion"), TEXT),
            (_("Weight"), NUMBER),
            (_("Maximum score"), NUMBER),
            (_("Score"), NUMBER),
            (_("Expert's weighted total"), NUMBER),
            (_("Aggregate"), NUMBER),
        ],
        table,
    )


def reports_table(scope):
    progress = (
        TaskProgress.objects.filter(
            report__batch=scope.batch,
            report__status=ProgressReport.Status.SUBMITTED,
            task__in=scope.tasks(),
        )
        .select_related("report__unit", "task")
        .order_by("report__unit__order", "report__period_start", "task__order", "pk")
    )
    table = [
        [
            p.report.unit.name,
            p.report.period_start,
            p.report.period_end,
            p.report.due,
            _local(p.report.submitted_at),
            _yes(p.report.is_late),
            p.report.days_late,
            p.task.title,
            p.percent,
            p.done,
            p.problems,
            p.next_steps,
        ]
        for p in progress
    ]
    return Table(
        _("Progress reports"),
        [
            (_("Unit"), TEXT),
            (_("Period from"), DATE),
            (_("Period to"), DATE),
            (_("Due"), DATE),
            (_("Submitted at"), DATETIME),
            (_("Submitted late"), TEXT),
            (_("Days late"), NUMBER),
            (_("Task"), TEXT),
            (_("Percent complete"), NUMBER),
            (_("Work done"), TEXT),
            (_("Problems met"), TEXT),
            (_("Next steps"), TEXT),
        ],
        table,
    )


def achievements_table(scope):
    achievements = (
        Achievement.objects.filter(task__in=scope.tasks())
        .select_related("unit", "task")
        .order_by("unit__order", "task__order", "created_at", "pk")
    )
    table = [
        [
            a.unit.name,
            a.task.title,
            str(a.get_kind_display()),
            a.title,
            a.description,
            _local(a.created_at),
            _local(a.published_at),
            _yes(a.recommended),
            _local(a.recommended_at),
        ]
        for a in achievements
    ]
    return Table(
        _("Achievements"),
        [
            (_("Unit"), TEXT),
            (_("Task"), TEXT),
            (_("Kind"), TEXT),
            (_("Title"), TEXT),
            (_("Description"), TEXT),
            (_("Registered at"), DATETIME),
            (_("Published at"), DATETIME),
            (_("Recommended for promotion"), TEXT),
            (_("Recommended at"), DATETIME),
        ],
        table,
    )


TABLES = {
    "stages": (stages_table, gettext_lazy("Units, tasks and stages")),
    "scores": (scores_table, gettext_lazy("Review scores")),
    "reports": (reports_table, gettext_lazy("Progress reports")),
    "achievements": (achievements_table, gettext_lazy("Achievements")),
}


# ------------------------------------------------------------------ the formats


def _csv_value(value, kind):
    if value is None:
        return ""
    if kind == DATETIME:
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == DATE:
        return value.isoformat()
    return without_control_characters(value)


def as_csv(table):
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 Chinese only with the BOM
    writer = csv.writer(out)
    writer.writerow([header for header, _kind in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _csv_value(value, kind)
                for value, (_h, kind) in zip(row, table.columns, strict=True)
            ]
        )
    return out.getvalue().encode("utf-8")


def _display_width(value):
    """Columns wide enough to read: a CJK character takes two Latin widths."""
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    text = str(value) if value is not None else ""
    line = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def as_xlsx(table):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    # Excel forbids some characters in sheet titles and caps them at 31.
    sheet.title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31]
    sheet.append([header for header, _kind in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        # A spreadsheet cell holds no control characters (openpyxl refuses them).
        sheet.append([without_control_characters(value) for value in row])
    widths = [_display_width(header) for header, _kind in table.columns]
    for row in table.rows:
        for n, value in enumerate(row):
            widths[n] = max(widths[n], _display_width(value))
    for n, (_header, kind) in enumerate(table.columns, 1):
        letter = get_column_letter(n)
        sheet.column_dimensions[letter].width = min(max(widths[n - 1], 6) + 2, 60)
        if kind in (DATE, DATETIME, TEXT):
            fmt = {DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}.get(kind)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=n, max_col=n):
                if fmt:
                    cell.number_format = fmt
                elif widths[n - 1] > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    else:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
