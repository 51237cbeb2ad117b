"""Progress reports through the web client: writing, validation, submitting."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from milestones import progress
from milestones.models import ChecklistEntry, ProgressReport, TaskProgress
from milestones.progress import plan_items
from pilots.models import Batch, Notification
from tests.conftest import client_for
from tests.milestones.progress_builders import (
    approved_plan,
    make_report,
    report_post,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Inside the third quarter of 2020: Q2's report (due 2020-07-10) is overdue, Q3 open.
AUGUST = datetime.datetime(2020, 8, 5, 10, 0, tzinfo=SHANGHAI)
Q3 = "2020-07-01"


@pytest.fixture(autouse=True)
def in_august_2020():
    with time_machine.travel(AUGUST, tick=False):
        yield


def report_url(unit, period=Q3):
    return reverse("milestones:progress_report", args=[unit.slug, period])


def test_report_form_lists_every_task_and_plan_item(client, unit_user, zhejiang):
    plan = approved_plan(zhejiang)

    response = client_for(client, unit_user).get(report_url(zhejiang))

    html = response.content.decode()
    assert response.status_code == 200
    for task in zhejiang.tasks.all():
        assert task.title in html
        assert f'name="task_{task.pk}_percent"' in html
    for item in plan_items(plan):
        assert f'name="item_{item.key}_state"' in html
    assert "保存草稿" in html


def test_report_save_draft_writes_rows(client, unit_user, zhejiang):
    plan = approved_plan(zhejiang)
    items = plan_items(plan)

    response = client_for(client, unit_user).post(
        report_url(zhejiang), report_post(zhejiang, percent="35", items=items)
    )

    assert response.status_code == 302
    assert response["Location"] == report_url(zhejiang)
    report = ProgressReport.objects.get(unit=zhejiang)
    assert (report.status, report.period_start, report.period_end, report.due) == (
        "draft",
        datetime.date(2020, 7, 1),
        datetime.date(2020, 9, 30),
        datetime.date(2020, 10, 10),
    )
    assert report.summary == "本期总体进展顺利"
    assert sorted(report.task_progress.values_list("percent", flat=True)) == [35] * 4
    assert report.checklist.count() == len(items)
    page = client.get(report_url(zhejiang)).content.decode()
    assert 'value="35"' in page
    assert "数据共享不畅" in page


def test_report_draft_saved_again_replaces_rows(client, unit_user, zhejiang):
    client_for(client, unit_user).post(report_url(zhejiang), report_post(zhejiang))

    client.post(report_url(zhejiang), report_post(zhejiang, percent="60"))

    assert (
        list(
            TaskProgress.objects.filter(report__unit=zhejiang).values_list(
                "percent", flat=True
            )
        )
        == [60] * 4
    )


def test_report_submit_freezes_and_notifies(
    client,
    unit_user,
    zhejiang,
    office_user,
    department_user,
    django_capture_on_commit_callbacks,
):
    plan = approved_plan(zhejiang)

    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(client, unit_user).post(
            report_url(zhejiang),
            report_post(zhejiang, items=plan_items(plan), action="submit"),
        )

    assert response.status_code == 302
    report = ProgressReport.objects.get(unit=zhejiang)
    assert (report.status, report.submitted_by, report.is_late) == (
        "submitted",
        unit_user,
        False,
    )
    recipients = set(
        Notification.objects.filter(kind="progress_submitted").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {office_user.username, department_user.username}
    page = client.get(report_url(zhejiang)).content.decode()
    assert '<form method="post"' not in page
    assert "已提交" in page
    again = client.post(report_url(zhejiang), report_post(zhejiang, percent="99"))
    assert again.status_code == 200
    assert not TaskProgress.objects.filter(percent=99).exists()


def test_report_submit_needs_a_state_for_every_item(client, unit_user, zhejiang):
    plan = approved_plan(zhejiang)
    items = plan_items(plan)

    response = client_for(client, unit_user).post(
        report_url(zhejiang),
        report_post(zhejiang, items=items[1:], action="submit"),
    )

    assert response.status_code == 400
    assert "提交前请填写此项的状态" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("percent", ["101", "-1", "abc", "12.5", ""])
def test_report_percent_outside_0_100_refused(client, unit_user, zhejiang, percent):
    data = report_post(zhejiang, percent="40")
    task = zhejiang.tasks.first()
    data[f"task_{task.pk}_percent"] = percent

    response = client_for(client, unit_user).post(report_url(zhejiang), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "请输入0到100之间的整数" in html
    assert f"{task.title}：完成需求调研" in html
    assert 'value="40"' in html
    assert not ProgressReport.objects.exists()
    assert not TaskProgress.objects.exists()


@pytest.mark.parametrize("state", ["late", "dropped"])
def test_report_late_or_dropped_item_needs_reason(client, unit_user, zhejiang, state):
    plan = approved_plan(zhejiang)
    items = plan_items(plan)
    data = report_post(zhejiang, items=items)
    data[f"item_{items[0].key}_state"] = state
    data[f"item_{items[0].key}_reason"] = "   "

    response = client_for(client, unit_user).post(report_url(zhejiang), data)

    assert response.status_code == 400
    assert "请说明此项延期或取消的原因" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_report_late_item_with_reason_saved(client, unit_user, zhejiang):
    plan = approved_plan(zhejiang)
    items = plan_items(plan)
    data = report_post(zhejiang, items=items)
    data[f"item_{items[0].key}_state"] = "late"
    data[f"item_{items[0].key}_reason"] = "设备采购延误"

    client_for(client, unit_user).post(report_url(zhejiang), data)

    saved = ChecklistEntry.objects.get(state="late")
    assert (saved.reason, saved.report.unit) == ("设备采购延误", zhejiang)


def test_report_for_another_units_task_refused(client, unit_user, zhejiang, fujian):
    data = report_post(zhejiang)
    foreign = fujian.tasks.first()
    data[f"task_{foreign.pk}_percent"] = "80"
    data[f"task_{foreign.pk}_done"] = "冒充"

    response = client_for(client, unit_user).post(report_url(zhejiang), data)

    assert response.status_code == 400
    assert "表单中含有其他单位的任务或方案条目" in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert not TaskProgress.objects.exists()


def test_report_for_another_units_schedule_item_refused(
    client, unit_user, zhejiang, fujian
):
    approved_plan(zhejiang)
    foreign = approved_plan(fujian).schedule.first()
    data = report_post(zhejiang)
    data[f"item_s{foreign.pk}_state"] = "done"

    response = client_for(client, unit_user).post(report_url(zhejiang), data)

    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    assert not ChecklistEntry.objects.exists()


def test_report_posted_to_another_units_page_refused(client, other_unit_user, zhejiang):
    response = client_for(client, other_unit_user).post(
        report_url(zhejiang), report_post(zhejiang)
    )

    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_report_for_period_not_started_refused(client, unit_user, zhejiang):
    url = report_url(zhejiang, "2020-10-01")

    page = client_for(client, unit_user).get(url)
    posted = client.post(url, report_post(zhejiang))

    assert page.status_code == posted.status_code == 400
    assert "本期尚未开始" in posted.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("period", ["2020-07-02", "2019-01-01", "nonsense"])
def test_report_for_unknown_period_is_404(client, unit_user, zhejiang, period):
    response = client_for(client, unit_user).get(report_url(zhejiang, period))

    assert response.status_code == 404


def test_report_without_approved_plan_is_per_task(client, unit_user, zhejiang):
    response = client_for(client, unit_user).get(report_url(zhejiang))

    html = response.content.decode()
    assert "本单位在本批次尚无已批准的实施方案" in html
    assert 'name="item_' not in html
    client.post(report_url(zhejiang), report_post(zhejiang, action="submit"))
    assert ProgressReport.objects.get(unit=zhejiang).status == "submitted"


def test_report_submitted_after_due_is_late(client, unit_user, zhejiang):
    # Q2's report was due 2020-07-10; today is 2020-08-05: 26 days late.
    client_for(client, unit_user).post(
        report_url(zhejiang, "2020-04-01"), report_post(zhejiang, action="submit")
    )

    report = ProgressReport.objects.get(unit=zhejiang)
    assert (report.is_late, report.days_late) == (True, 26)
    page = client.get(reverse("milestones:progress_unit", args=["zhejiang"]))
    assert "逾期26天" in page.content.decode()


def test_unit_page_lists_periods_with_status(client, unit_user, zhejiang):
    make_report(zhejiang, datetime.date(2020, 4, 1), status="draft")

    response = client_for(client, unit_user).get(
        reverse("milestones:progress_unit", args=["zhejiang"])
    )

    rows = response.context["rows"]
    assert [(row.period.key, row.status) for row in rows[:3]] == [
        ("2020-04-01", "overdue"),
        ("2020-07-01", "open"),
        ("2020-10-01", "not_started"),
    ]
    assert len(rows) == 7
    html = response.content.decode()
    assert "已逾期" in html and "填报中" in html
    assert "未开始" in html


def test_schedule_page_sets_monthly_cadence(client, office_user):
    batch = Batch.objects.current()

    response = client_for(client, office_user).post(
        reverse("milestones:progress_schedule"),
        {"cadence": "monthly", "grace_days": "5"},
    )

    assert response.status_code == 302
    assert (batch.reporting.cadence, batch.reporting.grace_days) == ("monthly", 5)
    page = client.get(reverse("milestones:progress_schedule")).content.decode()
    assert "2020-04-01 – 2020-04-30" in page
    assert "2020-05-05" in page


def test_schedule_page_refuses_bad_grace_days(client, office_user):
    response = client_for(client, office_user).post(
        reverse("milestones:progress_schedule"),
        {"cadence": "monthly", "grace_days": "-3"},
    )

    assert response.status_code == 400
    assert "请输入0到90之间的整数天数" in response.content.decode()
    assert progress.schedule_for(Batch.objects.current()).cadence == "quarterly"


def test_schedule_cadence_fixed_once_reports_exist(client, office_user, zhejiang):
    make_report(zhejiang, datetime.date(2020, 4, 1))

    response = client_for(client, office_user).post(
        reverse("milestones:progress_schedule"),
        {"cadence": "monthly", "grace_days": "10"},
    )

    assert response.status_code == 400
    assert "报告周期不能再更改" in response.content.decode()
    assert progress.schedule_for(Batch.objects.current()).cadence == "quarterly"


def test_new_report_starts_from_last_submitted_percents(client, unit_user, zhejiang):
    task = zhejiang.tasks.first()
    make_report(zhejiang, datetime.date(2020, 4, 1), percents={task.pk: 45})

    response = client_for(client, unit_user).get(report_url(zhejiang))

    assert response.context["form"][f"task_{task.pk}_percent"].value() == 45
    assert not ProgressReport.objects.filter(period_start=datetime.date(2020, 7, 1))
