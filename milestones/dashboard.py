"""What the office's dashboard (and a department's limited view of it) shows.

The figures over every unit in scope (each column's totals, the units per stage,
what falls due, the review rounds' progress) are aggregate queries
(dashboard_counts.py), and so is the choice of the units a page shows, needing
attention first. The matrix rows are built here for those units only: one query
per kind of row (plans, reports, check materials, plaques, extensions, tasks),
then put together in Python, so a page costs the same at 11 units as at 3,000.
The exports build every unit's row (matrix without units). What a unit owes
(the "owing" lists, the overdue cells) is milestones.outstanding's answer, built
from the same rows.

A department sees the units it supervises, and of those units only the tasks it
supervises (TaskQuerySet.supervised_by; DOMAIN.md, roles).
"""

import dataclasses
import datetime

from django.db.models import Count, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from milestones import dashboard_counts, outstanding
from milestones.models import (
    CheckKind,
    CheckMaterial,
    CheckResult,
    Plaque,
    ProgressReport,
    TaskProgress,
)
from milestones.progress import report_periods
from pilots.deadlines import all_due_dates
from pilots.models import Batch, DeadlineKind, PilotUnit
from plans.models import Plan, PlanVersion
from plans.models import Status as PlanStatus
from reviews.models import Round

UPCOMING_DAYS = 14
SLUG = "unit-slug-placeholder"

# The matrix's columns, in the order of the programme (notice 五).
STAGES = [
    ("plan_submitted", gettext_lazy("Plan submitted")),
    ("plan_approved", gettext_lazy("Plan approved")),
    ("reports", gettext_lazy("Progress reports on time")),
    ("midterm", gettext_lazy("Mid-term check passed")),
    ("accepted", gettext_lazy("Accepted")),
    ("plaque", gettext_lazy("Plaque awarded")),
]
STAGE_KEYS = [key for key, _label in STAGES]

# A cell's state; the template turns it into a CSS class, the text says it in words.
DONE, LATE, IN_REVIEW, RETURNED, FAILED, OVERDUE, PENDING, NONE = (
    "done",
    "late",
    "in_review",
    "returned",
    "failed",
    "overdue",
    "pending",
    "none",
)
STATES = {
    DONE: gettext_lazy("done"),
    LATE: gettext_lazy("done late"),
    IN_REVIEW: gettext_lazy("in review"),
    RETURNED: gettext_lazy("returned"),
    FAILED: gettext_lazy("not passed"),
    OVERDUE: gettext_lazy("overdue"),
    PENDING: gettext_lazy("not due yet"),
    NONE: gettext_lazy("not reached"),
}


@dataclasses.dataclass
class Cell:
    state: str
    text: str
    url: str = ""

    @property
    def is_done(self):
        return self.state in (DONE, LATE)


@dataclasses.dataclass
class Row:
    unit: PilotUnit
    cells: dict
    tasks: list
    # What the unit owes and has not delivered once (outstanding.Owed), by key:
    # "plan_due", "report:2020-04-01", "midterm_end", "acceptance_due".
    owing: dict
    facts: dict  # the raw figures behind the cells, for the exports

    @property
    def overdue(self):
        return sum(1 for cell in self.cells.values() if cell.state == OVERDUE)

    def ordered_cells(self):
        return [self.cells[key] for key in STAGE_KEYS]


@dataclasses.dataclass
class Scope:
    """The batch and, for a department, the business domains it may see."""

    batch: Batch
    department: object = None

    @classmethod
    def for_user(cls, user, batch=None):
        batch = batch or Batch.objects.current()
        return cls(
            batch=batch, department=user.department if user.is_department else None
        )

    def tasks(self):
        tasks = self.batch.tasks.all()
        if self.department is not None:
            tasks = tasks.supervised_by(self.department)
        return tasks

    def units(self):
        units = self.batch.units.all()
        if self.department is not None:
            units = units.supervised_by(self.department)
        return units

    def url(self, name, *args):
        prefix = "department" if self.department is not None else "office"
        return reverse(f"milestones:{prefix}_{name}", args=args)


# ------------------------------------------------------------------- the matrix


def _day(value):
    return timezone.localtime(value).date() if value else None


def _iso(day):
    return day.isoformat() if day else ""


