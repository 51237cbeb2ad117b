"""Expert reviews (专家评审): the four stages of a plan, review rounds and scores.

A `Round` (plan review, mid-term check or acceptance) has a rubric of `Criterion`
rows and one `Submission` per unit and reviewed material (for plans: the frozen
`PlanVersion`). Experts get an `Assignment`, fill a `ScoreSheet` of `Score` rows.
The office records a `Decision`. `StageRecord` keeps 初审, 预审 and 会审.
Only reviews/services.py writes sheet and decision state.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pilots.models import User


class UnitReviewersQuerySet(models.QuerySet):
    def named_for(self, *, unit, batch):
        """Whom the office named for `unit` in `batch`, or None if it has not yet."""
        experts = User.objects.order_by("full_name", "username")
        return (
            self.filter(unit=unit, batch=batch)
            .select_related("contact", "department", "guide")
            .prefetch_related(models.Prefetch("experts", queryset=experts))
            .first()
        )


class UnitReviewers(models.Model):
    """Per unit and batch: 对口联系人, supervising department and 业务指导人,
    责任专家."""

    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ministry contact"),
    )
    department = models.ForeignKey(
        "pilots.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervising department"),
    )
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business guide"),
    )
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("responsible experts"),
    )

    objects = UnitReviewersQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit reviewers")
        verbose_name_plural = _("unit reviewers")
        constraints = [
            models.UniqueConstraint(fields=["batch", "unit"], name="one_setup_per_unit")
        ]

    def __str__(self):
        return f"{self.unit} · {self.batch}"

    @property
    def responsible_experts(self):
        """The named experts who may review the unit now: active experts, never
        one tied to it (an expert's affiliation can change after being named)."""
        return [
            e
            for e in self.experts.all()
            if e.is_active and e.is_expert and e.affiliation_id != self.unit_id
        ]


class Stage(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary check")
    PRE_REVIEW = "pre_review", _("Pre-review")
    REVIEW = "review", _("Expert review")
    MEETING = "meeting", _("Joint review meeting")


class StageRecord(models.Model):
    """The outcome of 初审, 预审 or 会审 on one plan version (reviews/workflow.py has
    the order). A skipped stage, or an expert review closed with fewer sheets than
    the quorum, is a record with outcome "skipped" and the office's reason in
    `comments`; for check material such a record names its `submission`."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Passed")
        RETURN = "return", _("Returned to the unit")
        RECOMMEND = "recommend", _("Recommended")
        RECOMMEND_CHANGES = "recommend_changes", _("Recommended with changes")
        NOT_RECOMMEND = "not_recommend", _("Not recommended")
        CONCLUDED = "concluded", _("Conclusions agreed")
        SKIPPED = "skipped", _("Skipped, with the office's reason")

    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_stages",
    )
    submission = models.ForeignKey(
        "Submission",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stage_records",
    )
    version = models.ForeignKey(
        "plans.PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    comments = models.TextField(_("comments"), blank=True)
    # 会审 only.
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    experts_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("experts present"),
    )
    contact_comments = models.TextField(_("comments of the contact"), blank=True)
    department_comments = models.TextField(_("comments of the department"), blank=True)
    expert_comments = models.TextField(_("comments of the experts"), blank=True)
    minority_view = models.TextField(_("minority view"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review stage record")
        verbose_name_plural = _("review stage records")

    def __str__(self):
        return f"{self.get_stage_display()}: {self.get_outcome_display()}"

    @property
    def is_skip(self):
        return self.outcome == self.Outcome.SKIPPED


class Round(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan review")
        MIDTERM = "midterm", _("Mid-term check")
        ACCEPTANCE = "acceptance", _("Acceptance")

    class Method(models.TextChoices):
        MEAN = "mean", _("Mean")
        MEDIAN = "median", _("Median")
        TRIMMED = "trimmed", _("Trimmed mean")

    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="review_rounds"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    method = models.CharField(
        _("aggregation method"), max_length=10, choices=Method.choices, default="mean"
    )
    disagreement = models.DecimalField(
        _("disagreement flag (points of spread)"),
        max_digits=5,
        decimal_places=1,
        default=20,
    )
    # Acceptance grades: 优秀 ≥ excellent, 良好 ≥ good, 合格 ≥ passing, else 不合格.
    grade_excellent = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=1, default=90
    )
    grade_good = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=1, default=75
    )
    grade_pass = models.DecimalField(
        _("pass from"), max_digits=5, decimal_places=1, default=60
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum (score sheets before a decision)"),
        null=True,
        blank=True,
        help_text=_("Empty: every assigned expert."),
    )
    show_expert_names = models.BooleanField(
        _("show expert names to the units"),
        default=False,
        help_text=_(
            "Off: units read the experts' comments without names, and never see "
            "who attended the joint meeting or the minority view."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2)
    minimum = models.DecimalField(
        _("minimum"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=0), name="criterion_max_positive"
            ),
        ]

    def __str__(self):
        return self.name


class Submission(models.Model):
    """What one unit puts before a round: a plan version now; mid-term or
    acceptance material later (a title and text/link). A resubmitted plan is a
    new Submission; the old one stays, no longer current, its sheets locked."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="submissions"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit", on_delete=models.CASCADE, related_name="+"
    )
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_submissions",
    )
    # Mid-term and acceptance: the unit's material, submitted in milestones.
    check_material = models.ForeignKey(
        "milestones.CheckMaterial",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_submissions",
    )
    material_title = models.CharField(_("material"), max_length=200, blank=True)
    material_text = models.TextField(_("material text or link"), blank=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__order", "pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=models.Q(is_current=True),
                name="one_current_submission_per_unit",
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.round}"


class Assignment(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "expert"], name="one_assignment_per_expert"
            )
        ]

    def __str__(self):
        return f"{self.expert} → {self.submission}"


class ConflictDeclaration(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="conflicts"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.expert} ≠ {self.submission}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ScoreSheet(models.Model):
    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="sheet"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default="draft"
    )
    comments = models.TextField(_("comments for the unit"), blank=True)
    confidential = models.TextField(
        _("confidential remarks for the office"), blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self):
        return f"{self.assignment}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        APPROVE_WITH_REVISIONS = "approve_revisions", _("Approve with revisions")
        RETURN = "return", _("Return for revision")
        REJECT = "reject", _("Reject")

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    opinion = models.TextField(_("written opinion"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")

    def __str__(self):
        return self.get_outcome_display()
