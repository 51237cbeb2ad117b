"""A whole plan-review round through the web client."""

import datetime
from decimal import Decimal

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from pilots.history import history_of
from pilots.models import ExportJob, User
from plans.models import Plan, Status
from reviews.models import (
    Assignment,
    Decision,
    Round,
    Score,
    ScoreSheet,
    Stage,
    StageRecord,
    Submission,
)
from reviews.tasks import build_export_task
from tests.reviews.builders import (
    expert,
    meeting_skipped,
    submitted_plan,
    through_pre_review,
)


def login(client, user):
    client.force_login(user)
    return client


def test_plan_review_round_whole_cycle(
    client, office_user, department_user, unit_user, zhejiang, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    plan = submitted_plan(zhejiang, unit_user)

    # 初审: the office returns the plan, saying what is missing.
    login(client, office_user)
    response = client.post(
        "/reviews/stages/zhejiang/",
        {
            "confirmed": "1",
            "stage": "preliminary",
            "outcome": "return",
            "comments": "缺少数据需求附表",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.RETURNED
    assert history_of(plan).last().note == "缺少数据需求附表"

    # The unit sees what is missing, and resubmits (version 2).
    login(client, unit_user)
    assert (
        "缺少数据需求附表" in client.get("/reviews/stages/zhejiang/").content.decode()
    )
    from plans import services as plan_services

    plan_services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)

    # 初审 passes: the plan is under review.
    login(client, office_user)
    client.post(
        "/reviews/stages/zhejiang/",
        {"confirmed": "1", "stage": "preliminary", "outcome": "pass"},
    )
    plan.refresh_from_db()
    assert plan.status == Status.UNDER_REVIEW

    # 预审 by the supervising department.
    login(client, department_user)
    response = client.post(
        "/reviews/stages/zhejiang/",
        {
            "confirmed": "1",
            "stage": "pre_review",
            "outcome": "recommend",
            "comments": "建议加强数据共享",
        },
    )
    assert response.status_code == 302
    assert list(
        StageRecord.objects.filter(plan=plan).values_list("stage", "outcome")
    ) == [
        (Stage.PRELIMINARY, "return"),
        (Stage.PRELIMINARY, "pass"),
        (Stage.PRE_REVIEW, "recommend"),
    ]

    # The office creates the round: the 2020 criteria are seeded.
    login(client, office_user)
    today = timezone.localdate()
    response = client.post(
        "/reviews/rounds/new/",
        {
            "kind": "plan",
            "title": "2020方案评审",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=7)).isoformat(),
            "method": "mean",
            "disagreement": "20",
            "grade_excellent": "90",
            "grade_good": "75",
            "grade_pass": "60",
        },
    )
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert list(round_.criteria.values_list("name", flat=True)) == [
        "目标任务明确",
        "总体框架符合智慧水利总体方案",
        "建设内容创新先进",
        "技术路线可行",
        "组织和保障措施可行",
        "预期成果可推广",
    ]
    # Replace the rubric with two criteria whose weights do not sum to 100.
    criteria = list(round_.criteria.all())
    data = {
        "c-TOTAL_FORMS": str(len(criteria)),
        "c-INITIAL_FORMS": str(len(criteria)),
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "1000",
    }
    for n, c in enumerate(criteria):
        data.update(
            {
                f"c-{n}-id": str(c.pk),
                f"c-{n}-name": c.name,
                f"c-{n}-weight": "2" if n == 0 else "1",
                f"c-{n}-max_score": "10" if n == 0 else "5",
                f"c-{n}-order": str(n),
            }
        )
        if n > 1:
            data[f"c-{n}-DELETE"] = "on"
    response = client.post(f"/reviews/rounds/{round_.pk}/criteria/", data)
    assert response.status_code == 302
    first, second = round_.criteria.all()
    assert (first.weight, first.max_score, second.weight, second.max_score) == (
        Decimal(2),
        Decimal(10),
        Decimal(1),
        Decimal(5),
    )

    client.post(f"/reviews/rounds/{round_.pk}/submissions/")
    submission = Submission.objects.get(round=round_)
    assert submission.plan_version.number == 2

    # Assign three experts; the one tied to Zhejiang is refused.
    experts = [
        expert("expert1"),
        expert("expert2", User.Expertise.IT),
        expert("expert3"),
    ]
    tied = expert("tied-expert", affiliation=zhejiang)
    response = client.post(
        f"/reviews/submissions/{submission.pk}/assign/",
        {"expert": tied.pk},
        follow=True,
    )
    assert "不可分配：与该单位有关联" in response.content.decode()
    for e in experts:
        client.post(f"/reviews/submissions/{submission.pk}/assign/", {"expert": e.pk})
    assert sorted(Assignment.objects.values_list("expert__username", flat=True)) == [
        "expert1",
        "expert2",
        "expert3",
    ]

    # Each expert scores and submits.
    marks = [("8", "3"), ("6", "4"), ("9", "2")]
    for e, (a, b) in zip(experts, marks, strict=True):
        login(client, e)
        assignment = Assignment.objects.get(expert=e)
        assert client.get("/reviews/").status_code == 200
        response = client.post(
            f"/reviews/assignments/{assignment.pk}/",
            {
                f"score_{first.pk}": a,
                f"score_{second.pk}": b,
                "comments": f"{e.username}的意见",
                "confidential": f"{e.username}机密",
                "submit": "1",
                "confirmed": "1",
            },
        )
        assert response.status_code == 302
    assert ScoreSheet.objects.filter(status="submitted").count() == 3

    # Aggregate: (8/10*2 + 3/5)/3*100 = 73.33; (1.2+0.8)/3*100 = 66.67;
    # (1.8+0.4)/3*100 = 73.33; mean 71.11; spread 6.66.
    login(client, office_user)
    response = client.get(f"/reviews/rounds/{round_.pk}/")
    row = response.context["rows"][0]
    assert [e["total"] for e in row["experts"]] == [
        Decimal("73.33"),
        Decimal("66.67"),
        Decimal("73.33"),
    ]
    assert row["result"].value == Decimal("71.11")
    assert row["result"].spread == Decimal("6.66")
    assert row["result"].disagreement is False
    csv_text = _ranking_export(client, round_, "csv").body.decode("utf-8-sig")
    assert "71.11" in csv_text and "浙江" in csv_text

    # 会审: the stage page shows the experts' outcome.
    stage_page = client.get("/reviews/stages/zhejiang/")
    assert stage_page.context["reviews"][0]["result"].value == Decimal("71.11")
    response = client.post(
        "/reviews/stages/zhejiang/",
        {
            "confirmed": "1",
            "stage": "meeting",
            "meeting_date": today.isoformat(),
            "experts_present": [e.pk for e in experts],
            "contact_comments": "联系人意见",
            "department_comments": "司局意见",
            "expert_comments": "专家意见",
            "comments": "同意修改后通过",
            "minority_view": "一位专家认为投资偏大",
        },
    )
    assert response.status_code == 302
    meeting = StageRecord.objects.get(stage=Stage.MEETING)
    assert meeting.experts_present.count() == 3
    assert meeting.minority_view == "一位专家认为投资偏大"

    # Decision: approve with revisions, names hidden.
    response = client.post(
        f"/reviews/submissions/{submission.pk}/decide/",
        {"outcome": "approve_revisions", "opinion": "修改后实施", "confirmed": "1"},
    )
    assert response.status_code == 302
    assert Decision.objects.get().outcome == "approve_revisions"
    assert Plan.objects.get(pk=plan.pk).status == Status.APPROVED

    # The unit reads the feedback: comments, no names, nothing confidential.
    login(client, unit_user)
    page = client.get(f"/reviews/feedback/{submission.pk}/").content.decode()
    assert "修改后实施" in page
    assert "expert1的意见" in page and "expert3的意见" in page
    assert "机密" not in page
    assert "expert1</strong>" not in page
    assert "expert2" not in page.replace("expert2的意见", "")