def _plan_cells(plan, due, today):
    if plan is None or not plan.version_count:
        if today > due:
            submitted = Cell(OVERDUE, _("Overdue: due %(date)s") % {"date": _iso(due)})
        else:
            submitted = Cell(PENDING, _("Due %(date)s") % {"date": _iso(due)})
        return submitted, Cell(NONE, _("Not submitted"))
    on = _iso(_day(plan.first_submitted))
    if plan.first_late:
        submitted = Cell(
            LATE,
            _("Submitted %(date)s, %(days)s days late")
            % {"date": on, "days": plan.first_days_late},
        )
    else:
        submitted = Cell(DONE, _("Submitted %(date)s") % {"date": on})
    approved = {
        PlanStatus.APPROVED: Cell(
            DONE, _("Approved %(date)s") % {"date": _iso(_day(plan.status_changed_at))}
        ),
        PlanStatus.REJECTED: Cell(FAILED, _("Rejected")),
        PlanStatus.RETURNED: Cell(RETURNED, _("Returned for revision")),
    }.get(plan.status, Cell(IN_REVIEW, _("In review")))
    return submitted, approved


def _report_cell(periods, submitted, overdue, approved, today):
    """submitted: {period_start: is_late} of the unit's submitted reports;
    overdue: how many reports the unit owes past their due day (outstanding)."""
    due = [p for p in periods if p.due <= today]
    on_time = sum(1 for p in due if submitted.get(p.start) is False)
    late = sum(1 for p in due if submitted.get(p.start) is True)
    if not due:
        return Cell(PENDING, _("None due yet"))
    if not approved and not submitted:
        return Cell(NONE, _("No approved plan yet"))
    text = _("%(n)s of %(m)s on time") % {"n": on_time, "m": len(due)}
    if late:
        text += " · " + ngettext(
            "%(count)s report late", "%(count)s reports late", late
        ) % {"count": late}
    if overdue:
        text += " · " + ngettext(
            "%(count)s report overdue", "%(count)s reports overdue", overdue
        ) % {"count": overdue}
        return Cell(OVERDUE, text)
    return Cell(LATE if late else DONE, text)


def _check_cell(material, due, owed, approved, today):
    """owed: the unit's outstanding.Owed for this material, or None."""
    status = material["status"] if material else CheckMaterial.Status.DRAFT
    grade = material and material["result__grade"]
    if status == CheckMaterial.Status.PASSED or (
        material and material["result__passed"]
    ):
        text = _("Passed")
        if grade:
            text += " · " + str(CheckResult.Grade(grade).label)
        return Cell(DONE, text)
    if status == CheckMaterial.Status.FAILED or (
        material and material["result__passed"] is False
    ):
        return Cell(FAILED, _("Not passed"))
    if status == CheckMaterial.Status.SUBMITTED:
        return Cell(IN_REVIEW, _("Submitted, in review"))
    if status == CheckMaterial.Status.RETURNED:
        return Cell(RETURNED, _("Returned for revision"))
    if owed is not None and owed.is_overdue(today):
        return Cell(OVERDUE, _("Overdue: due %(date)s") % {"date": _iso(due)})
    if not approved:
        return Cell(NONE, _("No approved plan yet"))
    return Cell(PENDING, _("Due %(date)s") % {"date": _iso(due)})


def _plans(batch, unit_ids):
    first = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("number")
    plans = Plan.objects.filter(batch=batch, unit__in=unit_ids).annotate(
        version_count=Count("versions"),
        first_submitted=Min("versions__submitted_at"),
        first_late=Subquery(first.values("is_late")[:1]),
        first_days_late=Subquery(first.values("days_late")[:1]),
    )
    return {plan.unit_id: plan for plan in plans}


def _tasks(scope, unit_ids):
    """The tasks in scope of `unit_ids`, each with the percent of its latest
    submitted report.

    One query for all progress rows of the batch, the latest kept in Python: a
    correlated subquery per task is far slower on PostgreSQL at thousands of tasks.
    """
    tasks = list(
        scope.tasks()
        .filter(unit__in=unit_ids)
        .select_related("unit", "business_domain")
        .order_by("unit__order", "order", "pk")
    )
    latest = {}
    for task_id, percent, period_end in (
        TaskProgress.objects.filter(
            report__batch=scope.batch,
            report__status=ProgressReport.Status.SUBMITTED,
            report__unit__in=unit_ids,
        )
        .order_by("report__period_start", "pk")
        .values_list("task_id", "percent", "report__period_end")
    ):
        latest[task_id] = (percent, period_end)
    for task in tasks:
        task.latest_percent, task.latest_period = latest.get(task.pk, (None, None))
    return tasks


