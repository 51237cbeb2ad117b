"""Builders for review tests: a submitted plan, a round, experts."""

import datetime
from decimal import Decimal

from django.utils import timezone

from pilots.models import Batch, User
from plans import services as plan_services
from plans.models import Status
from reviews import services
from reviews.models import Criterion, Round, Stage, StageRecord
from tests.conftest import make_user
from tests.plans.builders import complete_plan, current_plan


def submitted_plan(unit, user, *, pre_reviewed_by=None):
    """A submitted plan; with `pre_reviewed_by` (the office) also through 初审 and
    预审, so that a round takes it."""
    plan = complete_plan(current_plan(unit))
    plan_services.submit_plan(plan=plan, expected=Status.DRAFT, user=user)
    if pre_reviewed_by is not None:
        through_pre_review(plan, pre_reviewed_by)
    return plan


def through_pre_review(plan, office):
    services.record_stage(
        plan=plan,
        stage=Stage.PRELIMINARY,
        outcome=StageRecord.Outcome.PASS,
        user=office,
    )
    services.record_stage(
        plan=plan,
        stage=Stage.PRE_REVIEW,
        outcome=StageRecord.Outcome.RECOMMEND,
        user=office,
        comments="同意推荐",
    )


def meeting_skipped(plan, office, *, quorum_reason=""):
    """The office goes to the decision without a joint meeting, saying why (and,
    with fewer sheets than the quorum, why it goes on without them)."""
    return services.skip_stage(
        plan=plan,
        stage=Stage.MEETING,
        reason="专家意见一致，不再会审",
        quorum_reason=quorum_reason,
        user=office,
    )


def expert(name, expertise=User.Expertise.BUSINESS, **fields):
    return make_user(name, User.Role.EXPERT, expertise=expertise, **fields)


def plan_round(office, *, closes_in=10, criteria=None):
    today = timezone.localdate()
    round_ = services.create_round(
        user=office,
        batch=Batch.objects.current(),
        kind=Round.Kind.PLAN,
        title="方案评审",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=closes_in),
        method=Round.Method.MEAN,
    )
    if criteria is not None:
        round_.criteria.all().delete()
        for n, (name, weight, top) in enumerate(criteria):
            Criterion.objects.create(
                round=round_,
                name=name,
                weight=Decimal(weight),
                max_score=Decimal(top),
                order=n,
            )
    return round_
