"""The office's exports as background jobs: a real Celery worker over Redis
builds them; the broker down leaves them waiting until the recovery sends them;
the same export asked twice while it waits is one job; who may fetch it."""

import csv
import io
import time

import pytest
from django.urls import resolve, reverse
from openpyxl import load_workbook

from milestones import exports
from milestones.tasks import build_export_task
from pilots import exportjobs
from pilots.models import Batch, Department, ExportJob, Notification, Task, User
from tests.column.programme_builders import grow_programme
from tests.conftest import client_for, make_user

from .test_exports import STAGES_HEADER

WHATS = ["stages", "scores", "reports", "achievements"]
HEADERS = {
    "stages": STAGES_HEADER[:3],
    "scores": ("评审轮次", "类型", "单位"),
    "reports": ("单位", "报告期起", "报告期止"),
    "achievements": ("单位", "任务", "类型"),
}


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _wait_for(job, states, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in states:
            return job.status
        time.sleep(0.05)
    return job.status


def _post(client, url):
    response = client.post(url)
    assert response.status_code == 302
    return ExportJob.objects.get(pk=resolve(response.url).kwargs["pk"])


def _download(client, job):
    response = client.get(reverse("pilots:export_download", args=[job.pk]))
    assert response.status_code == 200
    # Read to the end: the test client then closes the file (closing it again
    # would close the database connection).
    return response, b"".join(response.streaming_content)


def _rows(fmt, body):
    if fmt == "xlsx":
        return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert body.startswith(b"\xef\xbb\xbf")
    return [tuple(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_builds_every_export_and_the_office_downloads_it(
    client, office_user, celery_worker
):
    client_for(client, office_user)
    jobs = {
        (what, fmt): _post(
            client, reverse("milestones:office_export", args=[what, fmt])
        )
        for what in WHATS
        for fmt in ("xlsx", "csv")
    }
    for (what, fmt), job in jobs.items():
        assert _wait_for(job, {"ready", "failed"}) == "ready", job.error
        page = client.get(reverse("pilots:export_status", args=[job.pk]))
        assert "已完成" in page.content.decode()
        response, body = _download(client, job)
        assert response["Content-Disposition"].startswith("attachment;")
        assert job.filename in response["Content-Disposition"]
        rows = _rows(fmt, body)
        assert rows[0][:3] == HEADERS[what], (what, fmt)
        assert len(rows) == 1 + job.rows_done, (what, fmt)
    # The 11 units' 15 tasks, each a row.
    assert jobs["stages", "xlsx"].rows_done == jobs["stages", "xlsx"].rows_total == 15
    # The office member who asked is told, in the portal, where to fetch it.
    notices = Notification.objects.filter(recipient=office_user, kind="export_ready")
    assert sorted(notices.values_list("url", flat=True)) == sorted(
        reverse("pilots:export_status", args=[job.pk]) for job in jobs.values()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_broker_down_the_export_waits_and_is_built_when_it_is_back(
    client, office_user, celery_worker, broker_down
):
    client_for(client, office_user)
    url = reverse("milestones:office_export", args=["stages", "csv"])

    job = _post(client, url)

    assert (job.status, job.queued_at) == ("pending", None)
    page = client.get(reverse("pilots:export_status", args=[job.pk])).content.decode()
    assert "生成导出文件的后台服务暂时无法连接" in page
    # Asked again meanwhile: the same job, not a second one.
    assert _post(client, url) == job

    broker_down()  # the broker is back; the beat's recovery sends what waited
    assert exportjobs.recover_stalled() == (0, 1)

    assert _wait_for(job, {"ready", "failed"}) == "ready", job.error
    # The status page refreshes to the download address, which is now the file.
    _response, body = _download(client, job)
    assert _rows("csv", body)[0] == STAGES_HEADER
    assert ExportJob.objects.count() == 1 and job.attempts == 1


def test_asking_again_while_waiting_reuses_the_job_and_after_it_makes_a_new_one(
    client, office_user, settings
):
    client_for(client, office_user)
    url = reverse("milestones:office_export", args=["reports", "xlsx"])
    first = _post(client, url)
    assert _post(client, url) == first
    # Another office member asking for the same export gets the same job.
    colleague = make_user("office-2", User.Role.OFFICE)
    assert _post(client_for(client, colleague), url) == first
    # Another format, or another language, is another file.
    other = _post(client, reverse("milestones:office_export", args=["reports", "csv"]))
    assert other != first
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    english = _post(client, url)
    assert english != first and english.language == "en"
    build_export_task(first.pk)
    # Once built, the data may have moved: a new request builds it again.
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "zh-hans"})
    assert _post(client, url) != first
    assert ExportJob.objects.filter(fmt="xlsx").count() == 3


@pytest.fixture
def jobs(client, office_user, department_user):
    """A ready office export and a ready department export."""
    office = _post(
        client_for(client, office_user),
        reverse("milestones:office_export", args=["stages", "csv"]),
    )
    department = _post(
        client_for(client, department_user),
        reverse("milestones:department_export", args=["stages", "csv"]),
    )
    for job in (office, department):
        build_export_task(job.pk)
    client.logout()
    return office, department


@pytest.mark.parametrize(
    "persona, office, department",
    [
        # Any office account may fetch the office's exports (any of them may ask
        # for the same one); a department's are for that department only.
        ("office_user", 200, 404),
        ("other_office_user", 200, 404),
        ("department_user", 404, 200),
        ("colleague_in_department", 404, 200),
        ("other_department_user", 404, 404),
        ("unit_user", 404, 404),
        ("expert_user", 404, 404),
        ("inactive_office_user", 302, 302),
    ],
)
def test_only_who_may_ask_for_an_export_may_fetch_it(
    client, jobs, request, department_user, persona, office, department
):
    people = {
        "other_office_user": lambda: make_user("office-2", User.Role.OFFICE),
        "colleague_in_department": lambda: make_user(
            "dept-2", User.Role.DEPARTMENT, department=department_user.department
        ),
        "other_department_user": lambda: make_user(
            "dept-other",
            User.Role.DEPARTMENT,
            department=Department.objects.exclude(
                pk=department_user.department_id
            ).first(),
        ),
        "inactive_office_user": lambda: make_user(
            "office-gone", User.Role.OFFICE, is_active=False
        ),
    }
    user = people[persona]() if persona in people else request.getfixturevalue(persona)
    client.force_login(user)
    for job, expected in zip(jobs, (office, department), strict=True):
        for name in ("pilots:export_status", "pilots:export_download"):
            response = client.get(reverse(name, args=[job.pk]))
            assert response.status_code == expected, (name, job.role)
            if expected == 200 and name == "pilots:export_download":
                b"".join(response.streaming_content)


def test_anonymous_is_sent_to_log_in(client, jobs):
    for name in ("pilots:export_status", "pilots:export_download"):
        url = reverse(name, args=[jobs[0].pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"


def test_a_national_size_stages_export_is_written_row_by_row(
    client, office_user, monkeypatch
):
    """300 more units of 4 tasks: every row in the file, in order, and the
    progress counter written while the rows were being written."""
    grow_programme(300, tasks_per_unit=4)
    Batch.objects.current().tasks.add(
        *Task.objects.filter(unit__slug__startswith="synthetic-")
    )
    seen = []
    written = exportjobs.sheets.write

    def watched(table, fmt, out, on_row=None):
        def on_row_and_look(count):
            on_row(count)
            if count % exportjobs.PROGRESS_EVERY == 0:
                seen.append(ExportJob.objects.get().rows_done)

        return written(table, fmt, out, on_row_and_look)

    monkeypatch.setattr(exportjobs.sheets, "write", watched)
    for fmt in ("xlsx", "csv"):
        job = _post(
            client_for(client, office_user),
            reverse("milestones:office_export", args=["stages", fmt]),
        )
        build_export_task(job.pk)
        job.refresh_from_db()
        assert (job.status, job.rows_done, job.rows_total) == ("ready", 1215, 1215)
        _response, body = _download(client, job)
        rows = _rows(fmt, body)
        assert len(rows) == 1 + 1215
        synthetic = [row for row in rows if str(row[0]).startswith("合成单位")]
        assert len(synthetic) == 1200
        assert synthetic[0][:2] == ("合成单位0", "合成任务0")
        assert synthetic[-1][:2] == ("合成单位299", "合成任务3")
        job.delete()
    assert seen == [500, 1000] * 2


def test_a_failed_build_says_why_and_is_retried(client, office_user, monkeypatch):
    client_for(client, office_user)
    job = _post(client, reverse("milestones:office_export", args=["stages", "xlsx"]))

    def broken(scope):
        raise RuntimeError("database gone")

    monkeypatch.setitem(exports.TABLES, "stages", (broken, "stages"))
    build_export_task(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    status = reverse("pilots:export_status", args=[job.pk])
    page = client.get(status).content.decode()
    assert "RuntimeError: database gone" in page
    assert client.get(reverse("pilots:export_download", args=[job.pk])).url == status
    monkeypatch.undo()
    response = client.post(reverse("pilots:export_retry", args=[job.pk]))
    assert response.url == status
    job.refresh_from_db()
    assert (job.status, job.error) == ("pending", "")
    build_export_task(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("ready", 2)
