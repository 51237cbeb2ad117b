from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Batch,
    BusinessDomain,
    Department,
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


admin.site.register(BusinessDomain)
admin.site.register(TechnologyDomain)
admin.site.site_header = _("Smart-water pilot programme")
admin.site.site_title = _("Smart-water pilots")
