from django.contrib import admin

from .models import Plan, PlanComment, PlanTransition, PlanVersion


class TransitionInline(admin.TabularInline):
    model = PlanTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    # Status is read-only here: only plans.services changes it (history rows).
    list_display = ["unit", "batch", "status", "status_changed_at", "is_demo"]
    list_filter = ["batch", "status", "is_demo"]
    readonly_fields = ["batch", "unit", "status", "status_changed_at"]
    inlines = [TransitionInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "submitted_at", "is_late", "days_late"]
    list_filter = ["is_late"]
    readonly_fields = [
        "plan",
        "number",
        "content",
        "submitted_at",
        "submitted_by",
        "due",
        "is_late",
        "days_late",
    ]


@admin.register(PlanComment)
class PlanCommentAdmin(admin.ModelAdmin):
    list_display = ["plan", "section", "author", "created_at", "is_addressed"]
    list_filter = ["is_addressed", "section"]
