"""What the public column shows, read from the workflow's tables.

Everything here is filtered to what the public may see (notice 六.4: the column
publishes progress and results): approved plans but never their text, passed checks
but never scores or remarks, submitted progress reports' percentages but never
drafts or problems, published achievements. Every function runs a fixed number of
queries whatever the number of units, so the home page costs the same for 11 units
as for 3,000.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milestones.models import (
    Achievement,
    CheckKind,
    CheckResult,
    Plaque,
    ProgressReport,
    TaskProgress,
)
from pilots.models import Batch, Task
from plans.models import Plan
from plans.models import Status as PlanStatus

from .models import NewsPost

# The steps a unit climbs, in order (notice 三, 五, 六).
STEPS = [
    ("plan_approved", _("Implementation plan approved")),
    ("midterm_passed", _("Mid-term check passed")),
    ("accepted", _("Accepted")),
    ("plaque", _("Plaque awarded")),
]


@dataclass
class UnitStage:
    """Where one unit stands in one batch: the date each step was reached, or None.
    `running` is False for a batch other than the current one, whose units are no
    longer (or not yet) at work on it."""

    dates: dict = field(default_factory=dict)
    running: bool = True

    @property
    def steps(self):
        return [(key, label, self.dates.get(key)) for key, label in STEPS]

    @property
    def label(self):
        reached = [label for key, label in STEPS if self.dates.get(key)]
        if reached:
            return reached[-1]
        if self.running:
            return _("Implementation plan in preparation")
        return _("No step reached")

    @property
    def reached(self):
        return sum(1 for key, _label in STEPS if self.dates.get(key))


def _stage_dates(unit_pks, batch_pks):
    """{(unit pk, batch pk): {step: date}} for every pair that reached a step, in
    three queries whatever the numbers of units and batches.

    Only outcomes are read (plan approved, check passed, plaque): never a score, a
    grade's reasoning or an opinion.
    """
    dates = defaultdict(dict)
    if not unit_pks or not batch_pks:
        return dates
    approved = Plan.objects.filter(
        batch__in=batch_pks, unit__in=unit_pks, status=PlanStatus.APPROVED
    ).values_list("unit_id", "batch_id", "status_changed_at")
    for unit_id, batch_id, changed_at in approved:
        dates[unit_id, batch_id]["plan_approved"] = timezone.localdate(changed_at)
    passed = CheckResult.objects.filter(
        material__batch__in=batch_pks, material__unit__in=unit_pks, passed=True
    ).values_list(
        "material__unit_id", "material__batch_id", "material__kind", "decided_on"
    )
    steps = {CheckKind.MIDTERM: "midterm_passed", CheckKind.ACCEPTANCE: "accepted"}
    for unit_id, batch_id, kind, decided_on in passed:
        dates[unit_id, batch_id][steps[kind]] = decided_on
    plaques = Plaque.objects.filter(batch__in=batch_pks, unit__in=unit_pks).values_list(
        "unit_id", "batch_id", "awarded_on"
    )
    for unit_id, batch_id, awarded_on in plaques:
        dates[unit_id, batch_id]["plaque"] = awarded_on
    return dates


def unit_stages(units, batch, *, running=True):
    """{unit pk: UnitStage} for the given units in `batch`, in three queries.
    `running`: whether `batch` is the current one (see UnitStage)."""
    pks = [unit.pk for unit in units]
    if batch is None:
        return {pk: UnitStage(running=running) for pk in pks}
    dates = _stage_dates(pks, [batch.pk])
    return {
        pk: UnitStage(dates=dates.get((pk, batch.pk), {}), running=running)
        for pk in pks
    }


def batch_stages(unit, batches, current):
    """{batch pk: UnitStage} of one unit in each of `batches`, in three queries
    whatever their number; `current` is Batch.objects.current()."""
    current_pk = current.pk if current else None
    dates = _stage_dates([unit.pk], [batch.pk for batch in batches])
    return {
        batch.pk: UnitStage(
            dates=dates.get((unit.pk, batch.pk), {}), running=batch.pk == current_pk
        )
        for batch in batches
    }


class _RowCount(Subquery):
    """The number of rows of a queryset, as a column of another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def stage_counts(batch, *, running=True):
    """(number of units in `batch`, [(step label, number of its units that reached
    the step)]), in one query whatever the number of units. Of the current batch
    (`running`) the units still preparing their plan come first. Outcomes only, as
    in _stage_dates."""
    # Each count reads its own table once (distinct units of the batch's members),
    # rather than probing every member for every step.
    members = Batch.units.through.objects.filter(batch=batch).values("pilotunit")
    passed = CheckResult.objects.filter(
        material__batch=batch, material__unit__in=members, passed=True
    ).values("material__unit")
    reached = {
        "plan_approved": Plan.objects.filter(
            batch=batch, unit__in=members, status=PlanStatus.APPROVED
        ).values("unit"),
        "midterm_passed": passed.filter(material__kind=CheckKind.MIDTERM),
        "accepted": passed.filter(material__kind=CheckKind.ACCEPTANCE),
        "plaque": Plaque.objects.filter(batch=batch, unit__in=members).values("unit"),
    }
    counts = (
        Batch.objects.filter(pk=batch.pk)
        .values(
            total=_RowCount(members),
            **{key: _RowCount(rows.distinct()) for key, rows in reached.items()},
        )
        .get()
    )
    rows = [(label, counts[key]) for key, label in STEPS]
    if running:
        preparing = counts["total"] - counts["plan_approved"]
        rows.insert(0, (_("Implementation plan in preparation"), preparing))
    return counts["total"], rows


