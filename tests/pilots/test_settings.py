import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from portal.settings import database_from_url, file_storages

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-real-production-secret-of-sufficient-length-and-entropy-9f3k2",
    "ALLOWED_HOSTS": "slxx.example.gov.cn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
}


def run_manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    # The test run turns the HTTPS redirect off; production keeps the default.
    base.pop("SECURE_SSL_REDIRECT", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_values():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


@pytest.mark.django_db
def test_models_have_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_beat_entry_names_a_task_that_a_worker_knows(settings):
    from portal.celery import app

    # A starting worker imports every app's tasks module; beat sends by name, and a
    # name no worker knows would be dropped by the worker, every time.
    app.loader.import_default_modules()
    unknown = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in app.tasks
    ]
    assert unknown == []
    assert "pilots.drain_outbox" in [
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    ]


def test_database_url_parsing(monkeypatch):
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    pg = database_from_url("postgres://u:p%40ss@db.local:5433/portal")
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "portal",
        "u",
        "p@ss",
    )
    assert (pg["HOST"], pg["PORT"]) == ("db.local", "5433")
    assert pg["CONN_MAX_AGE"] == 600  # persistent connections by default
    assert database_from_url("sqlite:////srv/x.db")["NAME"] == "/srv/x.db"
    assert database_from_url("sqlite:///var/x.db")["NAME"] == str(ROOT / "var/x.db")


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"FILE_STORAGE": "s3"}, "S3_BUCKET must be set when FILE_STORAGE is s3"),
        ({"FILE_STORAGE": "ftp"}, "FILE_STORAGE 'ftp' is not supported"),
    ],
)
def test_file_storage_misconfigured_refuses_to_start(monkeypatch, environment, message):
    # Never a quiet fall back to the local disk, where the other servers do not look.
    monkeypatch.delenv("S3_BUCKET", raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        file_storages()


def make_run_dry(*args, **env):
    base = {k: v for k, v in os.environ.items() if k != "PORTAL_URL"}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_links_to_the_port_it_serves():
    out = make_run_dry("PORT=8080")
    assert "runserver 127.0.0.1:8080" in out
    assert "Links in e-mails and the feed: http://127.0.0.1:8080/" in out


def test_make_run_keeps_a_portal_url_that_is_set():
    out = make_run_dry("PORT=8080", PORTAL_URL="https://slxx.example.gov.cn")
    assert "Links in e-mails and the feed: https://slxx.example.gov.cn/" in out
