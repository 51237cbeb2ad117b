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
