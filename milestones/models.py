"""Following the pilots after their plans are approved (notice 三.2–3, 五).

Deadlines: the batch's dates (pilots.Batch) are the programme-wide deadlines; an
extension granted to one unit overrides one of them for that unit. Every due date in
the portal is read through `deadlines.due_date`, never from the batch directly.

Progress: units report per period (`ReportingSchedule`), per task (`TaskProgress`)
and per item of their approved plan (`ChecklistEntry`). Mid-term and acceptance:
a unit's `CheckMaterial` goes to a reviews.Round; the office's decision is kept as
a `CheckResult` (per task for acceptance) and a passed unit gets its `Plaque`.
Results (成果) are `Achievement` rows; the office recommends them for promotion.
Notifications, the e-mail outbox and reminders tell people about all of it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.files import StoredFile
from pilots.models import DeadlineKind

# A SentReminder is about a rule's deadline (ReminderKind), or about a notice
# (Circular) whose reminder the office sent by hand (circulars.remind).
CIRCULAR_REMINDER = "circular"


class ReminderKind(models.TextChoices):
    """What a reminder rule is about: the three batch deadlines, plus progress
    reports (due per period) and expert scoring (due when a round closes)."""

    PLAN = DeadlineKind.PLAN.value, DeadlineKind.PLAN.label
    MIDTERM = DeadlineKind.MIDTERM.value, DeadlineKind.MIDTERM.label
    ACCEPTANCE = DeadlineKind.ACCEPTANCE.value, DeadlineKind.ACCEPTANCE.label
    REPORT = "report", _("Progress report")
    SCORING = "scoring", _("Expert scoring")


class ReminderRule(models.Model):
    """When and what to remind units of a deadline. Edited by the office in admin.

    The subject and body are Django template text with `unit`, `batch`, `due`,
    `days` (days left; negative when overdue) and `deadline` (the kind's label).
    """

    kind = models.CharField(_("deadline"), max_length=20, choices=ReminderKind.choices)
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
    once per recipient, deadline, lead time and due date, even when the scan runs
    twice or in two beat processes at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        max_length=20,
        choices=[*ReminderKind.choices, (CIRCULAR_REMINDER, _("Notice"))],
    )
    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit", on_delete=models.CASCADE, related_name="+"
    )
    # Tells apart several deadlines of one kind for a unit: the report period
    # ("2026-10-01"), the review submission ("submission:12"), a notice and the
    # office's reminder action ("circular:7:<token>"); "" for batch dates.
    key = models.CharField(max_length=60, default="", blank=True)
    days_before = models.IntegerField()
    due = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            # Per due date: a deadline that moves (an extension, a timeline
            # edit) gets its own reminders for the new date.
            models.UniqueConstraint(
                fields=["user", "kind", "batch", "unit", "key", "days_before", "due"],
                name="one_reminder_per_lead_key_and_due_date",
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


# ------------------------------------------------------------------ progress


class ReportingSchedule(models.Model):
    """How often the units of a batch report progress; set by the office.

    Periods are calendar months or quarters from the batch's implementation start
    to its end; a period's report is due `grace_days` after the period ends.
    """

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    batch = models.OneToOneField(
        "pilots.Batch", on_delete=models.CASCADE, related_name="reporting"
    )
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days after the period to report"), default=10
    )

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")

    def __str__(self):
        return f"{self.batch} · {self.get_cadence_display()}"


class ProgressReport(models.Model):
    """One unit's report for one period. Submitted reports are read-only."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="progress_reports"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("unit"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("overall summary"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("late"), default=False)
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["unit__order", "-period_start"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit", "period_start"],
                name="one_report_per_unit_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.period_start}–{self.period_end}"


class TaskProgress(models.Model):
    """Per task of the unit: how far it is, what was done, problems, next steps."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="task_progress"
    )
    task = models.ForeignKey(
        "pilots.Task",
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("task"),
    )
    percent = models.PositiveSmallIntegerField(_("percent complete"))
    done = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)

    class Meta:
        ordering = ["task__order", "pk"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "task"], name="one_progress_per_task"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="percent_at_most_100"
            ),
        ]

    def __str__(self):
        return f"{self.task} · {self.percent}%"


class ItemState(models.TextChoices):
    """Where an item of the approved plan stands (the yardstick's checklist)."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class CheckKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term check")
    ACCEPTANCE = "acceptance", _("Acceptance")


class CheckMaterial(models.Model):
    """What a unit submits for the mid-term check or the acceptance: a
    self-assessment against its approved plan, the checklist, evidence files.
    Submitting puts it before the batch's open reviews.Round of the same kind."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Not passed")

    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="check_materials"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="check_materials",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CheckKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    goals_met = models.TextField(_("goals met"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("late"), default=False)
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["unit__order", "kind"]
        verbose_name = _("check material")
        verbose_name_plural = _("check materials")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit", "kind"], name="one_material_per_check"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()}"


class ChecklistEntry(models.Model):
    """The state of one schedule item or deliverable of the approved plan, as a
    progress report or check material gives it."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checklist",
    )
    material = models.ForeignKey(
        CheckMaterial,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checklist",
    )
    schedule_item = models.ForeignKey(
        "plans.ScheduleItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checklist_entries",
    )
    deliverable = models.ForeignKey(
        "plans.Deliverable",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checklist_entries",
    )
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("checklist entry")
        verbose_name_plural = _("checklist entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=True, material__isnull=False)
                | models.Q(report__isnull=False, material__isnull=True),
                name="checklist_entry_has_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    schedule_item__isnull=True, deliverable__isnull=False
                )
                | models.Q(schedule_item__isnull=False, deliverable__isnull=True),
                name="checklist_entry_has_one_item",
            ),
            models.UniqueConstraint(
                fields=["report", "schedule_item"], name="one_entry_per_report_item"
            ),
            models.UniqueConstraint(
                fields=["report", "deliverable"],
                name="one_entry_per_report_deliverable",
            ),
            models.UniqueConstraint(
                fields=["material", "schedule_item"],
                name="one_entry_per_material_item",
            ),
            models.UniqueConstraint(
                fields=["material", "deliverable"],
                name="one_entry_per_material_deliverable",
            ),
        ]

    def __str__(self):
        return f"{self.schedule_item or self.deliverable}: {self.get_state_display()}"


