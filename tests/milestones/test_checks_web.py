"""Mid-term check and acceptance through the web client, to the decision."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from milestones import checks
from milestones.models import (
    CheckEvidence,
    CheckKind,
    ChecklistEntry,
    CheckMaterial,
    CheckResult,
    Plaque,
    TaskAcceptance,
)
from pilots.models import Batch, DeadlineKind, Extension, Notification
from reviews.models import Assignment, ScoreSheet, Submission
from tests.conftest import client_for
from tests.milestones.checks_builders import (
    ACCEPTANCE_DAY,
    MIDTERM_DAY,
    approved_plan,
    check_round,
    form_data,
    past_pre_review,
    ready_for_decision,
    submitted_material,
)

pytestmark = pytest.mark.django_db

EDIT = "/checks/midterm/zhejiang/edit/"
DETAIL = "/checks/midterm/zhejiang/"


@pytest.fixture
def plan(zhejiang, unit_user, office_user):
    return approved_plan(zhejiang, unit_user, office_user)


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_midterm_submission_scored_and_decided_through_the_review_mechanism(
    client, plan, unit_user, office_user, expert_user
):
    round_ = check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 2, 20),
        datetime.date(2021, 3, 20),
    )
    client_for(client, unit_user)
    page = client.get(EDIT).content.decode()
    assert "中期检查" in page and "工作0" in page

    response = client.post(EDIT, {**form_data(plan), "submit": "1", "confirmed": "1"})

    assert response.status_code == 302
    material = CheckMaterial.objects.get(unit__slug="zhejiang", kind="midterm")
    assert material.status == CheckMaterial.Status.SUBMITTED
    assert material.is_late is False
    assert (
        ChecklistEntry.objects.filter(material=material).count()
        == len(form_data(plan)) // 2 - 1
    )
    submission = Submission.objects.get(round=round_, is_current=True)
    assert submission.check_material == material
    assert "中期检查" in submission.material_title
    assert Notification.objects.filter(
        recipient=office_user, kind="check_submitted"
    ).exists()

    client_for(client, office_user)
    # The experts come after 初审 and 预审, taken on the material's stages page.
    stages = "/checks/midterm/zhejiang/stages/"
    refused = client.post(
        f"/reviews/submissions/{submission.pk}/assign/",
        {"expert": expert_user.pk},
        follow=True,
    )
    assert "专家评审在初审通过、预审完成或跳过之后开始。" in refused.content.decode()
    assert not Assignment.objects.filter(submission=submission).exists()
    response = client.post(
        stages, {"confirmed": "1", "stage": "preliminary", "outcome": "pass"}
    )
    assert response.status_code == 302
    response = client.post(
        stages,
        {"confirmed": "1", "stage": "skip-pre_review", "reason": "部门未组织预审"},
    )
    assert response.status_code == 302
    client.post(
        f"/reviews/submissions/{submission.pk}/assign/", {"expert": expert_user.pk}
    )
    assignment = Assignment.objects.get(submission=submission)
    client_for(client, expert_user)
    # The reviews address of the sheet leads to the checks' page of it.
    old_address = client.get(f"/reviews/assignments/{assignment.pk}/")
    assert old_address.url == f"/checks/review/assignments/{assignment.pk}/"
    sheet_page = client.get(old_address.url).content.decode()
    assert "目标基本达成。" in sheet_page
    criterion = round_.criteria.get()
    response = client.post(
        f"/checks/review/assignments/{assignment.pk}/",
        {
            f"score_{criterion.pk}": "82",
            "comments": "进展良好",
            "submit": "1",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    assert ScoreSheet.objects.get(assignment=assignment).status == "submitted"

    client_for(client, office_user)
    page = client.get(stages).content.decode()
    assert "已提交1/1份评分表" in page
    response = client.post(
        stages,
        {
            "confirmed": "1",
            "stage": "meeting",
            "meeting_date": "2021-03-01",
            "experts_present": [expert_user.pk],
            "comments": "同意通过。",
        },
    )
    assert response.status_code == 302
    # The reviews address of the decision still works: 307 keeps the POST.
    decision = {"outcome": "approve", "opinion": "中期检查通过。", "confirmed": "1"}
    response = client.post(f"/reviews/submissions/{submission.pk}/decide/", decision)
    assert (response.status_code, response.url) == (
        307,
        f"/checks/review/{submission.pk}/decide/",
    )
    response = client.post(response.url, decision)

    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == CheckMaterial.Status.PASSED
    result = CheckResult.objects.get(material=material)
    assert (result.passed, result.opinion) == (True, "中期检查通过。")
    assert result.decision.submission == submission
    notice = Notification.objects.get(recipient=unit_user, kind="check_decision")
    assert notice.title == "中期检查：通过"
    client_for(client, unit_user)
    page = client.get(DETAIL).content.decode()
    assert "通过" in page and "中期检查通过。" in page
    assert f"/reviews/feedback/{submission.pk}/" in page


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_material_without_open_round_waits_for_the_office(
    client, plan, zhejiang, unit_user, office_user
):
    material = submitted_material(zhejiang, unit_user, plan)
    assert not Submission.objects.exists()
    round_ = check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 3, 2),
        datetime.date(2021, 3, 30),
    )
    client_for(client, office_user)

    client.post(f"/reviews/rounds/{round_.pk}/submissions/", follow=True)
    client.post(f"/checks/review/rounds/{round_.pk}/add/")

    assert Submission.objects.get().check_material == material


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_invalid_checklist_rerendered_in_chinese_with_input_kept(
    client, plan, unit_user
):
    client_for(client, unit_user)
    data = form_data(plan, state="late", self_assessment="我写的自评")

    response = client.post(EDIT, {**data, "draft": "1"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "事项滞后或取消时须说明原因" in page
    assert "我写的自评" in page
    assert not CheckMaterial.objects.exists()


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_submission_refused_while_items_lack_a_state(client, plan, unit_user):
    client_for(client, unit_user)
    data = form_data(plan, state="")

    response = client.post(EDIT, {**data, "submit": "1", "confirmed": "1"})

    assert response.status_code == 409
    assert "请填写" in response.content.decode()
    # Nothing of a refused submission is kept; the form still shows what was typed.
    assert not CheckMaterial.objects.exists()


@pytest.mark.parametrize(
    "day",
    [
        datetime.datetime(2020, 11, 30, 10, tzinfo=datetime.UTC),
        datetime.datetime(2021, 7, 1, 10, tzinfo=datetime.UTC),
    ],
)
def test_window_refused_before_and_after(client, plan, unit_user, day):
    client_for(client, unit_user)
    with time_machine.travel(day, tick=False):
        page = client.get(EDIT).content.decode()
        response = client.post(
            EDIT, {**form_data(plan), "submit": "1", "confirmed": "1"}
        )

    assert "2020-12-01" in page and "2021-06-30" in page
    assert "中期检查材料的提交时间为" in page
    assert response.status_code == 409
    assert not CheckMaterial.objects.exclude(status="draft").exists()


def test_extension_opens_the_window_after_the_batch_date(
    client, plan, zhejiang, unit_user, office_user
):
    Extension.objects.create(
        batch=Batch.objects.current(),
        unit=zhejiang,
        kind=DeadlineKind.MIDTERM,
        due=datetime.date(2021, 7, 10),
        granted_by=office_user,
    )
    client_for(client, unit_user)
    with time_machine.travel(datetime.datetime(2021, 7, 5, 10, tzinfo=datetime.UTC)):
        response = client.post(
            EDIT, {**form_data(plan), "submit": "1", "confirmed": "1"}
        )

    assert response.status_code == 302
    assert CheckMaterial.objects.get().status == CheckMaterial.Status.SUBMITTED


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_refused_without_an_approved_plan(client, unit_user):
    client_for(client, unit_user)

    page = client.get(EDIT).content.decode()
    response = client.post(
        EDIT, {"self_assessment": "x", "submit": "1", "confirmed": "1"}
    )

    assert "本单位还没有批准的实施方案" in page
    assert response.status_code == 409
    assert not CheckMaterial.objects.exists()


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_returned_material_is_edited_and_resubmitted_as_a_new_submission(
    client, plan, zhejiang, unit_user, office_user, expert_user
):
    from reviews import services as review_services

    round_ = check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 2, 20),
        datetime.date(2021, 3, 20),
    )
    material = submitted_material(zhejiang, unit_user, plan)
    first = Submission.objects.get(round=round_)
    past_pre_review(first, office_user)
    review_services.assign(submission=first, expert=expert_user, user=office_user)
    ready_for_decision(first, office_user, "材料明显不全", experts_done=True)
    checks.decide(
        submission=first,
        outcome="return",
        opinion="请补充佐证材料。",
        quorum_reason="材料明显不全，无需等待评分",
        user=office_user,
    )
    material.refresh_from_db()
    assert material.status == CheckMaterial.Status.RETURNED
    assert not CheckResult.objects.exists()
    client_for(client, unit_user)
    page = client.get(DETAIL).content.decode()
    assert "退回修改" in page and f"/reviews/feedback/{first.pk}/" in page

    response = client.post(
        EDIT,
        {
            **form_data(plan, self_assessment="已补充。"),
            "submit": "1",
            "confirmed": "1",
        },
    )

    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == CheckMaterial.Status.SUBMITTED
    first.refresh_from_db()
    assert first.is_current is False
    second = Submission.objects.get(round=round_, is_current=True)
    assert second.check_material == material and second.material_text == "已补充。"
    assert list(second.assignments.values_list("expert", flat=True)) == [expert_user.pk]


@time_machine.travel(ACCEPTANCE_DAY, tick=False)
def test_acceptance_decision_per_task_and_plaque_with_a_date(
    client, plan, zhejiang, unit_user, office_user, expert_user
):
    from reviews import services as review_services

    round_ = check_round(
        office_user,
        CheckKind.ACCEPTANCE,
        datetime.date(2021, 11, 20),
        datetime.date(2021, 12, 20),
    )
    material = submitted_material(zhejiang, unit_user, plan, CheckKind.ACCEPTANCE)
    submission = Submission.objects.get(round=round_)
    past_pre_review(submission, office_user)
    assignment = review_services.assign(
        submission=submission, expert=expert_user, user=office_user
    )
    sheet = review_services.sheet_for(assignment)
    review_services.save_sheet(
        sheet=sheet,
        values={round_.criteria.get().pk: 80},
        reasons={},
        comments="",
        confidential="",
        submit=True,
    )
    ready_for_decision(submission, office_user, experts_done=True)
    checks.decide(
        submission=submission,
        outcome="approve",
        opinion="通过验收。",
        user=office_user,
    )
    result = CheckResult.objects.get(material=material)
    assert (result.passed, result.grade) == (True, "good")
    tasks = list(zhejiang.tasks.order_by("order"))
    assert TaskAcceptance.objects.filter(result=result, passed=True).count() == len(
        tasks
    )
    url = "/checks/acceptance/zhejiang/"
    client_for(client, office_user)
    task = tasks[0]

    refused = client.post(f"{url}tasks/", {"task": task.pk, f"t{task.pk}-passed": "no"})
    saved = client.post(
        f"{url}tasks/",
        {
            "task": task.pk,
            f"t{task.pk}-passed": "no",
            f"t{task.pk}-remark": "平台未上线",
        },
    )
    plaque = client.post(
        f"{url}plaque/", {"awarded_on": "2022-01-15", "note": "先行先试单位"}
    )

    assert refused.status_code == 400
    assert "请说明该任务未通过验收的原因" in refused.content.decode()
    assert saved.status_code == 302
    accepted = TaskAcceptance.objects.get(result=result, task=task)
    assert (accepted.passed, accepted.remark) == (False, "平台未上线")
    assert plaque.status_code == 302
    row = Plaque.objects.get(unit=zhejiang)
    assert row.awarded_on == datetime.date(2022, 1, 15)
    page = client.get("/checks/acceptance/").content.decode()
    assert "2022-01-15" in page and "良好" in page
    client_for(client, unit_user)
    page = client.get(url).content.decode()
    assert "平台未上线" in page and "2022-01-15" in page


@time_machine.travel(ACCEPTANCE_DAY, tick=False)
def test_plaque_refused_before_acceptance_passed(client, zhejiang, office_user):
    client_for(client, office_user)

    response = client.post(
        "/checks/acceptance/zhejiang/plaque/", {"awarded_on": "2022-01-15"}
    )

    assert response.status_code == 400
    assert "通过验收的单位才能授牌" in response.content.decode()
    assert not Plaque.objects.exists()


# ---------------------------------------------------------------- evidence


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_evidence_upload_checks_content_and_serves_readers_only(
    client,
    plan,
    unit_user,
    other_unit_user,
    office_user,
    department_user,
    expert_user,
    unassigned_expert_user,
    tmp_path,
    settings,
):
    settings.VAR_DIR = tmp_path
    client_for(client, unit_user)
    url = "/checks/midterm/zhejiang/evidence/"
    forged = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"\x89PNG\r\n")})
    good = client.post(url, {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 ok")})

    assert forged.status_code == 400
    assert "文件内容与其扩展名（.pdf）不符。" in forged.content.decode()
    assert good.status_code == 302
    evidence = CheckEvidence.objects.get()
    assert evidence.name == "b.pdf"
    download = f"/checks/evidence/{evidence.pk}/"
    for user, status in [
        (unit_user, 200),
        (office_user, 200),
        (department_user, 200),
        (other_unit_user, 404),
        (unassigned_expert_user, 404),
    ]:
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 ok"
            assert response["Content-Disposition"] == 'attachment; filename="b.pdf"'
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(download)["Location"].startswith("/accounts/login/")
    # An expert reads it once assigned to the material's submission.
    from reviews import services as review_services

    check_round(
        office_user, CheckKind.MIDTERM, datetime.date(2021, 2, 1), MIDTERM_DAY.date()
    )
    client_for(client, unit_user)
    client.post(EDIT, {**form_data(plan), "submit": "1", "confirmed": "1"})
    submission = Submission.objects.get(check_material=evidence.material)
    past_pre_review(submission, office_user)
    review_services.assign(submission=submission, expert=expert_user, user=office_user)
    client.force_login(expert_user)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ok"


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_evidence_download_is_typed_by_its_content_not_the_browser(
    client, plan, unit_user, other_unit_user, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    client_for(client, unit_user)
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 sheet"
    client.post(
        "/checks/midterm/zhejiang/evidence/",
        {"file": SimpleUploadedFile("进度表.xls", ole2, content_type="text/html")},
    )
    evidence = CheckEvidence.objects.get()
    assert evidence.file.name == "checks/2021/03/进度表.xls"
    download = f"/checks/evidence/{evidence.pk}/"
    response = client.get(download)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%BF%9B%E5%BA%A6%E8%A1%A8.xls"
    )
    assert response["Content-Type"] == "application/vnd.ms-excel"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == ole2
    client.force_login(other_unit_user)
    assert client.get(download).status_code == 404


# ---------------------------------------------------------------- permissions


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_material_pages_permission_table(
    client,
    plan,
    zhejiang,
    unit_user,
    other_unit_user,
    office_user,
    department_user,
    expert_user,
):
    submitted_material(zhejiang, unit_user, plan)
    client.logout()
    assert client.get(DETAIL)["Location"].startswith("/accounts/login/")
    assert client.get(EDIT)["Location"].startswith("/accounts/login/")
    table = [
        (unit_user, 200, 200),
        (office_user, 200, 403),
        (department_user, 200, 403),
        (other_unit_user, 404, 404),
        (expert_user, 403, 403),
    ]
    for user, detail, edit in table:
        client.force_login(user)
        assert client.get(DETAIL).status_code == detail, user
        assert client.get(EDIT).status_code == edit, user
    client.force_login(unit_user)
    page = client.get(DETAIL).content.decode()
    assert "按计划推进" not in page and "进展顺利。" in page
    client.force_login(other_unit_user)
    assert client.get("/checks/midterm/")["Location"] == "/checks/midterm/fujian/"
    client.force_login(department_user)
    assert client.get("/checks/midterm/").status_code == 403


def test_office_overview_query_count_constant(
    client, office_user, unit_user, django_assert_num_queries
):
    from pilots.models import PilotUnit

    batch = Batch.objects.current()
    units = list(PilotUnit.objects.order_by("order"))
    client_for(client, office_user)
    CheckMaterial.objects.create(batch=batch, unit=units[0], kind="midterm")
    with django_assert_num_queries(8) as small:
        client.get("/checks/midterm/")
    for unit in units[1:8]:
        CheckMaterial.objects.create(
            batch=batch, unit=unit, kind="midterm", status="submitted"
        )
    Plaque.objects.create(
        batch=batch,
        unit=units[1],
        awarded_on=datetime.date(2022, 1, 1),
        recorded_by=office_user,
    )
    with django_assert_num_queries(8) as large:
        page = client.get("/checks/midterm/").content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert page.count("已提交") >= 7


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_checklist_starts_from_the_latest_progress_report(
    client, plan, zhejiang, unit_user
):
    from milestones.models import ItemState, ProgressReport

    item = plan.schedule.order_by("pk").first()
    report = ProgressReport.objects.create(
        batch=Batch.objects.current(),
        unit=zhejiang,
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 1, 31),
        due=datetime.date(2021, 2, 10),
        status=ProgressReport.Status.SUBMITTED,
        submitted_at=MIDTERM_DAY - datetime.timedelta(days=20),
    )
    ChecklistEntry.objects.create(
        report=report, schedule_item=item, state=ItemState.LATE, reason="设备到货延迟"
    )
    client_for(client, unit_user)

    page = client.get(EDIT).content.decode()

    assert 'value="设备到货延迟"' in page
    assert '<option value="late" selected>' in page


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_the_material_page_offers_writing_only_once_the_plan_is_approved(
    client, zhejiang, unit_user, office_user
):
    client_for(client, unit_user)
    page = client.get(DETAIL).content.decode()
    assert "实施方案批复后才能填写检查材料。" in page
    assert EDIT not in page
    approved_plan(zhejiang, unit_user, office_user)
    page = client.get(DETAIL).content.decode()
    assert "实施方案批复后才能填写检查材料。" not in page
    assert EDIT in page


def test_the_material_page_says_when_the_window_opens(
    client, zhejiang, unit_user, office_user
):
    approved_plan(zhejiang, unit_user, office_user)
    client_for(client, unit_user)
    with time_machine.travel(datetime.datetime(2020, 11, 1, 9), tick=False):
        page = client.get(DETAIL).content.decode()
    assert "自2020-12-01起可填写检查材料。" in page
    assert EDIT not in page
