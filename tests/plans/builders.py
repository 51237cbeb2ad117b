"""Small builders for plan tests: a complete plan written through the ORM."""

import datetime

from pilots.models import Batch
from plans import services
from plans.models import Contact, Deliverable, PlanSection, ScheduleItem, SectionKey


def current_plan(unit):
    return services.plan_for(batch=Batch.objects.current(), unit=unit)


def person(**extra):
    return {
        "name": "张三",
        "post": "处长",
        "phone": "13812345678",
        "email": "zhang@example.test",
        **extra,
    }


def fill_sections(plan, text="现状良好。"):
    for key in SectionKey:
        PlanSection.objects.update_or_create(
            plan=plan, key=key, defaults={"text": f"{text} {key.value}"}
        )


def fill_rows(plan, items_per_task=1):
    batch = plan.batch
    start = batch.implementation_start
    for role in Contact.Role:
        Contact.objects.create(plan=plan, task=None, role=role, **person())
    for task in plan.unit.tasks.all():
        for role in Contact.Role:
            Contact.objects.create(plan=plan, task=task, role=role, **person())
        for n in range(items_per_task):
            ScheduleItem.objects.create(
                plan=plan,
                task=task,
                title=f"工作{n}",
                start=start + datetime.timedelta(days=n),
                end=start + datetime.timedelta(days=n + 30),
            )
        Deliverable.objects.create(
            plan=plan,
            task=task,
            title="平台",
            kind=Deliverable.Kind.PRODUCT,
            due=batch.implementation_end,
        )


def complete_plan(plan, items_per_task=1):
    fill_sections(plan)
    fill_rows(plan, items_per_task)
    return plan
