"""Demo expert reviews (演示数据) for seed_demo.

A plan-review round of the demo batch: Fujian's approved plan scored by expert1..3
with the decision on record; Zhejiang's submitted plan assigned to expert1 and
expert2 (expert1 has submitted, expert2 keeps a draft). Idempotent: nothing is
added when the batch already has a demo round.
"""

import datetime

from django.utils import timezone

from pilots.models import User
from plans import services as plan_services
from plans.models import Plan
from plans.models import Status as PlanStatus

from . import services
from .models import (
    Assignment,
    Decision,
    Round,
    Score,
    ScoreSheet,
    SheetStatus,
    Stage,
    StageRecord,
    Submission,
)

DEMO = "（演示数据）"
MARKS = {
    "expert1": [9, 8, 8, 9, 8, 7],
    "expert2": [8, 9, 7, 8, 8, 8],
    "expert3": [7, 8, 8, 7, 9, 6],
}


def _score(assignment, criteria, marks, *, submitted):
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
        comments="目标明确，建议细化数据共享机制。" + DEMO,
        confidential="单位前期基础较好。" + DEMO,
        submitted_at=timezone.now() if submitted else None,
    )
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=c, value=v)
        for c, v in zip(criteria, marks, strict=True)
    )


def _through_pre_review(plan, version, office):
    """初审 passed by the office, 预审 by the supervising department."""
    department = User.objects.supervising(plan.unit).first() or office
    StageRecord.objects.create(
        plan=plan,
        version=version,
        stage=Stage.PRELIMINARY,
        outcome=StageRecord.Outcome.PASS,
        comments="材料齐全，符合编制大纲。" + DEMO,
        by=office,
    )
    StageRecord.objects.create(
        plan=plan,
        version=version,
        stage=Stage.PRE_REVIEW,
        outcome=StageRecord.Outcome.RECOMMEND,
        comments="建议加强与流域机构的数据共享。" + DEMO,
        by=department,
    )


def seed(batch, stdout):
    if Round.objects.filter(batch=batch, is_demo=True).exists():
        return
    office = User.objects.get(username="office")
    experts = {
        u.username: u for u in User.objects.filter(username__startswith="expert")
    }
    today = timezone.localdate()
    round_ = services.create_round(
        user=office,
        batch=batch,
        kind=Round.Kind.PLAN,
        title="实施方案专家评审" + DEMO,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=14),
        method=Round.Method.MEAN,
    )
    Round.objects.filter(pk=round_.pk).update(is_demo=True)
    criteria = list(round_.criteria.all())

    fujian = Plan.objects.filter(batch=batch, unit__slug="fujian").first()
    version = fujian and fujian.versions.order_by("-number").first()
    if version is not None:
        submission = Submission.objects.create(
            round=round_, unit=fujian.unit, plan_version=version
        )
        for username in ("expert1", "expert2", "expert3"):
            expert = experts.get(username)
            if expert is None or expert.affiliation_id == fujian.unit_id:
                continue
            assignment = Assignment.objects.create(
                submission=submission, expert=expert, assigned_by=office
            )
            _score(assignment, criteria, MARKS[username], submitted=True)
        Decision.objects.create(
            submission=submission,
            outcome=Decision.Outcome.APPROVE,
            opinion="同意实施，按专家意见完善数据共享方案。" + DEMO,
            by=office,
        )
        _through_pre_review(fujian, version, office)
        meeting = StageRecord.objects.create(
            plan=fujian,
            version=version,
            stage=Stage.MEETING,
            outcome=StageRecord.Outcome.CONCLUDED,
            meeting_date=today - datetime.timedelta(days=1),
            contact_comments="方案结构完整，建议细化年度目标。" + DEMO,
            department_comments="与水利工程运行管理业务结合紧密。" + DEMO,
            expert_comments="技术路线可行，数据共享需明确责任单位。" + DEMO,
            comments="同意通过，按专家意见完善数据共享方案后实施。" + DEMO,
            minority_view="一位专家认为投资估算偏大，建议分期实施。" + DEMO,
            by=office,
        )
        meeting.experts_present.set(
            [e for e in experts.values() if e.affiliation_id != fujian.unit_id]
        )

    zhejiang = Plan.objects.filter(batch=batch, unit__slug="zhejiang").first()
    version = zhejiang and zhejiang.versions.order_by("-number").first()
    if version is not None:
        _through_pre_review(zhejiang, version, office)
        if zhejiang.status == PlanStatus.SUBMITTED:
            plan_services.start_review(
                plan=zhejiang, expected=PlanStatus.SUBMITTED, user=office
            )
        submission = Submission.objects.create(
            round=round_, unit=zhejiang.unit, plan_version=version
        )
        for username, submitted in (("expert1", True), ("expert2", False)):
            expert = experts.get(username)
            if expert is None:
                continue
            assignment = Assignment.objects.create(
                submission=submission, expert=expert, assigned_by=office
            )
            _score(assignment, criteria, MARKS[username], submitted=submitted)
    stdout.write(
        "  reviews: a plan-review round with scores, Fujian through all four "
        "stages and a decision"
    )
