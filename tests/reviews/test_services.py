import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pilots.history import history_of
from pilots.models import Batch, Department, Notification, PilotUnit, User
from plans.models import Plan, Status
from reviews import services
from reviews.models import Assignment, Round, Score, ScoreSheet, Submission
from tests.reviews.builders import (
    expert,
    meeting_skipped,
    plan_round,
    submitted_plan,
)


def _round_with_submission(office_user, unit_user, zhejiang, **kwargs):
    submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user, criteria=[("甲", 2, 10), ("乙", 1, 5)])
    Round.objects.filter(pk=round_.pk).update(**kwargs)
    round_.refresh_from_db()
    services.add_plan_submissions(round_=round_)
    return round_, round_.submissions.get()


def _submitted(submission, expert_user, office_user, a, b):
    assignment = services.assign(
        submission=submission, expert=expert_user, user=office_user
    )
    first, second = submission.round.criteria.all()
    sheet = ScoreSheet.objects.create(assignment=assignment, status="submitted")
    Score.objects.create(sheet=sheet, criterion=first, value=a)
    Score.objects.create(sheet=sheet, criterion=second, value=b)
    return sheet


def test_assign_notifies_the_expert(office_user, unit_user, zhejiang):
    round_, submission = _round_with_submission(office_user, unit_user, zhejiang)
    e = expert("expert1")
    assignment = services.assign(submission=submission, expert=e, user=office_user)
    note = Notification.objects.get(recipient=e)
    assert (note.kind, note.url) == (
        "review_assigned",
        f"/reviews/assignments/{assignment.pk}/",
    )


def test_assign_tied_expert_refused(office_user, unit_user, zhejiang):
    round_, submission = _round_with_submission(office_user, unit_user, zhejiang)
    tied = expert("tied", affiliation=zhejiang)
    with pytest.raises(services.ReviewError):
        services.assign(submission=submission, expert=tied, user=office_user)
    assert Assignment.objects.count() == 0


def test_suggestion_covers_business_and_it_least_loaded_never_tied(
    office_user, unit_user, zhejiang
):
    round_, submission = _round_with_submission(office_user, unit_user, zhejiang)
    busy = expert("busy-business")
    expert("idle-business")
    expert("it-expert", User.Expertise.IT)
    expert("tied", affiliation=zhejiang)
    other = Submission.objects.create(
        round=round_, unit=PilotUnit.objects.get(slug="fujian"), material_title="x"
    )
    Assignment.objects.create(submission=other, expert=busy, assigned_by=office_user)
    chosen = services.suggest_experts(submission=submission, responsible=[], count=2)
    assert [e.username for e in chosen] == ["idle-business", "it-expert"]


def test_trimmed_mean_falls_back_and_flags(office_user, unit_user, zhejiang):
    round_, submission = _round_with_submission(
        office_user, unit_user, zhejiang, method="trimmed", disagreement=10
    )
    first, second = round_.criteria.all()
    second.minimum = Decimal(3)
    second.save()
    # totals: (10/10*2+1/5)/3*100 = 73.33 ; (4/10*2+2/5)/3*100 = 40.00
    _submitted(submission, expert("a"), office_user, 10, 1)
    _submitted(submission, expert("b"), office_user, 4, 2)
    _criteria, rows = services.round_results(round_)
    result = rows[0]["result"]
    assert result.totals == [Decimal("73.33"), Decimal("40.00")]
    assert (result.value, result.method, result.fell_back) == (
        Decimal("56.67"),
        "mean",
        True,
    )
    assert result.spread == Decimal("33.33")
    assert result.disagreement is True
    assert result.below_minimum == ["乙"]


def test_acceptance_round_grades(office_user, zhejiang):
    today = timezone.localdate()
    round_ = services.create_round(
        user=office_user,
        batch=Batch.objects.current(),
        kind=Round.Kind.ACCEPTANCE,
        title="验收",
        opens_on=today,
        closes_on=today,
        grade_excellent=Decimal(85),
    )
    assert round_.criteria.count() == 0
    from reviews.models import Criterion

    c = Criterion.objects.create(round=round_, name="成果", weight=1, max_score=100)
    submission = Submission.objects.create(
        round=round_, unit=zhejiang, material_title="验收材料"
    )
    sheet_expert = expert("acc")
    a = Assignment.objects.create(
        submission=submission, expert=sheet_expert, assigned_by=office_user
    )
    sheet = ScoreSheet.objects.create(assignment=a, status="submitted")
    Score.objects.create(sheet=sheet, criterion=c, value=86)
    _criteria, rows = services.round_results(round_)
    assert rows[0]["grade"] == "excellent"


def test_decision_return_moves_plan_and_notifies_unit(office_user, unit_user, zhejiang):
    round_, submission = _round_with_submission(office_user, unit_user, zhejiang)
    meeting_skipped(
        submission.plan_version.plan, office_user, quorum_reason="测试：不等专家评分"
    )
    services.decide(
        submission=submission,
        outcome="return",
        opinion="请修改",
        user=office_user,
    )
    plan = Plan.objects.get(unit=zhejiang)
    assert plan.status == Status.RETURNED
    assert history_of(plan).last().to_state == Status.RETURNED
    assert history_of(plan).last().note == "请修改"
    # One notice to the unit, not one from the review and one from the plan.
    note = Notification.objects.get(recipient=unit_user)
    assert (note.kind, note.url) == ("plan_returned", plan.get_absolute_url())