def _scored_round(office_user, unit_user, zhejiang):
    from tests.reviews.builders import plan_round

    submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user, criteria=[("甲", 2, 10), ("乙", 1, 5)])
    from reviews import services

    services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    e = expert("expert1")
    assignment = services.assign(submission=submission, expert=e, user=office_user)
    return round_, submission, assignment, e


def test_scores_out_of_range_or_not_numbers_refused_in_chinese(
    client, office_user, unit_user, zhejiang
):
    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    first, second = round_.criteria.all()
    login(client, e)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/",
        {
            f"score_{first.pk}": "11",
            f"score_{second.pk}": "abc",
            "submit": "1",
            "confirmed": "1",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "确保该值小于或等于10" in page
    assert "输入一个数字" in page
    assert 'value="abc"' in page
    assert Score.objects.count() == 0


def test_extreme_score_needs_reason(client, office_user, unit_user, zhejiang):
    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    first, second = round_.criteria.all()
    login(client, e)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/",
        {
            f"score_{first.pk}": "10",
            f"score_{second.pk}": "3",
            "submit": "1",
            "confirmed": "1",
        },
    )
    assert response.status_code == 400
    assert "书面理由" in response.content.decode()
    assert Score.objects.count() == 0


def test_scoring_a_closed_round_refused(client, office_user, unit_user, zhejiang):
    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    Round.objects.filter(pk=round_.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
        opens_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    first, second = round_.criteria.all()
    login(client, e)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/",
        {
            f"score_{first.pk}": "5",
            f"score_{second.pk}": "3",
            "submit": "1",
            "confirmed": "1",
        },
    )
    assert response.status_code == 409
    assert "评审轮次不在评分期内" in response.content.decode()
    assert Score.objects.count() == 0


