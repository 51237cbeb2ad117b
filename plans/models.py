"""Implementation plans (实施方案, 附件2 编制大纲): one per unit and batch.

A plan's long texts live in `PlanSection` rows (one per outline section, each with
its own revision counter so two members editing different sections never clash);
contacts, schedule items and deliverables are rows of their own. Submitting freezes
the whole content into a `PlanVersion`. Only plans/services.py writes `status`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilots.files import StoredFile, private_storage


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# The whole workflow at a glance; plans/services.py enforces it.
TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {
        Status.UNDER_REVIEW,
        Status.RETURNED,
        Status.APPROVED,
        Status.REJECTED,
    },
    Status.UNDER_REVIEW: {Status.RETURNED, Status.APPROVED, Status.REJECTED},
    Status.RETURNED: {Status.SUBMITTED},
    Status.APPROVED: set(),
    Status.REJECTED: set(),
}

# The unit may change its plan only in these states.
EDITABLE = {Status.DRAFT, Status.RETURNED}


# Far above any section of the 2020 plans, low enough to keep pages and PDFs sane.
SECTION_MAX_CHARS = 20_000


class SectionKey(models.TextChoices):
    """The outline's text sections, in order (schedule and deliverables are rows)."""

    STATUS_QUO = "status_quo", _("Status quo and problems")
    BUSINESS_GOALS = "business_goals", _("Business goals")
    FUNCTIONAL_NEEDS = "functional_needs", _("Functional requirements")
    DATA_NEEDS = "data_needs", _("Data requirements")
    OBJECTIVES = "objectives", _("Goals and tasks")
    CONTENT = "content", _("Main content")
    TECHNICAL = "technical", _("Technical solution")
    SAFEGUARDS = "safeguards", _("Safeguards")
    HIGHLIGHTS = "highlights", _("Key points, difficulties, highlights")


# The outline of 附件2 as the pages show it, in order: "needs" groups the three
# requirement texts under one heading; schedule, deliverables and contacts are rows.
OUTLINE = [
    "status_quo",
    "needs",
    "objectives",
    "content",
    "technical",
    "schedule",
    "deliverables",
    "safeguards",
    "highlights",
    "contacts",
]


class Anchor(models.TextChoices):
    """Where a comment may be anchored: any outline section, rows included."""

    STATUS_QUO = SectionKey.STATUS_QUO.value, SectionKey.STATUS_QUO.label
    BUSINESS_GOALS = SectionKey.BUSINESS_GOALS.value, SectionKey.BUSINESS_GOALS.label
    FUNCTIONAL_NEEDS = (
        SectionKey.FUNCTIONAL_NEEDS.value,
        SectionKey.FUNCTIONAL_NEEDS.label,
    )
    DATA_NEEDS = SectionKey.DATA_NEEDS.value, SectionKey.DATA_NEEDS.label
    OBJECTIVES = SectionKey.OBJECTIVES.value, SectionKey.OBJECTIVES.label
    CONTENT = SectionKey.CONTENT.value, SectionKey.CONTENT.label
    TECHNICAL = SectionKey.TECHNICAL.value, SectionKey.TECHNICAL.label
    SCHEDULE = "schedule", _("Schedule")
    DELIVERABLES = "deliverables", _("Main deliverables")
    SAFEGUARDS = SectionKey.SAFEGUARDS.value, SectionKey.SAFEGUARDS.label
    HIGHLIGHTS = SectionKey.HIGHLIGHTS.value, SectionKey.HIGHLIGHTS.label
    CONTACTS = "contacts", _("Contacts")


class Plan(models.Model):
    batch = models.ForeignKey(
        "pilots.Batch",
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("batch"),
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("unit"),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Bumped by every save of the contacts: a save made from an older form is
    # refused (two members editing at once), as for the sections.
    contacts_revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["batch", "unit__order"]
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        constraints = [
            models.UniqueConstraint(fields=["batch", "unit"], name="one_plan_per_unit")
        ]

    def __str__(self):
        return f"{self.unit} · {self.batch}"

    def get_absolute_url(self):
        return reverse("plans:detail", args=[self.unit.slug])

    @property
    def is_editable(self):
        return self.status in EDITABLE


class PlanSection(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=20, choices=SectionKey.choices)
    text = models.TextField(_("text"), blank=True)
    # Optimistic concurrency: a save names the revision it started from.
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="one_section_per_key")
        ]

    def __str__(self):
        return self.get_key_display()


def choice_label(choices, value):
    """The label, in the reader's language, of a choice stored in a snapshot (a
    version's frozen JSON keeps the value); a value no longer among the choices
    shows as stored."""
    return choices(value).label if value in choices.values else value


