"""A programme at national scale: thousands of synthetic units, for the tests that
the public pages cost the same at 11 units as at 3,000 (issue 14)."""

from pilots.models import Batch, BusinessDomain, PilotUnit, Task, TechnologyDomain
from plans.models import Plan


def grow_programme(units, tasks_per_unit=1, start=0):
    """Add synthetic units to the current batch, each with tasks, an approved
    plan and two domains; numbered from `start` (to grow in steps)."""
    batch = Batch.objects.current()
    domain = BusinessDomain.objects.first()
    techs = list(TechnologyDomain.objects.all()[:2])
    new_units = PilotUnit.objects.bulk_create(
        PilotUnit(
            slug=f"synthetic-{n}",
            name=f"合成单位{n}",
            short_name=f"合成{n}",
            level=PilotUnit.Level.CITY,
            order=100 + n,
        )
        for n in range(start, start + units)
    )
    new_tasks = Task.objects.bulk_create(
        Task(unit=unit, title=f"合成任务{n}", business_domain=domain)
        for unit in new_units
        for n in range(tasks_per_unit)
    )
    Through = Task.technology_domains.through
    Through.objects.bulk_create(
        Through(task_id=task.pk, technologydomain_id=tech.pk)
        for task in new_tasks
        for tech in techs
    )
    Plan.objects.bulk_create(
        Plan(batch=batch, unit=unit, status="approved") for unit in new_units
    )
    batch.units.add(*new_units)
