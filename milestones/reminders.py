"""Deadline reminders: who is told what, and when.

`send_due_reminders()` runs daily (Celery beat). For each active ReminderRule it
finds the units of the current batch whose due date (extensions included) is
`days_before` days from today in Asia/Shanghai, keeps those with the deliverable
still outstanding, and notifies the unit's members. A SentReminder row is inserted
first (ON CONFLICT DO NOTHING RETURNING), so every reminder goes out once. The
query count does not grow with the number of units or recipients.

Who is still outstanding is milestones.outstanding's answer, less the revisions the
office asked for: a plan or material submitted once has met (or missed) its
deadline, even if it was returned since.

Deadlines that are not batch dates (progress reports per period, expert scoring
per round) are scanned by their own functions, which build `Reminder` rows
(with a `key` telling their deadlines apart) and hand them to `deliver()`; the
daily task (tasks.py) calls each scan.
"""

import dataclasses
import datetime

from django.db import connection, transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from pilots.messaging import WrittenMessage, notify_all
from pilots.models import Batch, User

from .models import ReminderKind, ReminderRule, SentReminder
from .outstanding import DEADLINES, owed_by_units


def due_reminders(*, batch, today):
    """[(rule, owed)]: each batch deadline a unit owes (outstanding.owed_by_units,
    revisions the office asked for left out) that an active rule points at today."""
    rules = list(ReminderRule.objects.filter(active=True, kind__in=DEADLINES))
    if not rules:
        return []
    units = list(batch.units.all())
    owed = owed_by_units(
        batch=batch, units=units, today=today, kinds={rule.kind for rule in rules}
    )
    return [
        (rule, item)
        for item in owed
        if not item.returned
        for rule in rules
        if rule.kind == item.kind and (item.due - today).days == rule.days_before
    ]


def send_due_reminders(*, today=None):
    """Notify units' members of the deadlines the rules point at today.

    Returns the number of reminders sent (one per user per rule hit). Side effects:
    SentReminder rows, Notification rows, OutboxEmail rows, an outbox drain on commit.
    """
    today = today or timezone.localdate()
    batch = Batch.objects.current()
    if batch is None:
        return 0
    hits = due_reminders(batch=batch, today=today)
    if not hits:
        return 0
    members = {}
    for user in User.objects.unit_members().filter(
        unit__in=[owed.unit for _rule, owed in hits],
    ):
        members.setdefault(user.unit_id, []).append(user)
    return deliver(
        batch=batch,
        today=today,
        reminders=[
            Reminder(user=user, rule=rule, unit=owed.unit, due=owed.due)
            for rule, owed in hits
            for user in members.get(owed.unit.pk, [])
        ],
    )


@dataclasses.dataclass(frozen=True)
class Reminder:
    """One reminder for one user. `key` tells apart deadlines of one kind that
    repeat for a unit (a report period "2026-10-01", a review "submission:12");
    `url` is where the notification leads (default: the timeline)."""

    user: User
    rule: ReminderRule
    unit: object
    due: datetime.date
    key: str = ""
    url: str = ""

    @property
    def identity(self):
        rule = self.rule
        return (
            self.user.pk,
            rule.kind,
            self.unit.pk,
            self.key,
            rule.days_before,
            self.due,
        )


def deliver(*, batch, reminders, today, message_for=None):
    """Send each reminder at most once per due date; return how many went out now.

    The SentReminder rows are inserted first (ON CONFLICT DO NOTHING RETURNING) and
    only the rows this call inserted are notified, so a second run, or a rival beat
    process at the same moment, sends nothing twice. Side effects: SentReminder,
    Notification and OutboxEmail rows; an outbox drain on commit. A constant number
    of queries, whatever the number of reminders.

    `reminders` are `Reminder`s, whose words are their rule's; or any objects
    with an `identity` (user id, kind, unit id, key, days before, due) and a
    `message_for(reminder)` that words each (a notice's reminder, circulars.py).
    """
    # One order for every scan, so concurrent INSERTs queue behind each other on
    # the same first key instead of deadlocking.
    reminders = sorted(reminders, key=lambda reminder: reminder.identity)
    with transaction.atomic():
        inserted = _insert_sent(batch, reminders)
        message_for = message_for or _Texts(batch, today).message
        messages = [
            message_for(reminder)
            for reminder in reminders
            if reminder.identity in inserted
        ]
        notify_all(messages)
    return len(messages)


