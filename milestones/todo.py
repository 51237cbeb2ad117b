"""我的待办: what is waiting for one user, per role, as plain items.

One function per role returns a list of `Item`s; `todo_items(user)` picks the
user's and sorts them: overdue first, then by due date (undated last). Each role
function makes a fixed number of queries, whatever the number of rows, so the
page and `todo_count` stay cheap. "Today" and "overdue" are days in Asia/Shanghai
(settings.TIME_ZONE): a deadline is met until the end of its day there.
"""

import dataclasses
import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pilots.deadlines import due_date
from pilots.models import Batch, DeadlineKind, PilotUnit, User
from plans.models import Plan, PlanVersion
from plans.models import Status as PlanStatus
from reviews.models import Assignment, SheetStatus, Stage, StageRecord
from reviews.models import Submission as ReviewSubmission

from . import checks, progress
from .models import Achievement, CheckKind, CheckMaterial

# A progress report shows up this many days before it is due (the first
# reminder goes out 7 days ahead; a week more leaves time to write it).
REPORT_HORIZON = 14


@dataclasses.dataclass(frozen=True)
class Item:
    """One thing waiting for the user: what to do, where, by when.

    kind: a short machine name ("plan.submit", "sheet.score", ...).
    due: the deadline (a day), None when the work has none.
    since: when it started waiting (for work without a deadline), or None.
    """

    kind: str
    title: str
    url: str
    due: datetime.date | None = None
    unit: str = ""
    since: datetime.date | None = None
    today: datetime.date = dataclasses.field(default_factory=timezone.localdate)

    @property
    def is_overdue(self):
        return self.due is not None and self.due < self.today

    @property
    def days_left(self):
        """Days to the deadline; negative when overdue."""
        return None if self.due is None else (self.due - self.today).days

    @property
    def days_overdue(self):
        return -self.days_left if self.is_overdue else 0

    @property
    def sort_key(self):
        return (
            not self.is_overdue,
            self.due is None,
            self.due or datetime.date.max,
            self.since or datetime.date.max,
            self.title,
        )


def todo_items(user, *, today=None):
    """The user's items, overdue first, then by due date."""
    if not user.is_authenticated:
        return []
    builder = ROLE_ITEMS.get(user.role)
    batch = Batch.objects.current()
    if builder is None or batch is None:
        return []
    today = today or timezone.localdate()
    return sorted(builder(user, batch=batch, today=today), key=lambda i: i.sort_key)


def todo_count(user, *, today=None):
    """How many items wait for the user (for a badge): the same few queries."""
    return len(todo_items(user, today=today))


def _local_day(moment):
    return timezone.localdate(moment) if moment else None


# ------------------------------------------------------------------ units


def unit_items(user, *, batch, today):
    """A unit member: the plan to write or revise, comments to answer, progress
    reports due, mid-term/acceptance material to submit or revise."""
    unit = user.unit
    if not batch.units.filter(pk=unit.pk).exists():
        return []
    label = unit.label
    items = _plan_items(unit, batch, today, label)
    items += _report_items(unit, batch, today, label)
    items += _material_items(unit, batch, today, label)
    return items


def _plan_items(unit, batch, today, label):
    plan = (
        Plan.objects.filter(batch=batch, unit=unit)
        .annotate(
            open_comments=Count(
                "comments",
                filter=Q(comments__answer="", comments__is_addressed=False)
                & ~Q(comments__author__role=User.Role.UNIT),
            )
        )
        .first()
    )
    items = []
    url = reverse("plans:detail", args=[unit.slug])
    if plan is None or plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        returned = plan is not None and plan.status == PlanStatus.RETURNED
        items.append(
            Item(
                kind="plan.revise" if returned else "plan.submit",
                title=(
                    _("Revise and resubmit the implementation plan")
                    if returned
                    else _("Finish and submit the implementation plan")
                ),
                url=url if plan else reverse("plans:mine"),
                due=due_date(batch=batch, unit=unit, kind=DeadlineKind.PLAN),
                unit=label,
                today=today,
            )
        )
    if plan is not None and plan.open_comments:
        items.append(
            Item(
                kind="plan.comments",
                title=ngettext(
                    "Answer %(count)s comment on the implementation plan",
                    "Answer %(count)s comments on the implementation plan",
                    plan.open_comments,
                )
                % {"count": plan.open_comments},
                url=f"{url}#comments",
                unit=label,
                today=today,
            )
        )
    return items


def _report_items(unit, batch, today, label):
    periods = [
        period
        for period in progress.report_periods(batch)
        if period.has_started(today) and (period.due - today).days <= REPORT_HORIZON
    ]
    if not periods:
        return []
    submitted = set(
        unit.progress_reports.filter(
            batch=batch,
            status=progress.Status.SUBMITTED,
            period_start__in=[period.start for period in periods],
        ).values_list("period_start", flat=True)
    )
    return [
        Item(
            kind="report.submit",
            title=_("Submit the progress report for %(start)s – %(end)s")
            % {"start": period.start.isoformat(), "end": period.end.isoformat()},
            url=reverse("milestones:progress_report", args=[unit.slug, period.key]),
            due=period.due,
            unit=label,
            today=today,
        )
        for period in periods
        if period.start not in submitted
    ]


