"""The column's messages: the office reads them in each member's language; the
public, who have no account, get their answer in the portal's language."""

import datetime

import time_machine
from django.utils import translation

from column import public_messages as services
from column.models import PublicMessage
from pilots.models import OutboxEmail
from tests.conftest import told


def test_public_message_received_is_told_in_each_recipients_language(
    office_user, english_office_user, portal_url
):
    message = services.submit_message(
        data={
            "kind": PublicMessage.Kind.SUGGESTION,
            "name": "张三",
            "email": "zhang@example.test",
            "subject": "关于水资源监测的建议",
            "body": "建议公布更多数据。",
        },
        client="someone",
    )
    link = f"{portal_url}/office/messages/{message.pk}/"
    title, body, _subject, email = told(office_user, "public_message.received")
    assert (title, body) == (
        "公众新留言：关于水资源监测的建议",
        "收到一条“意见建议”，等待审核。",
    )
    assert link in email
    title, body, _subject, email = told(english_office_user, "public_message.received")
    assert (title, body) == (
        "New message from the public: 关于水资源监测的建议",
        "Suggestion received; it waits for moderation.",
    )
    assert f"Open in the portal: {link}" in email


def test_public_message_answer_is_in_chinese_whatever_the_active_language(
    office_user,
):
    written = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    with time_machine.travel(written, tick=False):
        message = PublicMessage.objects.create(
            name="李四",
            email="li@example.test",
            subject="一个问题",
            body="请问进展如何？",
            client_hash="someone",
        )
    with translation.override("en"):
        services.moderate(
            message=message,
            to_status=PublicMessage.Status.ANSWERED,
            answer="按计划推进。",
            by=office_user,
        )
    email = OutboxEmail.objects.get()
    assert (email.to, email.subject) == (
        "li@example.test",
        "对您的留言“一个问题”的答复",
    )
    # 23:30 UTC is the next morning in Beijing.
    assert email.body == (
        "李四，您好：\n\n感谢您于 2026-03-02 提交的留言：\n\n请问进展如何？\n\n"
        "答复如下：\n\n按计划推进。\n\n水利部网信办 智慧水利先行先试工作组"
    )
