"""The page cache is a help, never a need: with its Redis stopped or hanging the
public pages are made from the database and saves go through; once it is back it
serves nothing made before the change. A Redis server of the test's own, on a
port of its own; the shared one is never touched."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.column.test_public import news
from tests.conftest import client_for, require_service

PAGES = ["/", "/news/", "/units/", "/units/zhejiang/", "/achievements/", "/feed/"]
PAGES += ["/notices/"]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """redis-server on a free port, started and stopped by the test alone."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test's own redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def pause(self, milliseconds):
        """Every client's command hangs, as on a stalled server."""
        subprocess.run(
            [
                "redis-cli",
                "-p",
                str(self.port),
                "CLIENT",
                "PAUSE",
                str(milliseconds),
                "ALL",
            ],
            check=True,
            capture_output=True,
        )


@pytest.fixture
def own_redis_cache(settings):
    if not shutil.which("redis-server"):
        require_service("redis-server")
    redis = OwnRedis()
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{redis.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PUBLIC_CACHE_SECONDS = 60
    yield redis
    redis.stop()


def _outage_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "column.cache"]


@pytest.mark.django_db
def test_with_the_cache_stopped_pages_answer_and_saves_go_through(
    client, own_redis_cache, office_user, zhejiang, caplog
):
    caplog.set_level(logging.WARNING, logger="column.cache")
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert cache.get("public-column:version") is not None  # it was in use

    own_redis_cache.stop()
    post = news(office_user, "缓存中断期间发布", publish_at=None)
    client_for(client, office_user)  # the office publishes through its page
    published = client.post(reverse("column:news_action", args=[post.pk, "publish"]))
    assert published.status_code == 302
    client.logout()
    post.refresh_from_db()
    assert post.publish_at is not None
    for url in PAGES * 2:
        assert client.get(url).status_code == 200, url
    assert "缓存中断期间发布" in client.get("/news/").content.decode()
    assert "缓存中断期间发布" in client.get(post.get_absolute_url()).content.decode()
    # Logged once for the whole outage, not per request.
    assert _outage_lines(caplog) == [
        "The page cache is unreachable: public pages are made uncached until it "
        "is back."
    ]

    own_redis_cache.start()  # back, empty
    assert "缓存中断期间发布" in client.get("/").content.decode()
    assert _outage_lines(caplog)[-1] == (
        "The page cache is back; its pages are made anew."
    )
    assert cache.get("public-column:version") is not None


@pytest.mark.django_db
def test_a_change_made_while_the_cache_hung_is_shown_once_it_answers(
    client, own_redis_cache, office_user
):
    assert "暂停期间的新闻" not in client.get("/news/").content.decode()  # cached
    own_redis_cache.pause(1500)
    news(office_user, "暂停期间的新闻", publish_at=timezone.now())  # not announced
    time.sleep(1.6)

    # The same Redis, with the page of before the change still in it: the first
    # answer after the outage makes every cached page stale.
    page = client.get("/news/").content.decode()
    assert "暂停期间的新闻" in page
