"""What a unit or an expert owes, and by when: the one answer the to-do list
(todo.py), the office's weekly digest (digest.py), the dashboards' owing figures
(dashboard.py) and the reminder scans (reminders.py, scoring_reminders.py) read,
so they cannot disagree.

Only what can be done now is owed:

- the implementation plan, while the unit has none or a draft (due: the plan
  deadline, extensions included), or after the office returned it. A returned
  plan is a revision the office asked for: its deadline was met (or missed) by the
  first submission, so deadline reminders and the dashboard's "not submitted"
  figures leave it alone (`Owed.returned`);
- a progress report for every period that has started (progress.Period) and has
  no submitted report, from a unit with an approved plan: reporting follows the
  plan's approval (notice 五), the report is checked against it;
- mid-term or acceptance material from a unit with an approved plan (the material
  page refuses without one, checks.refusal), once its window has opened
  (checks.window_opens), while a draft or returned for revision. A draft past its
  due date stays owed, overdue: the office extends the deadline, and the page
  takes it again;
- a score sheet from an expert assigned to a current submission, not submitted,
  while the round is open (reviews.services.round_is_open) and unless the expert
  declared a conflict of interest on that submission;
- a decision from the office on each current submission whose sheets are all in.

Days are days in Asia/Shanghai; something is overdue the day after its due day.
Each function makes a fixed number of queries whatever the number of units.
"""

import dataclasses
import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q

from pilots.deadlines import all_due_dates, days_late
from pilots.models import DeadlineKind
from plans.models import Plan
from plans.models import Status as PlanStatus
from reviews.models import Assignment, ConflictDeclaration, SheetStatus, Submission
from reviews.services import round_is_open

from . import checks, progress
from .models import CheckKind, CheckMaterial, ProgressReport, ReminderKind

# What a unit can owe, in the order of the programme (notice 五).
UNIT_KINDS = (
    ReminderKind.PLAN,
    ReminderKind.REPORT,
    ReminderKind.MIDTERM,
    ReminderKind.ACCEPTANCE,
)
MATERIAL_KINDS = {
    ReminderKind.MIDTERM: CheckKind.MIDTERM,
    ReminderKind.ACCEPTANCE: CheckKind.ACCEPTANCE,
}
DEADLINES = [kind for kind in UNIT_KINDS if kind != ReminderKind.REPORT]


@dataclasses.dataclass(frozen=True)
class Owed:
    """One thing owed. `kind` is the ReminderKind it answers to; `due` the day it
    is due (met until the end of that day); `returned` marks a revision the office
    asked for; `period` is set for a report, `assignment` for a score sheet."""

    kind: str
    unit: object
    due: datetime.date
    returned: bool = False
    period: progress.Period | None = None
    assignment: Assignment | None = None

    @property
    def key(self):
        """Tells apart what one unit owes: "plan_due", "report:2020-04-01", …"""
        if self.period is not None:
            return f"report:{self.period.key}"
        return str(self.kind)

    @property
    def check_kind(self):
        """The CheckKind of owed material, else None."""
        return MATERIAL_KINDS.get(self.kind)

    def days_late(self, today):
        return days_late(self.due, today)

    def is_overdue(self, today):
        return self.days_late(today) > 0


@dataclasses.dataclass
class UnitFacts:
    """What the unit rules read, for many units at once. A page that has read the
    same rows already (the dashboard) builds it from them instead of `unit_facts`."""

    plan_status: dict  # {unit_id: plans.Status}; no entry: no plan yet
    due: dict  # {DeadlineKind value: {unit_id: date}}, extensions included
    periods: list  # [progress.Period] of the batch
    reported: set  # {(unit_id, period_start)} with a submitted report
    material_status: dict  # {(unit_id, CheckKind): status}


