"""The programme's people and structure: units, tasks, domains, batches, users.

The 11 units of notice 水信息〔2020〕46号 (part 二) and the first batch's dates
(part 五) are loaded by the data migration 0002, so every database has them.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .files import private_storage


def _prefers_english():
    return (get_language() or "").startswith("en")


class BilingualNameMixin:
    """Data carries its Chinese name and an English one; show the one asked for."""

    @property
    def label(self):
        if _prefers_english() and self.name_en:
            return self.name_en
        return self.name


class BusinessDomain(BilingualNameMixin, models.Model):
    """业务领域: 水灾害, 水资源, … The notice's list is open ("等"): the office adds."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("business domain")
        verbose_name_plural = _("business domains")

    def __str__(self):
        return self.name


class TechnologyDomain(BilingualNameMixin, models.Model):
    """技术领域: 物联网, 视频, 遥感, 大数据, 人工智能, 5G, 区块链 (notice 一.(二).2)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("technology domain")
        verbose_name_plural = _("technology domains")

    def __str__(self):
        return self.name


class Department(BilingualNameMixin, models.Model):
    """业务司局: a ministry department that guides the tasks of its business domains."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    business_domains = models.ManyToManyField(
        BusinessDomain,
        related_name="departments",
        blank=True,
        verbose_name=_("business domains supervised"),
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("business department")
        verbose_name_plural = _("business departments")

    def __str__(self):
        return self.name


class PilotUnitQuerySet(models.QuerySet):
    def supervised_by(self, department):
        """The units `department` (a Department or its id) supervises: those with a
        task it supervises (TaskQuerySet.supervised_by)."""
        return self.filter(pk__in=Task.objects.supervised_by(department).values("unit"))

    def by_level(self):
        """The units in the order the column lists them: the basin agencies, then
        the provinces, then the cities, each level in the units' own order."""
        rank = models.Case(
            *(
                models.When(level=level, then=models.Value(n))
                for n, level in enumerate(PilotUnit.Level)
            ),
            default=models.Value(len(PilotUnit.Level)),
        )
        return self.order_by(rank, "order", "slug")

    def level_counts(self):
        """[(level label, slug, number of units)] of every level, in one query."""
        counts = dict(self.order_by().values_list("level").annotate(n=Count("pk")))
        return [
            (level.label, level.value, counts.get(level.value, 0))
            for level in PilotUnit.Level
        ]


