import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from pilots.history import history_of
from pilots.models import Department, Notification, OutboxEmail, User
from plans import messages, services
from plans.models import Anchor, Status
from tests.conftest import make_user

from .builders import complete_plan, current_plan

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _at(day, hour=12):
    return time_machine.travel(
        datetime.datetime(2020, 4, day, hour, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture
def other_department_user(db):
    # 办公厅 guides 行政管理, where Zhejiang has no task.
    return make_user(
        "general-office-persona",
        User.Role.DEPARTMENT,
        department=Department.objects.get(slug="general-office"),
    )


@pytest.fixture
def second_unit_user(zhejiang):
    return make_user("zhejiang-member-2", User.Role.UNIT, unit=zhejiang)


def _recipients(kind):
    return [
        n.recipient.username
        for n in Notification.objects.filter(kind=kind).order_by("recipient__pk")
    ]


def _submitted(plan, unit_user):
    with _at(10):
        return services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)


# ---- submit


def test_submit_tells_office_and_supervising_department_only(
    zhejiang,
    unit_user,
    office_user,
    department_user,
    other_department_user,
    other_unit_user,
    django_capture_on_commit_callbacks,
):
    inactive = make_user("office-inactive", User.Role.OFFICE, is_active=False)
    plan = complete_plan(current_plan(zhejiang))
    with django_capture_on_commit_callbacks() as callbacks:
        _submitted(plan, unit_user)
    assert _recipients("plan_submitted") == ["office-persona", "department-persona"]
    assert inactive.username not in _recipients("plan_submitted")
    notification = Notification.objects.get(recipient=office_user)
    assert notification.title == "浙江省水利厅提交了实施方案（第1版）"
    assert notification.body.startswith("浙江省水利厅提交了“")
    assert "实施方案第1版。" in notification.body
    assert "逾期" not in notification.body
    assert notification.url == "/plans/zhejiang/"
    assert sorted(e.to for e in OutboxEmail.objects.all()) == [
        "department-persona@example.test",
        "office-persona@example.test",
    ]
    email = OutboxEmail.objects.get(to=office_user.email)
    assert "浙江省水利厅提交了实施方案（第1版）" in email.subject
    assert "/plans/zhejiang/" in email.body
    # On commit: the public pages' cache is dropped (the history row), the
    # version's archival copy is handed to the worker, then the e-mail is sent,
    # once.
    assert [c.__name__ for c in callbacks] == [
        "invalidate",
        "send_render_on_commit",
        "_enqueue_drain",
    ]
    assert mail.outbox == []


def test_submit_late_says_so_in_the_body(zhejiang, unit_user, office_user):
    plan = complete_plan(current_plan(zhejiang))
    with _at(18):
        services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    body = Notification.objects.get(recipient=office_user).body
    assert "逾期提交：晚于截止日期2020-04-15共3天。" in body


def test_notification_texts_are_chinese_whatever_the_active_language(
    zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    with translation.override("en"):
        _submitted(plan, unit_user)
    assert (
        Notification.objects.get(recipient=office_user).title
        == "浙江省水利厅提交了实施方案（第1版）"
    )


def test_resubmission_tells_again_with_the_new_version(
    zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    with _at(11):
        services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    assert [
        n.title
        for n in Notification.objects.filter(
            recipient=office_user, kind="plan_submitted"
        ).order_by("pk")
    ] == ["浙江省水利厅提交了实施方案（第1版）", "浙江省水利厅提交了实施方案（第2版）"]


def test_stale_submit_writes_and_enqueues_nothing(
    zhejiang, unit_user, office_user, django_capture_on_commit_callbacks
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    Notification.objects.all().delete()
    OutboxEmail.objects.all().delete()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(services.StaleTransition):
            services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    assert Notification.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert callbacks == []


# ---- decisions


def test_return_tells_the_units_members_with_the_comment(
    zhejiang,
    unit_user,
    second_unit_user,
    other_unit_user,
    office_user,
    department_user,
    django_capture_on_commit_callbacks,
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    with django_capture_on_commit_callbacks() as callbacks:
        services.return_plan(
            plan=plan,
            expected=Status.SUBMITTED,
            user=office_user,
            comment="请补充数据需求。",
        )
    assert _recipients("plan_returned") == ["zhejiang-member", "zhejiang-member-2"]
    notification = Notification.objects.get(kind="plan_returned", recipient=unit_user)
    assert notification.title == "你单位的实施方案已退回修改"
    assert notification.body == (
        "水利部网信办已将实施方案退回修改，请修改后重新提交。\n\n意见：请补充数据需求。"
    )
    assert notification.url == "/plans/zhejiang/"
    assert sorted(
        OutboxEmail.objects.filter(subject__contains="退回修改").values_list(
            "to", flat=True
        )
    ) == ["zhejiang-member-2@example.test", "zhejiang-member@example.test"]
    # On commit: the public pages' cache is dropped (the history row), then the
    # e-mail is sent, once.
    assert [c.__name__ for c in callbacks] == ["invalidate", "_enqueue_drain"]


def test_approve_tells_the_units_members_with_the_comment(
    zhejiang, unit_user, other_unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.approve_plan(
        plan=plan, expected=Status.SUBMITTED, user=office_user, comment="同意实施。"
    )
    assert _recipients("plan_approved") == ["zhejiang-member"]
    notification = Notification.objects.get(kind="plan_approved")
    assert notification.title == "你单位的实施方案已审核通过"
    assert notification.body == (
        "水利部网信办已审核通过你单位的实施方案。\n\n意见：同意实施。"
    )
    assert OutboxEmail.objects.filter(to=other_unit_user.email).count() == 0


def test_reject_without_comment_has_no_comment_line(zhejiang, unit_user, office_user):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.start_review(plan=plan, expected=Status.SUBMITTED, user=office_user)
    services.reject_plan(plan=plan, expected=Status.UNDER_REVIEW, user=office_user)
    notification = Notification.objects.get(kind="plan_rejected")
    assert notification.recipient == unit_user
    assert notification.title == "你单位的实施方案未获通过"
    assert notification.body == "水利部网信办未通过你单位的实施方案。"


def test_stale_return_writes_and_enqueues_nothing(
    zhejiang, unit_user, office_user, django_capture_on_commit_callbacks
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.approve_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    before = (Notification.objects.count(), OutboxEmail.objects.count())
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(services.StaleTransition):
            services.return_plan(
                plan=plan, expected=Status.SUBMITTED, user=office_user, comment="x"
            )
    assert (Notification.objects.count(), OutboxEmail.objects.count()) == before
    assert Notification.objects.filter(kind="plan_returned").count() == 0
    assert callbacks == []


def test_same_transition_notified_twice_is_written_once(
    zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    transition = history_of(plan).get(to_state=Status.RETURNED)
    messages.plan_decided(plan=plan, transition=transition)
    assert Notification.objects.filter(kind="plan_returned").count() == 1
    assert OutboxEmail.objects.filter(to=unit_user.email).count() == 1


# ---- extension and comments


def test_extension_tells_the_units_members_the_new_due_date(
    zhejiang,
    unit_user,
    other_unit_user,
    office_user,
    django_capture_on_commit_callbacks,
):
    plan = current_plan(zhejiang)
    with django_capture_on_commit_callbacks() as callbacks:
        services.grant_extension(
            plan=plan, due=datetime.date(2020, 4, 20), reason="汛期", user=office_user
        )
    assert _recipients("plan_extension") == ["zhejiang-member"]
    notification = Notification.objects.get(kind="plan_extension")
    assert notification.title == "你单位实施方案的提交截止日期已延期"
    assert notification.body == (
        "实施方案的提交截止日期由2020-04-15延至2020-04-20，提醒按新日期发送。"
        "\n\n理由：汛期"
    )
    assert OutboxEmail.objects.get().to == unit_user.email
    # On commit: the public pages' cache is dropped (the history row), then the
    # e-mail is sent, once.
    assert [c.__name__ for c in callbacks] == ["invalidate", "_enqueue_drain"]


def test_comment_on_a_returned_plan_tells_the_unit(zhejiang, unit_user, office_user):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    services.add_comment(
        plan=plan, section=Anchor.STATUS_QUO, body="请补充现状。", user=office_user
    )
    notification = Notification.objects.get(kind="plan_comment")
    assert notification.recipient == unit_user
    assert notification.title == "你单位的实施方案有新的审核意见"
    assert notification.body == ("office-persona对“现状与问题”提出意见：请补充现状。")


def test_comment_while_the_office_holds_the_plan_tells_nobody(
    zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    _submitted(plan, unit_user)
    services.add_comment(
        plan=plan, section=Anchor.STATUS_QUO, body="请补充现状。", user=office_user
    )
    assert Notification.objects.filter(kind="plan_comment").count() == 0
