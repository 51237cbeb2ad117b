"""Notifications and the e-mail outbox.

`notify()` is the one way the portal tells people something. It writes the in-portal
notification and the outgoing e-mail in the caller's transaction, and asks Celery to
drain the outbox once that transaction commits. The database row is the queue: if
Redis is down or the message is lost, the per-minute beat task sends it later.

What a message says and to whom is one function per message, in the app it belongs
to (plans/messages.py, reviews/messages.py, milestones/messages.py,
column/messages.py): it picks the recipients (User.objects.office(), members_of(),
…) and builds a `Message`. Its words are two templates, emails/<name>_subject.txt
and emails/<name>_body.txt, rendered here for each recipient in their language
(User.language, Chinese unless they chose otherwise), whoever caused the message.
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
from django.utils import timezone, translation

from .models import Notification, OutboxEmail, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claimed row is not due again until the lease ends; a worker that dies mid-send
# therefore delays the e-mail by the lease, never loses it.
LEASE = datetime.timedelta(minutes=10)
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)
CLAIM_BATCH = 50
DRAIN_TASK = "pilots.drain_outbox"


@dataclasses.dataclass(kw_only=True)
class Message:
    """One message to its recipients, each told in their own language.

    name: the message, and its templates emails/<name>_subject.txt (the title)
        and emails/<name>_body.txt, rendered with `context` in each recipient's
        language (User.language); pass objects, not translated strings, so that
        names and labels come out in that language too.
    kind: a short machine name stored on the notification; by default `name`.
    url: the path in the portal it links to, from reverse() ("" for none);
        e-mails carry it as a full link under settings.PORTAL_URL.
    dedupe_key: when given, a recipient gets this message at most once, ever
        (the key is stored per recipient; a second call with it writes nothing).
    email: also queue an e-mail to each recipient that has an address.
    """

    name: str
    recipients: list
    context: dict = dataclasses.field(default_factory=dict)
    kind: str = ""
    url: str = ""
    dedupe_key: str | None = None
    email: bool = True

    def texts(self, language):
        """(title, body) in `language`."""
        with translation.override(language):
            title = render_to_string(f"emails/{self.name}_subject.txt", self.context)
            body = render_to_string(f"emails/{self.name}_body.txt", self.context)
        return " ".join(title.split()), body.strip()


@dataclasses.dataclass(kw_only=True)
class WrittenMessage(Message):
    """A message whose words are already written: demo data, or a reminder that
    says what the office wrote in its rule, rendered for its one recipient."""

    name: str = "written"
    title: str
    body: str = ""

    def texts(self, language):
        return self.title, self.body


def notify(message):
    """Tell the message's recipients, in the portal and by e-mail.

    Must run inside the caller's transaction when it belongs to a state change:
    nothing is sent unless that transaction commits.
    """
    notify_all([message])


def notify_all(messages):
    """Several messages in two INSERTs, whatever their number. Each message is
    rendered once per language among its recipients, not once per recipient."""
    notifications, emails = [], []
    for message in messages:
        texts = {}
        for user in message.recipients:
            language = user.language
            if language not in texts:
                title, body = message.texts(language)
                texts[language] = _fit_title(title), body
            title, body = texts[language]
            notifications.append(
                Notification(
                    recipient=user,
                    kind=message.kind or message.name,
                    title=title,
                    body=body,
                    url=message.url,
                    dedupe_key=message.dedupe_key,
                )
            )
            if message.email and user.email:
                emails.append(_email_for(user, message, title, body))
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    OutboxEmail.objects.bulk_create(emails, ignore_conflicts=True)
    if emails:
        transaction.on_commit(_enqueue_drain)


def _fit_title(title):
    # A title quotes what people typed (an achievement's title, a rule's
    # subject); the message must still go out, shortened.
    longest = Notification._meta.get_field("title").max_length
    return title if len(title) <= longest else title[: longest - 1] + "…"


def _email_for(user, message, title, body):
    context = {
        "user": user,
        "title": title,
        "body": body,
        "link": absolute_url(message.url),
    }
    with translation.override(user.language):
        subject = render_to_string("emails/notification_subject.txt", context)
        text = render_to_string("emails/notification_body.txt", context)
    key = message.dedupe_key
    return OutboxEmail(
        to=user.email,
        subject=" ".join(subject.split()),
        body=text,
        dedupe_key=f"{key}:{user.pk}" if key else None,
    )


def absolute_url(url):
    """A portal path as a full link: e-mails are read outside the portal, and
    PORTAL_URL names its address."""
    if not url or "://" in url:
        return url
    base = settings.PORTAL_URL
    return base.rstrip("/") + url


def set_language(*, user, language):
    """The language the portal's messages reach `user` in from now on."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


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
