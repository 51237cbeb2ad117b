"""Default reminders for the mid-term and acceptance material, as for the plan:
7, 3 and 1 days ahead, then one day overdue. Only a unit that owes the material
is reminded (milestones/outstanding.py: its plan approved, the window open, the
material not submitted). The office edits them on /programme/reminders/."""

from django.db import migrations

BEFORE_SUBJECT = "{{ deadline }}将于{{ due|date:'Y-m-d' }}截止（还有{{ days }}天）"
BEFORE_BODY = (
    "{{ unit }}：\n\n"
    "{{ batch }}的{{ deadline }}将于{{ due|date:'Y-m-d' }}截止，还有{{ days }}天。"
    "请按时在门户中提交。如需延期，请与网信办联系。"
)
OVERDUE_SUBJECT = "{{ deadline }}已逾期（截止日期{{ due|date:'Y-m-d' }}）"
OVERDUE_BODY = (
    "{{ unit }}：\n\n"
    "{{ batch }}的{{ deadline }}已于{{ due|date:'Y-m-d' }}截止，门户中尚未收到。"
    "请尽快提交，或与网信办联系说明情况。"
)
KINDS = ("midterm_end", "acceptance_due")


def add_rules(apps, schema_editor):
    ReminderRule = apps.get_model("milestones", "ReminderRule")
    for kind in KINDS:
        for days in (7, 3, 1):
            ReminderRule.objects.get_or_create(
                kind=kind,
                days_before=days,
                defaults={"subject": BEFORE_SUBJECT, "body": BEFORE_BODY},
            )
        ReminderRule.objects.get_or_create(
            kind=kind,
            days_before=-1,
            defaults={"subject": OVERDUE_SUBJECT, "body": OVERDUE_BODY},
        )


class Migration(migrations.Migration):
    dependencies = [("milestones", "0009_reminder_per_due_date")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
