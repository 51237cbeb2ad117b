"""A mail server that fails, then recovers: the outbox retries with back-off,
loses nothing and sends each e-mail once. A real SMTP server (aiosmtpd) of the
test's own, on a port of its own."""

import datetime
import socket

import pytest
import time_machine
from aiosmtpd.controller import Controller

from pilots import messaging
from pilots.models import OutboxEmail
from tests.milestones.test_notify import _notify

pytestmark = pytest.mark.django_db


class FlakyServer:
    """Refuses every message with 451 while `failing`, then keeps them."""

    def __init__(self):
        self.failing = True
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.failing:
            return "451 4.3.0 try again later"
        self.received.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def flaky_smtp(settings):
    handler = FlakyServer()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    yield handler
    controller.stop()


def test_a_failing_mail_server_is_retried_until_it_takes_the_mail_once(
    unit_user, flaky_smtp
):
    _notify([unit_user])
    start = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        OutboxEmail.objects.update(next_attempt_at=start)
        assert messaging.drain_outbox() == (0, 1)
    email = OutboxEmail.objects.get()
    assert (email.status, email.attempts) == (OutboxEmail.Status.PENDING, 1)
    assert "451" in email.last_error
    assert flaky_smtp.received == []

    flaky_smtp.failing = False
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert messaging.drain_outbox() == (0, 0)  # backing off: not due yet
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        assert messaging.drain_outbox() == (1, 0)
        assert messaging.drain_outbox() == (0, 0)

    assert [rcpt for rcpt, _content in flaky_smtp.received] == [[unit_user.email]]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 2)
