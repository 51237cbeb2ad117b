"""What the review verbs tell people: one function per message.

Each runs inside the verb's transaction; the words are
templates/emails/<message>_subject.txt and _body.txt, rendered in each
recipient's language.
"""

from django.urls import reverse

from pilots.messaging import Message, notify
from pilots.models import User


def review_assigned(*, assignment):
    notify(
        Message(
            name="review_assigned",
            recipients=[assignment.expert],
            context={"submission": assignment.submission},
            url=reverse("reviews:assignment", args=[assignment.pk]),
        )
    )


def review_conflict(*, submission, expert, reason):
    """The expert declined: the office is told why."""
    notify(
        Message(
            name="review_conflict",
            recipients=list(User.objects.office()),
            context={"submission": submission, "expert": expert, "reason": reason},
            url=reverse("reviews:submission", args=[submission.pk]),
        )
    )


def review_reopened(*, sheet):
    assignment = sheet.assignment
    notify(
        Message(
            name="review_reopened",
            recipients=[assignment.expert],
            context={"submission": assignment.submission},
            url=reverse("reviews:assignment", args=[assignment.pk]),
        )
    )
