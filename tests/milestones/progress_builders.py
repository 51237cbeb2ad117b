"""Builders for progress-report tests: approved plans, reports, form posts."""

import datetime

from milestones.models import ChecklistEntry, ProgressReport, TaskProgress
from milestones.progress import period_for
from pilots.models import Batch
from plans.models import Status as PlanStatus
from tests.plans.builders import complete_plan, current_plan


def approved_plan(unit):
    plan = complete_plan(current_plan(unit))
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    return plan


def make_report(unit, start, *, status="submitted", percents=None, at=None, **extra):
    """A report of `unit` for the period starting `start` (a date), with a
    TaskProgress row per task (percent from `percents` by task, else 10)."""
    batch = Batch.objects.current()
    period = period_for(batch, start.isoformat())
    report = ProgressReport.objects.create(
        batch=batch,
        unit=unit,
        period_start=period.start,
        period_end=period.end,
        due=period.due,
        status=status,
        submitted_at=at
        or (
            datetime.datetime.combine(period.due, datetime.time(9), datetime.UTC)
            if status == "submitted"
            else None
        ),
        **extra,
    )
    percents = percents or {}
    TaskProgress.objects.bulk_create(
        TaskProgress(
            report=report,
            task=task,
            percent=percents.get(task.pk, 10),
            done=f"完成了{task.title}的部分工作",
            problems=f"问题：{task.title}",
            next_steps="继续推进",
        )
        for task in unit.tasks.all()
    )
    return report


def entry(report, item, state, reason=""):
    return ChecklistEntry.objects.create(
        report=report, schedule_item=item, state=state, reason=reason
    )


def report_post(unit, *, percent="50", items=(), action="save", **overrides):
    """The POST a member sends for `unit`: every task at `percent`, each item in
    `items` (ChecklistItem-like with .key) on time."""
    data = {"summary": "本期总体进展顺利", action: "1"}
    if action == "submit":
        # As posted from the question submitting asks first (pilots/confirm.py).
        data["confirmed"] = "1"
    for task in unit.tasks.all():
        prefix = f"task_{task.pk}_"
        data[prefix + "percent"] = percent
        data[prefix + "done"] = f"{task.title}：完成需求调研"
        data[prefix + "problems"] = "数据共享不畅"
        data[prefix + "next_steps"] = "开展系统开发"
    for item in items:
        data[f"item_{item.key}_state"] = "on_time"
        data[f"item_{item.key}_reason"] = ""
    data.update(overrides)
    return data
