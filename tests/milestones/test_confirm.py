"""What cannot be undone in this app is asked once, on a page of its own:
submitting a progress report or check material, removing an evidence or
achievement file, removing an extension, deactivating a reminder rule, replacing
the calendar address, deciding on check material. The first POST writes nothing
and says what will happen; only the POST of that page (`confirmed=1`) acts; the
question is refused to whom the action is."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from milestones.models import (
    AchievementFile,
    CalendarToken,
    CheckEvidence,
    CheckKind,
    CheckMaterial,
    ProgressReport,
    ReminderKind,
    ReminderRule,
    TaskProgress,
)
from milestones.progress import plan_items
from pilots.models import Batch, DeadlineKind, Extension, Notification
from reviews.models import Decision, Submission
from tests.conftest import client_for
from tests.milestones import checks_builders, progress_builders
from tests.milestones.test_achievements import PDF, make_achievement

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CONFIRMED = {"confirmed": "1"}
WHAT_WILL_HAPPEN = "确认后将会发生"


def _page(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert WHAT_WILL_HAPPEN in page
    return page


# ------------------------------------------------------------------ progress reports


@time_machine.travel(datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False)
def test_submitting_a_report_is_asked_first_and_keeps_what_was_typed(
    client, unit_user, zhejiang
):
    plan = progress_builders.approved_plan(zhejiang)
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-07-01"])
    data = progress_builders.report_post(
        zhejiang, items=plan_items(plan), action="submit"
    )
    del data["confirmed"]
    client = client_for(client, unit_user)

    page = _page(client.post(url, data))

    assert "提交后不能再修改，网信办和本单位任务的业务指导司局将收到通知。" in page
    assert "逾期" not in page  # the period is due 2020-10-10
    # Nothing is saved; what was typed goes on with the question.
    assert not ProgressReport.objects.exists()
    assert '<input type="hidden" name="summary" value="本期总体进展顺利">' in page
    assert 'name="submit">提交报告</button>' in page
    assert 'name="draft">改为保存草稿</button>' in page

    client.post(url, {**data, **CONFIRMED})

    report = ProgressReport.objects.get(unit=zhejiang)
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.summary == "本期总体进展顺利"


@time_machine.travel(datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False)
def test_the_reports_draft_button_on_the_question_saves_a_draft(
    client, unit_user, zhejiang
):
    progress_builders.approved_plan(zhejiang)
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-07-01"])
    # What the question's draft button posts: the data, no `submit`.
    data = progress_builders.report_post(zhejiang, action="draft", **CONFIRMED)
    response = client_for(client, unit_user).post(url, data)
    assert response.status_code == 302
    report = ProgressReport.objects.get(unit=zhejiang)
    assert report.status == ProgressReport.Status.DRAFT
    assert TaskProgress.objects.filter(report=report).count() == 4


@time_machine.travel(datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False)
def test_a_late_report_says_so_before(client, unit_user, zhejiang):
    plan = progress_builders.approved_plan(zhejiang)
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-04-01"])
    data = progress_builders.report_post(
        zhejiang, items=plan_items(plan), action="submit"
    )
    del data["confirmed"]
    page = _page(client_for(client, unit_user).post(url, data))
    assert "截止日期为 2020-07-10：本次将记为逾期 26 天。" in page


@time_machine.travel(datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False)
def test_an_invalid_report_is_shown_again_not_asked(client, unit_user, zhejiang):
    plan = progress_builders.approved_plan(zhejiang)
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-07-01"])
    data = progress_builders.report_post(
        zhejiang, items=plan_items(plan)[1:], action="submit"
    )
    del data["confirmed"]
    response = client_for(client, unit_user).post(url, data)
    assert response.status_code == 400
    assert WHAT_WILL_HAPPEN not in response.content.decode()


@time_machine.travel(datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False)
def test_the_report_question_is_refused_to_others(
    client, zhejiang, office_user, other_unit_user
):
    progress_builders.approved_plan(zhejiang)
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-07-01"])
    data = progress_builders.report_post(zhejiang, action="submit")
    del data["confirmed"]
    assert client_for(client, other_unit_user).post(url, data).status_code == 404
    assert client_for(client, office_user).post(url, data).status_code == 404
    assert not ProgressReport.objects.exists()


# ------------------------------------------------------------------ check material

EDIT = "/checks/midterm/zhejiang/edit/"


@pytest.fixture
def check_plan(zhejiang, unit_user, office_user):
    return checks_builders.approved_plan(zhejiang, unit_user, office_user)


@time_machine.travel(checks_builders.MIDTERM_DAY, tick=False)
def test_submitting_material_is_asked_first(client, check_plan, unit_user):
    data = {**checks_builders.form_data(check_plan), "submit": "1"}
    client = client_for(client, unit_user)

    page = _page(client.post(EDIT, data))

    assert "提交后，材料及其佐证文件不能再修改，除非网信办退回" in page
    assert not CheckMaterial.objects.exists()
    assert '<input type="hidden" name="self_assessment" value="按计划推进。">' in page

    response = client.post(EDIT, {**data, **CONFIRMED})

    assert response.status_code == 302
    material = CheckMaterial.objects.get(unit__slug="zhejiang")
    assert material.status == CheckMaterial.Status.SUBMITTED


@time_machine.travel(checks_builders.MIDTERM_DAY, tick=False)
def test_the_material_question_is_refused_to_others(
    client, check_plan, office_user, other_unit_user
):
    data = {**checks_builders.form_data(check_plan), "submit": "1"}
    assert client_for(client, other_unit_user).post(EDIT, data).status_code == 404
    assert client_for(client, office_user).post(EDIT, data).status_code == 403
    assert not CheckMaterial.objects.exists()


def _evidence(zhejiang, unit_user):
    material = CheckMaterial.objects.create(
        batch=Batch.objects.current(), unit=zhejiang, kind=CheckKind.MIDTERM
    )
    return CheckEvidence.objects.create(
        material=material,
        file=ContentFile(PDF, name="evidence.pdf"),
        name="佐证.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=unit_user,
    )


@time_machine.travel(checks_builders.MIDTERM_DAY, tick=False)
def test_removing_evidence_is_asked_first(
    client, check_plan, zhejiang, unit_user, other_unit_user
):
    evidence = _evidence(zhejiang, unit_user)
    url = f"/checks/midterm/zhejiang/evidence/{evidence.pk}/remove/"
    assert client_for(client, other_unit_user).post(url).status_code == 404

    page = _page(client_for(client, unit_user).post(url))

    assert "文件“佐证.pdf”将从材料中删除；如需恢复，只能重新上传。" in page
    assert CheckEvidence.objects.filter(pk=evidence.pk).exists()

    assert client.post(url, CONFIRMED).status_code == 302
    assert not CheckEvidence.objects.filter(pk=evidence.pk).exists()


@time_machine.travel(checks_builders.MIDTERM_DAY, tick=False)
def test_deciding_on_material_is_asked_first(
    client, check_plan, zhejiang, unit_user, office_user
):
    round_ = checks_builders.check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 2, 20),
        datetime.date(2021, 3, 20),
    )
    checks_builders.submitted_material(zhejiang, unit_user, check_plan)
    submission = Submission.objects.get(round=round_, is_current=True)
    checks_builders.ready_for_decision(submission, office_user, quorum_reason="书面")
    url = reverse("milestones:check_decide", args=[submission.pk])
    data = {"outcome": "approve", "opinion": "中期检查通过。"}
    client = client_for(client, office_user)

    page = _page(client.post(url, data))

    assert "决定一经记录，不能更改或撤回。" in page
    assert "该单位将立即收到通知和评审意见。" in page
    assert not Decision.objects.exists()

    assert client.post(url, {**data, **CONFIRMED}).status_code == 302
    assert Decision.objects.get(submission=submission).opinion == "中期检查通过。"


# ------------------------------------------------------------------ achievements


def test_removing_an_achievement_file_is_asked_first(
    client, zhejiang, unit_user, office_user
):
    achievement = make_achievement(zhejiang, unit_user)
    stored = AchievementFile.objects.create(
        achievement=achievement,
        file=ContentFile(PDF, name="result.pdf"),
        name="成果说明.pdf",
        kind="pdf",
        size=len(PDF),
        uploaded_by=unit_user,
    )
    url = reverse("milestones:achievement_file_remove", args=[stored.pk])
    assert client_for(client, office_user).post(url).status_code == 403

    page = _page(client_for(client, unit_user).post(url))

    assert "文件“成果说明.pdf”将从该成果中删除；如需恢复，只能重新上传。" in page
    assert AchievementFile.objects.filter(pk=stored.pk).exists()

    client.post(url, CONFIRMED)
    assert not AchievementFile.objects.filter(pk=stored.pk).exists()


# ------------------------------------------------------------------ programme


def test_removing_an_extension_says_what_the_unit_is_told(
    client, office_user, unit_user, zhejiang
):
    batch = Batch.objects.current()
    extension = Extension.objects.create(
        batch=batch,
        unit=zhejiang,
        kind=DeadlineKind.MIDTERM,
        due=batch.midterm_end + datetime.timedelta(days=7),
        granted_by=office_user,
    )
    url = reverse("milestones:programme_extension_remove", args=[extension.pk])
    assert client_for(client, unit_user).post(url).status_code == 403

    page = _page(client_for(client, office_user).post(url))

    assert (
        f"将通知{zhejiang.name}：其“中期检查材料”延期至 "
        f"{extension.due.isoformat()} 已取消，截止日期恢复为 "
        f"{batch.midterm_end.isoformat()}。"
    ) in page
    assert Extension.objects.filter(pk=extension.pk).exists()
    assert not Notification.objects.filter(recipient=unit_user).exists()

    client.post(url, CONFIRMED)
    assert not Extension.objects.filter(pk=extension.pk).exists()
    assert Notification.objects.filter(recipient=unit_user).count() == 1


def test_deactivating_a_rule_is_asked_first(client, office_user, unit_user):
    rule = ReminderRule.objects.get(kind=ReminderKind.PLAN, days_before=7)
    url = reverse("milestones:programme_rule_deactivate", args=[rule.pk])
    assert client_for(client, unit_user).post(url).status_code == 403

    page = _page(client_for(client, office_user).post(url))

    assert "此后不再向任何人发送“实施方案”（提前7天）的提醒" in page
    assert ReminderRule.objects.get(pk=rule.pk).active

    client.post(url, CONFIRMED)
    assert not ReminderRule.objects.get(pk=rule.pk).active


# ------------------------------------------------------------------ calendar


def test_replacing_the_calendar_address_is_asked_first(client, unit_user):
    client = client_for(client, unit_user)
    # The first address loses nothing: made at once.
    assert client.post("/calendar/regenerate/").status_code == 302
    token = CalendarToken.objects.get(user=unit_user).token

    page = _page(client.post("/calendar/regenerate/"))

    assert "旧地址将立即失效" in page
    assert CalendarToken.objects.get(user=unit_user).token == token

    client.post("/calendar/regenerate/", CONFIRMED)
    assert CalendarToken.objects.get(user=unit_user).token != token
