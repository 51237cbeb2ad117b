"""The office's programme settings outside the admin: the batch's timeline (the
programme-wide deadlines read by pilots.deadlines), extensions per unit, and
the reminder rules with their text.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation

from pilots.deadlines import due_date, extend
from pilots.models import DeadlineKind, Extension
from plans import services as plan_services

from . import messages
from .models import ReminderRule
from .reminders import message_context

TIMELINE_FIELDS = [
    "launch_date",
    "plan_due",
    "implementation_start",
    "implementation_end",
    "midterm_start",
    "midterm_end",
    "acceptance_due",
    "promotion_from",
]


@transaction.atomic
def update_timeline(*, batch, dates):
    """Write the batch's dates (validated by the form). Saved through the ORM, so
    the public pages' cache is dropped by its signal.

    Each deadline that moves is told once to the members of the units it moves
    for (those without an extension of it), with the old and the new date; the
    reminders follow by themselves (they are keyed by the due date)."""
    # As stored: a model form has already put the new dates on `batch`.
    stored = type(batch).objects.filter(pk=batch.pk).values(*DeadlineKind.values).get()
    moved = {
        kind: (stored[kind], dates[kind])
        for kind in DeadlineKind.values
        if stored[kind] != dates[kind]
    }
    for name in TIMELINE_FIELDS:
        setattr(batch, name, dates[name])
    batch.save(update_fields=TIMELINE_FIELDS)
    for kind, (old, new) in moved.items():
        extended = Extension.objects.filter(batch=batch, kind=kind).values("unit")
        units = batch.units.exclude(pk__in=extended)
        messages.deadline_moved(batch=batch, kind=kind, units=units, old=old, new=new)


# ------------------------------------------------------------------ extensions


@transaction.atomic
def grant_extension(*, batch, unit, kind, due, reason, user):
    """Grant or change one unit's extension of one deadline (with its history
    row, pilots.deadlines.extend).

    The plan deadline goes through plans.services.grant_extension, which tells the
    unit in the plan's own words and links the plan; the others are told here.
    """
    if kind == DeadlineKind.PLAN:
        plan = plan_services.plan_for(batch=batch, unit=unit)
        return plan_services.grant_extension(
            plan=plan, due=due, reason=reason, user=user
        )
    extension = extend(
        batch=batch, unit=unit, kind=kind, due=due, reason=reason, user=user
    )
    messages.extension_granted(extension=extension)
    return extension


@transaction.atomic
def remove_extension(*, extension):
    """The unit is back on the programme-wide date; its members are told."""
    batch, unit, kind = extension.batch, extension.unit, extension.kind
    extended_to = extension.due
    extension.delete()
    due = due_date(batch=batch, unit=unit, kind=kind)
    messages.extension_removed(unit=unit, kind=kind, old=extended_to, due=due)


# ------------------------------------------------------------------ reminder rules


def sample_context(*, kind, days_before, batch, unit, today=None):
    """The context a reminder renders with (reminders.message_context), for a
    sample unit: a batch deadline on its date in `batch`; a report or scoring
    deadline `days_before` days from today."""
    if batch is not None and kind in DeadlineKind.values:
        due = getattr(batch, kind)
    else:
        due = (today or timezone.localdate()) + datetime.timedelta(days=days_before)
    return message_context(
        kind=kind,
        unit_label=unit.label if unit else "",
        batch_label=batch.label if batch else "",
        due=due,
        today=due - datetime.timedelta(days=days_before),
    )


def render_rule(*, subject, body, context):
    """(subject, body) as a reminder sends them; raises TemplateSyntaxError."""
    with translation.override(settings.LANGUAGE_CODE):
        context = Context(context, autoescape=False)
        return (
            Template(subject).render(context).strip(),
            Template(body).render(context).strip(),
        )


def example_of(rule, *, batch, unit):
    """(subject, body) that `rule` sends, for the sample `unit` of `batch`; None
    when its text is not a valid template."""
    context = sample_context(
        kind=rule.kind, days_before=rule.days_before, batch=batch, unit=unit
    )
    try:
        return render_rule(subject=rule.subject, body=rule.body, context=context)
    except TemplateSyntaxError:
        return None


def save_rule(*, rule):
    """Save a rule the form validated (the text already rendered once)."""
    rule.save()
    return rule


def deactivate_rule(*, rule):
    ReminderRule.objects.filter(pk=rule.pk).update(active=False)
