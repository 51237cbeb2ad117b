"""What the public column tells people: one function per message.

The words are templates/emails/<message>_subject.txt and _body.txt. The office
reads them in each member's language; a member of the public has no account, and
so no preference: the answer to them is in the portal's language (Chinese).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from pilots.messaging import Message, notify, queue_email
from pilots.models import User


def public_message_received(*, message):
    notify(
        Message(
            name="public_message_received",
            kind="public_message.received",
            recipients=list(User.objects.office()),
            context={"message": message},
            url=reverse("column:message_moderate", args=[message.pk]),
        )
    )


def public_message_answer(*, message, answer):
    """The office's private answer, by e-mail to the sender's address."""
    context = {"message": message, "answer": answer}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/public_message_answer_subject.txt", context)
        body = render_to_string("emails/public_message_answer_body.txt", context)
    queue_email(to=message.email, subject=subject, body=body.strip())