def test_submitted_scores_final_until_reopened(
    client, office_user, unit_user, zhejiang
):
    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    first, second = round_.criteria.all()
    login(client, e)
    url = f"/reviews/assignments/{assignment.pk}/"
    client.post(
        url,
        {
            f"score_{first.pk}": "5",
            f"score_{second.pk}": "3",
            "submit": "1",
            "confirmed": "1",
        },
    )
    response = client.post(url, {f"score_{first.pk}": "6", f"score_{second.pk}": "3"})
    assert response.status_code == 409
    assert Score.objects.get(criterion=first).value == Decimal(5)
    login(client, office_user)
    client.post(f"/reviews/sheets/{assignment.sheet.pk}/reopen/")
    login(client, e)
    response = client.post(url, {f"score_{first.pk}": "6", f"score_{second.pk}": "3"})
    assert response.status_code == 302
    assert Score.objects.get(criterion=first).value == Decimal(6)


def test_editing_a_frozen_rubric_refused(client, office_user, unit_user, zhejiang):
    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    first, second = round_.criteria.all()
    login(client, e)
    client.post(
        f"/reviews/assignments/{assignment.pk}/",
        {f"score_{first.pk}": "5", f"score_{second.pk}": "3"},
    )
    login(client, office_user)
    response = client.post(
        f"/reviews/rounds/{round_.pk}/criteria/",
        {
            "c-TOTAL_FORMS": "1",
            "c-INITIAL_FORMS": "1",
            "c-0-id": str(first.pk),
            "c-0-name": "改",
            "c-0-weight": "50",
            "c-0-max_score": "10",
            "c-0-order": "0",
        },
    )
    assert response.status_code == 409
    assert "评分已开始" in response.content.decode()
    first.refresh_from_db()
    assert (first.name, first.weight) == ("甲", Decimal(2))


def test_resubmitted_plan_gets_new_sheets_old_locked(
    client, office_user, unit_user, zhejiang
):
    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    first, second = round_.criteria.all()
    login(client, e)
    client.post(
        f"/reviews/assignments/{assignment.pk}/",
        {
            f"score_{first.pk}": "5",
            f"score_{second.pk}": "3",
            "submit": "1",
            "confirmed": "1",
        },
    )
    from plans import services as plan_services
    from reviews import services

    plan = submission.plan_version.plan
    plan_services.return_plan(plan=plan, expected=plan.status, user=office_user)
    plan_services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    through_pre_review(plan, office_user)
    services.add_plan_submissions(round_=round_)
    new = Submission.objects.get(round=round_, is_current=True)
    assert new.plan_version.number == 2
    new_assignment = Assignment.objects.get(submission=new, expert=e)
    response = client.get(f"/reviews/assignments/{assignment.pk}/")
    assert response.status_code == 200
    assert "已锁定" in response.content.decode()
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/",
        {f"score_{first.pk}": "6", f"score_{second.pk}": "3"},
    )
    assert response.status_code == 409
    assert client.get(f"/reviews/assignments/{new_assignment.pk}/").status_code == 200


def test_conflict_declared_removes_assignment_and_tells_office(
    client, office_user, unit_user, zhejiang
):
    from pilots.models import Notification

    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    login(client, e)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/conflict/",
        {"reason": "曾参与该项目", "confirmed": "1"},
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert Notification.objects.filter(
        recipient=office_user, kind="review_conflict"
    ).exists()


def test_access_refused(
    client, office_user, unit_user, other_unit_user, zhejiang, fujian
):
    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    other = expert("expert-other")
    login(client, other)
    assert client.get(f"/reviews/assignments/{assignment.pk}/").status_code == 404
    assert client.get(f"/reviews/submissions/{submission.pk}/").status_code == 403
    login(client, unit_user)
    assert client.get(f"/reviews/rounds/{round_.pk}/").status_code == 403
    assert client.get(f"/reviews/submissions/{submission.pk}/").status_code == 403
    assert client.get(f"/reviews/rounds/{round_.pk}/export.csv").status_code == 403
    # Someone else's assignment does not exist for anyone but its expert.
    assert client.get(f"/reviews/assignments/{assignment.pk}/").status_code == 404
    # Undecided: no feedback yet; another unit never.
    assert client.get(f"/reviews/feedback/{submission.pk}/").status_code == 404
    login(client, other_unit_user)
    assert client.get("/reviews/stages/zhejiang/").status_code == 404
    client.logout()
    for url in (
        "/reviews/",
        f"/reviews/rounds/{round_.pk}/",
        f"/reviews/assignments/{assignment.pk}/",
        f"/reviews/feedback/{submission.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_other_unit_never_reads_feedback(
    client, office_user, unit_user, other_unit_user, zhejiang
):
    from reviews import services

    round_, submission, assignment, e = _scored_round(office_user, unit_user, zhejiang)
    meeting_skipped(
        submission.plan_version.plan, office_user, quorum_reason="测试：不等专家评分"
    )
    services.decide(
        submission=submission,
        outcome="approve",
        opinion="同意",
        user=office_user,
    )
    login(client, other_unit_user)
    assert client.get(f"/reviews/feedback/{submission.pk}/").status_code == 404


