"""What the programme's own floor tells people: one function per message.

The words are templates/emails/<message>_subject.txt and _body.txt, rendered in
each recipient's language.
"""

from django.urls import reverse

from .messaging import Message, notify


def export_ready(*, job):
    """The person who asked for an export: it is ready, here is its page (in the
    portal only; an export is fetched while one waits for it, not by e-mail)."""
    person = job.requested_by
    if person is None or not person.is_active:
        return
    notify(
        Message(
            name="export_ready",
            recipients=[person],
            context={"filename": job.filename},
            url=reverse("pilots:export_status", args=[job.pk]),
            dedupe_key=f"export:{job.pk}",
            email=False,
        )
    )
