from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from pilots.models import History

from .models import Plan, PlanComment, PlanVersion


class HistoryInline(GenericTabularInline):
    """The plan's rows of the shared history, read-only: only the services write
    them."""

    model = History
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "from_state", "to_state", "by", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    # Status is read-only here: only plans.services changes it (history rows).
    list_display = ["unit", "batch", "status", "status_changed_at", "is_demo"]
    list_filter = ["batch", "status", "is_demo"]
    readonly_fields = ["batch", "unit", "status", "status_changed_at"]
    inlines = [HistoryInline]


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
        "content_sha256",
    ]


@admin.register(PlanComment)
class PlanCommentAdmin(admin.ModelAdmin):
    list_display = ["plan", "section", "author", "created_at", "is_addressed"]
    list_filter = ["is_addressed", "section"]
