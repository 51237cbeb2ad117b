"""The programme's people and structure: units, tasks, domains, batches, users.

The 11 units of notice 水信息〔2020〕46号 (part 二) and the first batch's dates
(part 五) are loaded by the data migration 0002, so every database has them.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("pilot unit")
        verbose_name_plural = _("pilot units")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pilots:unit_detail", args=[self.slug])

    @property
    def short_label(self):
        if _prefers_english() and self.short_name_en:
            return self.short_name_en
        return self.short_name


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


class Batch(BilingualNameMixin, models.Model):
    """A batch of pilots with its own dates (notice 五). Dates are data, not code."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    units = models.ManyToManyField(
        PilotUnit, related_name="batches", blank=True, verbose_name=_("units")
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
            ),
            models.CheckConstraint(
                condition=Q(implementation_end__gt=models.F("implementation_start")),
                name="implementation_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

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

    def days_until_plan_due(self):
        return (self.plan_due - timezone.localdate()).days


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


# ------------------------------------------------------------ public column
# 先行先试工作专栏 (notice 六.4): news, public notices (公示) and the public's messages.


class NewsQuerySet(models.QuerySet):
    def published(self, now=None):
        """Visible to the public at `now`: publication time reached, not withdrawn."""
        now = now or timezone.now()
        return self.filter(publish_at__lte=now, withdrawn_at__isnull=True)


class NewsPost(models.Model):
    """A post of the progress column. Draft: no publish_at. Scheduled: publish_at
    in the future. Withdrawn: withdrawn_at set (kept, never shown)."""

    class Category(models.TextChoices):
        PROGRESS = "progress", _("Work progress")
        RESULTS = "results", _("Results and effects")

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("address"), max_length=80, unique=True, allow_unicode=False
    )
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("text"))
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default="progress"
    )
    units = models.ManyToManyField(
        PilotUnit, blank=True, related_name="news", verbose_name=_("units")
    )
    tasks = models.ManyToManyField(
        Task, blank=True, related_name="news", verbose_name=_("tasks")
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "pilots.User", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        indexes = [models.Index(fields=["publish_at", "withdrawn_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """news/<yyyy>/<mm>/<slug>/ by the publication date in Beijing time;
        None for a draft, which has no public address yet."""
        if self.publish_at is None:
            return None
        local = timezone.localtime(self.publish_at)
        return reverse(
            "pilots:news_detail", args=[f"{local:%Y}", f"{local:%m}", self.slug]
        )


class NewsImage(models.Model):
    """An image in a post's body, referenced from the text; alt text required."""

    post = models.ForeignKey(NewsPost, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to="news/%Y/%m/")
    alt = models.CharField(_("description for screen readers"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("news image")
        verbose_name_plural = _("news images")

    def __str__(self):
        return self.alt


class PublicNotice(models.Model):
    """公示: acceptance results (or another decision) put up for a notice period,
    during which the public can object through the message form."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    units = models.ManyToManyField(
        PilotUnit, blank=True, related_name="notices", verbose_name=_("units")
    )
    starts_on = models.DateField(_("notice period from"))
    ends_on = models.DateField(_("notice period to"))
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        "pilots.User", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="notice_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return self.published and self.starts_on <= today <= self.ends_on


class PublicMessage(models.Model):
    """意见建议 from the public, or an objection during a notice period. Nothing is
    shown before the office moderates it; the office may publish an answer."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        QUESTION = "question", _("Question")
        OBJECTION = "objection", _("Objection to a public notice")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published with the answer")
        ANSWERED = "answered", _("Answered privately")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default="suggestion"
    )
    notice = models.ForeignKey(
        PublicNotice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("public notice"),
    )
    unit = models.ForeignKey(
        PilotUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about unit"),
    )
    name = models.CharField(_("name"), max_length=60)
    email = models.EmailField(_("e-mail"))
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="pending"
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "pilots.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A keyed hash of the sender's address, for flood limits; never the address.
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("public message")
        verbose_name_plural = _("public messages")

    def __str__(self):
        return self.subject
