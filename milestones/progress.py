"""Progress reports (进展报告) and the approved plan as checklist (notice 三.2, 五).

The office sets a batch's cadence (`ReportingSchedule`); `report_periods(batch)` is
the one place that turns it into periods and due dates. A unit writes one report
per period: per task (`TaskProgress`) and per item of its approved plan
(`ChecklistEntry`). `save_report` writes a draft, `submit_report` alone moves it to
SUBMITTED (then it is read-only). `report_status` says where a unit stands for a
period; every list reads it from there.

Days are days in Asia/Shanghai (settings.TIME_ZONE): a report is due by the end of
its due day there, so `timezone.localdate()` is the only "today" used.
"""

import calendar
import dataclasses
import datetime

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.deadlines import days_late
from pilots.history import record
from pilots.models import Task
from pilots.permissions import is_member_of, is_readable, supervises
from plans.models import Plan
from plans.models import Status as PlanStatus

from . import messages
from .models import (
    ChecklistEntry,
    ItemState,
    ProgressReport,
    ReportingSchedule,
    TaskProgress,
)

Status = ProgressReport.Status

# The whole workflow at a glance: a draft is submitted once, then it is frozen.
TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: set(),
}

# States that need a reason: the reader must learn why an item slipped or went.
NEEDS_REASON = {ItemState.LATE, ItemState.DROPPED}


class ReportError(Exception):
    """A report cannot be written or submitted now; the message says why."""


# ------------------------------------------------------------------ periods


@dataclasses.dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    due: datetime.date

    @property
    def key(self):
        """How URLs and reminders name the period: its first day."""
        return self.start.isoformat()

    def has_started(self, today):
        return self.start <= today


def schedule_for(batch):
    """The batch's reporting schedule as the office set it, else the default
    (quarterly, 10 days' grace) unsaved: reading a schedule never writes one, so
    every page and scan can call it on a GET."""
    schedule = ReportingSchedule.objects.filter(batch=batch).first()
    return schedule or ReportingSchedule(batch=batch)


def report_periods(batch, schedule=None):
    """The batch's reporting periods, in order: calendar months or quarters from
    the implementation start to its end, the first and last clipped to those
    dates; each due `grace_days` after it ends."""
    schedule = schedule or schedule_for(batch)
    months = 1 if schedule.cadence == ReportingSchedule.Cadence.MONTHLY else 3
    grace = datetime.timedelta(days=schedule.grace_days)
    first, last = batch.implementation_start, batch.implementation_end
    # The calendar period that holds the start: quarters begin in Jan/Apr/Jul/Oct.
    month = first.month - (first.month - 1) % months
    year = first.year
    periods = []
    while True:
        period_start = datetime.date(year, month, 1)
        if period_start > last:
            return periods
        end_month = month + months - 1
        end_year = year + (end_month - 1) // 12
        end_month = (end_month - 1) % 12 + 1
        period_end = datetime.date(
            end_year, end_month, calendar.monthrange(end_year, end_month)[1]
        )
        start, end = max(period_start, first), min(period_end, last)
        periods.append(Period(start=start, end=end, due=end + grace))
        month += months
        year += (month - 1) // 12
        month = (month - 1) % 12 + 1


def period_for(batch, key, schedule=None):
    """The period whose first day is `key` (an ISO date), or None."""
    for period in report_periods(batch, schedule):
        if period.key == key:
            return period
    return None


# ------------------------------------------------------------------ status


class ReportStatus:
    NOT_STARTED = "not_started"
    OPEN = "open"
    SUBMITTED = "submitted"
    LATE = "late"
    OVERDUE = "overdue"

    LABELS = {
        NOT_STARTED: _("Not started"),
        OPEN: _("Open for reporting"),
        SUBMITTED: _("Submitted"),
        LATE: _("Submitted late"),
        OVERDUE: _("Overdue"),
    }
    BADGES = {
        NOT_STARTED: "text-bg-light",
        OPEN: "text-bg-info",
        SUBMITTED: "text-bg-success",
        LATE: "text-bg-warning",
        OVERDUE: "text-bg-danger",
    }


def is_overdue(period, today):
    """Past the end of the due day (in Asia/Shanghai) without a submitted report."""
    return today > period.due


def report_status(period, report, today):
    """Where a unit stands for `period`, given its report (or None)."""
    if report is not None and report.status == Status.SUBMITTED:
        return ReportStatus.LATE if report.is_late else ReportStatus.SUBMITTED
    if not period.has_started(today):
        return ReportStatus.NOT_STARTED
    if is_overdue(period, today):
        return ReportStatus.OVERDUE
    return ReportStatus.OPEN