def _insert_sent(batch, reminders):
    """Insert SentReminder rows; return the identities this call inserted."""
    if not reminders:
        return set()
    now = timezone.now()
    values = []
    for reminder in reminders:
        values += [*reminder.identity, batch.pk, now]
    table = SentReminder._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(reminders))
    # Concurrent scans: the second INSERT waits on the first's uncommitted keys,
    # then does nothing for them; only the rows it inserted come back.
    sql = (
        f"INSERT INTO {table} "  # noqa: S608 - table name from the model, values bound
        "(user_id, kind, unit_id, key, days_before, due, batch_id, sent_at) "
        f"VALUES {placeholders} ON CONFLICT DO NOTHING "
        "RETURNING user_id, kind, unit_id, key, days_before, due"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return {tuple(row) for row in cursor.fetchall()}


def message_context(*, kind, unit_label, batch_label, due, today):
    """What a rule's subject and body may use (documented on ReminderRule)."""
    return {
        "unit": unit_label,
        "batch": batch_label,
        "due": due,
        "days": (due - today).days,
        "overdue_days": (today - due).days,
        "deadline": str(ReminderKind(kind).label),
    }


class _Texts:
    """Renders reminder messages for one scan. A national scan sends thousands:
    each rule's templates are compiled once, each unit's text rendered once per
    language for all its members, and the default link reversed once.

    The rule's words are the office's own; rendered in the recipient's language,
    the names, labels and dates it puts in follow that language."""

    def __init__(self, batch, today):
        self.batch, self.today = batch, today
        self.templates = {}
        self.rendered = {}
        self.timeline_url = reverse("milestones:timeline")

    def _compiled(self, rule):
        key = (rule.pk, rule.subject, rule.body)
        if key not in self.templates:
            self.templates[key] = (Template(rule.subject), Template(rule.body))
        return self.templates[key]

    def _render(self, rule, unit, due, language):
        key = (rule.pk, unit.pk, due, language)
        if key not in self.rendered:
            subject, body = self._compiled(rule)
            with translation.override(language):
                context = Context(
                    message_context(
                        kind=rule.kind,
                        unit_label=unit.label,
                        batch_label=self.batch.label,
                        due=due,
                        today=self.today,
                    ),
                    autoescape=False,
                )
                self.rendered[key] = (
                    subject.render(context).strip(),
                    body.render(context).strip(),
                )
        return self.rendered[key]

    def message(self, reminder):
        rule, unit, user = reminder.rule, reminder.unit, reminder.user
        title, body = self._render(rule, unit, reminder.due, user.language)
        key = f"{reminder.key}:" if reminder.key else ""
        return WrittenMessage(
            recipients=[user],
            kind=f"reminder.{rule.kind}",
            title=title,
            body=body,
            url=reminder.url or self.timeline_url,
            dedupe_key=(
                f"reminder:{rule.kind}:{self.batch.pk}:{unit.pk}:{key}"
                f"{rule.days_before}:{reminder.due.isoformat()}"
            ),
        )


# ------------------------------------------------------------------ progress reports


def send_report_reminders(today=None):
    """Remind units' members of progress reports the REPORT rules point at today:
    due in `days_before` days (negative: overdue) and owed
    (outstanding.owed_by_units: not submitted, from a unit with an approved plan).

    Hands the reminders to `deliver`, which sends each once per due date
    (keyed by the period's first day). Returns how many went out. A constant
    number of queries, whatever the number of units or members.
    """
    today = today or timezone.localdate()
    batch = Batch.objects.current()
    if batch is None:
        return 0
    rules = list(ReminderRule.objects.filter(active=True, kind=ReminderKind.REPORT))
    if not rules:
        return 0
    members, units = {}, {}
    for user in (
        User.objects.unit_members().filter(unit__batches=batch).select_related("unit")
    ):
        members.setdefault(user.unit_id, []).append(user)
        units[user.unit_id] = user.unit
    hits = [
        (rule, owed)
        for owed in owed_by_units(
            batch=batch,
            units=list(units.values()),
            today=today,
            kinds=[ReminderKind.REPORT],
        )
        for rule in rules
        if (owed.due - today).days == rule.days_before
    ]
    if not hits:
        return 0
    reminders = [
        Reminder(
            user=user,
            rule=rule,
            unit=owed.unit,
            due=owed.due,
            key=owed.period.key,
            url=reverse(
                "milestones:progress_report", args=[owed.unit.slug, owed.period.key]
            ),
        )
        for rule, owed in hits
        for user in members.get(owed.unit.pk, [])
    ]
    return deliver(batch=batch, reminders=reminders, today=today)
