"""What the follow-up verbs tell people: one function per message.

Each runs inside the verb's transaction; the words are
templates/emails/<message>_subject.txt and _body.txt, rendered in each
recipient's language. Reminders say what the office wrote in its rules
(reminders.py); the weekly digest is built per language (digest.py).
"""

from django.urls import reverse

from pilots.messaging import Message, notify
from pilots.models import DeadlineKind, User

from .models import CheckKind


def extension_granted(*, extension):
    """An extension of a deadline other than the plan's (plans.messages tells
    that one in the plan's own words)."""
    notify(
        Message(
            name="extension_granted",
            kind="extension",
            recipients=list(User.objects.members_of(extension.unit_id)),
            context={
                "deadline": DeadlineKind(extension.kind).label,
                "due": extension.due,
                "previous_due": extension.previous_due,
                "reason": extension.reason.strip(),
            },
            url=reverse("milestones:timeline"),
            dedupe_key=f"extension:{extension.pk}:{extension.due}",
        )
    )


def extension_removed(*, unit, kind, old, due):
    """The unit is back on the programme's date `due` (from its extension's `old`)."""
    notify(
        Message(
            name="extension_removed",
            recipients=list(User.objects.members_of(unit)),
            context={"deadline": DeadlineKind(kind).label, "old": old, "due": due},
            url=reverse("milestones:timeline"),
        )
    )


def deadline_moved(*, batch, kind, units, old, new):
    """A programme-wide deadline moved: the members of `units` are told once."""
    notify(
        Message(
            name="deadline_moved",
            kind="deadline_moved",
            recipients=list(User.objects.unit_members().filter(unit__in=units)),
            context={"deadline": DeadlineKind(kind).label, "old": old, "new": new},
            url=reverse("milestones:timeline"),
            dedupe_key=f"deadline-moved:{batch.pk}:{kind}:{new.isoformat()}",
        )
    )


def progress_submitted(*, report):
    """The office and the departments supervising the unit's tasks are told."""
    unit = report.unit
    office = list(User.objects.office())
    departments = list(User.objects.supervising(unit))
    notify(
        Message(
            name="progress_submitted",
            recipients=office + departments,
            context={"report": report},
            url=reverse(
                "milestones:progress_report",
                args=[unit.slug, report.period_start.isoformat()],
            ),
            dedupe_key=f"progress_submitted:{report.pk}",
        )
    )


def _achievement_message(name, achievement):
    return Message(
        name=name,
        recipients=list(User.objects.members_of(achievement.unit_id)),
        context={"achievement": achievement},
        url=reverse("milestones:achievement_detail", args=[achievement.pk]),
        dedupe_key=(
            f"achievement:{achievement.pk}:{name}:{achievement.updated_at.isoformat()}"
        ),
    )


def achievement_published(*, achievement):
    notify(_achievement_message("achievement_published", achievement))


def achievement_recommended(*, achievement):
    notify(_achievement_message("achievement_recommended", achievement))


def _check_url(material):
    return reverse("milestones:check_detail", args=[material.kind, material.unit.slug])


def check_submitted(*, material, round_):
    """The office is told, and whether a round is open to put it before."""
    notify(
        Message(
            name="check_submitted",
            recipients=list(User.objects.office()),
            context={"material": material, "round": round_},
            url=_check_url(material),
        )
    )


def _tell_unit_of_material(name, material, **context):
    """Message `name` to the members of the material's unit, linking the material."""
    notify(
        Message(
            name=name,
            recipients=list(User.objects.members_of(material.unit_id)),
            context={"material": material, **context},
            url=_check_url(material),
        )
    )


def check_decision(*, material, decision):
    _tell_unit_of_material("check_decision", material, decision=decision)


def check_returned(*, material, comments):
    """初审 sent the material back before any expert read it."""
    _tell_unit_of_material("check_returned", material, comments=comments)


def check_plaque(*, plaque, unit):
    notify(
        Message(
            name="check_plaque",
            recipients=list(User.objects.members_of(unit)),
            context={"plaque": plaque},
            url=reverse(
                "milestones:check_detail", args=[CheckKind.ACCEPTANCE, unit.slug]
            ),
        )
    )


def weekly_digest(*, recipients, digest, key):
    """The office's digest, `digest` built in the recipients' language."""
    return Message(
        name="digest",
        kind="digest.weekly",
        recipients=recipients,
        context={"digest": digest, "year_week": key.removeprefix("digest:")},
        url=reverse("column:todo"),
        dedupe_key=key,
    )


def _circular_url(circular):
    return reverse("milestones:circular_detail", args=[circular.pk])


def circular_sent(*, circular, recipients):
    """A notice sent by the office: each recipient gets its text, what it asks
    and by when, in the portal and by e-mail, in their own language."""
    notify(
        Message(
            name="circular_sent",
            kind="circular",
            recipients=recipients,
            context={"circular": circular, "files": circular.files.count()},
            url=_circular_url(circular),
            dedupe_key=f"circular:{circular.pk}",
        )
    )


def circular_reminder(*, circular, user, key):
    """The office's reminder of a notice to one member of a unit; `key` is the
    reminder action's (circulars.remind), so one action tells a person once."""
    return Message(
        name="circular_reminder",
        kind="circular.reminder",
        recipients=[user],
        context={"circular": circular},
        url=_circular_url(circular),
        dedupe_key=f"reminder:{key}",
    )