def matrix(scope, today=None, units=None):
    """(rows, periods, tasks, dues): one row per unit in scope, overdue rows
    first, or per unit of `units` (of the scope) in their order; dues is
    {deadline kind: {unit_id: date}}, extensions included. Every query reads
    the rows of those units only: a page builds the rows it shows."""
    today = today or timezone.localdate()
    batch = scope.batch
    given = units is not None
    units = list(units) if given else list(scope.units().order_by("order", "pk"))
    unit_ids = [unit.pk for unit in units]
    plans = _plans(batch, unit_ids)
    dues = all_due_dates(batch=batch, units=units)
    periods = report_periods(batch)
    reports = {}
    for unit_id, start, is_late in ProgressReport.objects.filter(
        batch=batch, status=ProgressReport.Status.SUBMITTED, unit__in=unit_ids
    ).values_list("unit_id", "period_start", "is_late"):
        reports.setdefault(unit_id, {})[start] = is_late
    materials = {
        (m["unit_id"], m["kind"]): m
        for m in CheckMaterial.objects.filter(batch=batch, unit__in=unit_ids).values(
            "unit_id", "kind", "status", "result__passed", "result__grade"
        )
    }
    plaques = dict(
        Plaque.objects.filter(batch=batch, unit__in=unit_ids).values_list(
            "unit_id", "awarded_on"
        )
    )
    tasks = _tasks(scope, unit_ids)
    tasks_by_unit = {}
    for task in tasks:
        tasks_by_unit.setdefault(task.unit_id, []).append(task)
    # What each unit owes, from the rows read above: no query of its own.
    facts = outstanding.UnitFacts(
        plan_status={unit_id: plan.status for unit_id, plan in plans.items()},
        due=dues,
        periods=periods,
        reported={
            (unit_id, start) for unit_id, starts in reports.items() for start in starts
        },
        material_status={key: m["status"] for key, m in materials.items()},
    )
    owing_by_unit = {}
    for owed in outstanding.owed_by_units(
        batch=batch, units=units, today=today, facts=facts
    ):
        # A revision the office asked for is not "not submitted".
        if not owed.returned:
            owing_by_unit.setdefault(owed.unit.pk, {})[owed.key] = owed

    # Each cell links to the page behind it; reverse() once, not per unit.
    plan_url = reverse("plans:detail", args=[SLUG])
    acceptance_url = reverse("milestones:check_detail", args=["acceptance", SLUG])
    links = {
        "plan_submitted": plan_url,
        "plan_approved": plan_url,
        "reports": reverse("milestones:progress_unit", args=[SLUG]),
        "midterm": reverse("milestones:check_detail", args=["midterm", SLUG]),
        "accepted": acceptance_url,
        "plaque": acceptance_url,
    }

    rows = []
    for unit in units:
        plan = plans.get(unit.pk)
        is_approved = plan is not None and plan.status == PlanStatus.APPROVED
        submitted, approved = _plan_cells(plan, dues[DeadlineKind.PLAN][unit.pk], today)
        unit_reports = reports.get(unit.pk, {})
        midterm = materials.get((unit.pk, CheckKind.MIDTERM))
        acceptance = materials.get((unit.pk, CheckKind.ACCEPTANCE))
        awarded = plaques.get(unit.pk)
        owing = owing_by_unit.get(unit.pk, {})
        reports_overdue = sum(
            1
            for owed in owing.values()
            if owed.period is not None and owed.is_overdue(today)
        )
        cells = {
            "plan_submitted": submitted,
            "plan_approved": approved,
            "reports": _report_cell(
                periods, unit_reports, reports_overdue, is_approved, today
            ),
            "midterm": _check_cell(
                midterm,
                dues[DeadlineKind.MIDTERM][unit.pk],
                owing.get(DeadlineKind.MIDTERM.value),
                is_approved,
                today,
            ),
            "accepted": _check_cell(
                acceptance,
                dues[DeadlineKind.ACCEPTANCE][unit.pk],
                owing.get(DeadlineKind.ACCEPTANCE.value),
                is_approved,
                today,
            ),
            "plaque": Cell(DONE, _("Awarded %(date)s") % {"date": _iso(awarded)})
            if awarded
            else Cell(NONE, _("Not awarded")),
        }
        due_periods = [p for p in periods if p.due <= today]
        facts = {
            "plan": plan,
            "plan_submitted": _day(plan.first_submitted) if plan else None,
            "plan_days_late": plan.first_days_late if plan else None,
            "reports_due": len(due_periods),
            "reports_on_time": sum(
                1 for p in due_periods if unit_reports.get(p.start) is False
            ),
            "reports_late": sum(
                1 for p in due_periods if unit_reports.get(p.start) is True
            ),
            "reports_overdue": reports_overdue,
            "plaque": awarded,
        }
        for key, url in links.items():
            cells[key].url = url.replace(SLUG, unit.slug)
        rows.append(Row(unit, cells, tasks_by_unit.get(unit.pk, []), owing, facts))
    if not given:
        # Rows with overdue items first, the most overdue on top; else the units'
        # order.
        rows.sort(key=lambda row: -row.overdue)
    return rows, periods, tasks, dues