def test_feedback_shows_names_when_office_chooses(
    client, office_user, unit_user, zhejiang
):
    round_, submission = _round_with_submission(office_user, unit_user, zhejiang)
    sheet = _submitted(
        submission, expert("named", full_name="张专家"), office_user, 5, 3
    )
    ScoreSheet.objects.filter(pk=sheet.pk).update(comments="很好", confidential="秘密")
    Round.objects.filter(pk=round_.pk).update(show_expert_names=True)
    meeting_skipped(submission.plan_version.plan, office_user)
    submission.refresh_from_db()
    services.decide(
        submission=submission,
        outcome="reject",
        opinion="不予通过",
        user=office_user,
    )
    client.force_login(unit_user)
    page = client.get(f"/reviews/feedback/{submission.pk}/").content.decode()
    assert "张专家" in page and "很好" in page and "秘密" not in page
    assert Plan.objects.get(unit=zhejiang).status == Status.REJECTED


def test_pre_review_refused_to_a_department_not_supervising(
    client, unit_user, zhejiang
):
    from tests.conftest import make_user

    submitted_plan(zhejiang, unit_user)
    supervising = [
        d
        for d in Department.objects.all()
        if not zhejiang.tasks.filter(business_domain__departments=d).exists()
    ]
    outsider = make_user("dept-out", User.Role.DEPARTMENT, department=supervising[0])
    client.force_login(outsider)
    response = client.post(
        "/reviews/stages/zhejiang/",
        {
            "confirmed": "1",
            "stage": "pre_review",
            "outcome": "recommend",
            "comments": "x",
        },
    )
    assert response.status_code == 404


def test_unit_reviewers_setup_refuses_a_tied_expert(
    client, office_user, department_user, zhejiang
):
    tied = expert("tied", affiliation=zhejiang)
    good = expert("good")
    client.force_login(office_user)
    response = client.post(
        "/reviews/units/zhejiang/",
        {
            "contact": office_user.pk,
            "department": department_user.department_id,
            "guide": department_user.pk,
            "experts": [tied.pk, good.pk],
        },
    )
    assert response.status_code == 400
    assert "不能担任其专家" in response.content.decode()
    response = client.post(
        "/reviews/units/zhejiang/",
        {
            "contact": office_user.pk,
            "department": department_user.department_id,
            "guide": department_user.pk,
            "experts": [good.pk],
        },
    )
    assert response.status_code == 302
    from reviews.models import UnitReviewers

    setup = UnitReviewers.objects.get(unit=zhejiang)
    assert (setup.contact, setup.guide, list(setup.experts.all())) == (
        office_user,
        department_user,
        [good],
    )


def test_round_dates_validated(client, office_user):
    client.force_login(office_user)
    today = timezone.localdate()
    response = client.post(
        "/reviews/rounds/new/",
        {
            "kind": "plan",
            "title": "错误日期",
            "opens_on": today.isoformat(),
            "closes_on": (today - datetime.timedelta(days=1)).isoformat(),
            "method": "mean",
            "disagreement": "20",
            "grade_excellent": "90",
            "grade_good": "75",
            "grade_pass": "60",
        },
    )
    assert response.status_code == 400
    assert "截止日期不能早于开始日期" in response.content.decode()
    assert 'value="错误日期"' in response.content.decode()
    assert Round.objects.count() == 0


def test_midterm_material_shares_the_submission_mechanism(
    client, office_user, zhejiang
):
    today = timezone.localdate()
    round_ = services.create_round(
        user=office_user,
        batch=Batch.objects.current(),
        kind=Round.Kind.MIDTERM,
        title="中期检查",
        opens_on=today,
        closes_on=today,
    )
    client.force_login(office_user)
    url = f"/reviews/rounds/{round_.pk}/material/"
    data = {"unit": zhejiang.pk, "material_title": "中期报告", "material_text": "进展"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 400
    assert "已有材料" in response.content.decode()
    submission = Submission.objects.get(round=round_)
    e = expert("mid")
    assignment = services.assign(submission=submission, expert=e, user=office_user)
    client.force_login(e)
    page = client.get(f"/reviews/assignments/{assignment.pk}/", follow=True)
    assert "进展" in page.content.decode()


def test_second_decision_refused_plan_unchanged(office_user, unit_user, zhejiang):
    round_, submission = _round_with_submission(office_user, unit_user, zhejiang)
    meeting_skipped(
        submission.plan_version.plan, office_user, quorum_reason="测试：不等专家评分"
    )
    services.decide(
        submission=submission,
        outcome="approve",
        opinion="同意",
        user=office_user,
    )
    with pytest.raises(services.ReviewError, match="已记录过评审决定"):
        services.decide(
            submission=submission,
            outcome="reject",
            opinion="改主意",
            user=office_user,
        )
    assert Plan.objects.get(unit=zhejiang).status == Status.APPROVED
