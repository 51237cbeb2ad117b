"""What the plan verbs tell people: one function per message.

Each runs inside the verb's transaction, after the change succeeded; notify()
writes the in-portal notification and the e-mail there and sends on commit. The
words are templates/emails/<message>_subject.txt and _body.txt, rendered in each
recipient's language.
"""

from pilots.messaging import Message, notify
from pilots.models import User

from .models import Status


def _unit_members(plan):
    return list(User.objects.members_of(plan.unit_id).order_by("pk"))


def plan_submitted(*, plan, version):
    """The office and the departments supervising the unit's tasks are told."""
    office = list(User.objects.office())
    departments = list(User.objects.supervising(plan.unit_id).order_by("pk"))
    notify(
        Message(
            name="plan_submitted",
            recipients=office + departments,
            context={"plan": plan, "version": version},
            url=plan.get_absolute_url(),
            dedupe_key=f"plan:{plan.pk}:version:{version.number}",
        )
    )


DECISIONS = {
    Status.RETURNED: "plan_returned",
    Status.APPROVED: "plan_approved",
    Status.REJECTED: "plan_rejected",
}


def plan_decided(*, plan, transition):
    """The office returned, approved or rejected the plan: its unit is told.
    `transition` is the change's history row (pilots.History)."""
    notify(
        Message(
            name=DECISIONS[transition.to_state],
            recipients=_unit_members(plan),
            context={"plan": plan, "comment": transition.note.strip()},
            url=plan.get_absolute_url(),
            # "history", not the old "transition": History ids restart below the
            # old PlanTransition ids, and a reused key would swallow a new message.
            dedupe_key=f"plan:{plan.pk}:history:{transition.pk}",
        )
    )


def extension_granted(*, plan, extension):
    notify(
        Message(
            name="plan_extension",
            recipients=_unit_members(plan),
            context={"extension": extension, "reason": extension.reason.strip()},
            url=plan.get_absolute_url(),
            dedupe_key=f"plan:{plan.pk}:extension:{extension.pk}:{extension.due}",
        )
    )


def comment_added(*, plan, comment):
    """A reviewer commented while the plan is back with the unit."""
    if plan.status != Status.RETURNED or comment.author.is_unit_member:
        return
    notify(
        Message(
            name="plan_comment",
            recipients=_unit_members(plan),
            context={"comment": comment},
            url=plan.get_absolute_url(),
            dedupe_key=f"plan:{plan.pk}:comment:{comment.pk}",
        )
    )