def _overview_round(office_user, n):
    from pilots.models import PilotUnit
    from tests.reviews.builders import plan_round

    round_ = plan_round(office_user, criteria=[("甲", 2, 10), ("乙", 1, 5)])
    first, second = round_.criteria.all()
    units = list(PilotUnit.objects.all())
    for k in range(len(units), n):
        units.append(
            PilotUnit.objects.create(
                slug=f"extra-{k}", name=f"试点{k}", short_name=f"试{k}", level="city"
            )
        )
    experts = [expert(f"e{round_.pk}-{k}") for k in range(3)]
    for unit in units[:n]:
        sub = Submission.objects.create(
            round=round_, unit=unit, material_title="中期检查材料"
        )
        for ex in experts:
            a = Assignment.objects.create(
                submission=sub, expert=ex, assigned_by=office_user
            )
            sheet = ScoreSheet.objects.create(assignment=a, status="submitted")
            Score.objects.create(sheet=sheet, criterion=first, value=5)
            Score.objects.create(sheet=sheet, criterion=second, value=3)
    return round_


def test_round_overview_constant_queries(
    client, office_user, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = _overview_round(office_user, 3)
    big = _overview_round(office_user, 30)
    login(client, office_user)
    client.get(f"/reviews/rounds/{small.pk}/")  # warm the session
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(f"/reviews/rounds/{small.pk}/").status_code == 200
    with django_assert_num_queries(len(small_queries.captured_queries)):
        response = client.get(f"/reviews/rounds/{big.pk}/")
    assert len(response.context["rows"]) == 30
    assert response.context["rows"][0]["result"].value == Decimal("53.33")


def _ranking_export(client, round_, fmt):
    """The round page's export button, the build task's body run here (the real
    worker: test_ranking_export_is_built_by_the_worker), the file downloaded."""
    url = reverse("reviews:round_export", args=[round_.pk, fmt])
    assert client.get(url).status_code == 200  # the button's page, writes nothing
    response = client.post(url)
    job = ExportJob.objects.get(pk=resolve(response.url).kwargs["pk"])
    assert (job.kind, job.params, job.role) == (
        "reviews.ranking",
        {"round": round_.pk},
        "office",
    )
    build_export_task(job.pk)
    download = client.get(reverse("pilots:export_download", args=[job.pk]))
    assert download.status_code == 200
    download.body = b"".join(download.streaming_content)
    return download


def test_ranking_exports_csv_and_xlsx(client, office_user, settings, tmp_path):
    import io

    from openpyxl import load_workbook

    settings.VAR_DIR = tmp_path
    round_ = _overview_round(office_user, 3)
    login(client, office_user)
    csv_response = _ranking_export(client, round_, "csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv_response.body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("排名,单位")
    assert len(lines) == 4
    response = _ranking_export(client, round_, "xlsx")
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert 'filename="round-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.body)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("排名", "单位")
    assert len(rows) == 4
    assert rows[1][3] == 53.33
    assert client.get(f"/reviews/rounds/{round_.pk}/export.pdf").status_code == 404
    assert client.post(f"/reviews/rounds/{round_.pk}/export.pdf").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ranking_export_is_built_by_the_worker(
    client, office_user, settings, tmp_path, celery_worker
):
    import io
    import time

    from openpyxl import load_workbook

    settings.VAR_DIR = tmp_path
    round_ = _overview_round(office_user, 3)
    login(client, office_user)
    response = client.post(reverse("reviews:round_export", args=[round_.pk, "xlsx"]))
    job = ExportJob.objects.get(pk=resolve(response.url).kwargs["pk"])
    deadline = time.monotonic() + 60
    while job.status not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        job.refresh_from_db()
    assert job.status == "ready", job.error
    page = client.get(response.url).content.decode()
    assert reverse("pilots:export_download", args=[job.pk]) in page
    download = client.get(reverse("pilots:export_download", args=[job.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values
    )
    units = set(round_.submissions.values_list("unit__name", flat=True))
    assert rows[0][:2] == ("排名", "单位")
    assert {row[1] for row in rows[1:]} == units and len(rows) == 4
