"""Demo notices to units (通知), marked 演示: one that asks every unit of the
batch for a reply by a date, one that asks the units and the experts to confirm
a meeting; some units have read, confirmed or replied. They are written as sent
without telling anyone (no notification, no e-mail to the demo accounts). Safe
to run twice: a notice is found again by its batch and title."""

import datetime

from django.utils import timezone

from pilots.history import record
from pilots.models import User

from .circulars import DRAFT, SENT, audience_units
from .models import Circular, CircularRead, CircularReply

# (title, text, what it asks, days to reply, to the experts too,
#  units that read it, units that answered it)
DEMO = [
    (
        "关于报送中期检查材料的通知（演示）",
        "演示数据：各试点单位：\n\n请对照批复的实施方案，整理中期检查自评报告和佐证材料，"
        "于回复截止日前在门户中回复本通知，并上传材料清单。\n\n先行先试工作办公室",
        Circular.Response.REPLY,
        14,
        False,
        ["zhejiang", "fujian", "changjiang"],
        ["zhejiang"],
    ),
    (
        "关于召开实施方案会审会议的通知（演示）",
        "演示数据：定于下周三上午9:00在部机关召开实施方案会审会议，请各试点单位"
        "分管负责同志参会，并请确认收到本通知。",
        Circular.Response.CONFIRM,
        5,
        True,
        ["zhejiang", "taihu"],
        ["taihu"],
    ),
]


def _member(unit):
    return User.objects.members_of(unit).order_by("pk").first()


def seed(batch, stdout):
    office = User.objects.office().order_by("pk").first()
    if office is None:
        stdout.write("milestones: no office account, demo notices skipped")
        return
    now = timezone.now()
    made = 0
    for title, body, response, days, to_experts, read, answered in DEMO:
        circular, created = Circular.objects.get_or_create(
            batch=batch,
            title=title,
            defaults={
                "body": body,
                "response": response,
                "reply_by": timezone.localdate() + datetime.timedelta(days=days),
                "to_experts": to_experts,
                "created_by": office,
                "sent_at": now - datetime.timedelta(days=1),
                "sent_by": office,
                "is_demo": True,
            },
        )
        if not created:
            continue
        made += 1
        units = {unit.slug: unit for unit in audience_units(circular)}
        circular.units.set(units.values())
        record(circular, from_state=DRAFT, to_state=SENT, by=office)
        for slug in read:
            member = units.get(slug) and _member(units[slug])
            if member is None:
                continue
            CircularRead.objects.get_or_create(
                circular=circular,
                user=member,
                defaults={"unit": member.unit, "read_at": now},
            )
            if slug not in answered:
                continue
            reply = {"circular": circular, "unit": member.unit, "is_demo": True}
            if response == Circular.Response.CONFIRM:
                reply |= {"confirmed_at": now, "confirmed_by": member}
            else:
                reply |= {
                    "text": "演示：中期检查自评报告已完成，将按期报送全部佐证材料。",
                    "replied_at": now,
                    "replied_by": member,
                }
            CircularReply.objects.create(**reply)
    stdout.write(f"milestones: {made} new demo notices")
