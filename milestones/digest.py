"""The office's weekly digest: what is outstanding and overdue across the units.

`send_weekly_digest()` runs every Monday morning (Celery beat, Asia/Shanghai). It
builds one summary of the current batch (`outstanding`) and sends it to every
active office user through pilots.messaging.notify, keyed by the ISO week, so
a second run in the same week (or a second beat process) sends nothing again.
"""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pilots.deadlines import due_dates
from pilots.messaging import notify
from pilots.models import Batch, DeadlineKind, Notification, User
from plans.models import Plan
from plans.models import Status as PlanStatus
from reviews.models import Assignment, SheetStatus

from . import checks, progress
from .models import CheckKind, CheckMaterial
from .todo import decisions_pending

# The digest's summary, in order: name -> label.
SUMMARY = {
    "plans": gettext_lazy("Implementation plans not submitted"),
    "reports": gettext_lazy("Progress reports overdue"),
    "materials": gettext_lazy("Mid-term or acceptance material missing"),
    "sheets": gettext_lazy("Score sheets missing in open rounds"),
    "decisions": gettext_lazy("Review decisions to take"),
}


@dataclasses.dataclass
class Line:
    """One outstanding thing of one unit: what, its due date, a link."""

    text: str
    url: str
    due: datetime.date | None = None
    overdue_days: int = 0


@dataclasses.dataclass
class UnitLines:
    unit: object
    lines: list = dataclasses.field(default_factory=list)

    @property
    def overdue(self):
        return any(line.overdue_days for line in self.lines)


@dataclasses.dataclass
class Digest:
    batch: Batch
    today: datetime.date
    counts: dict  # name -> (total, overdue)
    units: list  # [UnitLines] of units with something outstanding, in order

    @property
    def is_empty(self):
        return not self.units

    @property
    def summary(self):
        """[(label, total, overdue)] in SUMMARY's order, zeros included."""
        return [(label, *self.counts[name]) for name, label in SUMMARY.items()]


def _absolute(path):
    """Links in the e-mail's text must be complete; PORTAL_URL is the portal."""
    return settings.PORTAL_URL.rstrip("/") + path