def stage_totals(figures, scope):
    """Per column: how many units have done it and how many are overdue, with
    links; `figures` is dashboard_counts.UnitStates.totals()."""
    totals = []
    base = scope.url("units")
    for key, label in STAGES:
        done = figures[f"done_{key}"]
        overdue = figures[f"overdue_{key}"]
        totals.append(
            {
                "key": key,
                "label": label,
                "done": done,
                "overdue": overdue,
                "done_url": f"{base}?stage={key}&state=done",
                "overdue_url": f"{base}?stage={key}&state=overdue",
            }
        )
    return totals


def filter_rows(rows, *, stage="", state="", owing=""):
    """The rows behind a number of the dashboard; no filter at all is every unit,
    an unknown filter matches nothing."""
    if not (stage or state or owing):
        return rows
    if owing:
        return [row for row in rows if owing in row.owing]
    if stage not in STAGE_KEYS:
        return []
    if state == "done":
        return [row for row in rows if row.cells[stage].is_done]
    if state in STATES:
        return [row for row in rows if row.cells[stage].state == state]
    return []


# ------------------------------------------------------------------ review rounds


def current_rounds(scope, today):
    """The batch's rounds not closed yet, soonest closing first."""
    return list(
        Round.objects.filter(batch=scope.batch, closes_on__gte=today).order_by(
            "closes_on", "pk"
        )
    )


# ------------------------------------------------------------------- next 14 days


def upcoming(scope, states, rounds, today):
    """What falls due from today for UPCOMING_DAYS days, by date: deadlines with the
    number of units still owing them (extensions counted), round closings."""
    until = today + datetime.timedelta(days=UPCOMING_DAYS)
    labels = {
        DeadlineKind.PLAN.value: _("Implementation plan due"),
        DeadlineKind.MIDTERM.value: _("Mid-term check material due"),
        DeadlineKind.ACCEPTANCE.value: _("Acceptance material due"),
    }
    periods = {f"report:{period.key}": period for period in states.periods}
    units_url = scope.url("units")
    result = []
    for (day, key), count in states.owing_counts(until).items():
        period = periods.get(key)
        if period is None:
            label = labels[key]
        else:
            label = _("Progress report for %(start)s – %(end)s due") % {
                "start": _iso(period.start),
                "end": _iso(period.end),
            }
        result.append(
            {
                "date": day,
                "label": label,
                "count": count,
                "url": f"{units_url}?owing={key}",
            }
        )
    result.sort(key=lambda item: (item["date"], item["label"]))
    for round_ in (r for r in rounds if r.closes_on <= until):
        result.append(
            {
                "date": round_.closes_on,
                "label": _("Review round “%(title)s” closes") % {"title": round_.title},
                "count": None,
                "url": reverse("reviews:round", args=[round_.pk])
                if scope.department is None
                else "",
            }
        )
    result.sort(key=lambda item: item["date"])
    return result


def dashboard(scope, shown, today=None):
    """The whole dashboard's context: the figures over every unit in scope from
    aggregate queries (dashboard_counts), the matrix rows and tasks of the
    `shown` units needing attention first."""
    today = today or timezone.localdate()
    states = dashboard_counts.UnitStates(scope, today)
    figures = states.totals()
    units = list(states.needing_attention()[:shown])
    rows, _periods, tasks, _dues = matrix(scope, today, units=units)
    rounds = current_rounds(scope, today)
    return {
        "scope": scope,
        "batch": scope.batch,
        "today": today,
        "stages": STAGES,
        "states": list(STATES.items()),
        "rows": rows,
        "unit_count": figures["units"],
        "figures": figures,
        "totals": stage_totals(figures, scope),
        "rounds": dashboard_counts.round_figures(rounds, scope.units(), today),
        "tasks": tasks,
        "upcoming": upcoming(scope, states, rounds, today),
        "upcoming_days": UPCOMING_DAYS,
    }
