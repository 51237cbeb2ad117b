"""The report workflow's one writer of status: allowed, refused, stale, notified."""

import datetime
import zoneinfo

import html5lib
import pytest
import time_machine
from django.urls import reverse

from milestones.models import ProgressReport
from milestones.progress import (
    ReportError,
    TaskInput,
    period_for,
    save_report,
    submit_report,
)
from pilots.models import Batch, Notification
from tests.conftest import client_for
from tests.milestones.progress_builders import make_report

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture(autouse=True)
def in_august_2020():
    with time_machine.travel(
        datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False
    ):
        yield


def draft(unit, user, start="2020-07-01"):
    batch = Batch.objects.current()
    return save_report(
        batch=batch,
        unit=unit,
        period=period_for(batch, start),
        user=user,
        summary="草稿",
        tasks=[TaskInput(task=task, percent=30) for task in unit.tasks.all()],
        items=[],
    )


def test_submit_report_allowed_once(unit_user, zhejiang, office_user):
    report = draft(zhejiang, unit_user)

    submit_report(report=report, user=unit_user)

    with pytest.raises(ReportError, match="已提交"):
        submit_report(report=report, user=unit_user)
    assert Notification.objects.filter(recipient=office_user).count() == 1


def test_submit_report_stale_copy_refused(unit_user, zhejiang):
    report = draft(zhejiang, unit_user)
    stale = ProgressReport.objects.get(pk=report.pk)
    submit_report(report=report, user=unit_user)

    with pytest.raises(ReportError, match="他人先行提交"):
        submit_report(report=stale, user=unit_user)


def test_save_report_after_submit_refused(unit_user, zhejiang):
    submit_report(report=draft(zhejiang, unit_user), user=unit_user)

    with pytest.raises(ReportError, match="不能再修改"):
        draft(zhejiang, unit_user)
    assert ProgressReport.objects.get().summary == "草稿"


def test_save_report_period_not_started_refused(unit_user, zhejiang):
    with pytest.raises(ReportError, match="本期尚未开始"):
        draft(zhejiang, unit_user, start="2020-10-01")
    assert not ProgressReport.objects.exists()


def test_submit_notifies_after_commit_only(
    unit_user, zhejiang, office_user, django_capture_on_commit_callbacks
):
    report = draft(zhejiang, unit_user)

    with django_capture_on_commit_callbacks() as callbacks:
        submit_report(report=report, user=unit_user)

    notification = Notification.objects.get(recipient=office_user)
    assert notification.title == "进展报告已提交：浙江省水利厅，2020-07-01 – 2020-09-30"
    assert notification.body == "按时提交。"
    # Once the transaction commits: the public pages' cache is dropped (the
    # history row), then the outbox is drained.
    assert [c.__name__ for c in callbacks] == ["invalidate", "_enqueue_drain"]


def test_unit_page_with_chart_is_valid_html(client, unit_user, zhejiang):
    make_report(zhejiang, D(2020, 4, 1))
    client_for(client, unit_user)

    response = client.get(reverse("milestones:progress_unit", args=["zhejiang"]))

    assert "<svg" in response.content.decode()
    html5lib.HTMLParser(strict=True).parse(response.content)
