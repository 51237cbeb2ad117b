"""The plan review as one enforced workflow (reviews/workflow.py): 初审 → 预审 →
expert review → 会审 → decision, each step only after the one before it."""

import re

import html5lib
import pytest
from django.urls import reverse

from pilots.history import history_of
from plans import services as plan_services
from plans.models import Plan, PlanComment, Status
from reviews import services, workflow
from reviews.models import Decision, Round, Stage, StageRecord
from tests.conftest import client_for
from tests.reviews.builders import (
    expert,
    meeting_skipped,
    plan_round,
    submitted_plan,
)

STAGES = "/reviews/stages/zhejiang/"


def _before_round(office_user, unit_user, zhejiang, *, experts=1, quorum=None):
    """Zhejiang's plan through 预审, before a round with `experts` assigned."""
    plan = submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user, criteria=[("甲", 1, 10)])
    if quorum:
        Round.objects.filter(pk=round_.pk).update(quorum=quorum)
    services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    assignments = [
        services.assign(submission=submission, expert=expert(f"e{n}"), user=office_user)
        for n in range(experts)
    ]
    return plan, submission, assignments


def _score(assignment, value=8):
    sheet = services.sheet_for(assignment)
    services.save_sheet(
        sheet=sheet,
        values={assignment.submission.round.criteria.get().pk: value},
        reasons={},
        comments="意见",
        confidential="",
        submit=True,
    )
    return sheet


def _decide(submission, office_user, outcome, opinion):
    return services.decide(
        submission=submission,
        outcome=outcome,
        opinion=opinion,
        expected=Status.UNDER_REVIEW,
        user=office_user,
    )


def _steps(plan):
    return {
        key: step.done
        for key, step in workflow.progress(
            version=plan.versions.order_by("-number").first()
        ).items()
    }


# ---------------------------------------------------------------- the stage map


def test_each_step_is_possible_only_after_the_one_before(
    client, office_user, department_user, unit_user, zhejiang
):
    plan = submitted_plan(zhejiang, unit_user)
    client_for(client, office_user)
    # 会审 before anything: refused, with the reason, nothing recorded.
    response = client.post(
        STAGES,
        {
            "confirmed": "1",
            "stage": "meeting",
            "meeting_date": "2020-05-20",
            "comments": "结论",
        },
    )
    assert response.status_code == 409
    assert "会审应在专家评审之后进行，专家评审尚未完成。" in [
        str(m) for m in response.context["messages"]
    ]
    client_for(client, department_user)
    response = client.post(
        STAGES,
        {
            "confirmed": "1",
            "stage": "pre_review",
            "outcome": "recommend",
            "comments": "好",
        },
    )
    assert response.status_code == 409
    assert StageRecord.objects.count() == 0

    client_for(client, office_user)
    assert (
        client.post(
            STAGES, {"confirmed": "1", "stage": "preliminary", "outcome": "pass"}
        ).status_code
        == 302
    )
    client_for(client, department_user)
    response = client.post(
        STAGES,
        {
            "confirmed": "1",
            "stage": "pre_review",
            "outcome": "recommend",
            "comments": "好",
        },
    )
    assert response.status_code == 302
    assert _steps(plan) == {
        Stage.PRELIMINARY: True,
        Stage.PRE_REVIEW: True,
        Stage.REVIEW: False,
        Stage.MEETING: False,
        workflow.DECISION: False,
    }


def test_a_step_already_done_for_the_version_is_refused(
    office_user, unit_user, zhejiang
):
    plan = submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    with pytest.raises(services.ReviewError, match="本版本的初审已经完成"):
        services.record_stage(
            plan=plan,
            stage=Stage.PRELIMINARY,
            outcome=StageRecord.Outcome.PASS,
            user=office_user,
        )
    assert StageRecord.objects.filter(stage=Stage.PRELIMINARY).count() == 1


def test_a_resubmitted_version_starts_again_from_the_preliminary_check(
    office_user, unit_user, zhejiang
):
    plan = submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    plan_services.return_plan(plan=plan, expected=plan.status, user=office_user)
    plan_services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    assert _steps(plan)[Stage.PRELIMINARY] is False
    with pytest.raises(services.ReviewError, match="预审应在初审之后进行"):
        services.record_stage(
            plan=plan,
            stage=Stage.PRE_REVIEW,
            outcome=StageRecord.Outcome.RECOMMEND,
            user=office_user,
            comments="x",
        )


