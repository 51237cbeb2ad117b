"""Notifications and the e-mail outbox.

`notify()` is the one way the portal tells people something. It writes the in-portal
notification and the outgoing e-mail in the caller's transaction, and asks Celery to
drain the outbox once that transaction commits. The database row is the queue: if
Redis is down or the message is lost, the per-minute beat task sends it later.
"""

import dataclasses
import datetime
import logging

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification, OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claimed row is not due again until the lease ends; a worker that dies mid-send
# therefore delays the e-mail by the lease, never loses it.
LEASE = datetime.timedelta(minutes=10)
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)
CLAIM_BATCH = 50
DRAIN_TASK = "pilots.drain_outbox"


@dataclasses.dataclass
class Message:
    recipients: list
    kind: str
    title: str
    body: str
    url: str = ""
    dedupe_key: str | None = None
    email: bool = True


def notify(*, recipients, kind, title, body, url="", dedupe_key=None, email=True):
    """Tell `recipients` (users) something, in the portal and by e-mail.

    kind: a short machine name ("plan_submitted", "reminder.plan_due", ...).
    title, body: plain text in the reader's language (already translated).
    url: a path in the portal the notification links to ("" for none).
    dedupe_key: when given, a recipient gets this message at most once, ever
        (the key is stored per recipient; a second call with it writes nothing).
    email: also queue an e-mail to each recipient that has an address.

    Must run inside the caller's transaction when it belongs to a state change:
    nothing is sent unless that transaction commits.
    """
    notify_all([Message(list(recipients), kind, title, body, url, dedupe_key, email)])


def notify_all(messages):
    """Several `notify()` calls in two INSERTs, whatever the number of messages."""
    notifications, emails = [], []
    for message in messages:
        for user in message.recipients:
            key = message.dedupe_key
            notifications.append(
                Notification(
                    recipient=user,
                    kind=message.kind,
                    title=message.title,
                    body=message.body,
                    url=message.url,
                    dedupe_key=key,
                )
            )
            if message.email and user.email:
                emails.append(_email_for(user, message))
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    OutboxEmail.objects.bulk_create(emails, ignore_conflicts=True)
    if emails:
        transaction.on_commit(_enqueue_drain)


def _email_for(user, message):
    context = {
        "user": user,
        "title": message.title,
        "body": message.body,
        "link": _absolute(message.url),
    }
    subject = render_to_string("emails/notification_subject.txt", context)
    return OutboxEmail(
        to=user.email,
        subject=" ".join(subject.split()),
        body=render_to_string("emails/notification_body.txt", context),
        dedupe_key=f"{message.dedupe_key}:{user.pk}" if message.dedupe_key else None,
    )


def _absolute(url):
    """E-mails need full links; PORTAL_URL names the portal's address."""
    if not url or "://" in url:
        return url
    base = settings.PORTAL_URL
    return base.rstrip("/") + url


def queue_email(*, to, subject, body):
    """One e-mail to an address that is not a portal user (a member of the public
    answered privately): the same outbox and drain as notify(), sent only if the
    caller's transaction commits."""
    email = OutboxEmail.objects.create(
        to=to, subject=" ".join(subject.split()), body=body
    )
    transaction.on_commit(_enqueue_drain)
    return email


def _enqueue_drain():
    # By name: the task module wraps this one, so it cannot be imported here.
    try:
        current_app.send_task(DRAIN_TASK)
    except Exception:
        # The broker is down: the rows are committed and the beat drain sends them.
        logger.warning("Could not enqueue the outbox drain", exc_info=True)


def claim_due_emails(*, now=None, limit=CLAIM_BATCH):
    """Take up to `limit` due e-mails for this worker; another worker skips them.

    SKIP LOCKED lets concurrent drains pass each other's rows; moving
    next_attempt_at past the lease in the same transaction keeps the rows away
    from the next drain until this one has sent them (or died).
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxEmail.objects.filter(pk__in=ids).update(
            next_attempt_at=now + LEASE, attempts=F("attempts") + 1
        )
    return list(OutboxEmail.objects.filter(pk__in=ids).order_by("pk"))


def retry_delay(attempts):
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def drain_outbox():
    """Send every due e-mail once. Returns (sent, failed) counts of this run."""
    sent = failed = 0
    while True:
        batch = claim_due_emails()
        if not batch:
            return sent, failed
        for email in batch:
            if _send(email):
                sent += 1
            else:
                failed += 1


def _send(email):
    message = EmailMultiAlternatives(email.subject, email.body, to=[email.to])
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as error:  # any failure of the mail server or the network
        now = timezone.now()
        gave_up = email.attempts >= MAX_ATTEMPTS
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxEmail.Status.FAILED if gave_up else OutboxEmail.Status.PENDING,
            next_attempt_at=now + retry_delay(email.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("E-mail %s to %s failed: %s", email.pk, email.to, error)
        return False
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def mark_read(*, notification):
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
