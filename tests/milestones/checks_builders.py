"""Builders for mid-term check and acceptance tests (2020 batch: mid-term window
2020-12-01 … 2021-06-30, acceptance until 2021-12-31)."""

import datetime
from decimal import Decimal

from milestones import checks
from milestones.models import CheckKind
from pilots.models import Batch
from plans import services as plan_services
from plans.models import Status as PlanStatus
from reviews import services as review_services
from reviews.models import Criterion, Round, Stage, StageRecord
from tests.plans.builders import complete_plan, current_plan

MIDTERM_DAY = datetime.datetime(2021, 3, 1, 10, tzinfo=datetime.UTC)
ACCEPTANCE_DAY = datetime.datetime(2021, 12, 1, 10, tzinfo=datetime.UTC)


def approved_plan(unit, member, office):
    plan = complete_plan(current_plan(unit))
    plan_services.submit_plan(plan=plan, expected=PlanStatus.DRAFT, user=member)
    plan_services.approve_plan(
        plan=plan, expected=PlanStatus.SUBMITTED, user=office, comment="同意"
    )
    return plan


def check_round(office, kind, opens, closes):
    round_ = review_services.create_round(
        user=office,
        batch=Batch.objects.current(),
        kind=Round.Kind(kind),
        title="中期检查评审" if kind == CheckKind.MIDTERM else "验收评审",
        opens_on=opens,
        closes_on=closes,
    )
    Criterion.objects.create(
        round=round_, name="目标完成情况", weight=Decimal(1), max_score=Decimal(100)
    )
    return round_


def form_data(plan, state="done", reason="", **extra):
    data = {"self_assessment": "按计划推进。", "goals_met": "目标基本达成。"}
    for key, _label, _item in checks.checklist_items(plan):
        data[f"state_{key}"] = state
        data[f"reason_{key}"] = reason
    data.update(extra)
    return data


def submitted_material(unit, member, plan, kind=CheckKind.MIDTERM):
    batch = Batch.objects.current()
    material = checks.material_for(batch=batch, unit=unit, kind=kind)
    checks.save_material(
        material=material,
        plan=plan,
        self_assessment="进展顺利。",
        goals_met="目标达成。",
        states={key: ("done", "") for key, _l, _i in checks.checklist_items(plan)},
    )
    checks.submit_material(material=material, plan=plan, user=member)
    return material


def past_pre_review(submission, office):
    """初审 passed and 预审 skipped: the experts may score the material."""
    checks.record_stage(
        submission=submission,
        stage=Stage.PRELIMINARY,
        outcome=StageRecord.Outcome.PASS,
        user=office,
    )
    review_services.skip_stage(
        submission=submission,
        stage=Stage.PRE_REVIEW,
        reason="部门未组织预审",
        user=office,
    )


def ready_for_decision(submission, office, quorum_reason="", *, experts_done=False):
    """The steps before the office's decision, 会审 skipped (with `quorum_reason`
    when fewer sheets than the quorum are in)."""
    if not experts_done:
        past_pre_review(submission, office)
    review_services.skip_stage(
        submission=submission,
        stage=Stage.MEETING,
        reason="以书面评审代替会审",
        quorum_reason=quorum_reason,
        user=office,
    )
