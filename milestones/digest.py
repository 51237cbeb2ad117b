"""The office's weekly digest: what is outstanding and overdue across the units.

`send_weekly_digest()` runs every Monday morning (Celery beat, Asia/Shanghai). It
builds one summary of the current batch (`outstanding`: what milestones.outstanding
says is owed) and sends it to every active office user through
pilots.messaging.notify, keyed by the ISO week, so a second run in the same week
(or a second beat process) sends nothing again.
"""

import dataclasses
import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from pilots.messaging import absolute_url, notify_all
from pilots.models import Batch, Notification, User

from . import messages
from .models import ReminderKind
from .outstanding import decisions_pending, owed_by_units, sheets_owed

# The digest's summary, in order: name -> how many there are, as a sentence.
SUMMARY = {
    "plans": ngettext_lazy(
        "%(count)s unit has not submitted its implementation plan",
        "%(count)s units have not submitted their implementation plan",
        "count",
    ),
    # Reports count only once overdue (see outstanding()): the sentence says so.
    "reports": ngettext_lazy(
        "%(count)s progress report is overdue",
        "%(count)s progress reports are overdue",
        "count",
    ),
    "materials": ngettext_lazy(
        "%(count)s unit has not submitted its mid-term or acceptance material",
        "%(count)s units have not submitted their mid-term or acceptance material",
        "count",
    ),
    "sheets": ngettext_lazy(
        "%(count)s score sheet is missing in open rounds",
        "%(count)s score sheets are missing in open rounds",
        "count",
    ),
    "decisions": ngettext_lazy(
        "%(count)s review decision is waiting to be taken",
        "%(count)s review decisions are waiting to be taken",
        "count",
    ),
}


def summary_sentence(name, total, overdue):
    """How many of `name` are outstanding, and how many of those are overdue."""
    what = SUMMARY[name] % {"count": total}
    if not overdue or name == "reports":
        return _("%(what)s.") % {"what": what}
    if overdue == total == 1:
        late = _("it is overdue")
    elif overdue == total:
        late = _("all of them are overdue")
    else:
        late = ngettext(
            "%(count)s of them is overdue", "%(count)s of them are overdue", overdue
        ) % {"count": overdue}
    return _("%(what)s; %(overdue)s.") % {"what": what, "overdue": late}


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
        """One sentence per line of SUMMARY, in its order, zeros included."""
        return [summary_sentence(name, *self.counts[name]) for name in SUMMARY]


def outstanding(*, batch, today):
    """What every unit of `batch` still owes or waits for at `today`, as the
    outstanding module says. A fixed number of queries, whatever the number of
    units. Texts in the active language."""
    units = list(batch.units.order_by("order", "pk"))
    by_unit = {unit.pk: UnitLines(unit=unit) for unit in units}
    counts = dict.fromkeys(SUMMARY, (0, 0))

    def add(name, unit_id, line, number=1):
        total, overdue = counts[name]
        counts[name] = (total + number, overdue + bool(line.overdue_days) * number)
        by_unit[unit_id].lines.append(line)

    for owed in owed_by_units(batch=batch, units=units, today=today):
        unit, late = owed.unit, owed.days_late(today)
        if owed.kind == ReminderKind.PLAN:
            text = (
                _("Implementation plan returned, not resubmitted")
                if owed.returned
                else _("Implementation plan not submitted")
            )
            url = reverse("plans:detail", args=[unit.slug])
            add("plans", unit.pk, Line(text, url, owed.due, late))
        elif owed.kind == ReminderKind.REPORT:
            # The digest chases reports once they are overdue, not while open.
            if not late:
                continue
            text = _("Progress report %(start)s – %(end)s not submitted") % {
                "start": owed.period.start.isoformat(),
                "end": owed.period.end.isoformat(),
            }
            url = reverse(
                "milestones:progress_report", args=[unit.slug, owed.period.key]
            )
            add("reports", unit.pk, Line(text, url, owed.due, late))
        else:
            kind = owed.check_kind
            text = (
                _("%(what)s material returned, not resubmitted")
                if owed.returned
                else _("%(what)s material not submitted")
            ) % {"what": kind.label}
            url = reverse("milestones:check_detail", args=[kind, unit.slug])
            add("materials", unit.pk, Line(text, url, owed.due, late))

    # Score sheets owed in open rounds, one line per unit and round.
    missing = {}
    for owed in sheets_owed(batch=batch, today=today):
        round_ = owed.assignment.submission.round
        line = missing.setdefault((owed.unit.pk, round_.pk), [round_, 0])
        line[1] += 1
    for (unit_id, _round_id), (round_, count) in missing.items():
        if unit_id not in by_unit:
            continue
        text = ngettext(
            "%(count)s score sheet missing in “%(round)s”",
            "%(count)s score sheets missing in “%(round)s”",
            count,
        ) % {"count": count, "round": round_.title}
        url = reverse("reviews:round", args=[round_.pk])
        add("sheets", unit_id, Line(text, url, round_.closes_on), number=count)

    for submission in decisions_pending(batch):
        text = _("All scores in for “%(round)s”: a decision is waiting") % {
            "round": submission.round.title
        }
        url = reverse("reviews:submission_decide", args=[submission.pk])
        if submission.unit_id in by_unit:
            add("decisions", submission.unit_id, Line(text, url))

    for entry in by_unit.values():
        entry.lines = [
            dataclasses.replace(line, url=absolute_url(line.url))
            for line in entry.lines
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
        User.objects.office().exclude(
            pk__in=Notification.objects.filter(dedupe_key=key).values("recipient_id")
        )
    )
    if not recipients:
        return 0
    by_language = {}
    for user in recipients:
        by_language.setdefault(user.language, []).append(user)
    # The digest's lines are worded while it is built: once per language read.
    messages_ = []
    for language, users in by_language.items():
        with translation.override(language):
            digest = outstanding(batch=batch, today=today)
        messages_.append(
            messages.weekly_digest(recipients=users, digest=digest, key=key)
        )
    notify_all(messages_)
    return len(recipients)
