import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones.models import ReminderKind, ReminderRule, SentReminder
from milestones.scoring_reminders import send_scoring_reminders
from milestones.tasks import send_due_reminders_task
from pilots.models import Batch, Notification, OutboxEmail, PilotUnit
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    Round,
    ScoreSheet,
    SheetStatus,
    Submission,
)
from tests.conftest import make_user
from tests.reviews.builders import expert

CLOSES = datetime.date(2020, 6, 10)


def _round(office, *, batch=None, opens_on=datetime.date(2020, 6, 1)):
    return Round.objects.create(
        batch=batch or Batch.objects.current(),
        kind=Round.Kind.PLAN,
        title="方案评审",
        opens_on=opens_on,
        closes_on=CLOSES,
        created_by=office,
    )


def _assign(round_, unit, reviewer, office, sheet=None):
    submission, _created = Submission.objects.get_or_create(
        round=round_, unit=unit, is_current=True, defaults={"material_title": "材料"}
    )
    assignment = Assignment.objects.create(
        submission=submission, expert=reviewer, assigned_by=office
    )
    if sheet is not None:
        ScoreSheet.objects.create(assignment=assignment, status=sheet)
    return assignment


def _titles():
    return sorted(
        (n.recipient.username, n.title) for n in Notification.objects.order_by("pk")
    )


def test_default_scoring_rules_three_and_one_day_ahead_and_overdue(db):
    rules = ReminderRule.objects.filter(kind=ReminderKind.SCORING, active=True)
    assert sorted(rules.values_list("days_before", flat=True)) == [-1, 1, 3]


def test_scoring_reminder_reaches_experts_without_submitted_sheet(
    office_user, expert_user, unassigned_expert_user, zhejiang, fujian
):
    round_ = _round(office_user)
    no_sheet = _assign(round_, zhejiang, expert_user, office_user)
    draft = expert("expert-draft")
    _assign(round_, fujian, draft, office_user, sheet=SheetStatus.DRAFT)
    done = expert("expert-done")
    _assign(round_, zhejiang, done, office_user, sheet=SheetStatus.SUBMITTED)

    assert send_scoring_reminders(today=datetime.date(2020, 6, 7)) == 2

    assert _titles() == [
        ("expert-draft", "福建省水利厅的评审打分将于2020-06-10截止（还有3天）"),
        ("expert-persona", "浙江省水利厅的评审打分将于2020-06-10截止（还有3天）"),
    ]
    notification = Notification.objects.get(recipient=expert_user)
    assert notification.url == f"/reviews/assignments/{no_sheet.pk}/"
    assert notification.body.startswith("专家您好：")
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == [
        "expert-draft@example.test",
        "expert-persona@example.test",
    ]


def test_scoring_reminders_on_the_rule_days_only(office_user, expert_user, zhejiang):
    _assign(_round(office_user), zhejiang, expert_user, office_user)
    sent = {}
    for day in range(5, 14):
        today = datetime.date(2020, 6, day)
        sent[day] = send_scoring_reminders(today=today)
    # After the closing day the sheet is locked: it is no longer owed, so the
    # overdue rule (-1) has nothing to remind of.
    assert sent == {5: 0, 6: 0, 7: 1, 8: 0, 9: 1, 10: 0, 11: 0, 12: 0, 13: 0}
    assert [n.title for n in Notification.objects.order_by("pk")] == [
        "浙江省水利厅的评审打分将于2020-06-10截止（还有3天）",
        "浙江省水利厅的评审打分将于2020-06-10截止（还有1天）",
    ]


def test_scoring_reminders_none_for_submitted_sheet(office_user, expert_user, zhejiang):
    _assign(_round(office_user), zhejiang, expert_user, office_user, sheet="submitted")
    assert send_scoring_reminders(today=datetime.date(2020, 6, 9)) == 0
    assert Notification.objects.count() == 0


def test_scoring_reminders_none_after_a_declared_conflict(
    office_user, expert_user, zhejiang
):
    assignment = _assign(_round(office_user), zhejiang, expert_user, office_user)
    ConflictDeclaration.objects.create(
        submission=assignment.submission, expert=expert_user, reason="曾参与编制"
    )
    assert send_scoring_reminders(today=datetime.date(2020, 6, 9)) == 0


def test_scoring_reminders_none_for_round_not_yet_open(
    office_user, expert_user, zhejiang
):
    round_ = _round(office_user, opens_on=datetime.date(2020, 6, 9))
    _assign(round_, zhejiang, expert_user, office_user)
    assert send_scoring_reminders(today=datetime.date(2020, 6, 7)) == 0


def test_scoring_reminders_none_for_another_batch(office_user, expert_user, zhejiang):
    current = Batch.objects.current()
    old = Batch.objects.create(
        slug="old",
        name="旧批次",
        launch_date=current.launch_date,
        plan_due=current.plan_due,
        implementation_start=current.implementation_start,
        implementation_end=current.implementation_end,
        midterm_start=current.midterm_start,
        midterm_end=current.midterm_end,
        acceptance_due=current.acceptance_due,
    )
    _assign(_round(office_user, batch=old), zhejiang, expert_user, office_user)
    assert send_scoring_reminders(today=datetime.date(2020, 6, 9)) == 0


def test_scoring_reminders_none_for_inactive_rule(office_user, expert_user, zhejiang):
    ReminderRule.objects.filter(kind=ReminderKind.SCORING, days_before=1).update(
        active=False
    )
    _assign(_round(office_user), zhejiang, expert_user, office_user)
    assert send_scoring_reminders(today=datetime.date(2020, 6, 9)) == 0


def test_scoring_reminders_idempotent_when_run_twice(
    office_user, expert_user, zhejiang, fujian
):
    round_ = _round(office_user)
    _assign(round_, zhejiang, expert_user, office_user)
    _assign(round_, fujian, expert_user, office_user)
    today = datetime.date(2020, 6, 9)
    assert send_scoring_reminders(today=today) == 2
    assert send_scoring_reminders(today=today) == 0
    assert Notification.objects.filter(recipient=expert_user).count() == 2
    assert OutboxEmail.objects.count() == 2
    assert sorted(SentReminder.objects.values_list("key", flat=True)) == sorted(
        f"submission:{pk}" for pk in Submission.objects.values_list("pk", flat=True)
    )


def test_scoring_reminders_from_the_daily_task(office_user, expert_user, zhejiang):
    _assign(_round(office_user), zhejiang, expert_user, office_user)
    at = datetime.datetime(2020, 6, 9, 8, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        send_due_reminders_task()
        send_due_reminders_task()
    assert _titles() == [
        ("expert-persona", "浙江省水利厅的评审打分将于2020-06-10截止（还有1天）")
    ]


def _queries_for(size, office):
    round_ = _round(office)
    units = list(PilotUnit.objects.order_by("order")[:size])
    for n in range(size):
        reviewer = make_user(f"expert-{size}-{n}", "expert")
        for unit in units:
            _assign(round_, unit, reviewer, office)
    with CaptureQueriesContext(connection) as queries:
        sent = send_scoring_reminders(today=datetime.date(2020, 6, 9))
    assert sent == size * size
    return len(queries)


@pytest.mark.django_db
def test_scoring_reminders_query_count_does_not_grow(office_user):
    small = _queries_for(2, office_user)
    Round.objects.all().delete()
    Notification.objects.all().delete()
    assert _queries_for(5, office_user) == small
