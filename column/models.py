"""The public progress column (先行先试工作专栏, notice 六.4): news, public notices
(公示) and the public's messages (意见建议).

The tables were created by the pilots app and keep their names (db_table), so the
move to this app changed no row.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.models import PilotUnit, Task


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
        db_table = "pilots_newspost"
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
            "column:news_detail", args=[f"{local:%Y}", f"{local:%m}", self.slug]
        )


class NewsImage(models.Model):
    """An image in a post's body, referenced from the text; alt text required."""

    post = models.ForeignKey(NewsPost, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to="news/%Y/%m/")
    alt = models.CharField(_("description for screen readers"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "pilots_newsimage"
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
        db_table = "pilots_publicnotice"
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
    # The sha256 of the form token the message came with: a token is good for one
    # message (public_messages.form_token).
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        db_table = "pilots_publicmessage"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("public message")
        verbose_name_plural = _("public messages")

    def __str__(self):
        return self.subject


class SearchEntry(models.Model):
    """One thing the public search can find (column/search_index.py builds the
    rows, column/search.py reads them): only rows the public sees, or will see at
    `visible_from` (a scheduled news post), are stored. Its title, address and
    meta line are kept here, so a page of results is read without the objects."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        UNIT = "unit", _("Pilot unit")
        TASK = "task", _("Pilot task")
        ACHIEVEMENT = "achievement", _("Achievement")
        NOTICE = "notice", _("Public notice")
        MESSAGE = "message", _("Message and answer")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300)
    # Plain text the excerpt is cut from.
    text = models.TextField(blank=True)
    meta = models.CharField(max_length=300, blank=True)
    meta_en = models.CharField(max_length=300, blank=True)
    visible_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_entry_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchTerm(models.Model):
    """The inverted index: a word of an entry (segmented by rjieba, casefolded)
    and how much it counts there (title hits far more than text hits). The
    entry's `visible_from` is repeated here, so a search reads this table only."""

    term = models.CharField(max_length=64)
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()
    visible_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Its btree (term, entry) is the index every search is read through.
            models.UniqueConstraint(fields=["term", "entry"], name="search_term_once")
        ]

    def __str__(self):
        return self.term
