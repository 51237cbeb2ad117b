"""Deadlines. The batch's dates (pilots.Batch) are the programme-wide deadlines; an
extension granted to one unit overrides one of them for that unit. Every due date in
the portal is read through `deadlines.due_date`, never from the batch directly.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    # Values name the Batch field that holds the programme-wide date.
    PLAN = "plan_due", _("Implementation plan")
    MIDTERM = "midterm_end", _("Mid-term check material")
    ACCEPTANCE = "acceptance_due", _("Acceptance material")


class Extension(models.Model):
    """The office grants one unit more time for one deadline of a batch."""

    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("deadline"), max_length=20, choices=DeadlineKind.choices)
    due = models.DateField(_("extended until"))
    reason = models.TextField(_("reason"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit", "kind"], name="one_extension_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} → {self.due}"


class Notification(models.Model):
    """A message in a user's in-portal inbox. Written only by services.notify()."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="one_notification_per_key"
            )
        ]

    def __str__(self):
        return f"{self.recipient} · {self.title}"


class OutboxEmail(models.Model):
    """An e-mail waiting to be sent. The database row is the queue: a lost Celery
    message or a broker outage loses nothing, the per-minute drain finds it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.to} · {self.subject}"


class ReminderRule(models.Model):
    """When and what to remind units of a deadline. Edited by the office in admin.

    The subject and body are Django template text with `unit`, `batch`, `due`,
    `days` (days left; negative when overdue) and `deadline` (the kind's label).
    """

    kind = models.CharField(_("deadline"), max_length=20, choices=DeadlineKind.choices)
    days_before = models.IntegerField(
        _("days before the deadline"),
        help_text=_("Negative: days after the deadline (overdue)."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "-days_before"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "days_before"], name="one_rule_per_lead"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.days_before}"


class SentReminder(models.Model):
    """One row per reminder sent; inserted before notifying, so a reminder goes out
    once even when the scan runs twice or in two beat processes at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit", on_delete=models.CASCADE, related_name="+"
    )
    days_before = models.IntegerField()
    due = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "batch", "unit", "days_before"],
                name="one_reminder_per_lead",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.days_before}"


class CalendarToken(models.Model):
    """The secret in a user's private calendar URL. Regenerating revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self):
        return str(self.user)
