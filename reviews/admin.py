from django.contrib import admin

from .models import (
    Assignment,
    Criterion,
    Decision,
    Round,
    ScoreSheet,
    StageRecord,
    Submission,
    UnitReviewers,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "batch", "opens_on", "closes_on", "method"]
    list_filter = ["kind", "batch"]
    inlines = [CriterionInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["unit", "round", "plan_version", "is_current"]
    list_filter = ["round"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["expert", "submission", "assigned_at"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["assignment", "status", "submitted_at"]
    readonly_fields = ["status", "submitted_at"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["submission", "outcome", "by", "at"]
    readonly_fields = ["outcome"]


@admin.register(StageRecord)
class StageRecordAdmin(admin.ModelAdmin):
    list_display = ["plan", "stage", "outcome", "by", "at"]


admin.site.register(UnitReviewers)