def test_the_office_skips_the_pre_review_only_with_a_reason(
    client, office_user, department_user, unit_user, zhejiang
):
    plan = submitted_plan(zhejiang, unit_user)
    client_for(client, office_user)
    client.post(STAGES, {"confirmed": "1", "stage": "preliminary", "outcome": "pass"})
    response = client.post(
        STAGES, {"confirmed": "1", "stage": "skip-pre_review", "reason": " "}
    )
    assert response.status_code == 400
    assert _steps(plan)[Stage.PRE_REVIEW] is False
    response = client.post(
        STAGES,
        {
            "confirmed": "1",
            "stage": "skip-pre_review",
            "reason": "司局已在调研中当面指导",
        },
    )
    assert response.status_code == 302
    record = StageRecord.objects.get(stage=Stage.PRE_REVIEW)
    assert (record.outcome, record.comments) == ("skipped", "司局已在调研中当面指导")
    page = client.get(STAGES).content.decode()
    assert "已跳过" in page and "司局已在调研中当面指导" in page
    # A department may not skip; the expert review can never be skipped.
    client_for(client, department_user)
    assert (
        client.post(
            STAGES, {"confirmed": "1", "stage": "skip-meeting", "reason": "x"}
        ).status_code
        == 403
    )
    with pytest.raises(services.ReviewError, match="专家评审不能跳过"):
        services.skip_stage(
            plan=plan, stage=Stage.REVIEW, reason="不需要", user=office_user
        )


def test_a_round_takes_only_plans_through_the_pre_review(
    office_user, unit_user, other_unit_user, zhejiang, fujian
):
    submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    submitted_plan(fujian, other_unit_user)  # no 初审 yet
    round_ = plan_round(office_user)
    assert services.add_plan_submissions(round_=round_) == 1
    assert list(round_.submissions.values_list("unit__slug", flat=True)) == ["zhejiang"]


# ---------------------------------------------------------------- the decision


def test_a_decision_without_the_meeting_is_refused(office_user, unit_user, zhejiang):
    plan, submission, (assignment,) = _before_round(office_user, unit_user, zhejiang)
    _score(assignment)
    with pytest.raises(services.ReviewError, match="网信办决定应在会审之后进行"):
        _decide(submission, office_user, "approve", "同意")
    assert Decision.objects.count() == 0
    assert Plan.objects.get(pk=plan.pk).status == Status.UNDER_REVIEW


def test_a_decision_below_the_quorum_needs_the_offices_reason(
    office_user, unit_user, zhejiang
):
    plan, submission, assignments = _before_round(
        office_user, unit_user, zhejiang, experts=3
    )
    _score(assignments[0])
    with pytest.raises(services.ReviewError, match="1/3"):
        meeting_skipped(plan, office_user)
    meeting_skipped(plan, office_user, quorum_reason="两位专家出差，结论已明确")
    waiver = StageRecord.objects.get(stage=Stage.REVIEW)
    assert (waiver.outcome, waiver.comments) == ("skipped", "两位专家出差，结论已明确")
    decision = _decide(submission, office_user, "approve", "同意")
    assert decision.outcome == "approve"


def test_the_office_skips_the_meeting_below_the_quorum_on_the_page_with_reasons(
    client, office_user, unit_user, zhejiang
):
    plan, submission, assignments = _before_round(
        office_user, unit_user, zhejiang, experts=2
    )
    _score(assignments[0])
    client_for(client, office_user)
    page = client.get(STAGES)
    assert "skip-meeting-quorum_reason" in page.content.decode()
    response = client.post(
        STAGES, {"confirmed": "1", "stage": "skip-meeting", "reason": "不再会审"}
    )
    assert response.status_code == 409
    assert _steps(plan)[Stage.MEETING] is False
    response = client.post(
        STAGES,
        {
            "confirmed": "1",
            "stage": "skip-meeting",
            "reason": "不再会审",
            "quorum_reason": "一位专家病休",
        },
    )
    assert response.status_code == 302
    assert list(
        StageRecord.objects.filter(outcome="skipped").values_list("stage", "comments")
    ) == [(Stage.REVIEW, "一位专家病休"), (Stage.MEETING, "不再会审")]


