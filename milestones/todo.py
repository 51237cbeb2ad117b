"""我的待办: what is waiting for one user, per role, as plain items.

One function per role returns a list of `Item`s; `todo_items(user)` picks the
user's and sorts them: overdue first, then by due date (undated last). Each role
function makes a fixed number of queries, whatever the number of rows, so the
page and `todo_count` stay cheap. "Today" and "overdue" are days in Asia/Shanghai
(settings.TIME_ZONE): a deadline is met until the end of its day there.
"""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pilots.deadlines import days_late
from pilots.models import Batch, PilotUnit, User
from plans.models import Plan, PlanComment, PlanVersion
from plans.models import Status as PlanStatus
from reviews.models import Stage, StageRecord

from .models import Achievement, CheckMaterial, Circular, CircularReply, ReminderKind
from .outstanding import decisions_pending, owed_by_units, sheets_owed

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
        return self.days_overdue > 0

    @property
    def days_left(self):
        """Days to the deadline; negative when overdue."""
        return None if self.due is None else (self.due - self.today).days

    @property
    def days_overdue(self):
        return 0 if self.due is None else days_late(self.due, self.today)

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
    """A unit member: what the unit owes (outstanding.owed_by_units: the plan to
    write or revise, progress reports, mid-term/acceptance material), the
    comments on its plan and the office's notices to answer."""
    unit = user.unit
    if not batch.units.filter(pk=unit.pk).exists():
        return []
    items = [
        item
        for owed in owed_by_units(batch=batch, units=[unit], today=today)
        if (item := _owed_item(owed, today)) is not None
    ]
    return (
        items + _comment_items(unit, batch, today) + _circular_items(unit, batch, today)
    )


def _owed_item(owed, today):
    """The to-do item of something the unit owes; None for a report not yet
    within REPORT_HORIZON days of its due day."""
    unit = owed.unit
    if owed.kind == ReminderKind.PLAN:
        return Item(
            kind="plan.revise" if owed.returned else "plan.submit",
            title=(
                _("Revise and resubmit the implementation plan")
                if owed.returned
                else _("Finish and submit the implementation plan")
            ),
            url=(
                reverse("plans:detail", args=[unit.slug])
                if owed.returned
                else reverse("plans:mine")
            ),
            due=owed.due,
            unit=unit.label,
            today=today,
        )
    if owed.kind == ReminderKind.REPORT:
        if (owed.due - today).days > REPORT_HORIZON:
            return None
        period = owed.period
        return Item(
            kind="report.submit",
            title=_("Submit the progress report for %(start)s – %(end)s")
            % {"start": period.start.isoformat(), "end": period.end.isoformat()},
            url=reverse("milestones:progress_report", args=[unit.slug, period.key]),
            due=owed.due,
            unit=unit.label,
            today=today,
        )
    kind = owed.check_kind
    names = {"what": kind.label}
    return Item(
        kind=f"{kind}.revise" if owed.returned else f"{kind}.submit",
        title=(
            _("Revise and resubmit the returned %(what)s material") % names
            if owed.returned
            else _("Submit the %(what)s material") % names
        ),
        url=reverse("milestones:check_detail", args=[kind, unit.slug]),
        due=owed.due,
        unit=unit.label,
        today=today,
    )


def _comment_items(unit, batch, today):
    """Reviewers' comments on the unit's plan still waiting for its answer."""
    open_comments = PlanComment.objects.filter(
        plan__batch=batch, plan__unit=unit, answer="", is_addressed=False
    ).exclude(author__role=User.Role.UNIT)
    count = open_comments.count()
    if not count:
        return []
    return [
        Item(
            kind="plan.comments",
            title=ngettext(
                "Answer %(count)s comment on the implementation plan",
                "Answer %(count)s comments on the implementation plan",
                count,
            )
            % {"count": count},
            url=reverse("plans:detail", args=[unit.slug]) + "#comments",
            unit=unit.label,
            today=today,
        )
    ]


def _circular_items(unit, batch, today):
    """The office's notices to the unit that ask it to confirm receipt or to
    reply, and that it has not answered yet: one query."""
    answered = CircularReply.objects.filter(circular=OuterRef("pk"), unit=unit).filter(
        Q(confirmed_at__isnull=False) | Q(replied_at__isnull=False)
    )
    waiting = (
        Circular.objects.filter(batch=batch, sent_at__isnull=False, units=unit)
        .exclude(response=Circular.Response.NONE)
        .exclude(Exists(answered))
    )
    return [
        Item(
            kind=f"circular.{circular.response}",
            title=(
                _("Confirm receipt of the notice “%(title)s”")
                if circular.response == Circular.Response.CONFIRM
                else _("Reply to the notice “%(title)s”")
            )
            % {"title": circular.title},
            url=reverse("milestones:circular_detail", args=[circular.pk]),
            due=circular.reply_by,
            unit=unit.label,
            since=_local_day(circular.sent_at),
            today=today,
        )
        for circular in waiting
    ]


# ------------------------------------------------------------------ experts


def expert_items(user, *, batch, today):
    """An expert: the score sheets it owes (outstanding.sheets_owed)."""
    return [
        Item(
            kind="sheet.score",
            title=_("Score %(unit)s in “%(round)s”")
            % {
                "unit": owed.unit.label,
                "round": owed.assignment.submission.round.title,
            },
            url=reverse("reviews:assignment", args=[owed.assignment.pk]),
            due=owed.due,
            unit=owed.unit.label,
            today=today,
        )
        for owed in sheets_owed(batch=batch, today=today, expert=user)
    ]


# ------------------------------------------------------------------ office


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
    supervised = PilotUnit.objects.supervised_by(user.department_id)
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
