"""PDFs when a part fails: the broker down at request time, a worker killed in the
middle of a render. Real parts: the Redis broker, Celery workers, WeasyPrint."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pilots.models import PilotUnit
from plans import pdfjobs, services
from plans.models import PlanPdf, Status
from tests.conftest import client_for, make_user

from .builders import complete_plan, current_plan

ROOT = Path(__file__).resolve().parents[2]


def _submitted(slug, items_per_task=1):
    unit = PilotUnit.objects.get(slug=slug)
    member = make_user(f"{slug}-faults", "unit", unit=unit)
    plan = complete_plan(current_plan(unit), items_per_task)
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=member)
    return plan, member


def _wait_for(pdf, states, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pdf.refresh_from_db()
        if pdf.status in states:
            return pdf.status
        time.sleep(0.02)
    return pdf.status


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_broker_down_the_pdf_waits_and_is_made_when_it_is_back(
    client, settings, tmp_path, celery_worker, broker_down
):
    settings.VAR_DIR = tmp_path
    plan, member = _submitted("zhejiang")
    client_for(client, member)

    response = client.post(reverse("plans:version_pdf", args=["zhejiang", 1]))

    pdf = PlanPdf.objects.get(archive="")
    assert response.status_code == 302
    assert response.url == reverse("plans:pdf_status", args=["zhejiang", pdf.pk])
    page = client.get(response.url).content.decode()
    assert "生成PDF的后台服务暂时无法连接" in page
    assert (pdf.status, pdf.queued_at) == (PlanPdf.Status.PENDING, None)

    # The submission went through with the broker down: its archival copy waits
    # too, and is sent by the same recovery.
    archival = PlanPdf.objects.get(archive=PlanPdf.Archive.SUBMITTED)
    assert (archival.status, archival.queued_at) == (PlanPdf.Status.PENDING, None)

    broker_down()  # the broker is back; the beat's recovery sends what waited
    assert pdfjobs.recover_stalled() == (0, 2)

    assert _wait_for(pdf, {PlanPdf.Status.READY, PlanPdf.Status.FAILED}) == (
        PlanPdf.Status.READY
    ), pdf.error
    # The status page refreshes to the download address, which is now the file.
    download = client.get(reverse("plans:pdf_download", args=["zhejiang", pdf.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    download.close()
    assert PlanPdf.objects.filter(archive="").count() == 1 and pdf.attempts == 1
    assert _wait_for(archival, {PlanPdf.Status.READY, PlanPdf.Status.FAILED}) == (
        PlanPdf.Status.READY
    ), archival.error
    assert len(archival.file_sha256) == 64


def _worker_process():
    """A Celery worker of its own, in a process of its own, on this test's
    database and broker: the one the test kills."""
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{connection.settings_dict['USER']}@"
            f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}/"
            f"{connection.settings_dict['NAME']}"
        ),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_render_whose_worker_is_killed_is_taken_up_again(
    settings, tmp_path, redis_broker_url
):
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    settings.VAR_DIR = tmp_path
    # Only the portal's own queue is emptied: the shared Redis is never flushed.
    with app.connection_for_write() as broker:
        app.control.purge(connection=broker)
    plan, member = _submitted("fujian", items_per_task=8)
    doomed = _worker_process()
    try:
        pdf = pdfjobs.request_pdf(plan=plan, version=plan.versions.get(), user=member)
        assert _wait_for(pdf, {PlanPdf.Status.RENDERING}) == PlanPdf.Status.RENDERING
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    time.sleep(0.5)
    pdf.refresh_from_db()
    assert pdf.status == PlanPdf.Status.RENDERING  # nobody is rendering it

    # The per-minute recovery, once the lease has run out, queues it again; the
    # other worker renders it.
    later = timezone.now() + pdfjobs.LEASE + datetime.timedelta(seconds=1)
    assert pdfjobs.recover_stalled(now=later) == (0, 1)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        status = _wait_for(pdf, {PlanPdf.Status.READY, PlanPdf.Status.FAILED})
    assert status == PlanPdf.Status.READY, pdf.error
    assert pdf.attempts == 2
    assert pdf.file.name.endswith(".pdf")