class CheckEvidence(StoredFile):
    """An evidence file of a check material (stored privately, like plan files)."""

    upload_folder = "checks"

    material = models.ForeignKey(
        CheckMaterial, on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class CheckResult(models.Model):
    """The office's decision on a unit's mid-term check or acceptance."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    material = models.OneToOneField(
        CheckMaterial, on_delete=models.CASCADE, related_name="result"
    )
    passed = models.BooleanField(_("passed"))
    grade = models.CharField(
        _("grade"), max_length=10, choices=Grade.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"))
    decision = models.OneToOneField(
        "reviews.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_result",
    )
    opinion = models.TextField(_("opinion"), blank=True)

    class Meta:
        verbose_name = _("check result")
        verbose_name_plural = _("check results")

    def __str__(self):
        return f"{self.material}: {self.passed}"


class TaskAcceptance(models.Model):
    """Acceptance per task: a unit can pass with a task not accepted."""

    result = models.ForeignKey(
        CheckResult, on_delete=models.CASCADE, related_name="tasks"
    )
    task = models.ForeignKey(
        "pilots.Task",
        on_delete=models.CASCADE,
        related_name="acceptances",
        verbose_name=_("task"),
    )
    passed = models.BooleanField(_("accepted"))
    remark = models.TextField(_("remark"), blank=True)

    class Meta:
        ordering = ["task__order", "pk"]
        verbose_name = _("task acceptance")
        verbose_name_plural = _("task acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["result", "task"], name="one_acceptance_per_task"
            )
        ]

    def __str__(self):
        return f"{self.task}: {self.passed}"


class Plaque(models.Model):
    """授牌: a unit that passed acceptance receives the pilot plaque."""

    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="plaques"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="plaques",
        verbose_name=_("unit"),
    )
    awarded_on = models.DateField(_("awarded on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-awarded_on"]
        verbose_name = _("plaque")
        verbose_name_plural = _("plaques")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit"], name="one_plaque_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.awarded_on}"


# ------------------------------------------------------------------ results


class AchievementKind(models.TextChoices):
    """The five kinds of results the notice wants promoted (notice 一, 六)."""

    SCHEME = "scheme", _("Scheme (方案)")
    MODEL = "model", _("Model (模式)")
    METHOD = "method", _("Method (方法)")
    PRODUCT = "product", _("Product (产品)")
    TECHNOLOGY = "technology", _("Technology (技术)")


class AchievementQuerySet(models.QuerySet):
    def public(self):
        """What the public column may show: published by the office."""
        return self.filter(published_at__isnull=False)

    def recommended(self):
        return self.public().filter(recommended=True)


class Achievement(models.Model):
    """成果: a result a unit registers for one of its tasks. The office publishes
    it to the public column and may recommend it for promotion (可推广可复制)."""

    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="achievements",
        verbose_name=_("unit"),
    )
    task = models.ForeignKey(
        "pilots.Task",
        on_delete=models.CASCADE,
        related_name="achievements",
        verbose_name=_("task"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    recommended = models.BooleanField(_("recommended for promotion"), default=False)
    recommended_at = models.DateTimeField(_("recommended at"), null=True, blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recommended=False)
                | models.Q(published_at__isnull=False),
                name="recommended_achievement_is_published",
            )
        ]

    def __str__(self):
        return self.title


class AchievementFile(StoredFile):
    """A file of an achievement: downloadable by the public once it is published."""

    upload_folder = "achievements"

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="files"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("achievement file")
        verbose_name_plural = _("achievement files")


# ------------------------------------------------------------------ notices (通知)


class Circular(models.Model):
    """通知: the office's working notice ("submit your mid-term material by …")
    to units of a batch, and to experts or departments, with a receipt per
    person and per unit and, when asked, each unit's confirmation or reply.
    Not column.PublicNotice (公示), which the public reads.

    A draft (`sent_at` empty) is the office's alone. Sending is final and
    resolves the audience: `units` then holds every unit addressed
    (circulars.send); in a draft it holds the chosen units."""

    class Audience(models.TextChoices):
        ALL_UNITS = "all", _("All units of the batch")
        CHOSEN_UNITS = "chosen", _("Chosen units")
        DOMAIN = "domain", _("The units of one business domain")
        NO_UNITS = "none", _("No units")

    class Response(models.TextChoices):
        NONE = "none", _("Nothing: for information")
        CONFIRM = "confirm", _("Confirm receipt")
        REPLY = "reply", _("Reply with text and files")

    batch = models.ForeignKey(
        "pilots.Batch",
        on_delete=models.CASCADE,
        related_name="circulars",
        verbose_name=_("batch"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    response = models.CharField(
        _("units are asked to"),
        max_length=10,
        choices=Response.choices,
        default=Response.NONE,
    )
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    audience = models.CharField(
        _("units addressed"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.ALL_UNITS,
    )
    domain = models.ForeignKey(
        "pilots.BusinessDomain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business domain"),
    )
    units = models.ManyToManyField(
        "pilots.PilotUnit", blank=True, related_name="+", verbose_name=_("units")
    )
    departments = models.ManyToManyField(
        "pilots.Department",
        blank=True,
        related_name="+",
        verbose_name=_("departments"),
    )
    to_experts = models.BooleanField(_("also to every expert"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice to units")
        verbose_name_plural = _("notices to units")

    def __str__(self):
        return self.title

    @property
    def is_sent(self):
        return self.sent_at is not None

    @property
    def asks_response(self):
        return self.response != self.Response.NONE


class CircularFile(StoredFile):
    """An attachment of a notice, added while it is a draft."""

    upload_folder = "circulars"

    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="files"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")


class CircularRead(models.Model):
    """One recipient read the notice (the first time). `unit` is the reader's
    unit then: any member's read counts for the unit."""

    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        ordering = ["read_at", "pk"]
        verbose_name = _("notice read")
        verbose_name_plural = _("notice reads")
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "user"], name="one_read_per_notice_and_user"
            )
        ]

    def __str__(self):
        return f"{self.circular} · {self.user}"


class CircularReply(models.Model):
    """A unit's answer to a notice: its confirmation of receipt (确认收到) or
    its reply with text and files, whichever the notice asked for."""

    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="replies"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("late"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["unit__order", "pk"]
        verbose_name = _("reply to a notice")
        verbose_name_plural = _("replies to notices")
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "unit"], name="one_reply_per_notice_and_unit"
            )
        ]

    def __str__(self):
        return f"{self.circular} · {self.unit}"


class CircularReplyFile(StoredFile):
    """A file of a unit's reply to a notice."""

    upload_folder = "circular-replies"

    reply = models.ForeignKey(
        CircularReply, on_delete=models.CASCADE, related_name="files"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("reply file")
        verbose_name_plural = _("reply files")