def test_the_rounds_quorum_lets_the_office_decide_with_fewer_sheets(
    office_user, unit_user, zhejiang
):
    plan, submission, assignments = _before_round(
        office_user, unit_user, zhejiang, experts=3, quorum=2
    )
    _score(assignments[0])
    _score(assignments[1])
    meeting_skipped(plan, office_user)
    _decide(submission, office_user, "approve_revisions", "修改后实施")
    assert Plan.objects.get(pk=plan.pk).status == Status.APPROVED
    assert not StageRecord.objects.filter(stage=Stage.REVIEW).exists()


def test_a_stale_decision_is_refused(client, office_user, unit_user, zhejiang):
    plan, submission, (assignment,) = _before_round(office_user, unit_user, zhejiang)
    _score(assignment)
    meeting_skipped(plan, office_user)
    client_for(client, office_user)
    page = client.get(reverse("reviews:submission", args=[submission.pk]))
    seen = page.context["decision_form"].initial["expected"]
    assert seen == Status.UNDER_REVIEW
    # Meanwhile the plan moved on (another office user, another page).
    Plan.objects.filter(pk=plan.pk).update(status=Status.REJECTED)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("reviews:submission_decide", args=[submission.pk]),
        {"expected": seen, "outcome": "approve", "opinion": "同意。", "confirmed": "1"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "The plan&#x27;s state changed meanwhile" in html
    assert "同意。" in html  # what the office typed is still there
    assert Decision.objects.count() == 0


def test_the_decision_writes_one_record_one_history_row_one_notice(
    django_capture_on_commit_callbacks, office_user, unit_user, zhejiang
):
    from pilots.models import Notification

    plan, submission, (assignment,) = _before_round(office_user, unit_user, zhejiang)
    _score(assignment)
    meeting_skipped(plan, office_user)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(submission, office_user, "return", "请补充数据需求")
    assert Decision.objects.get().opinion == "请补充数据需求"
    plan.refresh_from_db()
    assert plan.status == Status.RETURNED
    assert history_of(plan).last().note == "请补充数据需求"
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("zhejiang-member", "plan_returned")
    ]


def test_the_plan_page_has_no_decision_buttons_but_leads_to_the_review(
    client, office_user, unit_user, zhejiang
):
    submitted_plan(zhejiang, unit_user)
    client_for(client, office_user)
    html = client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    assert "/decide/" not in html
    assert f'href="{STAGES}"' in html


# ---------------------------------------------------------------- comments


def test_approval_is_refused_while_a_comment_is_open(
    client, office_user, unit_user, zhejiang
):
    plan, submission, (assignment,) = _before_round(office_user, unit_user, zhejiang)
    comment = plan_services.add_comment(
        plan=plan, section="technical", body="路线不清", user=office_user
    )
    _score(assignment)
    meeting_skipped(plan, office_user)
    with pytest.raises(services.ReviewError, match="仍有1条评审意见未关闭"):
        _decide(submission, office_user, "approve", "同意")
    client_for(client, office_user)
    url = reverse("plans:comment_resolve", args=["zhejiang", comment.pk])
    client.post(url)
    assert PlanComment.objects.get().is_open is False
    client.post(url, {"reopen": "1"})
    assert PlanComment.objects.get().is_open is True
    client.post(url)
    _decide(submission, office_user, "approve", "同意")
    assert Plan.objects.get(pk=plan.pk).status == Status.APPROVED


def test_only_the_office_resolves_comments(client, office_user, unit_user, zhejiang):
    plan = submitted_plan(zhejiang, unit_user)
    comment = plan_services.add_comment(
        plan=plan, section="technical", body="路线不清", user=office_user
    )
    client_for(client, unit_user)
    url = reverse("plans:comment_resolve", args=["zhejiang", comment.pk])
    assert client.post(url).status_code == 403
    assert PlanComment.objects.get().is_open is True


def test_the_version_comparison_shows_which_comments_were_open(
    client, office_user, unit_user, zhejiang
):
    plan = submitted_plan(zhejiang, unit_user)
    first = plan_services.add_comment(
        plan=plan, section="technical", body="第一条意见", user=office_user
    )
    plan_services.return_plan(plan=plan, expected=plan.status, user=office_user)
    plan_services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    plan_services.resolve_comment(comment=first, user=office_user)
    client_for(client, office_user)
    response = client.get(reverse("plans:compare", args=["zhejiang"]) + "?a=1&b=2")
    row = response.context["comment_rows"][0]
    assert row["comment"] == first
    assert row["states"] == [None, True, False]