def _material_items(unit, batch, today, label):
    """Material to submit once its window opened (overdue after the due date),
    or to revise after the office returned it. The window is checks.window's."""
    materials = {
        m.kind: m for m in CheckMaterial.objects.filter(batch=batch, unit=unit)
    }
    items = []
    for kind in CheckKind:
        material = materials.get(kind)
        status = material.status if material else CheckMaterial.Status.DRAFT
        opens, due = checks.window(batch=batch, unit=unit, kind=kind)
        returned = status == CheckMaterial.Status.RETURNED
        if not returned and not (
            status == CheckMaterial.Status.DRAFT and opens <= today
        ):
            continue
        names = {"what": kind.label}
        items.append(
            Item(
                kind=f"{kind}.revise" if returned else f"{kind}.submit",
                title=(
                    _("Revise and resubmit the returned %(what)s material") % names
                    if returned
                    else _("Submit the %(what)s material") % names
                ),
                url=reverse("milestones:check_detail", args=[kind, unit.slug]),
                due=due,
                unit=label,
                today=today,
            )
        )
    return items


# ------------------------------------------------------------------ experts


def expert_items(user, *, batch, today):
    """An expert: assignments in open rounds without a submitted score sheet."""
    assignments = (
        Assignment.objects.filter(
            expert=user,
            submission__is_current=True,
            submission__round__opens_on__lte=today,
            submission__round__closes_on__gte=today,
        )
        .exclude(sheet__status=SheetStatus.SUBMITTED)
        .select_related("submission__round", "submission__unit")
    )
    return [
        Item(
            kind="sheet.score",
            title=_("Score %(unit)s in “%(round)s”")
            % {"unit": a.submission.unit.label, "round": a.submission.round.title},
            url=reverse("reviews:assignment", args=[a.pk]),
            due=a.submission.round.closes_on,
            unit=a.submission.unit.label,
            today=today,
        )
        for a in assignments
    ]


# ------------------------------------------------------------------ office


def decisions_pending(batch):
    """Current submissions of the batch whose assigned experts have all
    submitted their sheets and that have no decision yet. One query."""
    return (
        ReviewSubmission.objects.filter(
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


def office_items(user, *, batch, today):
    """The office: 初审 to do, decisions to take, materials, achievements and
    public messages waiting."""
    items = [
        Item(
            kind="plan.preliminary",
            title=_("Preliminary check of the implementation plan of %(unit)s")
            % {"unit": plan.unit.label},
            url=reverse("reviews:stages", args=[plan.unit.slug]),
            unit=plan.unit.label,
            since=_local_day(plan.status_changed_at),
            today=today,
        )
        for plan in Plan.objects.filter(
            batch=batch, status=PlanStatus.SUBMITTED
        ).select_related("unit")
    ]
    items += [
        Item(
            kind="review.decide",
            title=_("Decide on %(unit)s in “%(round)s”: all scores are in")
            % {"unit": s.unit.label, "round": s.round.title},
            url=reverse("reviews:submission_decide", args=[s.pk]),
            unit=s.unit.label,
            since=_local_day(s.last_sheet),
            today=today,
        )
        for s in decisions_pending(batch)
    ]
    items += [
        Item(
            kind="material.review",
            title=_("%(what)s material of %(unit)s submitted, waiting for review")
            % {"what": m.get_kind_display(), "unit": m.unit.label},
            url=reverse("milestones:check_detail", args=[m.kind, m.unit.slug]),
            unit=m.unit.label,
            since=_local_day(m.submitted_at),
            today=today,
        )
        for m in CheckMaterial.objects.filter(
            batch=batch, status=CheckMaterial.Status.SUBMITTED
        ).select_related("unit")
    ]
    items += [
        Item(
            kind="achievement.publish",
            title=_("Achievement “%(title)s” of %(unit)s waiting to be published")
            % {"title": a.title, "unit": a.unit.label},
            url=reverse("milestones:achievement_detail", args=[a.pk]),
            unit=a.unit.label,
            since=_local_day(a.created_at),
            today=today,
        )
        for a in Achievement.objects.filter(
            published_at__isnull=True, created_by__role=User.Role.UNIT
        ).select_related("unit")
    ]
    return items


# ------------------------------------------------------------------ departments


def department_items(user, *, batch, today):
    """A department: plans of the units it supervises that passed the office's
    初审 (under review) and wait for its 预审 on their latest version. 预审
    follows 初审 (DOMAIN.md, reviews: the four stages in order)."""
    supervised = PilotUnit.objects.filter(
        tasks__business_domain__departments=user.department_id
    )
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number")
    pre_reviewed = StageRecord.objects.filter(
        plan=OuterRef("pk"),
        stage=Stage.PRE_REVIEW,
        version_id=OuterRef("latest_version"),
    )
    plans = (
        Plan.objects.filter(
            batch=batch, status=PlanStatus.UNDER_REVIEW, unit__in=supervised
        )
        .annotate(
            latest_version=Subquery(latest.values("pk")[:1]),
            latest_number=Subquery(latest.values("number")[:1]),
            pre_reviewed=Exists(pre_reviewed),
        )
        .filter(pre_reviewed=False)
        .select_related("unit")
    )
    return [
        Item(
            kind="plan.pre_review",
            title=_("Pre-review the implementation plan of %(unit)s (version %(n)s)")
            % {"unit": plan.unit.label, "n": plan.latest_number},
            url=reverse("reviews:stages", args=[plan.unit.slug]),
            unit=plan.unit.label,
            since=_local_day(plan.status_changed_at),
            today=today,
        )
        for plan in plans
    ]


ROLE_ITEMS = {
    User.Role.UNIT: unit_items,
    User.Role.EXPERT: expert_items,
    User.Role.OFFICE: office_items,
    User.Role.DEPARTMENT: department_items,
}
