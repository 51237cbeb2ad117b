"""Every review message reaches each recipient in their own language, with a full
link under PORTAL_URL in the e-mail; a deactivated account hears nothing."""

import pytest

from pilots.models import Notification, OutboxEmail, User
from reviews import services
from reviews.models import ScoreSheet
from tests.conftest import make_user, told
from tests.reviews.builders import (
    expert,
    meeting_skipped,
    plan_round,
    submitted_plan,
)

ZHEJIANG_EN = "Zhejiang Provincial Department of Water Resources"


def _submission(office_user, unit_user, zhejiang):
    submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user)
    services.add_plan_submissions(round_=round_)
    return round_.submissions.get()


def _decide(submission, office_user):
    meeting_skipped(
        submission.plan_version.plan, office_user, quorum_reason="测试：不等专家评分"
    )
    services.decide(
        submission=submission,
        outcome="return",
        opinion="请修改",
        user=office_user,
    )


def test_review_assigned_is_told_in_each_recipients_language(
    office_user, unit_user, zhejiang, portal_url
):
    submission = _submission(office_user, unit_user, zhejiang)
    chinese, english = expert("expert-zh"), expert("expert-en", language="en")
    for person in (chinese, english):
        services.assign(submission=submission, expert=person, user=office_user)
    link = f"{portal_url}/reviews/assignments/"
    title, body, _subject, email = told(chinese, "review_assigned")
    assert (title, body) == ("新的评审任务", "请您在“方案评审”中评审浙江省水利厅。")
    assert link in email
    title, body, _subject, email = told(english, "review_assigned")
    assert (title, body) == (
        "New review assignment",
        f"You are asked to review {ZHEJIANG_EN} in “方案评审”.",
    )
    assert f"Open in the portal: {link}" in email


def test_review_conflict_is_told_in_each_recipients_language(
    office_user, english_office_user, unit_user, zhejiang, portal_url
):
    submission = _submission(office_user, unit_user, zhejiang)
    person = expert("expert-zh", full_name="张专家")
    assignment = services.assign(submission=submission, expert=person, user=office_user)
    services.declare_conflict(assignment=assignment, reason="曾参与编制")
    link = f"{portal_url}/reviews/submissions/{submission.pk}/"
    title, body, _subject, email = told(office_user, "review_conflict")
    assert (title, body) == (
        "有专家声明利益冲突",
        "张专家将不评审浙江省水利厅：曾参与编制",
    )
    assert link in email
    title, body, _subject, email = told(english_office_user, "review_conflict")
    assert (title, body) == (
        "An expert declared a conflict of interest",
        f"张专家 will not review {ZHEJIANG_EN}: 曾参与编制",
    )
    assert f"Open in the portal: {link}" in email


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        ("zh-hans", "您的评分已被重新开放", "办公室重新开放了您对浙江省水利厅的评分。"),
        (
            "en",
            "Your scores were reopened",
            f"The office reopened your scores for {ZHEJIANG_EN}.",
        ),
    ],
)
def test_review_reopened_is_told_in_the_experts_language(
    office_user, unit_user, zhejiang, portal_url, language, title, body
):
    submission = _submission(office_user, unit_user, zhejiang)
    person = expert("expert-1", language=language)
    assignment = services.assign(submission=submission, expert=person, user=office_user)
    sheet = ScoreSheet.objects.create(assignment=assignment, status="submitted")
    services.reopen_sheet(sheet=sheet)
    told_title, told_body, _subject, email = told(person, "review_reopened")
    assert (told_title, told_body) == (title, body)
    assert f"{portal_url}/reviews/assignments/{assignment.pk}/" in email


def test_review_decision_is_told_once_in_each_recipients_language(
    office_user, unit_user, english_unit_user, zhejiang, portal_url
):
    submission = _submission(office_user, unit_user, zhejiang)
    Notification.objects.all().delete()
    _decide(submission, office_user)
    plan = submission.plan_version.plan
    # The plan's own message, once: the review writes no second notice.
    told_to = Notification.objects.values_list("recipient__username", "kind")
    assert sorted(told_to) == sorted(
        [
            ("zhejiang-member", "plan_returned"),
            (english_unit_user.username, "plan_returned"),
        ]
    )
    title, _body, _subject, email = told(english_unit_user, "plan_returned")
    assert f"{portal_url}{plan.get_absolute_url()}" in email
    assert "请修改" in told(unit_user, "plan_returned")[1]


def test_review_decision_skips_a_deactivated_unit_account(
    office_user, unit_user, zhejiang
):
    gone = make_user("zhejiang-gone", User.Role.UNIT, unit=zhejiang, is_active=False)
    submission = _submission(office_user, unit_user, zhejiang)
    _decide(submission, office_user)
    recipients = Notification.objects.filter(kind="plan_returned").values_list(
        "recipient__username", flat=True
    )
    assert list(recipients) == ["zhejiang-member"]
    assert not OutboxEmail.objects.filter(to=gone.email).exists()