def unit_facts(*, batch, units, kinds=UNIT_KINDS):
    """UnitFacts for `units` of `batch`, reading only what `kinds` need: at most
    five queries (plans, extensions, reporting schedule, reports, materials)."""
    ids = [unit.pk for unit in units]
    plan_status = dict(
        Plan.objects.filter(batch=batch, unit__in=ids)
        .order_by()
        .values_list("unit_id", "status")
    )
    deadlines = [kind for kind in DEADLINES if kind in kinds]
    due = all_due_dates(batch=batch, units=units, kinds=deadlines) if deadlines else {}
    periods, reported = [], set()
    if ReminderKind.REPORT in kinds:
        periods = progress.report_periods(batch)
        reported = set(
            ProgressReport.objects.filter(
                batch=batch, unit__in=ids, status=ProgressReport.Status.SUBMITTED
            ).values_list("unit_id", "period_start")
        )
    material_status = {}
    if any(kind in MATERIAL_KINDS for kind in kinds):
        material_status = {
            (unit_id, kind): status
            for unit_id, kind, status in CheckMaterial.objects.filter(
                batch=batch, unit__in=ids
            )
            .order_by()
            .values_list("unit_id", "kind", "status")
        }
    return UnitFacts(plan_status, due, periods, reported, material_status)


def owed_by_units(*, batch, units, today, kinds=UNIT_KINDS, facts=None):
    """[Owed] of `units` at `today`: per unit in the given order, then in the
    order of UNIT_KINDS (reports by period)."""
    facts = facts or unit_facts(batch=batch, units=units, kinds=kinds)
    opens = {
        kind: checks.window_opens(batch=batch, kind=check_kind)
        for kind, check_kind in MATERIAL_KINDS.items()
    }
    owed = []
    for unit in units:
        status = facts.plan_status.get(unit.pk)
        if ReminderKind.PLAN in kinds and status in (
            None,
            PlanStatus.DRAFT,
            PlanStatus.RETURNED,
        ):
            owed.append(
                Owed(
                    kind=ReminderKind.PLAN,
                    unit=unit,
                    due=facts.due[DeadlineKind.PLAN][unit.pk],
                    returned=status == PlanStatus.RETURNED,
                )
            )
        if status != PlanStatus.APPROVED:
            continue
        if ReminderKind.REPORT in kinds:
            owed += [
                Owed(kind=ReminderKind.REPORT, unit=unit, due=period.due, period=period)
                for period in facts.periods
                if period.has_started(today)
                and (unit.pk, period.start) not in facts.reported
            ]
        for kind, check_kind in MATERIAL_KINDS.items():
            if kind not in kinds or opens[kind] > today:
                continue
            material = facts.material_status.get((unit.pk, check_kind))
            if material not in (None, *checks.EDITABLE):
                continue
            owed.append(
                Owed(
                    kind=kind,
                    unit=unit,
                    due=facts.due[kind][unit.pk],
                    returned=material == CheckMaterial.Status.RETURNED,
                )
            )
    return owed


def sheets_owed(*, batch, today, expert=None):
    """[Owed] score sheets of `batch` (of one `expert`, if given) at `today`, the
    soonest closing round first. One query."""
    conflicted = ConflictDeclaration.objects.filter(
        submission=OuterRef("submission"), expert=OuterRef("expert")
    )
    assignments = (
        Assignment.objects.filter(
            submission__round__batch=batch,
            submission__is_current=True,
            # Only narrows the rows read; round_is_open below decides.
            submission__round__closes_on__gte=today,
        )
        .exclude(sheet__status=SheetStatus.SUBMITTED)
        .exclude(Exists(conflicted))
        .select_related("expert", "submission__round", "submission__unit")
        .order_by("submission__round__closes_on", "submission__round_id", "pk")
    )
    if expert is not None:
        assignments = assignments.filter(expert=expert)
    return [
        Owed(
            kind=ReminderKind.SCORING,
            unit=assignment.submission.unit,
            due=assignment.submission.round.closes_on,
            assignment=assignment,
        )
        for assignment in assignments
        if round_is_open(assignment.submission.round, today)
    ]


def decisions_pending(batch):
    """Current submissions of the batch whose assigned experts have all
    submitted their sheets and that have no decision yet: the office owes a
    decision. One query."""
    return (
        Submission.objects.filter(
            round__batch=batch, is_current=True, decision__isnull=True
        )
        .annotate(
            assigned=Count("assignments", distinct=True),
            scored=Count(
                "assignments",
                filter=Q(assignments__sheet__status=SheetStatus.SUBMITTED),
                distinct=True,
            ),
            last_sheet=Max("assignments__sheet__submitted_at"),
        )
        .filter(assigned__gt=0, scored=F("assigned"))
        .select_related("round", "unit")
        .order_by("round__closes_on", "unit__order")
    )
