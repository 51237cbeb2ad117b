"""The single source of due dates (the batch's date unless the unit has an
extension) and of lateness against them.

Days are days in Asia/Shanghai (settings.TIME_ZONE): a deadline is met until the
end of its day there.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .history import record
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
    return all_due_dates(batch=batch, units=units, kinds=[kind])[kind]


def all_due_dates(*, batch, units, kinds=tuple(DeadlineKind)):
    """`due_date` of each of `kinds` for many units, in one query:
    {kind: {unit.pk: date}}."""
    dates = {
        kind: dict.fromkeys(
            (unit.pk for unit in units), getattr(batch, DeadlineKind(kind).value)
        )
        for kind in kinds
    }
    for unit_id, kind, due in Extension.objects.filter(
        batch=batch, kind__in=list(kinds)
    ).values_list("unit_id", "kind", "due"):
        if unit_id in dates[kind]:
            dates[kind][unit_id] = due
    return dates


def days_late(due, when):
    """Whole days `when` (a date, or an aware datetime taken in Asia/Shanghai) is
    past `due`; 0 when on time, the due day included until its last second."""
    if isinstance(when, datetime.datetime):
        when = timezone.localdate(when)
    return max((when - due).days, 0)


@transaction.atomic
def extend(*, batch, unit, kind, due, reason, user):
    """Grant or change `unit`'s extension of one deadline (one per deadline).

    Side effect: a history row whose states are the due dates, so it reads as
    what happened: granted (from nothing to a date) or changed (from the old
    date to the new one); the note is the reason. Callers tell the unit: the
    returned extension's `previous_due` is the date it replaces."""
    previous = (
        Extension.objects.select_for_update()
        .filter(batch=batch, unit=unit, kind=kind)
        .values_list("due", flat=True)
        .first()
    )
    extension, _created = Extension.objects.update_or_create(
        batch=batch,
        unit=unit,
        kind=kind,
        defaults={"due": due, "reason": reason, "granted_by": user},
    )
    # What the unit was due on before: for the message that tells it.
    extension.previous_due = previous or getattr(batch, kind)
    record(
        extension,
        from_state=previous.isoformat() if previous else "",
        to_state=due.isoformat(),
        by=user,
        note=reason.strip(),
    )
    return extension
