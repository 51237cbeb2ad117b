from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Batch,
    BusinessDomain,
    Department,
    Extension,
    History,
    Notification,
    OutboxEmail,
    PilotUnit,
    Task,
    TechnologyDomain,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "department", "is_active")
    list_filter = ("role", "unit", "department", "expertise", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (
            _("Role in the programme"),
            {
                "fields": (
                    "full_name",
                    "role",
                    "unit",
                    "department",
                    "expertise",
                    "affiliation",
                    "phone",
                    "language",
                )
            },
        ),
    )


@admin.register(PilotUnit)
class PilotUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "level", "slug", "order")
    list_filter = ("level",)
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "business_domain", "evidence")
    list_filter = ("unit", "business_domain", "evidence", "technology_domains")
    search_fields = ("title", "title_en", "description")
    filter_horizontal = ("technology_domains",)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "plan_due",
        "implementation_start",
        "implementation_end",
        "is_current",
        "is_demo",
    )
    filter_horizontal = ("units",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en")
    filter_horizontal = ("business_domains",)


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = ["unit", "batch", "kind", "due", "granted_by", "granted_at"]
    list_filter = ["batch", "kind"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    readonly_fields = [field.name for field in Notification._meta.fields]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [field.name for field in OutboxEmail._meta.fields]


@admin.register(History)
class HistoryAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "from_state", "to_state", "by"]
    list_filter = ["content_type"]
    readonly_fields = [field.name for field in History._meta.fields]


admin.site.register(BusinessDomain)
admin.site.register(TechnologyDomain)
admin.site.site_header = _("Smart-water pilot programme")
admin.site.site_title = _("Smart-water pilots")