@dataclasses.dataclass
class PeriodRow:
    """One line of a list: a unit, a period, its report (or None), its status."""

    unit: object
    period: Period
    report: ProgressReport | None
    status: str

    @property
    def status_label(self):
        return ReportStatus.LABELS[self.status]

    @property
    def badge(self):
        return ReportStatus.BADGES[self.status]

    @property
    def is_draft(self):
        return self.report is not None and self.report.status == Status.DRAFT

    @property
    def url(self):
        return reverse(
            "milestones:progress_report", args=[self.unit.slug, self.period.key]
        )


def period_rows(*, batch, units, today, periods=None):
    """A PeriodRow for each unit × period, in two queries whatever the sizes."""
    periods = periods if periods is not None else report_periods(batch)
    reports = {
        (report.unit_id, report.period_start): report
        for report in ProgressReport.objects.filter(batch=batch, unit__in=units)
    }
    return [
        PeriodRow(
            unit=unit,
            period=period,
            report=(report := reports.get((unit.pk, period.start))),
            status=report_status(period, report, today),
        )
        for unit in units
        for period in periods
    ]


# ------------------------------------------------------------------ checklist


def approved_plan(*, batch, unit):
    """The unit's approved plan for the batch, or None."""
    return (
        Plan.objects.filter(batch=batch, unit=unit, status=PlanStatus.APPROVED)
        .select_related("unit")
        .first()
    )


@dataclasses.dataclass
class ChecklistItem:
    """One schedule item or deliverable of an approved plan, with its latest
    reported state. `kind` is "schedule" or "deliverable"; `item` the plans row;
    `state` an ItemState value or "" when never reported; `reported_at` when the
    report or check material giving it was submitted (None when never)."""

    kind: str
    item: object
    task: Task
    state: str = ""
    reason: str = ""
    reported_at: datetime.datetime | None = None
    source: object = None

    @property
    def key(self):
        """The form field prefix of the item: "s12" or "d7"."""
        return f"{self.kind[0]}{self.item.pk}"

    @property
    def title(self):
        return self.item.title

    @property
    def planned_start(self):
        return getattr(self.item, "start", None)

    @property
    def planned_end(self):
        return self.item.end if self.kind == "schedule" else self.item.due

    @property
    def state_label(self):
        return ItemState(self.state).label if self.state else ""


def plan_items(plan, task_ids=None):
    """The plan's schedule items then deliverables as ChecklistItems, unreported;
    in task order. Of the tasks in `task_ids` only (None: all): what a reader of
    them sees of the checklist (pilots.permissions.readable_task_ids). Two
    queries."""
    items = [
        ChecklistItem(kind="schedule", item=row, task=row.task)
        for row in plan.schedule.select_related("task")
        if is_readable(row.task_id, task_ids)
    ] + [
        ChecklistItem(kind="deliverable", item=row, task=row.task)
        for row in plan.deliverables.select_related("task")
        if is_readable(row.task_id, task_ids)
    ]
    items.sort(key=lambda entry: (entry.task.order, entry.task.pk))
    return items


def checklist_items(plan, task_ids=None):
    """The approved plan as checklist (the yardstick): each schedule item and
    deliverable of `plan` (of the tasks in `task_ids`, see plan_items) with its
    latest reported state and reason, taken from the most recently submitted
    progress report or check material that gives it. Three queries whatever the
    plan's size."""
    items = plan_items(plan, task_ids)
    entries = (
        ChecklistEntry.objects.filter(
            Q(schedule_item__plan=plan) | Q(deliverable__plan=plan)
        )
        .filter(
            Q(report__status=Status.SUBMITTED) | Q(material__submitted_at__isnull=False)
        )
        .annotate(at=Coalesce("report__submitted_at", "material__submitted_at"))
        .select_related("report", "material")
        .order_by("at", "pk")
    )
    latest = {}
    for entry in entries:
        if entry.schedule_item_id:
            latest[f"s{entry.schedule_item_id}"] = entry
        else:
            latest[f"d{entry.deliverable_id}"] = entry
    for item in items:
        entry = latest.get(item.key)
        if entry is not None:
            item.state, item.reason = entry.state, entry.reason
            item.reported_at = entry.at
            item.source = entry.report or entry.material
    return items


# ------------------------------------------------------------------ visibility


def readable_progress(report, task_ids):
    """The report's TaskProgress rows of the tasks in `task_ids` (None: all;
    pilots.permissions.readable_task_ids)."""
    return [
        row for row in report.task_progress.all() if is_readable(row.task_id, task_ids)
    ]


