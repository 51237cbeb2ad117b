import datetime
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from pilots import messaging as services
from pilots.models import Notification, OutboxEmail
from pilots.tasks import drain_outbox_task


class FailingBackend(EmailBackend):
    """The mail server refusing every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPException("451 try again later")


def _notify(users, **fields):
    services.notify(
        services.WrittenMessage(
            recipients=users,
            kind=fields.pop("kind", "test"),
            title=fields.pop("title", "Plan returned"),
            body=fields.pop("body", "Please revise section 3."),
            url=fields.pop("url", "/timeline/"),
            **fields,
        )
    )


def test_notify_writes_notification_and_outbox_and_enqueues_on_commit(
    unit_user, other_unit_user, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_URL = "https://slxx.example.gov.cn"
    with django_capture_on_commit_callbacks() as callbacks:
        _notify([unit_user, other_unit_user])
    assert [n.recipient for n in Notification.objects.order_by("pk")] == [
        unit_user,
        other_unit_user,
    ]
    emails = OutboxEmail.objects.order_by("pk")
    assert [e.to for e in emails] == [unit_user.email, other_unit_user.email]
    assert emails[0].status == OutboxEmail.Status.PENDING
    assert "Plan returned" in emails[0].subject
    assert "Please revise section 3." in emails[0].body
    assert "https://slxx.example.gov.cn/timeline/" in emails[0].body
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_notify_shortens_a_title_longer_than_the_inbox_keeps(unit_user):
    _notify([unit_user], title="长" * 250)
    title = Notification.objects.get().title
    assert title == "长" * 199 + "…"
    assert title in OutboxEmail.objects.get().subject


def test_notify_with_dedupe_key_writes_once(unit_user):
    _notify([unit_user], dedupe_key="k1")
    _notify([unit_user], dedupe_key="k1")
    assert Notification.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


def test_notify_without_email_queues_nothing(
    unit_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _notify([unit_user], email=False)
    assert Notification.objects.count() == 1
    assert OutboxEmail.objects.count() == 0
    assert callbacks == []


def test_drain_sends_once_and_marks_sent(unit_user):
    _notify([unit_user])
    drain_outbox_task()
    drain_outbox_task()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [unit_user.email]
    email = OutboxEmail.objects.get()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None


def test_drain_failure_backs_off_then_recovery_sends_once(unit_user, settings):
    _notify([unit_user])
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    start = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        OutboxEmail.objects.update(next_attempt_at=start)
        assert services.drain_outbox() == (0, 1)
    email = OutboxEmail.objects.get()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert email.next_attempt_at == start + datetime.timedelta(minutes=1)
    assert email.last_error == "SMTPException: 451 try again later"
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert services.drain_outbox() == (0, 1)
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at == start + datetime.timedelta(seconds=61 + 120)
    # Not due yet: nothing is tried.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(start + datetime.timedelta(seconds=62), tick=False):
        assert services.drain_outbox() == (0, 0)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        assert services.drain_outbox() == (1, 0)
        assert services.drain_outbox() == (0, 0)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 3


def test_drain_gives_up_after_max_attempts(unit_user, settings):
    _notify([unit_user])
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    OutboxEmail.objects.update(attempts=services.MAX_ATTEMPTS - 1)
    assert services.drain_outbox() == (0, 1)
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.FAILED


def test_retry_delay_doubles_up_to_six_hours():
    minutes = [services.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)]
    assert minutes == [1, 2, 4, 8]
    assert services.retry_delay(30) == datetime.timedelta(hours=6)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_drains_send_each_email_once(unit_user, other_unit_user):
    for i in range(30):
        _notify([unit_user, other_unit_user], title=f"message {i}")
    barrier = threading.Barrier(2)
    results = []

    def drain():
        try:
            barrier.wait()
            results.append(services.drain_outbox())
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent for sent, _failed in results) == 60
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(subjects) == 60
    assert len(set(subjects)) == 60
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {
        (OutboxEmail.Status.SENT, 1)
    }


def test_notify_with_the_broker_down_keeps_the_email_for_the_beat_drain(
    unit_user, django_capture_on_commit_callbacks, caplog, broker_down
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify([unit_user])
    assert len(callbacks) == 1
    assert "Could not enqueue the outbox drain" in caplog.text
    email = OutboxEmail.objects.get()
    assert email.status == OutboxEmail.Status.PENDING
    # The per-minute beat task finds it.
    drain_outbox_task()
    assert [m.to for m in mail.outbox] == [[unit_user.email]]