class PilotUnit(BilingualNameMixin, models.Model):
    class Level(models.TextChoices):
        BASIN = "basin", _("River basin agency")
        PROVINCE = "province", _("Provincial water department")
        CITY = "city", _("Municipal water department")

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    short_name = models.CharField(_("short name"), max_length=20)
    short_name_en = models.CharField(_("English short name"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PilotUnitQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("pilot unit")
        verbose_name_plural = _("pilot units")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("column:unit_detail", args=[self.slug])

    @property
    def short_label(self):
        if _prefers_english() and self.short_name_en:
            return self.short_name_en
        return self.short_name


class TaskQuerySet(models.QuerySet):
    def supervised_by(self, department):
        """The tasks `department` (a Department, its id or an OuterRef to one)
        supervises: a department supervises a task when the task's business domain
        is one of the department's. The one home of that rule: units, users and
        every per-task part a department may read are derived from it."""
        return self.filter(business_domain__departments=department)


class Task(models.Model):
    """A pilot task of a unit (附件1). The annex is not public: most are examples."""

    class Evidence(models.TextChoices):
        FACT = "fact", _("Documented fact")
        INFERRED = "inferred", _("Inferred from public reports")
        ILLUSTRATION = "illustration", _("Example (示例), not the official annex")

    unit = models.ForeignKey(
        PilotUnit,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("unit"),
    )
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    business_domain = models.ForeignKey(
        BusinessDomain,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("business domain"),
    )
    technology_domains = models.ManyToManyField(
        TechnologyDomain, related_name="tasks", verbose_name=_("technology domains")
    )
    description = models.TextField(_("description"), blank=True)
    evidence = models.CharField(
        _("evidence"),
        max_length=15,
        choices=Evidence.choices,
        default=Evidence.ILLUSTRATION,
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["unit__order", "order", "pk"]
        verbose_name = _("pilot task")
        verbose_name_plural = _("pilot tasks")

    def __str__(self):
        return self.title

    @property
    def label(self):
        if _prefers_english() and self.title_en:
            return self.title_en
        return self.title

    @property
    def is_example(self):
        return self.evidence == self.Evidence.ILLUSTRATION


class BatchQuerySet(models.QuerySet):
    def current(self):
        """The batch the portal works on now; the most recent one if none is marked."""
        return self.order_by("-is_current", "-plan_due").first()

    def annotate_members(self):
        """unit_count and task_count, one subquery each (not a join of both)."""
        members = Batch.units.through.objects.filter(batch=OuterRef("pk"))
        tasks = Batch.tasks.through.objects.filter(batch=OuterRef("pk"))
        return self.annotate(unit_count=_count(members), task_count=_count(tasks))


def _count(rows):
    counted = rows.order_by().values("batch").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


class Batch(BilingualNameMixin, models.Model):
    """A batch of pilots with its own dates (notice 五). Dates are data, not code."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    units = models.ManyToManyField(
        PilotUnit, related_name="batches", blank=True, verbose_name=_("units")
    )
    # The tasks the batch's units carry out in it: a unit may take part in a
    # later batch with some of its tasks, or with new ones.
    tasks = models.ManyToManyField(
        "Task", related_name="batches", blank=True, verbose_name=_("tasks")
    )
    is_current = models.BooleanField(_("current batch"), default=False)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Created by seed_demo with dates relative to the day it ran."),
    )
    launch_date = models.DateField(_("launch"))
    plan_due = models.DateField(_("implementation plans due"))
    implementation_start = models.DateField(_("implementation starts"))
    implementation_end = models.DateField(_("implementation ends"))
    midterm_start = models.DateField(_("mid-term check opens"))
    midterm_end = models.DateField(_("mid-term check closes"))
    acceptance_due = models.DateField(_("acceptance and summary due"))
    promotion_from = models.DateField(_("results promoted from"), null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-plan_due"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_batch",
                violation_error_message=_(
                    "Another batch is the current one. Switch batches under "
                    "Programme settings → Batches, which does it in one step."
                ),
            ),
            models.CheckConstraint(
                condition=Q(implementation_end__gt=models.F("implementation_start")),
                name="implementation_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def includes(self, unit):
        """Whether `unit` takes part in this batch."""
        return self.units.filter(pk=unit.pk).exists()

    def tasks_of(self, unit):
        """`unit`'s tasks in this batch."""
        return self.tasks.filter(unit=unit)

    def key_dates(self):
        """The timeline of notice 五, in order, for display."""
        return [
            (_("Launch"), self.launch_date, None),
            (_("Implementation plans due"), self.plan_due, None),
            (_("Implementation"), self.implementation_start, self.implementation_end),
            (_("Mid-term check"), self.midterm_start, self.midterm_end),
            (_("Acceptance and summary"), self.acceptance_due, None),
            *(
                [(_("Results promoted, plaques awarded"), self.promotion_from, None)]
                if self.promotion_from
                else []
            ),
        ]


class UserQuerySet(models.QuerySet):
    """Who is who, for every list and every recipient: active accounts only, so a
    deactivated account is never offered, told or counted."""

    def active(self):
        return self.filter(is_active=True)

    def office(self):
        return self.active().filter(role=User.Role.OFFICE)

    def unit_members(self):
        """The members of every unit; narrow with `.filter(unit__in=…)`."""
        return self.active().filter(role=User.Role.UNIT)

    def members_of(self, unit):
        """A unit's members (`unit`: a PilotUnit or its id)."""
        return self.unit_members().filter(unit=unit)

    def experts(self):
        return self.active().filter(role=User.Role.EXPERT)

    def department_members(self):
        """The members of every business department."""
        return self.active().filter(role=User.Role.DEPARTMENT)

    def supervising(self, unit):
        """The departments' members who supervise one of `unit`'s tasks
        (`unit`: a PilotUnit or its id)."""
        supervised = Task.objects.filter(unit=unit).supervised_by(
            OuterRef("department_id")
        )
        return self.active().filter(Exists(supervised), role=User.Role.DEPARTMENT)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person using the portal. The role decides what they see (DOMAIN.md, roles)."""

    class Role(models.TextChoices):
        OFFICE = "office", _("Programme office")
        DEPARTMENT = "department", _("Business department")
        UNIT = "unit", _("Pilot unit")
        EXPERT = "expert", _("Expert")

    class Expertise(models.TextChoices):
        BUSINESS = "business", _("Business expert")
        IT = "it", _("IT expert")

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        PilotUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("unit"),
        help_text=_("For pilot-unit members: the unit they work for."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    expertise = models.CharField(
        _("expertise"), max_length=10, choices=Expertise.choices, blank=True
    )
    affiliation = models.ForeignKey(
        PilotUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affiliated_experts",
        verbose_name=_("affiliation"),
        help_text=_("For experts: a unit they are tied to and so never review."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language of messages"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The portal's notifications and e-mails reach this user in it."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="unit") | Q(unit__isnull=False),
                name="unit_member_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role="department") | Q(department__isnull=False),
                name="department_member_has_department",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    @property
    def is_office(self):
        return self.role == self.Role.OFFICE

    @property
    def is_department(self):
        return self.role == self.Role.DEPARTMENT

    @property
    def is_unit_member(self):
        return self.role == self.Role.UNIT

    @property
    def is_expert(self):
        return self.role == self.Role.EXPERT


# ------------------------------------------------------------ deadlines and messages
# The tables below were created by the milestones app and keep their names.


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
        db_table = "milestones_extension"
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
    """A message in a user's in-portal inbox. Written only by messaging.notify()."""

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
        db_table = "milestones_notification"
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
        db_table = "milestones_outboxemail"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.to} · {self.subject}"


class History(models.Model):
    """One row per change of a workflow's state, whatever the workflow: plans,
    review stages and decisions, progress reports, check material, achievements,
    news, public messages, extensions. Written only by `pilots.history.record`,
    inside the transaction of the service that made the change."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    # "to" alone is also the e-mail's recipient (OutboxEmail.to): the context
    # keeps the two apart in the translation.
    to_state = models.CharField(pgettext_lazy("workflow state", "to"), max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.object_id}: {self.from_state} → {self.to_state}"


# ------------------------------------------------------------------ exports


class ExportJob(models.Model):
    """A spreadsheet (XLSX or CSV) built by a Celery worker and kept for a while.

    Every app's export goes through this one model: the app says what to build
    (`kind`, `params`) and which of its Celery tasks builds it (`task`, a name, so
    this floor never imports the app); who may download it is the role and, for a
    department, the department it was built for (`role`, `department`): exactly
    those who may ask for it. Only pilots/exportjobs.py writes `status`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("export"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    fmt = models.CharField(_("format"), max_length=4)
    language = models.CharField(max_length=10)
    task = models.CharField(max_length=100)
    role = models.CharField(max_length=12, choices=User.Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # sha256 of what is built for whom (exportjobs.job_key): a second request of
    # the same export while one is waiting or being built gets that one.
    key = models.CharField(max_length=64)
    filename = models.CharField(_("file name"), max_length=200)
    back_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(
        storage=private_storage, upload_to="exports/%Y/%m/", blank=True
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the build task was last handed to the broker; null while the broker
    # could not take it (exportjobs.recover_stalled sends it again).
    queued_at = models.DateTimeField(null=True, blank=True)
    # When a worker last showed life (claimed the job or wrote rows): a build
    # silent past exportjobs.LEASE has lost its worker.
    progressed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["pending", "building"]),
                name="one_unfinished_export_per_key",
            )
        ]

    def __str__(self):
        return self.filename
