"""Mid-term and acceptance material through the same enforced workflow as a plan
(reviews/workflow.py): 初审 → 预审 → expert review → 会审 → decision."""

import datetime

import pytest
import time_machine

from milestones import checks
from milestones.models import CheckKind, CheckMaterial
from pilots.models import Notification
from reviews import services as review_services
from reviews import workflow
from reviews.models import Stage, StageRecord, Submission
from tests.conftest import client_for
from tests.milestones.checks_builders import (
    MIDTERM_DAY,
    approved_plan,
    check_round,
    past_pre_review,
    submitted_material,
)

pytestmark = pytest.mark.django_db

STAGES = "/checks/midterm/zhejiang/stages/"


@pytest.fixture
def submission(zhejiang, unit_user, office_user):
    """Zhejiang's mid-term material, submitted, before an open round."""
    with time_machine.travel(MIDTERM_DAY, tick=False):
        plan = approved_plan(zhejiang, unit_user, office_user)
        check_round(
            office_user,
            CheckKind.MIDTERM,
            datetime.date(2021, 2, 1),
            datetime.date(2021, 3, 31),
        )
        submitted_material(zhejiang, unit_user, plan)
    return Submission.objects.get(is_current=True)


def _done(submission):
    return {
        key: step.done for key, step in workflow.progress(submission=submission).items()
    }


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_each_step_of_the_material_comes_after_the_one_before(
    submission, office_user, expert_user
):
    def refused(message, verb, **fields):
        with pytest.raises(review_services.ReviewError, match=message):
            verb(submission=submission, user=office_user, **fields)

    assert _done(submission) == dict.fromkeys(workflow.STAGE_MAP, False)
    refused(
        "预审应在初审之后进行",
        checks.record_stage,
        stage=Stage.PRE_REVIEW,
        outcome=StageRecord.Outcome.RECOMMEND,
    )
    refused(
        "专家评审在初审通过、预审完成或跳过之后开始",
        lambda **kw: review_services.assign(expert=expert_user, **kw),
    )
    # The first step missing is the one the refusal names.
    with pytest.raises(checks.CheckError, match="专家评审应在预审之后进行"):
        checks.decide(
            submission=submission,
            outcome="approve",
            opinion="同意",
            quorum_reason="不等专家",
            user=office_user,
        )

    past_pre_review(submission, office_user)
    assignment = review_services.assign(
        submission=submission, expert=expert_user, user=office_user
    )
    refused(
        r"专家评审尚未完成（已提交0/1份评分表）",
        checks.record_stage,
        stage=Stage.MEETING,
        outcome=StageRecord.Outcome.CONCLUDED,
    )
    review_services.save_sheet(
        sheet=review_services.sheet_for(assignment),
        values={submission.round.criteria.get().pk: 80},
        reasons={},
        comments="",
        confidential="",
        submit=True,
    )
    checks.record_stage(
        submission=submission,
        stage=Stage.MEETING,
        outcome=StageRecord.Outcome.CONCLUDED,
        comments="同意通过",
        user=office_user,
    )
    checks.decide(
        submission=submission, outcome="approve", opinion="通过", user=office_user
    )

    assert _done(submission) == dict.fromkeys(workflow.STAGE_MAP, True)
    assert CheckMaterial.objects.get().status == CheckMaterial.Status.PASSED


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_the_preliminary_check_returns_the_material_and_a_resubmission_starts_again(
    client, submission, zhejiang, unit_user, office_user
):
    client_for(client, office_user)
    page = client.post(
        STAGES, {"confirmed": "1", "stage": "preliminary", "outcome": "return"}
    )
    assert page.status_code == 400  # saying what is missing is required
    assert "请说明缺少的内容。" in page.content.decode()

    response = client.post(
        STAGES,
        {
            "confirmed": "1",
            "stage": "preliminary",
            "outcome": "return",
            "comments": "缺少佐证材料。",
        },
    )

    assert response.status_code == 302
    material = CheckMaterial.objects.get()
    assert material.status == CheckMaterial.Status.RETURNED
    submission.refresh_from_db()
    assert submission.is_current is False
    notice = Notification.objects.get(recipient=unit_user, kind="check_returned")
    assert notice.title == "中期检查：初审退回"
    assert "缺少佐证材料。" in notice.body

    plan = material.unit.plans.get()
    checks.submit_material(material=material, plan=plan, user=unit_user)
    fresh = Submission.objects.get(is_current=True)
    assert fresh.pk != submission.pk
    assert _done(fresh)[Stage.PRELIMINARY] is False
    page = client.get(STAGES).content.decode()
    assert "缺少佐证材料。" in page  # the first submission's record stays readable


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_the_department_takes_the_pre_review_of_its_units_material(
    client, submission, office_user, department_user, other_unit_user
):
    checks.record_stage(
        submission=submission,
        stage=Stage.PRELIMINARY,
        outcome=StageRecord.Outcome.PASS,
        user=office_user,
    )
    client_for(client, department_user)
    page = client.get(STAGES)
    assert page.status_code == 200
    assert set(page.context["forms"]) == {Stage.PRE_REVIEW}
    assert page.context["skips"] == {}  # only the office skips

    response = client.post(
        STAGES,
        {
            "confirmed": "1",
            "stage": "pre_review",
            "outcome": "recommend",
            "comments": "进展属实。",
        },
    )

    assert response.status_code == 302
    record = StageRecord.objects.get(stage=Stage.PRE_REVIEW)
    assert (record.submission, record.by, record.plan) == (
        submission,
        department_user,
        None,
    )
    client_for(client, other_unit_user)
    assert client.get(STAGES).status_code == 404


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_the_unit_never_reads_who_attended_the_meeting_on_its_material(
    client, submission, unit_user, office_user, expert_user
):
    past_pre_review(submission, office_user)
    review_services.assign(submission=submission, expert=expert_user, user=office_user)
    checks.record_stage(
        submission=submission,
        stage=Stage.MEETING,
        outcome=StageRecord.Outcome.CONCLUDED,
        meeting_date=datetime.date(2021, 3, 1),
        experts_present=[expert_user],
        comments="会审结论：同意。",
        minority_view="MINORITY-VIEW",
        quorum_reason="专家在会上发表了意见",
        user=office_user,
    )
    client_for(client, office_user)
    office_page = client.get(STAGES).content.decode()
    assert str(expert_user) in office_page and "MINORITY-VIEW" in office_page

    client_for(client, unit_user)
    page = client.get(STAGES).content.decode()
    assert "会审结论：同意。" in page
    assert str(expert_user) not in page and "MINORITY-VIEW" not in page


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_a_carried_over_experts_sheet_waits_for_the_new_preliminary_check(
    submission, zhejiang, unit_user, office_user, expert_user
):
    past_pre_review(submission, office_user)
    review_services.assign(submission=submission, expert=expert_user, user=office_user)
    review_services.skip_stage(
        submission=submission,
        stage=Stage.MEETING,
        reason="书面评审",
        quorum_reason="材料不全",
        user=office_user,
    )
    checks.decide(
        submission=submission, outcome="return", opinion="请补充。", user=office_user
    )
    material = CheckMaterial.objects.get()
    checks.submit_material(
        material=material, plan=material.unit.plans.get(), user=unit_user
    )
    fresh = Submission.objects.get(is_current=True)
    sheet = review_services.sheet_for(fresh.assignments.get())

    assert review_services.sheet_locked_reason(sheet) == (
        "专家评审在初审通过、预审完成或跳过之后开始。"
    )
    past_pre_review(fresh, office_user)
    assert review_services.sheet_locked_reason(sheet) == ""
