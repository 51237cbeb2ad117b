"""What an expert or the office cannot undo here is asked once, on a page of its
own: submitting scores, declaring a conflict of interest, recording a decision.
The first POST writes nothing and says what will happen; only the POST of that
page (`confirmed=1`) acts; the question is refused to whom the action is."""

import pytest

from plans.models import Plan, Status
from reviews import services
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    Decision,
    ScoreSheet,
    Stage,
    StageRecord,
)
from tests.conftest import client_for
from tests.reviews.builders import expert, meeting_skipped, plan_round, submitted_plan

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "1"}
WHAT_WILL_HAPPEN = "确认后将会发生"


@pytest.fixture
def scoring(office_user, unit_user, zhejiang):
    plan = submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user, criteria=[("甲", 2, 10), ("乙", 1, 5)])
    services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    scorer = expert("confirm-expert")
    assignment = services.assign(submission=submission, expert=scorer, user=office_user)
    first, second = round_.criteria.all()
    return {
        "plan": plan,
        "submission": submission,
        "assignment": assignment,
        "expert": scorer,
        "scores": {f"score_{first.pk}": "8", f"score_{second.pk}": "4"},
    }


def _page(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert WHAT_WILL_HAPPEN in page
    return page


def test_submitting_scores_is_asked_first_and_keeps_them(client, scoring):
    url = f"/reviews/assignments/{scoring['assignment'].pk}/"
    data = {**scoring["scores"], "comments": "思路清晰", "submit": ""}
    client = client_for(client, scoring["expert"])

    page = _page(client.post(url, data))

    assert "提交后，您的评分和意见即为最终结果" in page
    # Not even an empty sheet is made before the answer.
    assert not ScoreSheet.objects.exists()
    assert '<input type="hidden" name="comments" value="思路清晰">' in page
    assert 'name="submit">提交评分</button>' in page

    assert client.post(url, {**data, **CONFIRMED}).status_code == 302
    sheet = ScoreSheet.objects.get(assignment=scoring["assignment"])
    assert (sheet.status, sheet.comments) == ("submitted", "思路清晰")


def test_the_questions_draft_button_saves_a_draft(client, scoring):
    url = f"/reviews/assignments/{scoring['assignment'].pk}/"
    # What the draft button of the question posts: the data, no `submit`.
    data = {**scoring["scores"], "comments": "初稿", "draft": "", **CONFIRMED}
    assert client_for(client, scoring["expert"]).post(url, data).status_code == 302
    assert ScoreSheet.objects.get().status == "draft"


def test_incomplete_scores_are_shown_again_not_asked(client, scoring):
    url = f"/reviews/assignments/{scoring['assignment'].pk}/"
    one = next(iter(scoring["scores"]))  # the other criterion left unscored
    response = client_for(client, scoring["expert"]).post(url, {one: "8", "submit": ""})
    assert response.status_code == 400
    assert WHAT_WILL_HAPPEN not in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_the_score_question_is_refused_to_others(client, scoring, office_user):
    url = f"/reviews/assignments/{scoring['assignment'].pk}/"
    data = {**scoring["scores"], "submit": ""}
    other = expert("confirm-other-expert")
    assert client_for(client, other).post(url, data).status_code == 404
    assert client_for(client, office_user).post(url, data).status_code == 404
    assert not ScoreSheet.objects.exists()


def test_declaring_a_conflict_is_asked_first(client, scoring, zhejiang):
    assignment = scoring["assignment"]
    url = f"/reviews/assignments/{assignment.pk}/conflict/"
    client = client_for(client, scoring["expert"])

    page = _page(client.post(url, {"reason": "曾参与该项目"}))

    assert f"您将永久退出对{zhejiang.name}的评审" in page
    assert "网信办将收到通知和您说明的理由。" in page
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert not ConflictDeclaration.objects.exists()

    assert client.post(url, {"reason": "曾参与该项目", **CONFIRMED}).status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert ConflictDeclaration.objects.get().reason == "曾参与该项目"


def test_the_conflict_question_is_refused_to_others(client, scoring):
    url = f"/reviews/assignments/{scoring['assignment'].pk}/conflict/"
    other = expert("confirm-other-expert")
    assert client_for(client, other).post(url, {"reason": "x"}).status_code == 404
    assert Assignment.objects.filter(pk=scoring["assignment"].pk).exists()


def test_recording_a_decision_is_asked_first(client, scoring, office_user, zhejiang):
    meeting_skipped(scoring["plan"], office_user, quorum_reason="书面评审")
    submission = scoring["submission"]
    url = f"/reviews/submissions/{submission.pk}/decide/"
    data = {
        "outcome": "approve",
        "opinion": "同意实施",
        "expected": Status.UNDER_REVIEW,
    }
    client = client_for(client, office_user)

    page = _page(client.post(url, data))

    assert (
        f"“通过”将记录为对{zhejiang.name}在“方案评审”中所提交材料的评审决定；"
        "决定一经记录，不能更改或撤回。"
    ) in page
    assert not Decision.objects.exists()
    assert Plan.objects.get(pk=scoring["plan"].pk).status == Status.UNDER_REVIEW

    assert client.post(url, {**data, **CONFIRMED}).status_code == 302
    assert Decision.objects.get().opinion == "同意实施"
    assert Plan.objects.get(pk=scoring["plan"].pk).status == Status.APPROVED


def test_the_decision_question_is_refused_to_others(client, scoring, unit_user):
    url = f"/reviews/submissions/{scoring['submission'].pk}/decide/"
    data = {"outcome": "approve", "opinion": "同意实施"}
    assert client_for(client, unit_user).post(url, data).status_code == 403
    assert client_for(client, scoring["expert"]).post(url, data).status_code == 403
    assert not Decision.objects.exists()


# ------------------------------------------------------------------ the stages page

STAGES = "/reviews/stages/zhejiang/"


def test_a_preliminary_return_is_asked_first_and_keeps_the_comments(
    client, office_user, unit_user, zhejiang
):
    plan = submitted_plan(zhejiang, unit_user)
    data = {"stage": "preliminary", "outcome": "return", "comments": "缺少数据需求附表"}
    client = client_for(client, office_user)

    page = _page(client.post(STAGES, data))

    assert f"为{zhejiang.name}记录“初审”？" in page
    assert "“初审”将记录为“退回单位”。" in page
    assert "评审环节记录后不能修改或撤回。" in page
    assert "材料将退回该单位，并立即通知该单位。" in page
    assert '<input type="hidden" name="comments" value="缺少数据需求附表">' in page
    assert not StageRecord.objects.exists()
    assert Plan.objects.get(pk=plan.pk).status == Status.SUBMITTED

    assert client.post(STAGES, {**data, **CONFIRMED}).status_code == 302
    assert StageRecord.objects.get().comments == "缺少数据需求附表"
    assert Plan.objects.get(pk=plan.pk).status == Status.RETURNED


def test_skipping_a_stage_is_asked_first(client, office_user, unit_user, zhejiang):
    submitted_plan(zhejiang, unit_user)
    client = client_for(client, office_user)
    client.post(STAGES, {"stage": "preliminary", "outcome": "pass", **CONFIRMED})
    data = {"stage": "skip-pre_review", "reason": "司局已当面指导"}

    page = _page(client.post(STAGES, data))

    assert f"跳过{zhejiang.name}的“预审”？" in page
    assert "“预审”将记录为跳过，并附上您填写的理由。" in page
    assert "材料将退回该单位" not in page
    assert StageRecord.objects.count() == 1

    assert client.post(STAGES, {**data, **CONFIRMED}).status_code == 302
    assert StageRecord.objects.get(stage=Stage.PRE_REVIEW).comments == "司局已当面指导"


def test_a_stage_form_with_errors_is_shown_again_not_asked(
    client, office_user, unit_user, zhejiang
):
    submitted_plan(zhejiang, unit_user)
    client = client_for(client, office_user)
    client.post(STAGES, {"stage": "preliminary", "outcome": "pass", **CONFIRMED})
    response = client.post(STAGES, {"stage": "skip-pre_review", "reason": " "})
    assert response.status_code == 400
    assert WHAT_WILL_HAPPEN not in response.content.decode()


def test_the_stage_question_is_refused_to_others(
    client, office_user, unit_user, department_user, zhejiang
):
    submitted_plan(zhejiang, unit_user)
    data = {"stage": "preliminary", "outcome": "pass"}
    assert client_for(client, unit_user).post(STAGES, data).status_code == 403
    # 初审 is the office's: the supervising department may take 预审 only.
    assert client_for(client, department_user).post(STAGES, data).status_code == 403
    assert not StageRecord.objects.exists()
