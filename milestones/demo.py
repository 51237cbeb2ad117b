"""Demo notifications (marked 演示) for the demo accounts. Safe to run twice: every
message has a dedupe key, so a second run writes nothing."""

from django.urls import reverse

from pilots.messaging import WrittenMessage, notify
from pilots.models import User


def seed(batch, stdout):
    units = User.objects.unit_members().filter(username__startswith="unit-")
    for user in units.select_related("unit"):
        notify(
            WrittenMessage(
                recipients=[user],
                kind="demo.welcome",
                title="欢迎使用智慧水利先行先试门户（演示）",
                body="这是一条演示通知。时间线页面列出本批次的关键日期和本单位的截止日期。",
                url=reverse("milestones:timeline"),
                dedupe_key=f"demo:welcome:{batch.pk}",
                email=False,
            )
        )
        notify(
            WrittenMessage(
                recipients=[user],
                kind="demo.reminder",
                title=(f"实施方案将于{batch.plan_due:%Y-%m-%d}截止（演示提醒）"),
                body="演示：每日提醒会在截止前7天、3天、1天和逾期后发送。",
                url=reverse("milestones:timeline"),
                dedupe_key=f"demo:reminder:{batch.pk}",
            )
        )
    office = User.objects.filter(username="office")
    notify(
        WrittenMessage(
            recipients=list(office),
            kind="demo.welcome",
            title="提醒规则可在“项目设置”中修改（演示）",
            body=(
                "网信办可在“项目设置 › 提醒规则”中调整提醒的提前天数和文字，"
                "保存前可预览；时间节点和单位延期也在“项目设置”中维护。"
            ),
            url=reverse("milestones:programme_rules"),
            dedupe_key=f"demo:office:{batch.pk}",
            email=False,
        )
    )
    stdout.write("milestones: demo notifications and a pending reminder e-mail each")
