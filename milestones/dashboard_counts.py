"""What the dashboard counts over every unit in scope, in SQL (issue 14).

The matrix (dashboard.matrix) builds a unit's row in Python, cell by cell, which
costs time per unit; a national programme has thousands. So the figures over all
units (each column's done and overdue, the units per stage, the owing counts of
the next 14 days) and the choice of the units a page shows (needing attention
first) are asked of the database as a few aggregate queries, and the matrix is
built for the shown units only.

The states here say in SQL what dashboard._plan_cells, _report_cell and
_check_cell say in Python (done, overdue), from the same rules of
milestones.outstanding; tests/milestones/test_dashboard_scale.py checks that both
agree on every unit of a programme in every state.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from pilots.models import DeadlineKind, Extension
from plans.models import Plan, PlanVersion
from plans.models import Status as PlanStatus
from reviews.models import Assignment, Score, SheetStatus

from . import checks
from .models import CheckKind, CheckMaterial, Plaque, ProgressReport
from .progress import report_periods

# The columns of the matrix (dashboard.STAGES) and the steps of the summary's
# chart (dashboard_summary.STAGES), furthest first.
FURTHEST = [
    ("plaque", "plaque"),
    ("accepted", "accepted"),
    ("midterm", "midterm"),
    ("plan_approved", "implementing"),
    ("plan_submitted", "plan_review"),
]
MATERIAL_STAGES = {"midterm": CheckKind.MIDTERM, "accepted": CheckKind.ACCEPTANCE}
STAGE_DEADLINES = {
    CheckKind.MIDTERM: DeadlineKind.MIDTERM,
    CheckKind.ACCEPTANCE: DeadlineKind.ACCEPTANCE,
}


# A filter that matches no unit; Q(pk__in=[]) would empty a whole aggregate query.
NEVER = Q(pk__isnull=True)


def _count(queryset):
    """A correlated count of `queryset` (filtered on OuterRef("pk")), 0 if none."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("unit").annotate(n=Count("pk")).values("n")
        ),
        0,
    )


