from django.contrib import admin

from .forms import ReminderRuleForm
from .models import ReminderRule, SentReminder


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    form = ReminderRuleForm
    list_display = ["kind", "days_before", "subject", "active"]
    list_filter = ["kind", "active"]
    list_editable = ["active"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "batch", "unit", "days_before", "due", "sent_at"]
    list_filter = ["kind", "batch"]
    readonly_fields = [field.name for field in SentReminder._meta.fields]
