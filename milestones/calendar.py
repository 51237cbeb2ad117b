"""The deadlines a user sees on the timeline and in their calendar feed."""

import datetime
import secrets

from icalendar import Calendar, Event

from pilots.deadlines import due_date, is_extended
from pilots.models import Batch, DeadlineKind
from reviews.models import Assignment

from . import progress
from .models import CalendarToken, ReminderKind


def unit_deadlines(*, batch, unit):
    """[(kind label, due date, extended?)] of `unit` in `batch`."""
    return [
        (
            kind.label,
            due_date(batch=batch, unit=unit, kind=kind),
            is_extended(batch=batch, unit=unit, kind=kind),
        )
        for kind in DeadlineKind
    ]


def report_periods(batch):
    """The batch's report periods (progress.report_periods)."""
    return progress.report_periods(batch)


def next_report(*, batch, today):
    """The first report period still ahead of its due date (or None)."""
    return next((p for p in report_periods(batch) if p.due >= today), None)


def token_for(user):
    token, _created = CalendarToken.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token


def regenerate_token(*, user):
    """A new secret; the old URL stops working at once."""
    token = token_for(user)
    token.token = secrets.token_urlsafe(32)
    token.save(update_fields=["token", "created_at"])
    return token


def feed(*, user, host):
    """The user's deadlines as an iCalendar document (bytes)."""
    calendar = Calendar()
    calendar.add("prodid", "-//MWR smart-water pilots//portal//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "智慧水利先行先试")
    batch = Batch.objects.current()
    if batch is None:
        return calendar.to_ical()
    for index, (label, start, end) in enumerate(batch.key_dates()):
        _add_day(calendar, f"batch-{batch.pk}-{index}@{host}", str(label), start, end)
    if user.is_unit_member and batch.includes(user.unit):
        for kind in DeadlineKind:
            due = due_date(batch=batch, unit=user.unit, kind=kind)
            summary = f"{user.unit.short_label}: {kind.label}"
            uid = f"unit-{user.unit_id}-{batch.pk}-{kind.value}@{host}"
            _add_day(calendar, uid, summary, due, None)
        for period in report_periods(batch):
            summary = (
                f"{user.unit.short_label}: {ReminderKind.REPORT.label}"
                f"（{period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}）"
            )
            uid = f"report-{user.unit_id}-{batch.pk}-{period.key}@{host}"
            _add_day(calendar, uid, summary, period.due, None)
    if user.is_expert:
        assignments = Assignment.objects.filter(
            expert=user, submission__is_current=True, submission__round__batch=batch
        ).select_related("submission__round", "submission__unit")
        for assignment in assignments:
            round_ = assignment.submission.round
            summary = (
                f"{ReminderKind.SCORING.label}: {round_.title} · "
                f"{assignment.submission.unit.short_label}"
            )
            uid = f"scoring-{assignment.pk}@{host}"
            _add_day(calendar, uid, summary, round_.closes_on, None)
    return calendar.to_ical()


def _add_day(calendar, uid, summary, start, end):
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", (end or start) + datetime.timedelta(days=1))
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    calendar.add_component(event)
