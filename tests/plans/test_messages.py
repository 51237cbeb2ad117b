"""Every plan message reaches each recipient in their own language, with a full
link under PORTAL_URL in the e-mail."""

import datetime

import pytest
import time_machine

from plans import services
from plans.models import Anchor, Status
from tests.conftest import told

from .builders import complete_plan, current_plan

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ZHEJIANG_EN = "Zhejiang Provincial Department of Water Resources"


def _submitted(plan, unit_user, day=10):
    at = datetime.datetime(2020, 4, day, 12, tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)


def test_plan_submitted_is_told_in_each_recipients_language(
    zhejiang, unit_user, office_user, english_office_user, portal_url
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user, day=18)
    title, body, subject, email = told(office_user, "plan_submitted")
    assert title == "浙江省水利厅提交了实施方案（第1版）"
    assert body.endswith("\n\n逾期提交：晚于截止日期2020-04-15共3天。")
    assert subject == "[智慧水利先行先试] 浙江省水利厅提交了实施方案（第1版）"
    assert email.startswith("office-persona，您好：")
    assert f"在门户中查看： {portal_url}/plans/zhejiang/" in email
    title, body, subject, email = told(english_office_user, "plan_submitted")
    assert title == f"{ZHEJIANG_EN} submitted its implementation plan (version 1)"
    assert body == (
        f"{ZHEJIANG_EN} submitted version 1 of its plan for "
        "“Smart-water pilots (2020)”.\n\n"
        "Submitted late: 3 day(s) after the due date 2020-04-15."
    )
    assert subject == f"[Smart-water pilots] {title}"
    assert email.startswith("Dear Ann,")
    assert f"Open in the portal: {portal_url}/plans/zhejiang/" in email


DECISIONS = [
    (
        services.return_plan,
        "plan_returned",
        "你单位的实施方案已退回修改",
        "Your implementation plan was returned for revision",
    ),
    (
        services.approve_plan,
        "plan_approved",
        "你单位的实施方案已审核通过",
        "Your implementation plan was approved",
    ),
    (
        services.reject_plan,
        "plan_rejected",
        "你单位的实施方案未获通过",
        "Your implementation plan was rejected",
    ),
]


@pytest.mark.parametrize(("verb", "kind", "chinese", "english"), DECISIONS)
def test_plan_decision_is_told_in_each_recipients_language(
    zhejiang,
    unit_user,
    english_unit_user,
    office_user,
    portal_url,
    verb,
    kind,
    chinese,
    english,
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    if verb is services.reject_plan:
        services.start_review(plan=plan, expected=Status.SUBMITTED, user=office_user)
    verb(plan=plan, expected=plan.status, user=office_user, comment="请补充。")
    title, body, _subject, email = told(unit_user, kind)
    assert title == chinese
    assert body.endswith("\n\n意见：请补充。")
    assert f"{portal_url}/plans/zhejiang/" in email
    title, body, _subject, email = told(english_unit_user, kind)
    assert title == english
    assert body.startswith("The programme office ")
    assert body.endswith("\n\nComment: 请补充。")
    assert f"Open in the portal: {portal_url}/plans/zhejiang/" in email


def test_plan_extension_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    plan = current_plan(zhejiang)
    services.grant_extension(
        plan=plan, due=datetime.date(2020, 4, 20), reason="汛期", user=office_user
    )
    title, body, _subject, email = told(unit_user, "plan_extension")
    assert (title, body) == (
        "你单位实施方案的提交截止日期已延期",
        "实施方案的提交截止日期由2020-04-15延至2020-04-20，提醒按新日期发送。"
        "\n\n理由：汛期",
    )
    assert f"{portal_url}/plans/zhejiang/" in email
    title, body, _subject, email = told(english_unit_user, "plan_extension")
    assert (title, body) == (
        "The deadline of your implementation plan was extended",
        "The due date of your implementation plan moved from 2020-04-15 to "
        "2020-04-20. The reminders follow the new date.\n\nReason: 汛期",
    )
    assert f"Open in the portal: {portal_url}/plans/zhejiang/" in email


def test_plan_comment_is_told_in_each_recipients_language(
    zhejiang, unit_user, english_unit_user, office_user, portal_url
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    services.add_comment(
        plan=plan, section=Anchor.STATUS_QUO, body="请补充现状。", user=office_user
    )
    title, body, _subject, email = told(unit_user, "plan_comment")
    assert (title, body) == (
        "你单位的实施方案有新的审核意见",
        "office-persona对“现状与问题”提出意见：请补充现状。",
    )
    assert f"{portal_url}/plans/zhejiang/" in email
    title, body, _subject, email = told(english_unit_user, "plan_comment")
    assert title == "New comment on your implementation plan"
    assert body == "office-persona commented on “Status quo and problems”: 请补充现状。"
    assert f"Open in the portal: {portal_url}/plans/zhejiang/" in email
