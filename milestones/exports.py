"""The office's exports for its own reporting, as XLSX or CSV (same columns).

Four tables: units/tasks/stages, review scores, progress reports, achievements.
Headers are in the language they were asked in (Chinese by default). A
department gets the same tables limited to the tasks in its business domains
(dashboard.Scope). They are built by the Celery task `milestones.build_export`
(pilots/exportjobs.py): `request` asks for one, `table_for` is what the task
passes down to build it; the rows are generators, written as they come.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from milestones.models import (
    Achievement,
    Circular,
    ProgressReport,
    TaskAcceptance,
    TaskProgress,
)
from pilots import exportjobs
from pilots.models import Batch, Department
from pilots.sheets import DATE, DATETIME, NUMBER, TEXT, Column, Table
from reviews.models import Round, SheetStatus
from reviews.services import round_results

from . import circulars, dashboard

BUILD_TASK = "milestones.build_export"
# Text columns' widths in Latin characters (a Chinese character counts two): a
# unit's name, a task's title; a long text wraps (pilots.sheets.WRAPPED).
UNIT, TITLE, SHORT, LONG = 24, 36, 12, 60
ITERATOR_CHUNK = 2000


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
    rows = sorted(rows, key=lambda row: (row.unit.order, row.unit.pk))

    def lines():
        for row in rows:
            facts, cells = row.facts, row.cells
            plan = facts["plan"]
            for task in row.tasks:
                yield [
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

    return Table(
        _("Units and stages"),
        [
            Column(_("Unit"), TEXT, UNIT),
            Column(_("Task"), TEXT, TITLE),
            Column(_("Business domain"), TEXT, SHORT),
            Column(_("Plan status"), TEXT, SHORT),
            Column(_("Plan first submitted"), DATE),
            Column(_("Days late"), NUMBER),
            Column(_("Reports due"), NUMBER),
            Column(_("Reports on time"), NUMBER),
            Column(_("Reports late"), NUMBER),
            Column(_("Reports overdue"), NUMBER),
            Column(_("Latest percent complete"), NUMBER),
            Column(_("Mid-term check"), TEXT),
            Column(_("Acceptance"), TEXT),
            Column(_("Task accepted"), TEXT, SHORT),
            Column(_("Plaque awarded on"), DATE),
        ],
        lines(),
        total=sum(len(row.tasks) for row in rows),
    )


def scores_table(scope):
    unit_ids = set(scope.units().values_list("pk", flat=True))
    rounds = Round.objects.filter(batch=scope.batch).order_by("opens_on", "pk")

    def lines():
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
                    for criterion, value in zip(
                        criteria, expert["scores"], strict=True
                    ):
                        yield [
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

    return Table(
        _("Review scores"),
        [
            Column(_("Review round"), TEXT, UNIT),
            Column(_("Kind"), TEXT, SHORT),
            Column(_("Unit"), TEXT, UNIT),
            Column(_("Expert"), TEXT, SHORT),
            Column(_("Sheet submitted at"), DATETIME),
            Column(_("Criterion"), TEXT),
            Column(_("Weight"), NUMBER),
            Column(_("Maximum score"), NUMBER),
            Column(_("Score"), NUMBER),
            Column(_("Expert's weighted total"), NUMBER),
            Column(_("Aggregate"), NUMBER),
        ],
        lines(),
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
    lines = (
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
        for p in progress.iterator(chunk_size=ITERATOR_CHUNK)
    )
    return Table(
        _("Progress reports"),
        [
            Column(_("Unit"), TEXT, UNIT),
            Column(_("Period from"), DATE),
            Column(_("Period to"), DATE),
            Column(_("Due"), DATE),
            Column(_("Submitted at"), DATETIME),
            Column(_("Submitted late"), TEXT, SHORT),
            Column(_("Days late"), NUMBER),
            Column(_("Task"), TEXT, TITLE),
            Column(_("Percent complete"), NUMBER),
            Column(_("Work done"), TEXT, LONG),
            Column(_("Problems met"), TEXT, LONG),
            Column(_("Next steps"), TEXT, LONG),
        ],
        lines,
        total=progress.count(),
    )


def achievements_table(scope):
    achievements = (
        Achievement.objects.filter(task__in=scope.tasks())
        .select_related("unit", "task")
        .order_by("unit__order", "task__order", "created_at", "pk")
    )
    lines = (
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
        for a in achievements.iterator(chunk_size=ITERATOR_CHUNK)
    )
    return Table(
        _("Achievements"),
        [
            Column(_("Unit"), TEXT, UNIT),
            Column(_("Task"), TEXT, TITLE),
            Column(_("Kind"), TEXT, SHORT),
            Column(_("Title"), TEXT, TITLE),
            Column(_("Description"), TEXT, LONG),
            Column(_("Registered at"), DATETIME),
            Column(_("Published at"), DATETIME),
            Column(_("Recommended for promotion"), TEXT, SHORT),
            Column(_("Recommended at"), DATETIME),
        ],
        lines,
        total=achievements.count(),
    )


TABLES = {
    "stages": (stages_table, gettext_lazy("Units, tasks and stages")),
    "scores": (scores_table, gettext_lazy("Review scores")),
    "reports": (reports_table, gettext_lazy("Progress reports")),
    "achievements": (achievements_table, gettext_lazy("Achievements")),
}


# ------------------------------------------------------------------ the jobs


def request(*, scope, what, fmt, user):
    """Ask for the export `what` of `scope` as `fmt` (pilots.exportjobs)."""
    owner = scope.department.slug if scope.department is not None else "office"
    stamp = timezone.localdate().isoformat()
    return exportjobs.request_export(
        kind=f"milestones.{what}",
        fmt=fmt,
        params={
            "batch": scope.batch.pk,
            "department": scope.department.pk if scope.department else None,
        },
        user=user,
        task=BUILD_TASK,
        filename=f"{what}-{owner}-{stamp}.{fmt}",
        back_url=scope.url("home"),
    )


RECEIPTS = "milestones.circular_receipts"


def request_receipts(*, circular, show, user):
    """Ask for a notice's receipt table (the units `show` filters) as XLSX."""
    stamp = timezone.localdate().isoformat()
    return exportjobs.request_export(
        kind=RECEIPTS,
        fmt="xlsx",
        params={"circular": circular.pk, "show": show},
        user=user,
        task=BUILD_TASK,
        filename=f"notice-{circular.pk}-receipts-{stamp}.xlsx",
        back_url=reverse("milestones:circular_receipts", args=[circular.pk]),
    )


def table_for(job):
    """The Table of one of the jobs `request` or `request_receipts` made: what
    the Celery task passes to exportjobs.build_export."""
    if job.kind == RECEIPTS:
        circular = Circular.objects.get(pk=job.params["circular"])
        rows = circulars.receipt_rows(circular, show=job.params["show"])
        return circulars.receipts_table(circular, rows)
    build, _label = TABLES[job.kind.removeprefix("milestones.")]
    department = job.params["department"]
    return build(
        dashboard.Scope(
            batch=Batch.objects.get(pk=job.params["batch"]),
            department=Department.objects.get(pk=department) if department else None,
        )
    )