def outstanding(*, batch, today):
    """What every unit of `batch` still owes or waits for at `today`. A fixed
    number of queries, whatever the number of units. Texts in the active
    language."""
    units = list(batch.units.order_by("order", "pk"))
    by_unit = {unit.pk: UnitLines(unit=unit) for unit in units}
    counts = dict.fromkeys(SUMMARY, (0, 0))

    def add(name, unit_id, line, number=1):
        total, overdue = counts[name]
        counts[name] = (total + number, overdue + bool(line.overdue_days) * number)
        by_unit[unit_id].lines.append(line)

    def late(due):
        return max((today - due).days, 0)

    # Plans: not submitted yet (no plan, or a draft), or returned for revision.
    statuses = dict(
        Plan.objects.filter(batch=batch).order_by().values_list("unit_id", "status")
    )
    plan_due = due_dates(batch=batch, kind=DeadlineKind.PLAN, units=units)
    for unit in units:
        status = statuses.get(unit.pk, PlanStatus.DRAFT)
        if status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            continue
        due = plan_due[unit.pk]
        text = (
            _("Implementation plan returned, not resubmitted")
            if status == PlanStatus.RETURNED
            else _("Implementation plan not submitted")
        )
        add(
            "plans",
            unit.pk,
            Line(text, reverse("plans:detail", args=[unit.slug]), due, late(due)),
        )

    # Progress reports past their due day without a submitted report.
    for row in progress.period_rows(batch=batch, units=units, today=today):
        if row.status == progress.ReportStatus.OVERDUE:
            text = _("Progress report %(start)s – %(end)s not submitted") % {
                "start": row.period.start.isoformat(),
                "end": row.period.end.isoformat(),
            }
            add(
                "reports",
                row.unit.pk,
                Line(text, row.url, row.period.due, late(row.period.due)),
            )

    # Mid-term and acceptance material not submitted in a window that is open.
    materials = {
        (unit_id, kind): status
        for unit_id, kind, status in CheckMaterial.objects.filter(batch=batch)
        .order_by()
        .values_list("unit_id", "kind", "status")
    }
    for kind in CheckKind:
        # The window opens on the batch's day, whatever the unit.
        opens, _due = checks.window(batch=batch, unit=None, kind=kind)
        if opens > today:
            continue
        dues = due_dates(batch=batch, kind=checks.DEADLINE[kind], units=units)
        for unit in units:
            status = materials.get((unit.pk, kind), CheckMaterial.Status.DRAFT)
            if status not in (
                CheckMaterial.Status.DRAFT,
                CheckMaterial.Status.RETURNED,
            ):
                continue
            due = dues[unit.pk]
            text = (
                _("%(what)s material returned, not resubmitted")
                if status == CheckMaterial.Status.RETURNED
                else _("%(what)s material not submitted")
            ) % {"what": kind.label}
            url = reverse("milestones:check_detail", args=[kind, unit.slug])
            add("materials", unit.pk, Line(text, url, due, late(due)))

    # Score sheets missing in rounds open today.
    missing = (
        Assignment.objects.filter(
            submission__round__batch=batch,
            submission__is_current=True,
            submission__round__opens_on__lte=today,
            submission__round__closes_on__gte=today,
        )
        .exclude(sheet__status=SheetStatus.SUBMITTED)
        .values(
            "submission__unit_id",
            "submission__round_id",
            "submission__round__title",
            "submission__round__closes_on",
        )
        .annotate(count=Count("pk"))
        .order_by("submission__round__closes_on", "submission__round_id")
    )
    for row in missing:
        text = ngettext(
            "%(count)s score sheet missing in “%(round)s”",
            "%(count)s score sheets missing in “%(round)s”",
            row["count"],
        ) % {
            "count": row["count"],
            "round": row["submission__round__title"],
        }
        url = reverse("reviews:round", args=[row["submission__round_id"]])
        add(
            "sheets",
            row["submission__unit_id"],
            Line(text, url, row["submission__round__closes_on"]),
            number=row["count"],
        )

    for submission in decisions_pending(batch):
        text = _("All scores in for “%(round)s”: a decision is waiting") % {
            "round": submission.round.title
        }
        url = reverse("reviews:submission_decide", args=[submission.pk])
        if submission.unit_id in by_unit:
            add("decisions", submission.unit_id, Line(text, url))

    for entry in by_unit.values():
        entry.lines = [
            dataclasses.replace(line, url=_absolute(line.url)) for line in entry.lines
        ]
    return Digest(
        batch=batch,
        today=today,
        counts=counts,
        units=[entry for entry in by_unit.values() if entry.lines],
    )


def week_key(today):
    year, week, _day = today.isocalendar()
    return f"digest:{year}-W{week:02d}"


def send_weekly_digest(today=None):
    """E-mail this week's digest to every active office user who has not had it.

    Returns the number of office users it was sent to now (0 on a second run in
    the same ISO week). Side effects: a Notification and an OutboxEmail per
    recipient (dedupe key "digest:<ISO year>-W<week>"), an outbox drain on commit.
    """
    today = today or timezone.localdate()
    batch = Batch.objects.current()
    if batch is None:
        return 0
    key = week_key(today)
    recipients = list(
        User.objects.filter(role=User.Role.OFFICE, is_active=True).exclude(
            pk__in=Notification.objects.filter(dedupe_key=key).values("recipient_id")
        )
    )
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        digest = outstanding(batch=batch, today=today)
        context = {"digest": digest, "year_week": key.removeprefix("digest:")}
        title = " ".join(render_to_string("emails/digest_subject.txt", context).split())
        body = render_to_string("emails/digest_body.txt", context).strip()
    notify(
        recipients=recipients,
        kind="digest.weekly",
        title=title,
        body=body,
        url=reverse("column:todo"),
        dedupe_key=key,
    )
    return len(recipients)
