"""Deleting from a draft plan and submitting it are asked once, on a page of their
own: the first POST writes nothing and says what will happen; only the POST of
that page (`confirmed=1`) acts; those the action refuses are refused the question."""

import datetime
import zoneinfo

import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from plans.models import Plan, PlanVersion, ScheduleItem, Status
from tests.conftest import client_for
from tests.plans.builders import complete_plan, current_plan

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CONFIRMED = {"confirmed": "1"}


def _schedule_item(zhejiang):
    plan = complete_plan(current_plan(zhejiang))
    return plan, ScheduleItem.objects.filter(plan=plan).first()


def test_removing_a_schedule_item_is_asked_first(client, zhejiang, unit_user):
    _plan, item = _schedule_item(zhejiang)
    url = reverse("plans:row_delete", args=["zhejiang", "schedule", item.pk])
    client = client_for(client, unit_user)

    asked = client.post(url)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"“{item.title}”将从方案草稿中删除；如需恢复，只能重新填写。" in page
    assert reverse("plans:schedule", args=["zhejiang"]) in page  # cancel
    assert ScheduleItem.objects.filter(pk=item.pk).exists()

    done = client.post(url, CONFIRMED)

    assert done.status_code == 302
    assert not ScheduleItem.objects.filter(pk=item.pk).exists()


def test_removing_an_attachment_is_asked_first(client, zhejiang, unit_user):
    plan = current_plan(zhejiang)
    attachment = plan.attachments.create(
        file=ContentFile(b"%PDF-1.4", name="annex.pdf"),
        name="annex.pdf",
        kind="pdf",
        size=8,
        uploaded_by=unit_user,
    )
    url = reverse("plans:row_delete", args=["zhejiang", "attachments", attachment.pk])
    client = client_for(client, unit_user)

    asked = client.post(url)

    assert "文件“annex.pdf”将从草稿中移除。已提交的版本仍保留该文件" in (
        asked.content.decode()
    )
    attachment.refresh_from_db()
    assert not attachment.is_removed

    client.post(url, CONFIRMED)
    attachment.refresh_from_db()
    assert attachment.is_removed


def test_the_question_is_refused_to_whom_the_removal_is(
    client, zhejiang, office_user, other_unit_user
):
    _plan, item = _schedule_item(zhejiang)
    url = reverse("plans:row_delete", args=["zhejiang", "schedule", item.pk])
    assert client_for(client, office_user).post(url).status_code == 403
    assert client_for(client, other_unit_user).post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert ScheduleItem.objects.filter(pk=item.pk).exists()


@time_machine.travel(datetime.datetime(2020, 4, 1, 10, tzinfo=SHANGHAI), tick=False)
def test_submitting_the_plan_is_asked_first(client, zhejiang, unit_user):
    plan = complete_plan(current_plan(zhejiang))
    url = reverse("plans:submit", args=["zhejiang"])
    client = client_for(client, unit_user)

    asked = client.post(url, {"expected": Status.DRAFT})

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "方案将按当前内容作为新版本提交；提交后不能再修改，除非网信办退回。" in page
    assert "网信办和本单位任务的业务指导司局将收到通知。" in page
    assert "逾期" not in page  # before the deadline
    # The status the unit saw goes on with the question.
    assert '<input type="hidden" name="expected" value="draft">' in page
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT
    assert not PlanVersion.objects.filter(plan=plan).exists()

    done = client.post(url, {"expected": Status.DRAFT, **CONFIRMED}, follow=True)

    assert [str(m) for m in done.context["messages"]] == ["方案已提交。"]
    assert Plan.objects.get(pk=plan.pk).status == Status.SUBMITTED
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_a_late_submission_says_so_before(client, zhejiang, unit_user):
    complete_plan(current_plan(zhejiang))
    due = current_plan(zhejiang).batch.plan_due
    after = datetime.datetime.combine(
        due + datetime.timedelta(days=3), datetime.time(10), tzinfo=SHANGHAI
    )
    with time_machine.travel(after, tick=False):
        asked = client_for(client, unit_user).post(
            reverse("plans:submit", args=["zhejiang"]), {"expected": Status.DRAFT}
        )
    assert f"截止日期为 {due.isoformat()}：本次将记为逾期 3 天。" in (
        asked.content.decode()
    )


def test_an_incomplete_plan_is_refused_without_a_question(client, zhejiang, unit_user):
    response = client_for(client, unit_user).post(
        reverse("plans:submit", args=["zhejiang"]),
        {"expected": Status.DRAFT},
        follow=True,
    )
    # One alert: the refusal, then the blockers it lists.
    [message] = response.context["messages"]
    assert message.level_tag == "error"
    assert str(message).startswith('<p class="mb-1">方案尚未完整，暂不能提交。</p>')
    assert current_plan(zhejiang).status == Status.DRAFT


def test_the_submit_question_is_refused_to_whom_submitting_is(
    client, zhejiang, office_user, other_unit_user
):
    complete_plan(current_plan(zhejiang))
    url = reverse("plans:submit", args=["zhejiang"])
    data = {"expected": Status.DRAFT}
    assert client_for(client, office_user).post(url, data).status_code == 403
    assert client_for(client, other_unit_user).post(url, data).status_code == 404
    assert current_plan(zhejiang).status == Status.DRAFT