def with_membership(units, batch):
    """`units` (a queryset) annotated with `in_batch`: whether the unit takes part
    in `batch`. A subquery, so the list costs no query more."""
    if batch is None:
        return units.annotate(in_batch=Value(False))
    return units.annotate(
        in_batch=Exists(
            Batch.units.through.objects.filter(batch=batch, pilotunit=OuterRef("pk"))
        )
    )


def other_batches(current):
    """The batches but the current one, the most recent first: what the column
    links to as the programme's other batches."""
    batches = Batch.objects.order_by("-plan_due", "-pk")
    return list(batches.exclude(pk=current.pk) if current else batches)


def _phase_index(rows, today):
    # A running period wins over a date already passed, and of two running
    # periods the later one: the mid-term check runs inside the two years of
    # implementation and is the more telling name.
    # A dated step (plans due, acceptance due) is current on its own day.
    begun = [n for n, (_label, start, _end) in enumerate(rows) if start <= today]
    running = [n for n in begun if today <= (rows[n][2] or rows[n][1])]
    if running:
        return running[-1]
    return begun[-1] if begun else None


def current_phase(batch, today):
    """The key date (label, start, end) the programme is in now; None before the
    launch or without a batch."""
    if batch is None:
        return None
    rows = batch.key_dates()
    index = _phase_index(rows, today)
    return None if index is None else rows[index]


def timeline(batch, today, *, running=True):
    """The key dates with where today stands: "past", "current" or "coming".
    Of a batch that is not the current one (`running` False) no step is current:
    its last date passed is history, not where the programme stands."""
    if batch is None:
        return []
    rows = batch.key_dates()
    current = _phase_index(rows, today) if running else None
    timeline_rows = []
    for n, (label, start, end) in enumerate(rows):
        if n == current:
            state = "current"
        elif (end or start) < today:
            state = "past"
        else:
            state = "coming"
        timeline_rows.append(
            {"label": label, "start": start, "end": end, "state": state}
        )
    return timeline_rows


def task_progress(tasks, batch):
    """{task pk: latest percent} from SUBMITTED reports only, in one query."""
    rows = (
        TaskProgress.objects.filter(
            task__in=[task.pk for task in tasks],
            report__batch=batch,
            report__status=ProgressReport.Status.SUBMITTED,
        )
        .order_by("task_id", "-report__period_start")
        .values_list("task_id", "percent")
    )
    latest = {}
    for task_id, percent in rows:
        latest.setdefault(task_id, percent)
    return latest


def task_progress_history(task):
    """[(batch, [(period start, period end, percent)])] of the task's submitted
    reports, the most recent batch first: every batch the task was reported in,
    not only the current one. One query."""
    rows = (
        TaskProgress.objects.filter(
            task=task, report__status=ProgressReport.Status.SUBMITTED
        )
        .select_related("report__batch")
        .order_by(
            "-report__batch__plan_due", "-report__batch_id", "report__period_start"
        )
    )
    by_batch = {}
    for row in rows:
        report = row.report
        by_batch.setdefault(report.batch, []).append(
            (report.period_start, report.period_end, row.percent)
        )
    return list(by_batch.items())


def public_achievements():
    return (
        Achievement.objects.public()
        .select_related("unit", "task__business_domain")
        .prefetch_related("files", "task__technology_domains")
        .order_by("-published_at", "-pk")
    )


def featured_achievements(limit=6):
    return list(public_achievements().filter(recommended=True)[:limit])


def published_news():
    return NewsPost.objects.published().order_by("-publish_at", "-pk")


def public_tasks():
    return (
        Task.objects.select_related("unit", "business_domain")
        .prefetch_related("technology_domains")
        .order_by("unit__order", "order", "pk")
    )


def unit_public_queryset(units):
    return units.prefetch_related(Prefetch("tasks", queryset=public_tasks()))


def task_url(task):
    """The task's public page: units/<unit slug>/tasks/<pk>/."""
    return reverse("column:task_detail", args=[task.unit.slug, task.pk])
