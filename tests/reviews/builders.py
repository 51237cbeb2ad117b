"""Builders for review tests: a submitted plan, a round, experts."""

import datetime
from decimal import Decimal

from django.utils import timezone

from pilots.models import Batch, User
from plans import services as plan_services
from plans.models import Status
from reviews import services
from reviews.models import Criterion, Round
from tests.conftest import make_user
from tests.plans.builders import complete_plan, current_plan


def submitted_plan(unit, user):
    plan = complete_plan(current_plan(unit))
    plan_services.submit_plan(plan=plan, expected=Status.DRAFT, user=user)
    return plan


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
