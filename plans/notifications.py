"""What the plan verbs tell people: one function per message.

Each runs inside the verb's transaction, after the change succeeded; notify()
writes the in-portal notification and the e-mail there and sends on commit. Texts
are built in the portal's language (Chinese), whatever the request's language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pilots.messaging import notify
from pilots.models import User

from .models import Status


def office_users():
    return list(User.objects.filter(role=User.Role.OFFICE, is_active=True))


def department_users(unit):
    """Members of the departments whose business domains cover one of the unit's
    tasks."""
    return list(
        User.objects.filter(
            role=User.Role.DEPARTMENT,
            is_active=True,
            department__business_domains__tasks__unit=unit,
        )
        .distinct()
        .order_by("pk")
    )


def unit_members(unit):
    return list(
        User.objects.filter(role=User.Role.UNIT, unit=unit, is_active=True).order_by(
            "pk"
        )
    )


def _date(value):
    return value.isoformat()


def _with_comment(text, comment):
    if comment.strip():
        return text + "\n\n" + _("Comment: %(comment)s") % {"comment": comment.strip()}
    return text


def plan_submitted(*, plan, version):
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(unit)s submitted its implementation plan (version %(n)s)") % {
            "unit": plan.unit.label,
            "n": version.number,
        }
        body = _("%(unit)s submitted version %(n)s of its plan for “%(batch)s”.") % {
            "unit": plan.unit.label,
            "n": version.number,
            "batch": plan.batch.label,
        }
        if version.is_late:
            body += "\n\n" + _(
                "Submitted late: %(days)s day(s) after the due date %(due)s."
            ) % {"days": version.days_late, "due": _date(version.due)}
    notify(
        recipients=office_users() + department_users(plan.unit),
        kind="plan_submitted",
        title=title,
        body=body,
        url=plan.get_absolute_url(),
        dedupe_key=f"plan:{plan.pk}:version:{version.number}",
    )


DECISIONS = {
    Status.RETURNED: (
        "plan_returned",
        gettext_noop("Your implementation plan was returned for revision"),
        gettext_noop(
            "The programme office returned your plan for revision; "
            "you may edit and submit it again."
        ),
    ),
    Status.APPROVED: (
        "plan_approved",
        gettext_noop("Your implementation plan was approved"),
        gettext_noop("The programme office approved your plan."),
    ),
    Status.REJECTED: (
        "plan_rejected",
        gettext_noop("Your implementation plan was rejected"),
        gettext_noop("The programme office rejected your plan."),
    ),
}


def plan_decided(*, plan, transition):
    """The office returned, approved or rejected the plan: its unit is told."""
    kind, title, body = DECISIONS[transition.to_status]
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _(title), _with_comment(_(body), transition.comment)
    notify(
        recipients=unit_members(plan.unit),
        kind=kind,
        title=title,
        body=body,
        url=plan.get_absolute_url(),
        dedupe_key=f"plan:{plan.pk}:transition:{transition.pk}",
    )


def extension_granted(*, plan, extension):
    with translation.override(settings.LANGUAGE_CODE):
        title = _("The deadline of your implementation plan was extended")
        body = _("The new due date of your implementation plan is %(due)s.") % {
            "due": _date(extension.due)
        }
        if extension.reason.strip():
            body += "\n\n" + _("Reason: %(reason)s") % {
                "reason": extension.reason.strip()
            }
    notify(
        recipients=unit_members(plan.unit),
        kind="plan_extension",
        title=title,
        body=body,
        url=plan.get_absolute_url(),
        dedupe_key=f"plan:{plan.pk}:extension:{extension.pk}:{extension.due}",
    )


def comment_added(*, plan, comment):
    """A reviewer commented while the plan is back with the unit."""
    if plan.status != Status.RETURNED or comment.author.is_unit_member:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("New comment on your implementation plan")
        body = _("%(author)s commented on “%(section)s”: %(body)s") % {
            "author": comment.author,
            "section": comment.get_section_display(),
            "body": comment.body,
        }
    notify(
        recipients=unit_members(plan.unit),
        kind="plan_comment",
        title=title,
        body=body,
        url=plan.get_absolute_url(),
        dedupe_key=f"plan:{plan.pk}:comment:{comment.pk}",
    )
