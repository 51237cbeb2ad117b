from django.contrib import admin

from .forms import ReminderRuleForm
from .models import (
    Extension,
    Notification,
    OutboxEmail,
    ReminderRule,
    SentReminder,
)


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    form = ReminderRuleForm
    list_display = ["kind", "days_before", "subject", "active"]
    list_filter = ["kind", "active"]
    list_editable = ["active"]


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


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "batch", "unit", "days_before", "due", "sent_at"]
    list_filter = ["kind", "batch"]
    readonly_fields = [field.name for field in SentReminder._meta.fields]