class UnitStates:
    """The scope's units annotated with what their matrix cells would say.

    `units` is a PilotUnit queryset; every state is a Q over its annotations."""

    def __init__(self, scope, today):
        self.scope, self.today = scope, today
        batch = scope.batch
        self.periods = report_periods(batch)
        # The periods that count in the reports column, and those of them whose
        # report is overdue when missing (outstanding: started, past due).
        self.due_periods = [p for p in self.periods if p.due <= today]
        self.overdue_periods = [
            p for p in self.periods if p.has_started(today) and p.due < today
        ]
        unit = OuterRef("pk")
        plans = Plan.objects.filter(batch=batch, unit=unit)
        reports = ProgressReport.objects.filter(
            batch=batch, unit=unit, status=ProgressReport.Status.SUBMITTED
        )
        annotations = {
            # Never NULL: a negated filter on a NULL annotation would drop the row.
            "plan_status": Coalesce(Subquery(plans.values("status")[:1]), Value("")),
            "plan_sent": Exists(
                PlanVersion.objects.filter(plan__batch=batch, plan__unit=unit)
            ),
            "plan_due": self._due(DeadlineKind.PLAN),
            "any_report": Exists(reports),
            "reports_in": _count(
                reports.filter(period_start__in=[p.start for p in self.overdue_periods])
            ),
            "has_plaque": Exists(Plaque.objects.filter(batch=batch, unit=unit)),
        }
        for stage, kind in MATERIAL_STAGES.items():
            material = CheckMaterial.objects.filter(batch=batch, unit=unit, kind=kind)
            annotations[f"{stage}_status"] = Coalesce(
                Subquery(material.values("status")[:1]), Value("")
            )
            annotations[f"{stage}_passed"] = Exists(
                material.filter(result__passed=True)
            )
            annotations[f"{stage}_not_passed"] = Exists(
                material.filter(result__passed=False)
            )
            annotations[f"{stage}_due"] = self._due(STAGE_DEADLINES[kind])
        self.units = scope.units().annotate(**annotations)
        self.units = self.units.annotate(
            reports_overdue=self._reports_overdue(),
            overdue_count=sum(
                (
                    Case(When(self.overdue(key), then=1), default=0)
                    for key in ("plan_submitted", "reports", "midterm", "accepted")
                ),
                Value(0),
            ),
            waiting=Case(When(self.waiting(), then=1), default=0),
        )

    def _due(self, kind):
        extended = Extension.objects.filter(
            batch=self.scope.batch, unit=OuterRef("pk"), kind=kind
        )
        return Coalesce(
            Subquery(extended.values("due")[:1]),
            Value(getattr(self.scope.batch, DeadlineKind(kind).value)),
        )

    def _reports_overdue(self):
        """How many reports the unit owes past their due day: only a unit with an
        approved plan owes reports (outstanding.owed_by_units)."""
        return Case(
            When(
                plan_status=PlanStatus.APPROVED,
                then=Value(len(self.overdue_periods)) - F("reports_in"),
            ),
            default=0,
            output_field=IntegerField(),
        )

    def _approved(self):
        return Q(plan_status=PlanStatus.APPROVED)

    # ------------------------------------------------------------ cell states

    def done(self, key):
        """The cell of column `key` is done (or done late)."""
        if key == "plan_submitted":
            return Q(plan_sent=True)
        if key == "plan_approved":
            return self._approved()
        if key == "reports":
            if not self.due_periods:
                return NEVER
            return (self._approved() | Q(any_report=True)) & ~self.overdue("reports")
        if key == "plaque":
            return Q(has_plaque=True)
        return Q(**{f"{key}_status": CheckMaterial.Status.PASSED}) | Q(
            **{f"{key}_passed": True}
        )

    def _failed(self, key):
        return Q(**{f"{key}_status": CheckMaterial.Status.FAILED}) | Q(
            **{f"{key}_not_passed": True}
        )

    def overdue(self, key):
        """The cell of column `key` is overdue."""
        if key == "plan_submitted":
            return Q(plan_sent=False, plan_due__lt=self.today)
        if key == "reports":
            if not self.due_periods or not self.overdue_periods:
                return NEVER
            return self._approved() & Q(reports_in__lt=len(self.overdue_periods))
        if key in MATERIAL_STAGES:
            return self._owes(key) & Q(**{f"{key}_due__lt": self.today})
        return NEVER

    def _owes(self, key):
        """The unit owes the material of `key` (not a revision asked for)."""
        kind = MATERIAL_STAGES[key]
        if checks.window_opens(batch=self.scope.batch, kind=kind) > self.today:
            return NEVER
        status = f"{key}_status"
        return (
            self._approved()
            & Q(**{f"{status}__in": ["", CheckMaterial.Status.DRAFT]})
            & ~self.done(key)
            & ~self._failed(key)
        )

    def owes(self, key):
        """The unit owes `key` (outstanding.Owed.key), revisions asked for left out,
        as the dashboard's owing lists do."""
        if key == DeadlineKind.PLAN.value:
            return Q(plan_status__in=["", PlanStatus.DRAFT])
        for stage, kind in MATERIAL_STAGES.items():
            if key == STAGE_DEADLINES[kind].value:
                return self._owes(stage)
        for period in self.periods:
            if key == f"report:{period.key}" and period.has_started(self.today):
                reported = ProgressReport.objects.filter(
                    batch=self.scope.batch,
                    unit=OuterRef("pk"),
                    status=ProgressReport.Status.SUBMITTED,
                    period_start=period.start,
                )
                return self._approved() & ~Exists(reported)
        return NEVER

    def waiting(self):
        """The office has the next step: a plan or material submitted to it."""
        return (
            Q(plan_status__in=[PlanStatus.SUBMITTED, PlanStatus.UNDER_REVIEW])
            | Q(midterm_status=CheckMaterial.Status.SUBMITTED)
            | Q(accepted_status=CheckMaterial.Status.SUBMITTED)
        )

    # ------------------------------------------------------------ the answers

    def needing_attention(self):
        """The units, those needing attention first: the most overdue items, then
        those waiting for the office, then the programme's order."""
        return self.units.order_by("-overdue_count", "-waiting", "order", "pk")

    def filtered(self, *, stage="", state="", owing=""):
        """The units behind a number of the dashboard, needing attention first:
        ?owing=<key>, or ?stage=<column>&state=done|overdue (the numbers the
        dashboard links to); None for any other state of a known column."""
        units = self.needing_attention()
        if not (stage or state or owing):
            return units
        if owing:
            return units.filter(self.owes(owing))
        if stage not in COLUMNS:
            return units.none()
        if state == "done":
            return units.filter(self.done(stage))
        if state == "overdue":
            return units.filter(self.overdue(stage))
        return None

    def totals(self):
        """One aggregate query over the scope's units: how many; per column, how
        many are done and how many overdue; per furthest step reached
        (dashboard_summary.STAGES), how many and how many with an overdue item;
        the reports overdue and the units owing them."""
        figures = {
            "units": Count("pk"),
            "reports_overdue_sum": Coalesce(Sum("reports_overdue"), 0),
            "units_reports_overdue": Count("pk", filter=Q(reports_overdue__gt=0)),
        }
        for key in COLUMNS:
            figures[f"done_{key}"] = Count("pk", filter=self.done(key))
            figures[f"overdue_{key}"] = Count("pk", filter=self.overdue(key))
        reached = NEVER
        for column, step in FURTHEST:
            here = self.done(column) & ~reached
            figures[f"step_{step}"] = Count("pk", filter=here)
            figures[f"step_{step}_overdue"] = Count(
                "pk", filter=here & Q(overdue_count__gt=0)
            )
            reached |= self.done(column)
        figures["step_plan_due"] = Count("pk", filter=~reached)
        figures["step_plan_due_overdue"] = Count(
            "pk", filter=~reached & Q(overdue_count__gt=0)
        )
        return self.units.order_by().aggregate(**figures)

    def owing_counts(self, until):
        """{(due day, owing key): units owing it} for what falls due from today
        to `until`: a grouped query per deadline, the reports' periods counted
        in one."""
        counts = {}
        for key, due in (
            (DeadlineKind.PLAN.value, "plan_due"),
            (DeadlineKind.MIDTERM.value, "midterm_due"),
            (DeadlineKind.ACCEPTANCE.value, "accepted_due"),
        ):
            rows = (
                self.units.filter(self.owes(key))
                .filter(**{f"{due}__range": (self.today, until)})
                .order_by()
                .values(due)
                .annotate(n=Count("pk"))
                .values_list(due, "n")
            )
            for day, n in rows:
                counts[(day, key)] = n
        periods = [
            p
            for p in self.periods
            if p.has_started(self.today) and self.today <= p.due <= until
        ]
        if periods:
            keys = {f"report:{p.key}": p for p in periods}
            figures = self.units.order_by().aggregate(
                **{
                    f"p{n}": Count("pk", filter=self.owes(key))
                    for n, key in enumerate(keys)
                }
            )
            for n, (key, period) in enumerate(keys.items()):
                if figures[f"p{n}"]:
                    counts[(period.due, key)] = figures[f"p{n}"]
        return counts


