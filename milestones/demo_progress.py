"""Demo progress reports (marked is_demo, texts marked 演示) for the units of the demo
batch that have an approved plan: past periods submitted with rising percentages
(one of them late), one past period left overdue, the current period a draft.

Safe to run twice: a period that already has a report is left as it is, so what a
user changed stays. The reports are written through the ORM rather than the
services because their submission dates lie in the past.
"""

import datetime

from django.utils import timezone

from pilots.deadlines import days_late
from pilots.models import User
from plans.models import Plan
from plans.models import Status as PlanStatus

from .models import ChecklistEntry, ItemState, ProgressReport, TaskProgress
from .progress import plan_items, report_periods

DAY = datetime.timedelta(days=1)


def seed(batch, stdout):
    today = timezone.localdate()
    periods = [period for period in report_periods(batch) if period.start <= today]
    plans = Plan.objects.filter(batch=batch, status=PlanStatus.APPROVED).select_related(
        "unit"
    )
    created = 0
    for index, plan in enumerate(plans.order_by("unit__order")):
        created += _seed_unit(batch, plan, periods, index, today)
    stdout.write(f"milestones: {created} demo progress reports")


def _seed_unit(batch, plan, periods, index, today):
    unit = plan.unit
    member = User.objects.members_of(unit).first()
    tasks = list(unit.tasks.all())
    items = plan_items(plan)
    existing = set(
        ProgressReport.objects.filter(batch=batch, unit=unit).values_list(
            "period_start", flat=True
        )
    )
    past = [period for period in periods if period.due < today]
    created = 0
    for number, period in enumerate(periods, start=1):
        if period.start in existing:
            continue
        is_past = period in past
        # The first unit leaves its latest past report missing: it shows overdue.
        if index == 0 and is_past and period == past[-1]:
            continue
        report = ProgressReport(
            batch=batch,
            unit=unit,
            period_start=period.start,
            period_end=period.end,
            due=period.due,
            summary=f"（演示）{unit.short_name}第{number}期工作总体按计划推进。",
            is_demo=True,
        )
        if is_past:
            # The second unit submitted its first report three days late.
            late = index == 1 and period == past[0]
            day = period.due + 3 * DAY if late else period.due - 2 * DAY
            submitted_at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(10))
            )
            report.status = ProgressReport.Status.SUBMITTED
            report.submitted_at = submitted_at
            report.submitted_by = member
            report.days_late = days_late(period.due, submitted_at)
            report.is_late = report.days_late > 0
        report.save()
        created += 1
        _fill(report, tasks, items, number, len(periods) + 3)
    return created


def _fill(report, tasks, items, number, steps):
    TaskProgress.objects.bulk_create(
        TaskProgress(
            report=report,
            task=task,
            percent=min(100, round(100 * number / steps) + 5 * offset),
            done=f"（演示）完成{task.title}第{number}阶段的需求调研与开发。",
            problems="（演示）部分业务数据共享接口尚未打通。" if offset == 0 else "",
            next_steps="（演示）推进系统联调和试运行。",
        )
        for offset, task in enumerate(tasks)
    )
    entries = []
    for position, item in enumerate(items):
        finished = item.planned_end <= report.period_end
        state, reason = (ItemState.DONE, "") if finished else (ItemState.ON_TIME, "")
        if position == 1 and not finished:
            state, reason = ItemState.LATE, "（演示）设备采购招标延后一个月。"
        entries.append(
            ChecklistEntry(
                report=report,
                schedule_item=item.item if item.kind == "schedule" else None,
                deliverable=item.item if item.kind == "deliverable" else None,
                state=state,
                reason=reason,
            )
        )
    ChecklistEntry.objects.bulk_create(entries)
