"""What a unit or an expert owes: one answer, read alike by the to-do list, the
digest, the dashboard and the reminders."""

import datetime

import pytest

from milestones import dashboard, digest, outstanding, todo
from milestones.models import CheckKind, CheckMaterial, ReminderKind, ReminderRule
from milestones.reminders import send_due_reminders
from pilots.models import Batch, Notification
from plans.models import Plan
from plans.models import Status as PlanStatus
from reviews.models import Assignment, ConflictDeclaration, Round, Submission
from tests.reviews.builders import expert

pytestmark = pytest.mark.django_db

# The 2020 batch: the mid-term window runs 2020-12-01 – 2021-06-30.
WEEK_BEFORE_MIDTERM_DUE = datetime.date(2021, 6, 23)


def batch():
    return Batch.objects.current()


def owed_kinds(unit, today):
    return [
        owed.key
        for owed in outstanding.owed_by_units(batch=batch(), units=[unit], today=today)
    ]


@pytest.mark.parametrize("approved", [False, True])
def test_midterm_material_owed_everywhere_only_with_an_approved_plan(
    approved, unit_user, zhejiang
):
    today = WEEK_BEFORE_MIDTERM_DUE
    status = PlanStatus.APPROVED if approved else PlanStatus.UNDER_REVIEW
    Plan.objects.create(batch=batch(), unit=zhejiang, status=status)
    # The default rule of a week before, worded by the office.
    ReminderRule.objects.filter(kind=ReminderKind.MIDTERM, days_before=7).update(
        subject="{{ deadline }}还有{{ days }}天截止", body="{{ unit }}"
    )

    send_due_reminders(today=today)
    reminders = list(
        Notification.objects.filter(kind="reminder.midterm_end").values_list(
            "recipient__username", "title"
        )
    )
    items = [item.kind for item in todo.todo_items(unit_user, today=today)]
    lines = [
        line.text
        for entry in digest.outstanding(batch=batch(), today=today).units
        if entry.unit == zhejiang
        for line in entry.lines
    ]
    board = dashboard.dashboard(dashboard.Scope(batch=batch()), shown=20, today=today)
    owing = dashboard.filter_rows(board["rows"], owing="midterm_end")
    upcoming = [
        (item["label"], item["count"])
        for item in board["upcoming"]
        if item["date"] == datetime.date(2021, 6, 30)
    ]

    if approved:
        assert reminders == [("zhejiang-member", "中期检查材料还有7天截止")]
        assert "midterm.submit" in items
        assert "中期检查材料未提交" in lines
        assert [row.unit for row in owing] == [zhejiang]
        assert upcoming == [("中期检查材料截止", 1)]
    else:
        assert reminders == []
        assert "midterm.submit" not in items
        assert not any("中期检查" in line for line in lines)
        assert owing == []
        assert upcoming == []


def test_unit_owes_reports_only_with_an_approved_plan(zhejiang):
    today = datetime.date(2020, 10, 20)  # Q2 and Q3 2020 overdue, Q4 open
    assert owed_kinds(zhejiang, today) == ["plan_due"]
    Plan.objects.create(batch=batch(), unit=zhejiang, status=PlanStatus.APPROVED)
    assert owed_kinds(zhejiang, today) == [
        "report:2020-04-01",
        "report:2020-07-01",
        "report:2020-10-01",
    ]


def test_material_owed_from_its_window_returned_or_overdue(zhejiang):
    Plan.objects.create(batch=batch(), unit=zhejiang, status=PlanStatus.APPROVED)

    def materials(today):
        return [
            (owed.key, owed.returned, owed.days_late(today))
            for owed in outstanding.owed_by_units(
                batch=batch(),
                units=[zhejiang],
                today=today,
                kinds=[ReminderKind.MIDTERM, ReminderKind.ACCEPTANCE],
            )
        ]

    assert materials(datetime.date(2020, 11, 30)) == []
    assert materials(datetime.date(2020, 12, 1)) == [("midterm_end", False, 0)]
    # Past its due day a draft stays owed, overdue (an extension reopens it).
    assert materials(datetime.date(2021, 7, 2)) == [
        ("midterm_end", False, 2),
        ("acceptance_due", False, 0),
    ]
    CheckMaterial.objects.create(
        batch=batch(), unit=zhejiang, kind=CheckKind.MIDTERM, status="submitted"
    )
    assert materials(datetime.date(2021, 7, 2)) == [("acceptance_due", False, 0)]
    CheckMaterial.objects.filter(kind=CheckKind.MIDTERM).update(status="returned")
    assert materials(datetime.date(2021, 7, 2))[0] == ("midterm_end", True, 2)


def test_sheet_owed_while_the_round_is_open_and_no_conflict(office_user, zhejiang):
    round_ = Round.objects.create(
        batch=batch(),
        kind=Round.Kind.PLAN,
        title="方案评审",
        opens_on=datetime.date(2020, 5, 1),
        closes_on=datetime.date(2020, 5, 10),
        created_by=office_user,
    )
    submission = Submission.objects.create(round=round_, unit=zhejiang)
    scorer, conflicted = expert("expert-a"), expert("expert-b")
    for person in (scorer, conflicted):
        Assignment.objects.create(
            submission=submission, expert=person, assigned_by=office_user
        )
    ConflictDeclaration.objects.create(
        submission=submission, expert=conflicted, reason="曾参与编制"
    )

    def owing(day):
        return [
            owed.assignment.expert.username
            for owed in outstanding.sheets_owed(
                batch=batch(), today=datetime.date(2020, 5, day)
            )
        ]

    assert owing(1) == ["expert-a"]
    assert owing(10) == ["expert-a"]
    assert owing(11) == []
