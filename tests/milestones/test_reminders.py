import datetime
import threading
import time
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from milestones import reminders
from milestones.models import ReminderRule, SentReminder
from milestones.tasks import send_due_reminders_task
from pilots.models import (
    Batch,
    DeadlineKind,
    Extension,
    Notification,
    OutboxEmail,
    PilotUnit,
    User,
)
from tests.conftest import make_user
from tests.milestones.test_programme import timeline_form

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The 2020 batch (the current one in the programme data): plans due 2020-04-15.


def at(day, hour=9, minute=0):
    return datetime.datetime(2020, 4, day, hour, minute, tzinfo=SHANGHAI)


def _recipients():
    return sorted(n.recipient.username for n in Notification.objects.all())


def test_default_rules_remind_7_3_1_days_ahead_and_overdue(db):
    rules = ReminderRule.objects.filter(kind=DeadlineKind.PLAN, active=True)
    assert sorted(rules.values_list("days_before", flat=True)) == [-1, 1, 3, 7]


def test_reminder_reaches_unit_members_seven_days_ahead(
    unit_user, other_unit_user, office_user, expert_user
):
    with time_machine.travel(at(8), tick=False):
        assert send_due_reminders_task() is None
    assert _recipients() == ["fujian-member", "zhejiang-member"]
    notification = Notification.objects.get(recipient=unit_user)
    assert notification.title == "实施方案将于2020-04-15截止（还有7天）"
    assert notification.body.startswith(f"{unit_user.unit.name}：")
    assert notification.url == "/timeline/"
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == [
        other_unit_user.email,
        unit_user.email,
    ]


def test_reminder_day_starts_at_midnight_in_shanghai(unit_user):
    # 23:59 on 7 April in Shanghai is 8 days before; one minute past midnight is 7.
    with time_machine.travel(at(7, 23, 59), tick=False):
        assert reminders.send_due_reminders() == 0
    with time_machine.travel(at(8, 0, 1), tick=False):
        assert reminders.send_due_reminders() == 1
    assert _recipients() == ["zhejiang-member"]


def test_no_reminder_between_lead_days(unit_user):
    for day in (9, 10, 11, 13, 15):
        with time_machine.travel(at(day), tick=False):
            assert reminders.send_due_reminders() == 0
    assert Notification.objects.count() == 0


def test_overdue_reminder_the_day_after(unit_user):
    with time_machine.travel(at(16), tick=False):
        assert reminders.send_due_reminders() == 1
    assert Notification.objects.get().title == "实施方案已逾期（截止日期2020-04-15）"


def test_extension_moves_the_reminders(unit_user, other_unit_user, office_user):
    Extension.objects.create(
        batch=Batch.objects.get(slug="2020"),
        unit=unit_user.unit,
        kind=DeadlineKind.PLAN,
        due=datetime.date(2020, 4, 30),
        granted_by=office_user,
    )
    with time_machine.travel(at(8), tick=False):
        reminders.send_due_reminders()
    assert _recipients() == ["fujian-member"]
    with time_machine.travel(at(23), tick=False):
        reminders.send_due_reminders()
    assert _recipients() == ["fujian-member", "zhejiang-member"]


def test_inactive_rule_sends_nothing(unit_user):
    ReminderRule.objects.filter(days_before=7).update(active=False)
    with time_machine.travel(at(8), tick=False):
        assert reminders.send_due_reminders() == 0


@pytest.mark.parametrize(
    ("status", "reminded"),
    [("draft", True), ("submitted", False), ("returned", False), ("approved", False)],
)
def test_units_with_a_submitted_plan_are_not_reminded(
    unit_user, other_unit_user, status, reminded
):
    from plans.models import Plan

    Plan.objects.create(
        batch=Batch.objects.get(slug="2020"), unit=unit_user.unit, status=status
    )
    with time_machine.travel(at(8), tick=False):
        reminders.send_due_reminders()
    expected = ["fujian-member", "zhejiang-member"] if reminded else ["fujian-member"]
    assert _recipients() == expected


def test_reminders_run_twice_send_once(unit_user, other_unit_user):
    with time_machine.travel(at(14), tick=False):
        assert reminders.send_due_reminders() == 2
        assert reminders.send_due_reminders() == 0
    assert Notification.objects.count() == 2
    assert OutboxEmail.objects.count() == 2
    assert SentReminder.objects.count() == 2


def _members(count):
    units = list(PilotUnit.objects.all())
    for i in range(count):
        unit = units[i % len(units)]
        make_user(f"member-{i}", User.Role.UNIT, unit=unit)


