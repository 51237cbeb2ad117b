"""Shared fixtures: role personas, the real services, the real browser.

Under CI (CI=true) a missing PostgreSQL, Redis or Chromium is a failure, never a skip.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from pilots.models import Department, Notification, OutboxEmail, PilotUnit, User

PASSWORD = "persona-pass-123"
UNDER_CI = os.environ.get("CI", "").lower() == "true"


def _broker_of_this_process():
    """Under pytest-xdist each test process has a Redis database of its own (15,
    14, ...), so that one process's Celery worker never takes the other's tasks.
    Set before anything opens a broker connection: Celery keeps its producer
    pool."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    parts = urlsplit(settings.CELERY_BROKER_URL)
    number = parts.path.strip("/")
    if not (worker.startswith("gw") and parts.scheme == "redis" and number.isdigit()):
        return
    url = parts._replace(path=f"/{int(number) - int(worker[2:])}").geturl()
    # Celery reads the environment variable before its configuration.
    os.environ["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL = url


_broker_of_this_process()


def require_service(what):
    """A test that needs a service the machine lacks: skip locally, fail under CI."""
    message = f"{what} is not available"
    if UNDER_CI:
        pytest.fail(f"{message} (CI=true: a missing service is a failure)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production uses hashed static names (needs collectstatic); tests do not run it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _portal_language_afterwards(settings):
    # A request in English leaves English active in the thread (portal/locale.py
    # activates, nothing deactivates): the next test would start in English.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def make_user(username, role, **fields):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.test",
        full_name=fields.pop("full_name", username),
        role=role,
        **fields,
    )
    return user


@pytest.fixture
def zhejiang(db):
    return PilotUnit.objects.get(slug="zhejiang")


@pytest.fixture
def fujian(db):
    return PilotUnit.objects.get(slug="fujian")


@pytest.fixture
def office_user(db):
    return make_user("office-persona", User.Role.OFFICE)


@pytest.fixture
def department_user(db):
    # 运行管理司 guides 水工程, which Zhejiang has tasks in.
    return make_user(
        "department-persona",
        User.Role.DEPARTMENT,
        department=Department.objects.get(slug="operation"),
    )


@pytest.fixture
def unit_user(zhejiang):
    return make_user("zhejiang-member", User.Role.UNIT, unit=zhejiang)


@pytest.fixture
def other_unit_user(fujian):
    return make_user("fujian-member", User.Role.UNIT, unit=fujian)


@pytest.fixture
def expert_user(db):
    return make_user(
        "expert-persona", User.Role.EXPERT, expertise=User.Expertise.BUSINESS
    )


@pytest.fixture
def unassigned_expert_user(db):
    return make_user("expert-unassigned", User.Role.EXPERT, expertise=User.Expertise.IT)


# Two readers who chose English for their messages.
@pytest.fixture
def english_office_user(db):
    return make_user("office-en", User.Role.OFFICE, full_name="Ann", language="en")


@pytest.fixture
def english_unit_user(zhejiang):
    return make_user(
        "zhejiang-en", User.Role.UNIT, unit=zhejiang, full_name="Bo", language="en"
    )


PORTAL_URL = "https://slxx.example.gov.cn"


@pytest.fixture
def portal_url(settings):
    settings.PORTAL_URL = PORTAL_URL
    return PORTAL_URL


def told(user, kind):
    """What the one `kind` message to `user` says: (title, body) in the portal and
    (subject, body) of its e-mail."""
    notification = Notification.objects.get(recipient=user, kind=kind)
    email = OutboxEmail.objects.get(to=user.email, subject__contains=notification.title)
    return notification.title, notification.body, email.subject, email.body


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def redis_broker_url():
    """The Redis broker the tests' Celery worker talks to (make test sets it)."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        require_service(f"a Redis broker (CELERY_BROKER_URL is {url!r})")
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), 2).close()
    except OSError:
        require_service(f"Redis at {parts.hostname}:{parts.port or 6379}")
    return url


@pytest.fixture
def celery_worker(redis_broker_url):
    """A real Celery worker, in a thread, consuming from the real Redis broker.

    The worker sees only committed rows: tests using it are marked
    `django_db(transaction=True, serialized_rollback=True)`, which also restores
    the programme data (the 11 units) for the tests that follow.
    """
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.conf.broker_url = redis_broker_url
    # Tasks an earlier test left in the queue would run in this test's worker.
    # Only the portal's own queue is emptied: the shared Redis is never flushed.
    with app.connection_for_write() as connection:
        app.control.purge(connection=connection)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


@pytest.fixture
def broker_down():
    """Celery's broker unreachable until the test calls the function this yields
    (or ends): nothing listens on port 1. Celery and kombu cache connection and
    producer pools; they are dropped on the way in and out, so the next send
    connects anew."""
    import kombu.pools

    from portal.celery import app

    def use_broker(url, write_url):
        app.conf.broker_url, app.conf.broker_write_url = url, write_url
        kombu.pools.reset()
        app._pool = app.amqp._producer_pool = None

    saved = app.conf.broker_url, app.conf.broker_write_url
    down = "redis://127.0.0.1:1/0"
    use_broker(down, down)
    yield lambda: use_broker(*saved)
    use_broker(*saved)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser.

    List it last among a test's fixtures: data fixtures set up after Playwright has
    started run inside its greenlet, whose database connection nobody closes.
    """
    if not shutil.which(CHROMIUM):
        require_service(f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
