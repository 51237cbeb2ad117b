"""Default reminders for progress reports: 7, 3 and 1 days before a period's
report is due, then one day overdue. The office edits them in the admin."""

from django.db import migrations

BEFORE_SUBJECT = "本期{{ deadline }}将于{{ due|date:'Y-m-d' }}截止（还有{{ days }}天）"
BEFORE_BODY = (
    "{{ unit }}：\n\n"
    "{{ batch }}本期{{ deadline }}将于{{ due|date:'Y-m-d' }}截止，还有{{ days }}天。"
    "请在门户中按任务填写完成百分比、完成工作、存在问题和下一步计划，"
    "并对照已批准的实施方案填报各项进度计划和成果的状态后提交。"
)
OVERDUE_SUBJECT = "本期{{ deadline }}已逾期（截止日期{{ due|date:'Y-m-d' }}）"
OVERDUE_BODY = (
    "{{ unit }}：\n\n"
    "{{ batch }}本期{{ deadline }}已于{{ due|date:'Y-m-d' }}截止，门户中尚未收到。"
    "请尽快提交，或与网信办联系说明情况。"
)


def add_rules(apps, schema_editor):
    ReminderRule = apps.get_model("milestones", "ReminderRule")
    for days in (7, 3, 1):
        ReminderRule.objects.get_or_create(
            kind="report",
            days_before=days,
            defaults={"subject": BEFORE_SUBJECT, "body": BEFORE_BODY},
        )
    ReminderRule.objects.get_or_create(
        kind="report",
        days_before=-1,
        defaults={"subject": OVERDUE_SUBJECT, "body": OVERDUE_BODY},
    )


class Migration(migrations.Migration):
    dependencies = [("milestones", "0005_default_scoring_reminder_rules")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