def test_reminder_scan_query_count_is_constant(db, django_assert_num_queries):
    _members(2)
    # 12 with the default rules of every deadline (the material's state is read
    # once for the mid-term and acceptance rules), at 2 members as at 20.
    with time_machine.travel(at(12), tick=False):
        with django_assert_num_queries(12):
            assert reminders.send_due_reminders() == 2
    User.objects.filter(username__startswith="member-").delete()
    _members(20)
    with time_machine.travel(at(14), tick=False):
        with django_assert_num_queries(12):
            assert reminders.send_due_reminders() == 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_scans_send_each_reminder_once():
    _members(22)
    barrier = threading.Barrier(2)
    counts = []

    def scan():
        try:
            barrier.wait()
            counts.append(reminders.send_due_reminders(today=datetime.date(2020, 4, 8)))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 22]
    assert Notification.objects.count() == 22
    assert OutboxEmail.objects.count() == 22
    assert SentReminder.objects.count() == 22


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_celery_worker_delivers_a_reminder_by_email(celery_worker):
    today = timezone.localdate()
    Batch.objects.filter(slug="2020").update(plan_due=today + datetime.timedelta(3))
    user = make_user(
        "zhejiang-worker", User.Role.UNIT, unit=PilotUnit.objects.get(slug="zhejiang")
    )
    send_due_reminders_task.delay()
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "还有3天" in mail.outbox[0].subject
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_reminder_rule_form_refuses_a_broken_template(db):
    from milestones.forms import ReminderRuleForm

    form = ReminderRuleForm(
        data={
            "kind": DeadlineKind.PLAN,
            "days_before": 14,
            "subject": "{% if %}",
            "body": "{{ unit }}: {{ due|date:'Y-m-d' }}",
            "active": True,
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["subject"]
    assert form.data["subject"] == "{% if %}"


def test_office_edits_a_reminder_rule_in_the_admin(client, db):
    office = make_user("office-admin", User.Role.OFFICE, is_staff=True)
    office.is_superuser = True
    office.save()
    rule = ReminderRule.objects.get(kind=DeadlineKind.PLAN, days_before=3)
    client.force_login(office)
    response = client.post(
        f"/admin/milestones/reminderrule/{rule.pk}/change/",
        {
            "kind": DeadlineKind.PLAN,
            "days_before": 2,
            "subject": "还有{{ days }}天",
            "body": "{{ unit }}",
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.days_before, rule.subject) == (2, "还有{{ days }}天")


def test_a_moved_deadline_gets_its_own_reminders_once(unit_user, office_user):
    # Due 2020-04-15: the one-day reminder on the 14th. Extended to the 18th: the
    # one-day reminder of the new date on the 17th, once.
    with time_machine.travel(at(14), tick=False):
        reminders.send_due_reminders()
    assert _recipients().count("zhejiang-member") == 1
    Extension.objects.create(
        batch=Batch.objects.get(slug="2020"),
        unit=unit_user.unit,
        kind=DeadlineKind.PLAN,
        due=datetime.date(2020, 4, 18),
        granted_by=office_user,
    )
    with time_machine.travel(at(17), tick=False):
        reminders.send_due_reminders()
        reminders.send_due_reminders()
    assert _recipients().count("zhejiang-member") == 2
    dues = SentReminder.objects.filter(user=unit_user, days_before=1)
    assert sorted(dues.values_list("due", flat=True)) == [
        datetime.date(2020, 4, 15),
        datetime.date(2020, 4, 18),
    ]


@pytest.mark.parametrize("kind", list(DeadlineKind))
def test_every_deadline_has_default_rules(db, kind):
    rules = ReminderRule.objects.filter(kind=kind, active=True)
    assert sorted(rules.values_list("days_before", flat=True)) == [-1, 1, 3, 7]


def test_mid_term_material_is_reminded_only_to_units_whose_plan_is_approved(
    unit_user, other_unit_user, office_user
):
    from tests.milestones.checks_builders import approved_plan

    approved_plan(unit_user.unit, unit_user, office_user)  # Zhejiang; Fujian not
    due = Batch.objects.get(slug="2020").midterm_end
    week_before = datetime.datetime.combine(
        due - datetime.timedelta(days=7), datetime.time(9), tzinfo=SHANGHAI
    )
    Notification.objects.all().delete()
    with time_machine.travel(week_before, tick=False):
        reminders.send_due_reminders()
    notices = Notification.objects.filter(kind=f"reminder.{DeadlineKind.MIDTERM}")
    assert [n.recipient.username for n in notices] == ["zhejiang-member"]
    assert "中期检查材料将于2021-06-30截止（还有7天）" in notices.get().title


def test_a_timeline_change_gets_reminders_for_the_new_date_once(
    client, unit_user, other_unit_user, office_user
):
    # Due 2020-04-15: the one-day reminders on the 14th. The office then moves
    # the programme's date to the 18th: the members are told once, and the new
    # date gets its own reminders (three days and one day before it), once each;
    # the old date none more.
    with time_machine.travel(at(14), tick=False):
        reminders.send_due_reminders()
    assert _recipients() == ["fujian-member", "zhejiang-member"]
    dates = timeline_form(Batch.objects.get(slug="2020"))
    client.force_login(office_user)
    with time_machine.travel(at(14, 10), tick=False):
        client.post(
            reverse("milestones:programme_timeline"),
            {**dates, "plan_due": "2020-04-18"},
        )
    moved = Notification.objects.filter(kind="deadline_moved")
    assert sorted(n.recipient.username for n in moved) == [
        "fujian-member",
        "zhejiang-member",
    ]
    Notification.objects.all().delete()
    # The 15th is three days before the new date; the 16th would have been the
    # old date's first overdue day: nothing then.
    with time_machine.travel(at(15), tick=False):
        reminders.send_due_reminders()
    assert _recipients() == ["fujian-member", "zhejiang-member"]
    Notification.objects.all().delete()
    with time_machine.travel(at(16), tick=False):
        reminders.send_due_reminders()
    assert _recipients() == []
    with time_machine.travel(at(17), tick=False):
        reminders.send_due_reminders()
        reminders.send_due_reminders()
    assert _recipients() == ["fujian-member", "zhejiang-member"]
    sent = SentReminder.objects.filter(user=unit_user).order_by("due", "-days_before")
    assert [(r.due.day, r.days_before) for r in sent] == [(15, 1), (18, 3), (18, 1)]
