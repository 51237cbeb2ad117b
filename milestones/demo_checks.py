"""Demo mid-term check (演示数据) for seed_demo: a mid-term review round in progress.

The round opened ten days ago and closes in twenty. Fujian's material was scored
by expert1 and expert2 and the office passed it; Changjiang's, Huanghe's and
Taihu's materials are before the experts (some sheets submitted, some drafts,
none decided); Guizhou is still writing its material. Everything goes through
milestones.checks and reviews.services, as a user's clicks would.
Idempotent: nothing is added when the batch already has a demo mid-term round.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from pilots.models import User
from reviews import services as review_services
from reviews.models import Criterion, Round, Stage, StageRecord

from . import checks, progress
from .models import CheckKind, ItemState

DEMO = "（演示数据）"
CRITERIA = [
    ("目标任务完成情况", 40, 100),
    ("进度与实施方案的符合程度", 30, 100),
    ("组织保障与资金落实", 15, 100),
    ("阶段成果与推广价值", 15, 100),
]
# unit slug -> {expert: (marks per criterion, submitted)}
SCORES = {
    "fujian": {
        "expert1": ([88, 85, 90, 80], True),
        "expert2": ([84, 86, 85, 82], True),
    },
    "changjiang": {
        "expert1": ([80, 78, 85, 76], True),
        "expert2": ([82, 75, 80, 78], False),
    },
    "huanghe": {"expert2": ([76, 72, 80, 70], True), "expert3": None},
    "taihu": {"expert1": None, "expert3": None},
}
DRAFT_ONLY = ("guizhou",)


def _states(plan):
    """Most items on time or done; the first schedule item of a plan late, with
    its reason (the checklist must explain every deviation)."""
    states, late_given = {}, False
    for key, _label, item in checks.checklist_items(plan):
        if item.kind == "schedule" and not late_given:
            states[key] = (
                ItemState.LATE,
                "设备采购延迟约一个月，已调整后续安排。" + DEMO,
            )
            late_given = True
        elif item.kind == "schedule":
            states[key] = (ItemState.DONE, "")
        else:
            states[key] = (ItemState.ON_TIME, "")
    return states


def _write(batch, unit):
    plan = progress.approved_plan(batch=batch, unit=unit)
    if plan is None:
        return None, None
    material = checks.material_for(batch=batch, unit=unit, kind=CheckKind.MIDTERM)
    checks.save_material(
        material=material,
        plan=plan,
        self_assessment=(
            f"{unit.short_name}按批准的实施方案推进先行先试任务，感知网络和数据底板"
            "建设基本完成，业务应用进入试运行。" + DEMO
        ),
        goals_met=(
            "阶段目标基本实现：需求调研与设计全部完成，建设与试运行按计划进行；"
            "主要成果正在形成。" + DEMO
        ),
        states=_states(plan),
    )
    return material, plan


def _score(submission, criteria, expert, marks, submitted):
    assignment = review_services.assign(
        submission=submission, expert=expert, user=User.objects.get(username="office")
    )
    if marks is None:
        return
    review_services.save_sheet(
        sheet=review_services.sheet_for(assignment),
        values={c.pk: Decimal(m) for c, m in zip(criteria, marks, strict=True)},
        reasons={},
        comments="进展符合实施方案，建议加快成果总结。" + DEMO,
        confidential="单位推进有力。" + DEMO,
        submit=submitted,
    )


def _before_experts(submission, unit, office):
    """初审 by the office, 预审 by the unit's supervising department."""
    checks.record_stage(
        submission=submission,
        stage=Stage.PRELIMINARY,
        outcome=StageRecord.Outcome.PASS,
        comments="材料齐全。" + DEMO,
        user=office,
    )
    department = User.objects.supervising(unit).first() or office
    checks.record_stage(
        submission=submission,
        stage=Stage.PRE_REVIEW,
        outcome=StageRecord.Outcome.RECOMMEND,
        comments="进展与批复方案一致，建议提交专家评审。" + DEMO,
        user=department,
    )


def _meeting(submission, office, experts):
    present = [e for e in experts.values() if e.affiliation_id != submission.unit_id]
    checks.record_stage(
        submission=submission,
        stage=Stage.MEETING,
        outcome=StageRecord.Outcome.CONCLUDED,
        meeting_date=timezone.localdate(),
        experts_present=present[:3],
        comments="中期检查会审：进展符合方案，同意通过。" + DEMO,
        minority_view="一位专家认为成果总结应提前。" + DEMO,
        quorum_reason="演示：未提交评分的专家已在会审中发表意见。" + DEMO,
        user=office,
    )


def seed(batch, stdout):
    if Round.objects.filter(
        batch=batch, kind=Round.Kind.MIDTERM, is_demo=True
    ).exists():
        return
    today = timezone.localdate()
    if not batch.midterm_start <= today <= batch.midterm_end:
        # A demo batch seeded on another day with other dates: no live window.
        stdout.write("  milestones: the mid-term window is not open, no demo round")
        return
    office = User.objects.get(username="office")
    experts = {
        u.username: u for u in User.objects.filter(username__startswith="expert")
    }
    round_ = review_services.create_round(
        user=office,
        batch=batch,
        kind=Round.Kind.MIDTERM,
        title="中期检查专家评审" + DEMO,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
        method=Round.Method.MEAN,
    )
    Round.objects.filter(pk=round_.pk).update(is_demo=True)
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round_, name=name, weight=weight, max_score=top, order=n)
        for n, (name, weight, top) in enumerate(CRITERIA)
    )
    decided = 0
    for slug, sheets in SCORES.items():
        unit = batch.units.filter(slug=slug).first()
        if unit is None:
            continue
        material, plan = _write(batch, unit)
        if material is None:
            continue
        member = User.objects.filter(username=f"unit-{slug}").first() or office
        submission = checks.submit_material(material=material, plan=plan, user=member)
        _before_experts(submission, unit, office)
        for username, sheet in sheets.items():
            expert = experts.get(username)
            if expert is None or expert.affiliation_id == unit.pk:
                continue
            marks, submitted = sheet if sheet else (None, False)
            _score(submission, criteria, expert, marks, submitted)
        if slug == "fujian":
            _meeting(submission, office, experts)
            checks.decide(
                submission=submission,
                outcome="approve",
                opinion="中期检查通过，请按专家意见加快成果总结。" + DEMO,
                user=office,
            )
            decided += 1
    for slug in DRAFT_ONLY:
        unit = batch.units.filter(slug=slug).first()
        if unit is not None:
            _write(batch, unit)
    stdout.write(
        f"  milestones: a mid-term round in progress, {decided} decided, "
        f"{len(DRAFT_ONLY)} draft material"
    )