class Contact(models.Model):
    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible person")
        CONTACT = "contact", _("Contact")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="contacts")
    # No task: the unit's overall responsible person (总体负责人) / contact (联系人).
    task = models.ForeignKey(
        "pilots.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=60)
    post = models.CharField(_("post"), max_length=80)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail"))

    class Meta:
        ordering = ["task__order", "role"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            # Two partial constraints rather than one with nulls_distinct=False,
            # which SQLite (the embedded default) cannot enforce.
            models.UniqueConstraint(
                fields=["plan", "task", "role"],
                condition=models.Q(task__isnull=False),
                name="one_contact_per_task_role",
            ),
            models.UniqueConstraint(
                fields=["plan", "role"],
                condition=models.Q(task__isnull=True),
                name="one_unit_contact_per_role",
            ),
        ]

    def __str__(self):
        return self.name


class ScheduleItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="schedule")
    task = models.ForeignKey(
        "pilots.Task",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("task"),
    )
    title = models.CharField(_("work item"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["start", "end", "pk"]
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="schedule_item_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class Deliverable(models.Model):
    class Kind(models.TextChoices):
        SCHEME = "scheme", _("Scheme (方案)")
        MODEL = "model", _("Model (模式)")
        METHOD = "method", _("Method (方法)")
        PRODUCT = "product", _("Product (产品)")
        TECHNOLOGY = "technology", _("Technology (技术)")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="deliverables"
    )
    task = models.ForeignKey(
        "pilots.Task",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("task"),
    )
    title = models.CharField(_("deliverable"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    due = models.DateField(_("due"))

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self):
        return self.title


class Attachment(StoredFile):
    upload_folder = "plans"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="attachments")
    # Removing hides a file from the draft; the file stays for the versions that
    # were submitted with it (a version is kept forever).
    is_removed = models.BooleanField(_("removed"), default=False)

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class PlanVersion(models.Model):
    """A submitted plan, frozen forever."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("due"))
    is_late = models.BooleanField(_("late"), default=False)
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    # sha256 of plans.archive.canonical_json(content), recorded at submission:
    # `manage.py verify_archive` proves the frozen content is still what was sent.
    content_sha256 = models.CharField(
        _("SHA-256 of the content"), max_length=64, default="", editable=False
    )

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="one_version_number_per_plan"
            )
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class PlanComment(models.Model):
    """A reviewer's comment anchored to a section; the unit answers and addresses it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=20, choices=Anchor.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The latest submitted version the comment was made on (0: the draft).
    on_version = models.PositiveIntegerField(default=0)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    is_addressed = models.BooleanField(_("addressed"), default=False)
    # The office closes a comment once satisfied; a plan is not approved while
    # one is open. Reopening clears both.
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")

    def __str__(self):
        return self.body[:40]

    @property
    def is_open(self):
        return self.resolved_at is None

    def was_open_at(self, moment):
        """Open when a version was submitted at `moment`: made before, not yet
        resolved then."""
        return self.created_at <= moment and (
            self.resolved_at is None or self.resolved_at > moment
        )


class PlanPdf(models.Model):
    """A plan rendered as PDF by a Celery worker, cached by the content it shows.

    `version` null: a draft render, whose content is kept here (the draft moves on).
    `department` null: the whole plan, for the office and the unit; else that
    department's view of it, the tasks it supervises only (pdfjobs.shown_content).
    `archive` set: the version's archival copy (PDF/A, tagged), made once when
    the version was submitted or when it was approved, and never changed
    afterwards (plans/archive.py); `file_sha256` is recorded as it is stored.
    Only plans/pdfjobs.py writes `status`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Archive(models.TextChoices):
        NONE = "", _("Not an archival copy")
        SUBMITTED = "submitted", _("As submitted")
        APPROVED = "approved", _("As approved")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pdfs")
    version = models.ForeignKey(
        PlanVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pdfs",
    )
    number = models.PositiveIntegerField(_("version"))
    draft_content = models.JSONField(null=True, blank=True)
    department = models.ForeignKey(
        "pilots.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    content_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(
        storage=private_storage, upload_to="plans/pdf/%Y/%m/", blank=True
    )
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the render task was last handed to the broker; null while the broker
    # could not take it (recover_stalled() sends it again).
    queued_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it, and how many renders were started: a render older
    # than its lease has lost its worker; recover_stalled() queues it again, up to
    # pdfjobs.MAX_ATTEMPTS.
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    archive = models.CharField(
        _("archival copy"),
        max_length=10,
        choices=Archive.choices,
        default=Archive.NONE,
        blank=True,
    )
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan PDF")
        verbose_name_plural = _("plan PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "content_hash"], name="one_pdf_per_plan_content"
            ),
            # One archival copy per version and occasion: a second request finds
            # the first (and its file) instead of making another.
            models.UniqueConstraint(
                fields=["version", "archive"],
                condition=~models.Q(archive=""),
                name="one_archival_pdf_per_version_and_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(archive="") | models.Q(version__isnull=False),
                name="archival_pdf_of_a_version",
            ),
        ]

    def __str__(self):
        return self.filename

    def save(self, *args, **kwargs):
        # The model's guard of an archival copy once made: its file and hash
        # never change (pdfjobs writes them once, with a conditional UPDATE).
        if self.pk and self.archive:
            made = (
                PlanPdf.objects.filter(pk=self.pk)
                .exclude(file_sha256="")
                .values_list("file", "file_sha256")
                .first()
            )
            if made and made != (self.file.name, self.file_sha256):
                raise ArchiveImmutable(self)
        super().save(*args, **kwargs)

    @property
    def is_draft(self):
        return self.version_id is None

    @property
    def filename(self):
        suffix = "draft" if self.is_draft else f"v{self.number}"
        if self.archive:
            suffix += f"-{self.archive}-pdfa"
        return f"plan-{self.plan.unit.slug}-{suffix}.pdf"


class ArchiveImmutable(Exception):
    """A save tried to change the file or hash of an archival copy once made."""

    def __init__(self, pdf):
        super().__init__(f"The archival PDF {pdf.pk} is made once and never changed.")


# PlanPdf's workflow; plans/pdfjobs.py enforces it.
PDF_TRANSITIONS = {
    PlanPdf.Status.PENDING: {PlanPdf.Status.RENDERING},
    PlanPdf.Status.RENDERING: {PlanPdf.Status.READY, PlanPdf.Status.FAILED},
    PlanPdf.Status.READY: set(),
    PlanPdf.Status.FAILED: {PlanPdf.Status.PENDING},
}