def can_view_report(user, report):
    """Members see their unit's reports, drafts included; the office sees every
    submitted one; a department those of units it supervises. Experts: none."""
    if not user.is_authenticated:
        return False
    if is_member_of(user, report.unit):
        return True
    if report.status != Status.SUBMITTED:
        return False
    return user.is_office or supervises(user, report.unit)


def can_edit_report(user, unit, report):
    """Only the unit's members write, and only while there is no submitted report."""
    editable = report is None or report.status == Status.DRAFT
    return editable and is_member_of(user, unit)


def previous_percents(*, batch, unit, before):
    """{task id: percent} of the unit's latest submitted report before `before`
    (a date): a new report starts from where the last one left off."""
    return dict(
        TaskProgress.objects.filter(
            report__batch=batch,
            report__unit=unit,
            report__status=Status.SUBMITTED,
            report__period_start=ProgressReport.objects.filter(
                batch=batch,
                unit=unit,
                status=Status.SUBMITTED,
                period_start__lt=before,
            )
            .order_by("-period_start")
            .values("period_start")[:1],
        ).values_list("task_id", "percent")
    )


# ------------------------------------------------------------------ writing


@dataclasses.dataclass
class TaskInput:
    task: Task
    percent: int
    done: str = ""
    problems: str = ""
    next_steps: str = ""


@dataclasses.dataclass
class ItemInput:
    item: ChecklistItem
    state: str
    reason: str = ""


@transaction.atomic
def save_report(*, batch, unit, period, user, summary, tasks, items):
    """Write the unit's draft for `period` (created on first save).

    tasks: [TaskInput] for tasks of `unit`; items: [ItemInput] for items of its
    approved plan. Raises ReportError when the period has not started or the
    report was submitted meanwhile. Returns the report.
    """
    if not period.has_started(timezone.localdate()):
        raise ReportError(_("This period has not started yet."))
    report, _created = ProgressReport.objects.get_or_create(
        batch=batch,
        unit=unit,
        period_start=period.start,
        defaults={"period_end": period.end, "due": period.due},
    )
    # Lock the row so a submit in another request waits for this save to finish.
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.DRAFT:
        raise ReportError(_("This report has been submitted and can no longer change."))
    report.summary = summary
    report.period_end, report.due = period.end, period.due
    report.save(update_fields=["summary", "period_end", "due", "updated_at"])
    TaskProgress.objects.filter(report=report).delete()
    TaskProgress.objects.bulk_create(
        TaskProgress(
            report=report,
            task=row.task,
            percent=row.percent,
            done=row.done,
            problems=row.problems,
            next_steps=row.next_steps,
        )
        for row in tasks
    )
    ChecklistEntry.objects.filter(report=report).delete()
    ChecklistEntry.objects.bulk_create(
        ChecklistEntry(
            report=report,
            schedule_item=row.item.item if row.item.kind == "schedule" else None,
            deliverable=row.item.item if row.item.kind == "deliverable" else None,
            state=row.state,
            reason=row.reason,
        )
        for row in items
        if row.state
    )
    return report


@transaction.atomic
def submit_report(*, report, user, now=None):
    """DRAFT → SUBMITTED. Side effects: submitted_at/by, is_late and days_late
    (days in Asia/Shanghai after the due day), a history row, a notification to
    the office and the supervising departments in this transaction. Raises
    ReportError when someone else submitted it first."""
    now = now or timezone.now()
    if Status.SUBMITTED not in TRANSITIONS[Status(report.status)]:
        raise ReportError(_("This report has already been submitted."))
    late = days_late(report.due, now)
    changed = ProgressReport.objects.filter(pk=report.pk, status=Status.DRAFT).update(
        status=Status.SUBMITTED,
        submitted_at=now,
        submitted_by=user,
        is_late=late > 0,
        days_late=late,
        updated_at=now,
    )
    if not changed:
        raise ReportError(_("Someone else submitted this report first."))
    record(report, from_state=Status.DRAFT, to_state=Status.SUBMITTED, by=user)
    report.refresh_from_db()
    messages.progress_submitted(report=report)
    return report


def set_schedule(*, batch, cadence, grace_days):
    """The office's cadence. Changing months ↔ quarters would orphan the reports
    already written for the old periods, so it is refused once there are any."""
    schedule = schedule_for(batch)
    if (
        cadence != schedule.cadence
        and ProgressReport.objects.filter(batch=batch).exists()
    ):
        raise ReportError(
            _(
                "Reports have been written for this batch; "
                "the cadence can no longer change."
            )
        )
    schedule.cadence, schedule.grace_days = cadence, grace_days
    schedule.save()
    return schedule
