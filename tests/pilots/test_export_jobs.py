"""The machinery every export shares (pilots/sheets.py, pilots/exportjobs.py):
rows written one at a time into a write-only workbook or a CSV, progress while
building, a build whose worker died queued again, old exports deleted."""

import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import load_workbook

from pilots import exportjobs, sheets
from pilots.models import ExportJob, User

ROWS = 5000
COLUMNS = [
    sheets.Column("单位", sheets.TEXT, 24),
    sheets.Column("日期", sheets.DATE),
    sheets.Column("时间", sheets.DATETIME),
    sheets.Column("数量", sheets.NUMBER),
    sheets.Column("说明", sheets.TEXT, 60),
]
pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 1)
MOMENT = datetime.datetime(2026, 12, 1, 9, 30)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _streamed_table(written):
    """ROWS rows made one at a time; each checks that the one before it has
    been written already (so the writer never holds the rows)."""

    def rows():
        for n in range(ROWS):
            assert (written[-1] if written else 0) == n
            yield [f"单位{n}", DAY, MOMENT, n, "第一行\n第二行\x07"]

    return sheets.Table("表[1]:*?/\\" + "长" * 40, COLUMNS, rows())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_large_table_is_written_row_by_row(fmt):
    written = []
    out = io.BytesIO()

    count = sheets.write(_streamed_table(written), fmt, out, on_row=written.append)

    assert count == ROWS and written[-1] == ROWS
    if fmt == "csv":
        body = out.getvalue()
        assert body.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0] == ["单位", "日期", "时间", "数量", "说明"]
        assert rows[4321] == ["单位4320", "2026-12-01", "2026-12-01 09:30", "4320"] + [
            "第一行\n第二行"
        ]
        assert len(rows) == ROWS + 1
        return
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book.active
    assert sheet.title == "表1" + "长" * 29  # forbidden characters out, 31 at most
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == ROWS + 1
    assert rows[0] == ("单位", "日期", "时间", "数量", "说明")
    assert rows[4321] == ("单位4320", datetime.datetime(2026, 12, 1), MOMENT, 4320) + (
        "第一行\n第二行",
    )
    assert sheet["A1"].font.bold
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["E2"].alignment.wrap_text
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:E{ROWS + 1}"
    assert sheet.column_dimensions["A"].width == 26
    assert sheet.column_dimensions["E"].width == 62


def _job(status, **fields):
    return ExportJob.objects.create(
        kind="tests.table",
        fmt="csv",
        language="zh-hans",
        task="milestones.build_export",
        role=User.Role.OFFICE,
        key=f"{ExportJob.objects.count():064d}",
        filename="table.csv",
        status=status,
        **fields,
    )


def test_a_build_writes_its_progress_and_ends_ready_with_the_file(office_user):
    job = _job(ExportJob.Status.PENDING, requested_by=office_user)
    seen = []

    def table_for(built):
        assert built.pk == job.pk

        def rows():
            for n in range(1200):
                if n and n % exportjobs.PROGRESS_EVERY == 0:
                    seen.append(ExportJob.objects.get(pk=job.pk).rows_done)
                yield ["甲", None, None, n, ""]

        return sheets.Table("表", COLUMNS, rows(), total=1200)

    exportjobs.build_export(job.pk, table_for)

    job.refresh_from_db()
    assert seen == [500, 1000]
    assert (job.status, job.rows_done, job.rows_total, job.attempts) == (
        ExportJob.Status.READY,
        1200,
        1200,
        1,
    )
    with job.file.open("rb") as stored:
        assert len(stored.read().decode("utf-8-sig").splitlines()) == 1201
    # A second message for the same job finds it claimed and does nothing.
    exportjobs.build_export(job.pk, table_for)
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_build_past_its_lease_is_queued_again_up_to_the_attempt_cap(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    silent = now - exportjobs.LEASE - datetime.timedelta(seconds=1)
    lost = _job(ExportJob.Status.BUILDING, progressed_at=silent, attempts=1)
    exhausted = _job(
        ExportJob.Status.BUILDING,
        progressed_at=silent,
        attempts=exportjobs.MAX_ATTEMPTS,
    )
    running = _job(
        ExportJob.Status.BUILDING,
        progressed_at=now - datetime.timedelta(seconds=30),
        attempts=1,
    )
    never_queued = _job(ExportJob.Status.PENDING)
    just_queued = _job(ExportJob.Status.PENDING, queued_at=now)

    assert exportjobs.recover_stalled(now=now) == (1, 2)

    for job in (lost, exhausted, running, never_queued, just_queued):
        job.refresh_from_db()
    assert (lost.status, lost.progressed_at) == (ExportJob.Status.PENDING, None)
    assert lost.queued_at is not None  # handed to the broker again
    assert never_queued.queued_at is not None
    assert exhausted.status == ExportJob.Status.FAILED
    assert exhausted.error == "The worker stopped before finishing, 3 times."
    assert running.status == ExportJob.Status.BUILDING
    assert just_queued.queued_at == now
    with django_capture_on_commit_callbacks(execute=True):
        assert exportjobs.retry_export(exhausted) is True
    exhausted.refresh_from_db()
    assert (exhausted.status, exhausted.error) == (ExportJob.Status.PENDING, "")
    assert exportjobs.retry_export(exhausted) is False  # not failed any more


def test_exports_older_than_a_week_are_deleted_with_their_files():
    old, recent, waiting = (
        _job(ExportJob.Status.READY),
        _job(ExportJob.Status.READY),
        _job(ExportJob.Status.PENDING),
    )
    for job in (old, recent):
        job.file.save("table.csv", ContentFile(b"a,b\n"))
    week_ago = timezone.now() - exportjobs.KEPT - datetime.timedelta(minutes=1)
    ExportJob.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=week_ago)
    storage, name = old.file.storage, old.file.name

    assert exportjobs.delete_old() == 1

    assert not storage.exists(name)
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {
        recent.pk,
        waiting.pk,
    }
    assert recent.file.storage.exists(recent.file.name)
