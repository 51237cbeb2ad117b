"""The life of a batch: made from scratch or copied from an earlier one, and made
the current one. The one home of these rules; the office's screens
(milestones/views/batches.py), the demo seed and the admin go through here."""

import calendar
import dataclasses
import datetime

from django.db import transaction

from .models import Batch, PilotUnit, Task

# The dates of a batch, in the order of notice 五.
DATE_FIELDS = [
    "launch_date",
    "plan_due",
    "implementation_start",
    "implementation_end",
    "midterm_start",
    "midterm_end",
    "acceptance_due",
    "promotion_from",
]


def shifted_dates(source, launch_date):
    """`source`'s dates moved so that the batch is launched on `launch_date`.

    A launch on the same day of a later month moves every date by as many
    months, and a date at the end of its month stays at the end of its month
    (acceptance on 12-31 stays on 12-31, a leap year or not): that is how the
    office reads a timeline. Any other launch moves every date by as many days."""
    old = source.launch_date
    months = (launch_date.year - old.year) * 12 + launch_date.month - old.month
    by_months = launch_date.day == old.day

    def moved(day):
        if day is None:
            return None
        if not by_months:
            return day + (launch_date - old)
        return _add_months(day, months)

    return {name: moved(getattr(source, name)) for name in DATE_FIELDS}


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return datetime.date(year, month, last if at_month_end else min(day.day, last))


@transaction.atomic
def save_batch(*, batch, units, tasks):
    """Save `batch` with its units, and of `tasks` those of its units: a task
    cannot take part without its unit."""
    batch.save()
    batch.units.set(units)
    unit_ids = {unit.pk for unit in units}
    batch.tasks.set([task for task in tasks if task.unit_id in unit_ids])
    return batch


@transaction.atomic
def save_members(*, batch, listed, units, tasks):
    """Of the `listed` units, `units` take part in `batch` with those of `tasks`
    that are theirs; the other listed units leave it with their tasks. Units not
    listed keep what they had: the office changes a page of units at a time."""
    listed_ids = {unit.pk for unit in listed}
    chosen = {unit.pk for unit in units} & listed_ids
    batch.units.remove(*(listed_ids - chosen))
    batch.units.add(*chosen)
    batch.tasks.remove(*batch.tasks.filter(unit__in=listed_ids))
    batch.tasks.add(*(task for task in tasks if task.unit_id in chosen))


def copy_batch(*, source, launch_date, units, tasks, **names):
    """A new batch with `source`'s spans from `launch_date`, not current."""
    batch = Batch(**names, **shifted_dates(source, launch_date), is_current=False)
    return save_batch(batch=batch, units=units, tasks=tasks)


@dataclasses.dataclass
class Switch:
    """What making a batch current changed, for the office's message."""

    previous: Batch | None
    current: Batch
    joined: list  # units in the new batch and not in the previous one
    left: list  # units of the previous batch not in the new one


def switch_preview(batch):
    """What `make_current(batch)` would change, without changing it."""
    previous = Batch.objects.filter(is_current=True).exclude(pk=batch.pk).first()
    now = set(batch.units.values_list("pk", flat=True))
    before = set(previous.units.values_list("pk", flat=True)) if previous else set()
    units = PilotUnit.objects.filter(pk__in=now ^ before).order_by("order", "pk")
    return Switch(
        previous=previous,
        current=batch,
        joined=[unit for unit in units if unit.pk in now],
        left=[unit for unit in units if unit.pk not in now],
    )


@transaction.atomic
def make_current(batch):
    """Make `batch` the one the portal works on, in one step: at no moment are
    there two current batches or none (the constraint one_current_batch holds
    throughout). Returns the Switch."""
    # Lock every batch row: two offices switching at once queue here.
    list(Batch.objects.select_for_update().order_by("pk"))
    switch = switch_preview(batch)
    Batch.objects.filter(is_current=True).exclude(pk=batch.pk).update(is_current=False)
    Batch.objects.filter(pk=batch.pk).update(is_current=True)
    batch.is_current = True
    return switch


def every_task_of(units):
    return Task.objects.filter(unit__in=units)
