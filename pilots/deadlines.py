"""The single source of due dates: the batch's date unless the unit has an extension."""

from .models import DeadlineKind, Extension


def due_date(*, batch, unit, kind):
    """The date `unit` must meet for deadline `kind` of `batch` (end of that day)."""
    extension = Extension.objects.filter(batch=batch, unit=unit, kind=kind).first()
    if extension is not None:
        return extension.due
    return getattr(batch, DeadlineKind(kind).value)


def is_extended(*, batch, unit, kind):
    return Extension.objects.filter(batch=batch, unit=unit, kind=kind).exists()


def due_dates(*, batch, kind, units):
    """`due_date` for many units in one query: {unit.pk: date}."""
    extended = dict(
        Extension.objects.filter(batch=batch, kind=kind).values_list("unit_id", "due")
    )
    default = getattr(batch, DeadlineKind(kind).value)
    return {unit.pk: extended.get(unit.pk, default) for unit in units}
