"""Demo messages from the public and a demo public notice (all marked 演示).

Safe to run twice: messages are found again by their subject and is_demo, the
notice is made once; what the office changed on them is kept.
"""

import datetime

from django.utils import timezone

from milestones.models import CheckKind
from pilots.models import PilotUnit, User

from .models import PublicMessage, PublicNotice
from .public_messages import moderate, results_notice

Status = PublicMessage.Status
Kind = PublicMessage.Kind

# (subject, kind, unit slug, body, status, answer)
MESSAGES = [
    (
        "先行先试成果何时可以推广？（演示）",
        Kind.QUESTION,
        None,
        "请问先行先试形成的可复制可推广成果什么时候向其他地区推广？（演示留言）",
        Status.PUBLISHED,
        "成果将在任务验收后经专家组评估，择优在专栏“可推广可复制成果”中发布并推广。"
        "（演示答复）",
    ),
    (
        "建议公开浙江数字孪生流域的建设经验（演示）",
        Kind.SUGGESTION,
        "zhejiang",
        "建议在专栏中介绍浙江省在水利数字化改革方面的做法，便于兄弟省份学习借鉴。"
        "（演示留言）",
        Status.PUBLISHED,
        "感谢您的建议。浙江省的相关进展将在“工作进展”栏目陆续发布。（演示答复）",
    ),
    (
        "水旱灾害预警信息能否向公众开放？（演示）",
        Kind.QUESTION,
        None,
        "希望了解先行先试中的预警信息是否会通过门户向社会公众发布。（演示留言）",
        Status.PENDING,
        "",
    ),
    (
        "关于深圳市智慧水务试点的建议（演示）",
        Kind.SUGGESTION,
        "shenzhen",
        "建议增加河湖水质在线监测数据的展示。（演示留言）",
        Status.PENDING,
        "",
    ),
    (
        "广告推广（演示：已拒绝的留言）",
        Kind.SUGGESTION,
        None,
        "与先行先试无关的广告内容。（演示留言）",
        Status.REJECTED,
        "",
    ),
]

DEMO = "（演示）"
# Seeded before December 2026: it announced acceptances the demo never had. Removed
# by the next seed_demo unless the office has rewritten its list.
FALSE_NOTICE_TITLE = "智慧水利先行先试任务验收结果公示（演示）"


def seed(batch, stdout):
    office = User.objects.filter(username="office").first()
    seed_notice(batch, office, stdout)
    units = {unit.slug: unit for unit in PilotUnit.objects.all()}
    for subject, kind, slug, body, status, answer in MESSAGES:
        message, created = PublicMessage.objects.get_or_create(
            subject=subject,
            is_demo=True,
            defaults={
                "kind": kind,
                "unit": units.get(slug),
                "name": "演示用户",
                "email": "public@demo.invalid",
                "body": body,
                "client_hash": "demo",
            },
        )
        if created and status != Status.PENDING:
            # Through the one writer of status, as the office would.
            moderate(message=message, to_status=status, answer=answer, by=office)
    stdout.write("column: demo messages from the public")


def seed_notice(batch, office, stdout):
    """An open 公示 of the demo's mid-term check results, naming the units that
    passed it in the demo data (milestones.demo_checks, seeded before): a demo
    notice must not announce an acceptance that the demo has not had."""
    PublicNotice.objects.filter(
        is_demo=True, title=FALSE_NOTICE_TITLE, body__contains="1. 浙江省水利厅（优秀）"
    ).delete()
    if PublicNotice.objects.filter(is_demo=True).exists():
        return
    notice = results_notice(kind=CheckKind.MIDTERM, batch=batch)
    if notice is None:
        stdout.write("column: no unit passed a check in the demo, no public notice")
        return
    today = timezone.localdate()
    created = PublicNotice.objects.create(
        title=notice["title"] + DEMO,
        body="本公示为演示数据。\n" + notice["body"],
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=5),
        published=True,
        created_by=office,
        is_demo=True,
    )
    created.units.set(notice["units"])
    stdout.write("column: an open public notice of the mid-term check results")
