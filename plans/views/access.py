"""Fetching a plan with access checks, shared by the plan pages."""

import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from pilots.models import Batch, PilotUnit
from pilots.programme import AnswerInstead, require_in_batch

from .. import services
from ..models import Plan
from ..permissions import can_submit_plan, can_view_plan


def get_plan(request, slug):
    """The current batch's plan of unit `slug`; 404 for anyone who may not read it.

    A unit outside the current batch has no plan in it: the page says so. A GET
    never creates the plan; before the unit has started it, the page offers to
    start (a POST, plans:start). Any other POST starts it as well."""
    unit = get_object_or_404(PilotUnit, slug=slug)
    batch = Batch.objects.current()
    if batch is None:
        raise Http404
    plan = Plan(batch=batch, unit=unit)
    if not can_view_plan(request.user, plan):
        raise Http404
    require_in_batch(unit, batch)
    if request.method == "POST":
        plan = services.plan_for(batch=batch, unit=unit)
    else:
        plan = Plan.objects.filter(batch=batch, unit=unit).first()
        if plan is None:
            raise AnswerInstead(
                "plans/plan_not_started.html",
                {
                    "unit": unit,
                    "batch": batch,
                    "may_start": can_submit_plan(request.user, Plan(unit=unit)),
                },
            )
    plan.unit, plan.batch = unit, batch
    return plan


@contextlib.contextmanager
def frozen_refused(request, plan):
    """Turn NotEditable (the plan was submitted meanwhile) into a message; the
    caller checks `plan.refused` and redirects."""
    plan.refused = False
    try:
        yield
    except services.NotEditable as refused:
        plan.refused = True
        messages.error(request, str(refused))


def require(allowed):
    if not allowed:
        raise PermissionDenied
