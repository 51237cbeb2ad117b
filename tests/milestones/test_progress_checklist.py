"""The approved plan as checklist: the latest submitted state of each item."""

import datetime

import pytest
from django.utils import timezone

from milestones.models import (
    CheckKind,
    ChecklistEntry,
    CheckMaterial,
    ItemState,
    ProgressReport,
)
from milestones.progress import checklist_items
from pilots.models import Batch
from plans.models import Status as PlanStatus
from tests.plans.builders import complete_plan, current_plan

pytestmark = pytest.mark.django_db


def approved(unit):
    plan = complete_plan(current_plan(unit))
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    return plan


def report(unit, start, status, submitted_at=None):
    batch = Batch.objects.current()
    return ProgressReport.objects.create(
        batch=batch,
        unit=unit,
        period_start=start,
        period_end=start + datetime.timedelta(days=30),
        due=start + datetime.timedelta(days=40),
        status=status,
        submitted_at=submitted_at,
    )


def test_checklist_items_latest_submitted_state(zhejiang):
    plan = approved(zhejiang)
    item = plan.schedule.first()
    deliverable = plan.deliverables.first()
    start = plan.batch.implementation_start
    at = timezone.now()
    first = report(zhejiang, start, "submitted", at - datetime.timedelta(days=90))
    second = report(zhejiang, start + datetime.timedelta(days=90), "submitted", at)
    draft = report(zhejiang, start + datetime.timedelta(days=180), "draft")
    ChecklistEntry.objects.create(
        report=first, schedule_item=item, state=ItemState.ON_TIME
    )
    ChecklistEntry.objects.create(
        report=second, schedule_item=item, state=ItemState.LATE, reason="设备到货晚"
    )
    ChecklistEntry.objects.create(
        report=draft, schedule_item=item, state=ItemState.DONE
    )
    ChecklistEntry.objects.create(
        report=first, deliverable=deliverable, state=ItemState.ON_TIME
    )

    items = {entry.key: entry for entry in checklist_items(plan)}

    assert items[f"s{item.pk}"].state == "late"
    assert items[f"s{item.pk}"].reason == "设备到货晚"
    assert items[f"s{item.pk}"].source == second
    assert items[f"d{deliverable.pk}"].state == "on_time"
    assert len(items) == plan.schedule.count() + plan.deliverables.count()
    unreported = [i for i in items.values() if not i.state]
    assert len(unreported) == len(items) - 2


def test_checklist_items_check_material_newer_than_report(zhejiang):
    plan = approved(zhejiang)
    item = plan.schedule.first()
    at = timezone.now()
    older = report(
        zhejiang,
        plan.batch.implementation_start,
        "submitted",
        at - datetime.timedelta(days=5),
    )
    material = CheckMaterial.objects.create(
        batch=plan.batch,
        unit=zhejiang,
        kind=CheckKind.MIDTERM,
        status="submitted",
        submitted_at=at,
    )
    ChecklistEntry.objects.create(report=older, schedule_item=item, state="on_time")
    ChecklistEntry.objects.create(
        material=material, schedule_item=item, state="dropped", reason="需求变更"
    )

    items = {entry.key: entry for entry in checklist_items(plan)}

    assert (items[f"s{item.pk}"].state, items[f"s{item.pk}"].reason) == (
        "dropped",
        "需求变更",
    )
    assert items[f"s{item.pk}"].source == material


def test_checklist_items_query_count_constant(zhejiang, django_assert_num_queries):
    plan = approved(zhejiang)
    with django_assert_num_queries(3):
        small = checklist_items(plan)
    task = zhejiang.tasks.first()
    start = plan.batch.implementation_start
    for n in range(6):
        plan.schedule.create(
            task=task,
            title=f"追加{n}",
            start=start,
            end=start + datetime.timedelta(days=10),
        )
    with django_assert_num_queries(3):
        large = checklist_items(plan)
    assert len(large) == len(small) + 6
