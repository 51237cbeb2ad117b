"""Reporting periods, due dates and the overdue / late rules at the edges of a day
in Asia/Shanghai (UTC+8)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from milestones.models import ProgressReport, ReminderKind, ReportingSchedule
from milestones.outstanding import owed_by_units
from milestones.progress import (
    Period,
    ReportStatus,
    report_periods,
    report_status,
)
from pilots.models import Batch
from plans.models import Plan
from plans.models import Status as PlanStatus
from tests.conftest import client_for
from tests.milestones.progress_builders import make_report, report_post

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def batch():
    return Batch.objects.current()


def test_report_periods_default_quarterly_clipped(batch):
    periods = report_periods(batch)

    # The default applies without a row being written: reading never writes.
    assert not ReportingSchedule.objects.filter(batch=batch).exists()
    assert [(p.start, p.end, p.due) for p in periods] == [
        (D(2020, 4, 1), D(2020, 6, 30), D(2020, 7, 10)),
        (D(2020, 7, 1), D(2020, 9, 30), D(2020, 10, 10)),
        (D(2020, 10, 1), D(2020, 12, 31), D(2021, 1, 10)),
        (D(2021, 1, 1), D(2021, 3, 31), D(2021, 4, 10)),
        (D(2021, 4, 1), D(2021, 6, 30), D(2021, 7, 10)),
        (D(2021, 7, 1), D(2021, 9, 30), D(2021, 10, 10)),
        (D(2021, 10, 1), D(2021, 12, 31), D(2022, 1, 10)),
    ]


def test_report_periods_clip_first_and_last_to_implementation(batch):
    batch.implementation_start = D(2020, 5, 17)
    batch.implementation_end = D(2020, 11, 3)
    ReportingSchedule.objects.create(batch=batch, cadence="quarterly", grace_days=0)

    periods = report_periods(batch)

    assert [(p.start, p.end, p.due) for p in periods] == [
        (D(2020, 5, 17), D(2020, 6, 30), D(2020, 6, 30)),
        (D(2020, 7, 1), D(2020, 9, 30), D(2020, 9, 30)),
        (D(2020, 10, 1), D(2020, 11, 3), D(2020, 11, 3)),
    ]


def test_report_periods_monthly_across_year_end(batch):
    batch.implementation_start = D(2020, 11, 15)
    batch.implementation_end = D(2021, 2, 10)
    ReportingSchedule.objects.create(batch=batch, cadence="monthly", grace_days=5)

    periods = report_periods(batch)

    assert [(p.start, p.end, p.due) for p in periods] == [
        (D(2020, 11, 15), D(2020, 11, 30), D(2020, 12, 5)),
        (D(2020, 12, 1), D(2020, 12, 31), D(2021, 1, 5)),
        (D(2021, 1, 1), D(2021, 1, 31), D(2021, 2, 5)),
        (D(2021, 2, 1), D(2021, 2, 10), D(2021, 2, 15)),
    ]


PERIOD = Period(start=D(2020, 4, 1), end=D(2020, 6, 30), due=D(2020, 7, 10))


def test_report_status_without_report():
    assert report_status(PERIOD, None, D(2020, 3, 31)) == ReportStatus.NOT_STARTED
    assert report_status(PERIOD, None, D(2020, 4, 1)) == ReportStatus.OPEN
    assert report_status(PERIOD, None, D(2020, 7, 10)) == ReportStatus.OPEN
    assert report_status(PERIOD, None, D(2020, 7, 11)) == ReportStatus.OVERDUE


def test_report_status_draft_still_overdue():
    draft = ProgressReport(status="draft")

    assert report_status(PERIOD, draft, D(2020, 7, 11)) == ReportStatus.OVERDUE


def test_report_status_submitted_and_late():
    on_time = ProgressReport(status="submitted", is_late=False)
    late = ProgressReport(status="submitted", is_late=True, days_late=3)

    assert report_status(PERIOD, on_time, D(2020, 9, 1)) == ReportStatus.SUBMITTED
    assert report_status(PERIOD, late, D(2020, 9, 1)) == ReportStatus.LATE


def test_overdue_reports_at_edges_of_due_day(batch, zhejiang, fujian):
    # Reports are owed by units with an approved plan (milestones.outstanding).
    Plan.objects.bulk_create(
        Plan(batch=batch, unit=unit, status=PlanStatus.APPROVED)
        for unit in batch.units.all()
    )
    make_report(fujian, D(2020, 4, 1))
    make_report(zhejiang, D(2020, 4, 1), status="draft")

    def overdue():
        today = _today()
        return [
            (owed.unit, owed.period)
            for owed in owed_by_units(
                batch=batch,
                units=list(batch.units.all()),
                today=today,
                kinds=[ReminderKind.REPORT],
            )
            if owed.is_overdue(today)
        ]

    with time_machine.travel(local(2020, 7, 10, 23, 59, 59), tick=False):
        before = overdue()
    with time_machine.travel(local(2020, 7, 11, 0, 0, 0), tick=False):
        after = overdue()

    assert before == []
    overdue_units = {unit.slug for unit, period in after}
    assert "zhejiang" in overdue_units
    assert "fujian" not in overdue_units
    assert len(after) == batch.units.count() - 1
    assert {period.start for _unit, period in after} == {D(2020, 4, 1)}


def _today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.mark.parametrize(
    ("moment", "late", "days"),
    [
        (local(2020, 7, 10, 23, 59, 59), False, 0),
        (local(2020, 7, 11, 0, 0, 0), True, 1),
        (local(2020, 7, 12, 23, 59, 59), True, 2),
    ],
)
def test_submit_through_web_late_at_edges_of_day(
    client, unit_user, zhejiang, moment, late, days
):
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-04-01"])

    with time_machine.travel(moment, tick=False):
        response = client_for(client, unit_user).post(
            url, report_post(zhejiang, action="submit")
        )

    assert response.status_code == 302
    report = ProgressReport.objects.get(unit=zhejiang)
    assert (report.status, report.is_late, report.days_late) == (
        "submitted",
        late,
        days,
    )


def test_unit_page_overdue_switches_at_local_midnight(client, unit_user, zhejiang):
    url = reverse("milestones:progress_unit", args=["zhejiang"])
    client_for(client, unit_user)

    with time_machine.travel(local(2020, 7, 10, 23, 59, 59), tick=False):
        before = client.get(url).context["rows"][0].status
    with time_machine.travel(local(2020, 7, 11, 0, 0, 0), tick=False):
        after = client.get(url).context["rows"][0].status

    assert (before, after) == (ReportStatus.OPEN, ReportStatus.OVERDUE)
