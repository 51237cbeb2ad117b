"""Default reminders for expert scoring: 3 and 1 days before a round closes, then
one day overdue. The office edits them on the programme settings page."""

from django.db import migrations

BEFORE_SUBJECT = (
    "{{ unit }}的评审打分将于{{ due|date:'Y-m-d' }}截止（还有{{ days }}天）"
)
BEFORE_BODY = (
    "专家您好：\n\n"
    "您负责评审的{{ unit }}材料（{{ batch }}）的评分将于{{ due|date:'Y-m-d' }}截止，"
    "还有{{ days }}天。请登录门户完成打分并提交。如与该单位存在利益关系，"
    "请在门户中声明回避。"
)
OVERDUE_SUBJECT = "{{ unit }}的评审打分已逾期（截止日期{{ due|date:'Y-m-d' }}）"
OVERDUE_BODY = (
    "专家您好：\n\n"
    "您负责评审的{{ unit }}材料（{{ batch }}）的评分已于{{ due|date:'Y-m-d' }}截止，"
    "已逾期{{ overdue_days }}天，门户中尚未收到您提交的评分。"
    "请尽快完成，或与网信办联系说明情况。"
)


def add_rules(apps, schema_editor):
    ReminderRule = apps.get_model("milestones", "ReminderRule")
    for days in (3, 1):
        ReminderRule.objects.get_or_create(
            kind="scoring",
            days_before=days,
            defaults={"subject": BEFORE_SUBJECT, "body": BEFORE_BODY},
        )
    ReminderRule.objects.get_or_create(
        kind="scoring",
        days_before=-1,
        defaults={"subject": OVERDUE_SUBJECT, "body": OVERDUE_BODY},
    )


class Migration(migrations.Migration):
    dependencies = [("milestones", "0004_progress_checks_achievements")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