# ---------------------------------------------------------------- assigning


def test_a_conflicted_or_tied_expert_is_listed_as_unavailable_with_the_reason(
    client, office_user, unit_user, zhejiang
):
    plan, submission, (assignment,) = _before_round(office_user, unit_user, zhejiang)
    conflicted = assignment.expert
    services.declare_conflict(assignment=assignment, reason="曾参与方案编制")
    tied = expert("tied", affiliation=zhejiang)
    free = expert("free")
    client_for(client, office_user)
    url = reverse("reviews:submission", args=[submission.pk])
    html = client.get(url).content.decode()
    assert (
        f'<option value="{conflicted.pk}" disabled>{conflicted}'
        "（不可分配：已声明利益冲突：曾参与方案编制）</option>"
    ) in html
    assert (
        f'<option value="{tied.pk}" disabled>{tied}（不可分配：与该单位有关联）' in html
    )
    assert f'<option value="{free.pk}">{free}</option>' in html
    response = client.post(
        reverse("reviews:submission_assign", args=[submission.pk]),
        {"expert": conflicted.pk},
        follow=True,
    )
    assert "曾参与方案编制" in str(list(response.context["messages"])[0])
    assert not submission.assignments.exists()


# ---------------------------------------------------------------- names


def test_the_unit_never_learns_who_reviewed_it_when_names_are_hidden(
    client, office_user, department_user, unit_user, zhejiang
):
    secret = expert("e-secret", full_name="隐名专家甲")
    plan = submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user, criteria=[("甲", 1, 10)])
    services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    _score(services.assign(submission=submission, expert=secret, user=office_user))
    services.record_stage(
        plan=plan,
        stage=Stage.MEETING,
        outcome=StageRecord.Outcome.CONCLUDED,
        user=office_user,
        experts_present=[secret],
        meeting_date="2020-05-20",
        comments="同意修改后通过",
        minority_view="少数意见：投资偏大",
    )
    _decide(submission, office_user, "approve_revisions", "修改后实施")
    client_for(client, unit_user)
    pages = [
        STAGES,
        f"/reviews/feedback/{submission.pk}/",
        reverse("plans:detail", args=["zhejiang"]),
        "/notifications/",
        "/reviews/",
        "/home/",
    ]
    for url in pages:
        html = client.get(url, follow=True).content.decode()
        assert "隐名专家甲" not in html, url
        assert "e-secret" not in html, url
        assert "少数意见" not in html, url
    assert "同意修改后通过" in client.get(STAGES).content.decode()
    # The office and the supervising department read both.
    for user in (office_user, department_user):
        client_for(client, user)
        html = client.get(STAGES).content.decode()
        assert "隐名专家甲" in html and "少数意见：投资偏大" in html


def test_names_are_shown_when_the_office_chooses_so_for_the_round(
    client, office_user, unit_user, zhejiang
):
    plan, submission, (assignment,) = _before_round(office_user, unit_user, zhejiang)
    _score(assignment)
    meeting_skipped(plan, office_user)
    Round.objects.filter(pk=submission.round_id).update(show_expert_names=True)
    _decide(submission, office_user, "approve", "同意")
    client_for(client, unit_user)
    html = client.get(f"/reviews/feedback/{submission.pk}/").content.decode()
    assert str(assignment.expert) in html


def test_the_stages_page_is_styled_with_unique_ids(
    client, office_user, unit_user, zhejiang
):
    submitted_plan(zhejiang, unit_user)
    client_for(client, office_user)
    client.post(STAGES, {"confirmed": "1", "stage": "preliminary", "outcome": "pass"})
    page = client.get(STAGES).content.decode()
    # The pre-review form and its skip form: the same field names, own ids.
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert {"pre_review-comments", "skip-pre_review-reason"} <= set(ids)
    textareas = re.findall(r"<textarea[^>]*>", page)
    assert len(textareas) == 2
    assert all('class="textarea form-control"' in t for t in textareas)