COLUMNS = (
    "plan_submitted",
    "plan_approved",
    "reports",
    "midterm",
    "accepted",
    "plaque",
)


# ------------------------------------------------------------------ review rounds

FLAGGED_SHOWN = 10


def _flagged_ids(submissions, criteria, threshold):
    """The ids of `submissions` whose experts' totals spread by more than
    `threshold` (reviews.aggregation.summarise): each complete submitted sheet's
    weighted total out of 100 (aggregation.weighted_total, rounded as it rounds)
    from one grouped query, the spread per submission taken here."""
    total_weight = sum(Decimal(c.weight) for c in criteria)
    sheets = (
        Score.objects.filter(
            # The ids first: PostgreSQL plans the department's scope badly as a
            # subquery of this join.
            sheet__assignment__submission__in=list(
                submissions.values_list("pk", flat=True)
            ),
            sheet__status=SheetStatus.SUBMITTED,
        )
        .order_by()
        .values("sheet")
        .annotate(
            scored=Count("pk"),
            total=Round(
                Sum(F("value") / F("criterion__max_score") * F("criterion__weight"))
                * Value(Decimal(100))
                / Value(total_weight),
                2,
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
        )
        .filter(scored=len(criteria))
        .values_list("sheet__assignment__submission", "total")
    )
    spans = {}
    for submission_id, total in sheets:
        low, high = spans.get(submission_id, (total, total))
        spans[submission_id] = (min(low, total), max(high, total))
    return [pk for pk, (low, high) in spans.items() if high - low > threshold]


def round_figures(rounds, units, today):
    """Per open round, for the submissions of `units` (a queryset): sheets in /
    assigned, the submissions, those with a large disagreement between the
    experts (reviews.aggregation.summarise: the spread of the experts' totals
    above the round's threshold; the first FLAGGED_SHOWN of them by name) and the
    decisions. Five queries a round, whatever the number of submissions."""
    summaries = []
    for round_ in (r for r in rounds if r.opens_on <= today):
        submissions = round_.submissions.filter(is_current=True, unit__in=units)
        sheets = Assignment.objects.filter(submission__in=submissions).aggregate(
            assigned=Count("pk"),
            sheets_in=Count("pk", filter=Q(sheet__status=SheetStatus.SUBMITTED)),
        )
        figures = submissions.aggregate(
            submissions=Count("pk"),
            decided=Count("pk", filter=Q(decision__isnull=False)),
        )
        criteria = list(round_.criteria.all())
        flagged_ids = (
            _flagged_ids(submissions, criteria, round_.disagreement) if criteria else []
        )
        shown = list(
            round_.submissions.filter(pk__in=flagged_ids)
            .select_related("unit")
            .order_by("unit__order", "pk")[:FLAGGED_SHOWN]
        )
        summaries.append(
            {
                "round": round_,
                **figures,
                **sheets,
                "flagged": shown,
                "flagged_count": len(flagged_ids),
            }
        )
    return summaries
