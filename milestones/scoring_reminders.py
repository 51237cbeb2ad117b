"""Reminders to experts of the scoring they still owe (ReminderKind.SCORING).

A round's scoring is due the day it closes (reviews.Round.closes_on). For each
active SCORING rule, every score sheet an active expert owes
(outstanding.sheets_owed: a current submission of a round of the current batch
open today, no submitted sheet, no declared conflict) is reminded of
`days_before` days before that day. A rule with negative days (after the closing
day) finds nothing: once the round has closed the sheet can no longer be
submitted (reviews.services.sheet_locked_reason), so it is not owed.
Delivery goes through reminders.deliver, so each reminder goes out once per
expert, submission and lead time, however often the scan runs. The query count
does not grow with the number of rounds, submissions or experts.
"""

from django.urls import reverse
from django.utils import timezone

from pilots.models import Batch

from .models import ReminderKind, ReminderRule
from .outstanding import sheets_owed
from .reminders import Reminder, deliver


def scoring_reminders(*, batch, today):
    """The Reminder rows that fall on `today`, before deduplication."""
    rules = list(ReminderRule.objects.filter(active=True, kind=ReminderKind.SCORING))
    if not rules:
        return []
    found = []
    for owed in sheets_owed(batch=batch, today=today):
        assignment = owed.assignment
        if not assignment.expert.is_active:
            continue
        url = reverse("reviews:assignment", args=[assignment.pk])
        found += [
            Reminder(
                user=assignment.expert,
                rule=rule,
                unit=owed.unit,
                due=owed.due,
                key=f"submission:{assignment.submission_id}",
                url=url,
            )
            for rule in rules
            if (owed.due - today).days == rule.days_before
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
