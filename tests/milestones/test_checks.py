"""Mid-term check and acceptance services: transitions, reminders hook."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones import checks
from milestones.models import CheckKind, CheckMaterial, CheckResult, ReminderKind
from milestones.outstanding import owed_by_units
from pilots.models import Batch, Notification
from reviews.models import Submission
from tests.milestones.checks_builders import (
    MIDTERM_DAY,
    approved_plan,
    check_round,
    ready_for_decision,
    submitted_material,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(zhejiang, unit_user, office_user):
    return approved_plan(zhejiang, unit_user, office_user)


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_second_submission_refused_status_unchanged(plan, zhejiang, unit_user):
    material = submitted_material(zhejiang, unit_user, plan)
    stale = CheckMaterial.objects.get(pk=material.pk)
    stale.status = CheckMaterial.Status.DRAFT

    with pytest.raises(checks.CheckError, match="他人已在此期间修改了该材料"):
        checks._move(stale, to=CheckMaterial.Status.SUBMITTED, by=unit_user)
    with pytest.raises(checks.CheckError, match="材料已提交，不能再修改"):
        checks.submit_material(material=material, plan=plan, user=unit_user)
    assert CheckMaterial.objects.get().status == CheckMaterial.Status.SUBMITTED


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_rejected_material_fails_with_a_result_and_a_notice(
    plan, zhejiang, unit_user, office_user
):
    check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 2, 1),
        datetime.date(2021, 3, 31),
    )
    material = submitted_material(zhejiang, unit_user, plan)
    submission = Submission.objects.get()
    ready_for_decision(submission, office_user, "进展报告已足以判断，不请专家评分")

    checks.decide(
        submission=submission,
        outcome="reject",
        opinion="进展严重滞后。",
        quorum_reason="进展报告已足以判断，不请专家评分",
        user=office_user,
    )

    material.refresh_from_db()
    assert material.status == CheckMaterial.Status.FAILED
    result = CheckResult.objects.get()
    assert (result.passed, result.grade, result.opinion) == (
        False,
        "",
        "进展严重滞后。",
    )
    notices = Notification.objects.filter(recipient=unit_user).exclude(
        kind="plan_approved"
    )
    assert list(notices.values_list("kind", "title")) == [
        ("check_decision", "中期检查：未通过")
    ]


def _owing_material(batch, kind, today):
    units = list(batch.units.all())
    return {
        owed.unit.pk
        for owed in owed_by_units(batch=batch, units=units, today=today, kinds=[kind])
    }


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_material_owed_only_by_units_with_an_approved_plan_not_submitted(
    plan, zhejiang, fujian, other_unit_user, office_user
):
    batch = Batch.objects.current()
    today = datetime.date(2021, 3, 1)
    assert _owing_material(batch, ReminderKind.MIDTERM, today) == {zhejiang.pk}
    fujian_plan = approved_plan(fujian, other_unit_user, office_user)
    checks.material_for(batch=batch, unit=fujian, kind=CheckKind.MIDTERM).save()
    submitted_material(zhejiang, other_unit_user, plan)

    with CaptureQueriesContext(connection) as queries:
        owing = _owing_material(batch, ReminderKind.MIDTERM, today)

    # Units; plans, extensions, materials.
    assert len(queries) == 4
    assert owing == {fujian.pk}
    # The acceptance window opens the day after the mid-term window closes.
    assert _owing_material(batch, ReminderKind.ACCEPTANCE, today) == set()
    after = datetime.date(2021, 7, 1)
    assert _owing_material(batch, ReminderKind.ACCEPTANCE, after) == {
        zhejiang.pk,
        fujian.pk,
    }
    assert fujian_plan.status == "approved"


def test_material_lateness_switches_at_local_midnight(
    plan, zhejiang, fujian, unit_user, other_unit_user, office_user
):
    # Due 2021-06-30 (Beijing). A draft is taken until the last second of that
    # day; after it only returned material is, and then it is late.
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    last_second = datetime.datetime(2021, 6, 30, 23, 59, 59, tzinfo=shanghai)
    with time_machine.travel(last_second, tick=False):
        on_time = submitted_material(zhejiang, unit_user, plan)
    fujian_plan = approved_plan(fujian, other_unit_user, office_user)
    with time_machine.travel(last_second, tick=False):
        returned = submitted_material(fujian, other_unit_user, fujian_plan)
    CheckMaterial.objects.filter(pk=returned.pk).update(status="returned")
    returned.refresh_from_db()
    midnight = datetime.datetime(2021, 7, 1, 0, 0, 0, tzinfo=shanghai)
    with time_machine.travel(midnight, tick=False):
        checks.submit_material(
            material=returned, plan=fujian_plan, user=other_unit_user
        )
    late = CheckMaterial.objects.get(pk=returned.pk)
    on_time.refresh_from_db()
    assert (on_time.is_late, on_time.days_late) == (False, 0)
    assert (late.is_late, late.days_late) == (True, 1)
