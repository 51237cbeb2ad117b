"""Reminders to experts of the scoring they still owe (ReminderKind.SCORING).

A round's scoring is due the day it closes (reviews.Round.closes_on). For each
active SCORING rule, the experts assigned to a current submission of a round of
the current batch whose sheet is not submitted (no sheet yet, or a draft) hear
from it `days_before` days before that day (negative: after it, overdue).
Delivery goes through reminders.deliver, so each reminder goes out once per
expert, submission and lead time, however often the scan runs. The query count
does not grow with the number of rounds, submissions or experts.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from pilots.models import Batch
from reviews.models import Assignment, SheetStatus

from .models import ReminderKind, ReminderRule
from .reminders import Reminder, deliver


def scoring_reminders(*, batch, today):
    """The Reminder rows that fall on `today`, before deduplication."""
    rules = list(ReminderRule.objects.filter(active=True, kind=ReminderKind.SCORING))
    rules_by_due = {}
    for rule in rules:
        due = today + datetime.timedelta(days=rule.days_before)
        rules_by_due.setdefault(due, []).append(rule)
    if not rules_by_due:
        return []
    # Rounds that have opened: a reminder after the closing day (overdue) is
    # about a round that has closed meanwhile, so "closed" does not exclude.
    assignments = (
        Assignment.objects.filter(
            submission__round__batch=batch,
            submission__round__opens_on__lte=today,
            submission__round__closes_on__in=list(rules_by_due),
            submission__is_current=True,
            expert__is_active=True,
        )
        .exclude(sheet__status=SheetStatus.SUBMITTED)
        .select_related("expert", "submission__unit", "submission__round")
        .order_by("pk")
    )
    found = []
    for assignment in assignments:
        submission = assignment.submission
        due = submission.round.closes_on
        url = reverse("reviews:assignment", args=[assignment.pk])
        found += [
            Reminder(
                user=assignment.expert,
                rule=rule,
                unit=submission.unit,
                due=due,
                key=f"submission:{submission.pk}",
                url=url,
            )
            for rule in rules_by_due[due]
        ]
    return found


def send_scoring_reminders(today=None):
    """Remind experts of unsubmitted score sheets; return how many went out now.
    Side effects as reminders.deliver: SentReminder, Notification, OutboxEmail."""
    today = today or timezone.localdate()
    batch = Batch.objects.current()
    if batch is None:
        return 0
    found = scoring_reminders(batch=batch, today=today)
    if not found:
        return 0
    return deliver(batch=batch, reminders=found, today=today)
