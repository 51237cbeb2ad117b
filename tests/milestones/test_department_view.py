"""A department reads, in a progress report, the checklist and check material,
only the parts of the tasks it supervises: TaskProgress rows, checklist items
and entries, acceptance per task. The unit-wide texts stay; the office reads
everything."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from milestones.models import (
    CheckKind,
    ChecklistEntry,
    CheckResult,
    TaskAcceptance,
    TaskProgress,
)
from plans.models import ScheduleItem
from tests.conftest import client_for
from tests.milestones import checks_builders, progress_builders

pytestmark = pytest.mark.django_db

# 运行管理司 (the department persona) guides 水工程; 山洪灾害监测预警平台 is
# Zhejiang's 水旱灾害 task, which it does not supervise.
OWN_TASK = "水利工程运行管理数字化平台"
OTHER_TASK = "山洪灾害监测预警平台"


def _name_items(plan):
    """The two tasks' schedule items, named so that a page shows whose they are."""
    for title, name in ((OWN_TASK, "本域工作项"), (OTHER_TASK, "外域工作项")):
        ScheduleItem.objects.filter(plan=plan, task__title=title).update(title=name)
    return {
        name: ScheduleItem.objects.get(plan=plan, title=name)
        for name in ("本域工作项", "外域工作项")
    }


def _page(client, user, url):
    response = client_for(client, user).get(url)
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(datetime.datetime(2020, 11, 20, 2, tzinfo=datetime.UTC))
def test_progress_report_shows_a_department_only_its_tasks(
    client, zhejiang, department_user, office_user
):
    items = _name_items(progress_builders.approved_plan(zhejiang))
    report = progress_builders.make_report(zhejiang, datetime.date(2020, 4, 1))
    for title, done in ((OWN_TASK, "本域进展"), (OTHER_TASK, "外域进展")):
        TaskProgress.objects.filter(report=report, task__title=title).update(done=done)
    for name, reason in (("本域工作项", "本域原因"), ("外域工作项", "外域原因")):
        progress_builders.entry(report, items[name], "late", reason)
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-04-01"])

    page = _page(client, department_user, url)
    for text in ("本域进展", "本域工作项", "本域原因", OWN_TASK):
        assert text in page, text
    for text in ("外域进展", "外域工作项", "外域原因", OTHER_TASK):
        assert text not in page, text
    page = _page(client, office_user, url)
    for text in ("本域进展", "外域进展", "外域工作项", "外域原因", OTHER_TASK):
        assert text in page, text


@time_machine.travel(datetime.datetime(2020, 11, 20, 2, tzinfo=datetime.UTC))
def test_checklist_page_shows_a_department_only_its_tasks(
    client, zhejiang, department_user, office_user
):
    items = _name_items(progress_builders.approved_plan(zhejiang))
    report = progress_builders.make_report(zhejiang, datetime.date(2020, 4, 1))
    progress_builders.entry(report, items["外域工作项"], "dropped", "外域原因")
    url = reverse("milestones:progress_checklist", args=["zhejiang"])

    page = _page(client, department_user, url)
    assert "本域工作项" in page
    assert "外域工作项" not in page
    assert "外域原因" not in page
    page = _page(client, office_user, url)
    assert "外域工作项" in page
    assert "外域原因" in page


@time_machine.travel(checks_builders.ACCEPTANCE_DAY, tick=False)
def test_check_material_shows_a_department_only_its_tasks(
    client, zhejiang, unit_user, department_user, office_user
):
    plan = checks_builders.approved_plan(zhejiang, unit_user, office_user)
    items = _name_items(plan)
    material = checks_builders.submitted_material(
        zhejiang, unit_user, plan, kind=CheckKind.ACCEPTANCE
    )
    ChecklistEntry.objects.filter(
        material=material, schedule_item=items["外域工作项"]
    ).update(state="late", reason="外域原因")
    result = CheckResult.objects.create(
        material=material, passed=True, decided_on=datetime.date(2021, 12, 1)
    )
    for task in zhejiang.tasks.all():
        TaskAcceptance.objects.create(
            result=result, task=task, passed=True, remark=f"验收意见：{task.title}"
        )
    url = reverse("milestones:check_detail", args=["acceptance", "zhejiang"])

    page = _page(client, department_user, url)
    for text in ("进展顺利。", "本域工作项", f"验收意见：{OWN_TASK}"):
        assert text in page, text
    for text in ("外域工作项", "外域原因", OTHER_TASK):
        assert text not in page, text
    page = _page(client, office_user, url)
    for text in ("外域工作项", "外域原因", f"验收意见：{OTHER_TASK}"):
        assert text in page, text
