"""Reminders of progress reports: right recipients, right days, once only, and a
query count that does not grow with units or members."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from milestones.models import ReminderKind, ReminderRule, SentReminder
from milestones.reminders import send_report_reminders
from milestones.tasks import send_due_reminders_task
from pilots.models import Batch, Notification, OutboxEmail, PilotUnit, User
from plans.models import Plan
from plans.models import Status as PlanStatus
from tests.conftest import make_user
from tests.milestones.progress_builders import make_report

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
# The 2020 batch, quarterly by default: Q2 2020's report is due 2020-07-10.
Q2 = D(2020, 4, 1)


@pytest.fixture(autouse=True)
def approved_plans(db):
    """Every unit of the batch has an approved plan: only then does it owe reports."""
    batch = Batch.objects.current()
    Plan.objects.bulk_create(
        Plan(batch=batch, unit=unit, status=PlanStatus.APPROVED)
        for unit in batch.units.all()
    )


def usernames():
    return sorted(Notification.objects.values_list("recipient__username", flat=True))


def test_default_report_rules_7_3_1_days_ahead_and_overdue():
    rules = ReminderRule.objects.filter(kind=ReminderKind.REPORT, active=True)

    assert sorted(rules.values_list("days_before", flat=True)) == [-1, 1, 3, 7]


def test_report_reminder_reaches_members_of_units_not_submitted(
    unit_user, other_unit_user, office_user, department_user, expert_user, fujian
):
    make_report(fujian, Q2)

    sent = send_report_reminders(today=D(2020, 7, 3))

    assert sent == 1
    assert usernames() == ["zhejiang-member"]
    notification = Notification.objects.get()
    assert notification.title == "本期进展报告将于2020-07-10截止（还有7天）"
    assert notification.body.startswith("浙江省水利厅：")
    assert notification.url == reverse(
        "milestones:progress_report", args=["zhejiang", "2020-04-01"]
    )
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [unit_user.email]
    assert SentReminder.objects.get().key == "2020-04-01"


@pytest.mark.parametrize("status", ["submitted", "returned", "rejected"])
def test_report_reminder_none_without_an_approved_plan(
    unit_user, other_unit_user, status
):
    Plan.objects.filter(unit=other_unit_user.unit).update(status=status)

    assert send_report_reminders(today=D(2020, 7, 3)) == 1
    assert usernames() == ["zhejiang-member"]


def test_report_reminder_draft_still_reminded(unit_user, zhejiang):
    make_report(zhejiang, Q2, status="draft")

    assert send_report_reminders(today=D(2020, 7, 9)) == 1


@pytest.mark.parametrize(
    ("day", "count"),
    [
        (D(2020, 7, 2), 0),
        (D(2020, 7, 3), 1),
        (D(2020, 7, 5), 0),
        (D(2020, 7, 7), 1),
        (D(2020, 7, 9), 1),
        (D(2020, 7, 10), 0),
        (D(2020, 7, 11), 1),
        (D(2020, 7, 12), 0),
    ],
)
def test_report_reminder_on_the_rules_days_only(unit_user, day, count):
    assert send_report_reminders(today=day) == count


def test_report_reminder_overdue_text(unit_user):
    send_report_reminders(today=D(2020, 7, 11))

    assert (
        Notification.objects.get().title == "本期进展报告已逾期（截止日期2020-07-10）"
    )


def test_report_reminder_run_twice_sends_once(unit_user, other_unit_user):
    first = send_report_reminders(today=D(2020, 7, 3))
    second = send_report_reminders(today=D(2020, 7, 3))

    assert (first, second) == (2, 0)
    assert Notification.objects.count() == 2
    assert OutboxEmail.objects.count() == 2


def test_report_reminders_keyed_by_period(unit_user):
    send_report_reminders(today=D(2020, 7, 3))
    send_report_reminders(today=D(2020, 10, 3))

    assert sorted(SentReminder.objects.values_list("key", flat=True)) == [
        "2020-04-01",
        "2020-07-01",
    ]
    assert Notification.objects.count() == 2


def test_report_reminder_inactive_rule_silent(unit_user):
    ReminderRule.objects.filter(kind=ReminderKind.REPORT).update(active=False)

    assert send_report_reminders(today=D(2020, 7, 3)) == 0


def test_daily_task_sends_report_reminders(unit_user):
    with time_machine.travel(
        datetime.datetime(2020, 7, 3, 8, tzinfo=SHANGHAI), tick=False
    ):
        send_due_reminders_task()

    assert Notification.objects.filter(kind="reminder.report").count() == 1


def test_report_reminder_query_count_constant(django_assert_num_queries):
    units = list(PilotUnit.objects.order_by("order"))
    for unit in units[:2]:
        make_user(f"small-{unit.slug}", User.Role.UNIT, unit=unit)
    # Batch, rules, members with their units; the units' plans, the reporting
    # schedule, the submitted reports (milestones.outstanding); then deliver:
    # savepoint, SentReminder, Notification, OutboxEmail, release.
    with django_assert_num_queries(11):
        small = send_report_reminders(today=D(2020, 7, 3))
    for unit in units:
        for n in range(3):
            make_user(f"large-{unit.slug}-{n}", User.Role.UNIT, unit=unit)
    make_report(units[0], Q2)
    with django_assert_num_queries(11):
        large = send_report_reminders(today=D(2020, 7, 9))
    assert (small, large) == (2, 3 * 10 + 1)
