"""`/healthz` for a load balancer: 200 when the database, the cache and the broker
answer; 503 naming the part that does not, with no data in the answer."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.rows import changed_tables, row_counts

pytestmark = pytest.mark.django_db


def test_healthy_node_answers_ok_and_writes_nothing(client, redis_broker_url):
    before = row_counts()
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert changed_tables(before, row_counts()) == {}


def test_broker_down_is_named(client, broker_down):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable: broker\n")
    broker_down()  # the broker is back
    assert client.get("/healthz").status_code == 200


def test_cache_down_is_named(client, settings, redis_broker_url):
    # A Redis cache where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable: cache\n")


def test_database_down_is_named(client, monkeypatch, redis_broker_url):
    # The database is the one part a test cannot stop (it holds the test itself):
    # its connection refuses as a stopped server's does.
    def refuse(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable: database\n"


def test_file_store_down_is_named(client, settings, monkeypatch, redis_broker_url):
    # The object store chosen as a deployment chooses it, where nothing listens.
    from portal.settings import file_storages

    for variable, value in {
        "FILE_STORAGE": "s3",
        "S3_BUCKET": "portal",
        "S3_ENDPOINT_URL": "http://127.0.0.1:1",
        "S3_ACCESS_KEY_ID": "portal",
        "S3_SECRET_ACCESS_KEY": "portal-secret",
        "S3_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, **file_storages()}
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (
        503,
        b"unavailable: file store\n",
    )


def test_healthz_takes_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_not_sent_to_https(client, settings, redis_broker_url):
    # Production redirects every page to HTTPS; the balancer polls plain HTTP.
    from tests.pilots.test_settings import PRODUCTION_ENV, run_manage

    production = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT)",
        env=PRODUCTION_ENV,
    )
    assert production.stdout.splitlines()[-1] == "True ['^healthz$']", production.stderr
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
