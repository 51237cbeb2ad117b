"""Bad input to the forms of the review (reviews/forms.py): the office's rounds,
criteria, material, assignments, stages and decisions; the expert's score sheet
and conflict of interest; the department's pre-review."""

import types

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pilots.models import Department, PilotUnit
from plans.models import Status
from reviews import services
from reviews.models import Decision, Round, StageRecord, Submission
from tests.bad_input.harness import (
    bad_input,
    boolean,
    check_post,
    choice,
    date,
    number,
    one_example,
    posts,
    text,
)
from tests.reviews.builders import (
    expert,
    meeting_skipped,
    plan_round,
    submitted_plan,
)

pytestmark = pytest.mark.django_db

STAGES = "/reviews/stages/zhejiang/"


@pytest.fixture
def round_(office_user):
    return plan_round(office_user)


@pytest.fixture
def reviewing(zhejiang, unit_user, office_user, expert_user):
    """A plan past 预审 before a round, one expert assigned, a draft sheet."""
    plan = submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user)
    services.add_plan_submissions(round_=round_)
    submission = Submission.objects.get(round=round_)
    assignment = services.assign(
        submission=submission, expert=expert_user, user=office_user
    )
    sheet = services.sheet_for(assignment)
    return types.SimpleNamespace(
        plan=plan,
        round=round_,
        submission=submission,
        assignment=assignment,
        sheet=sheet,
        criteria=list(round_.criteria.all()),
    )


@pytest.fixture
def scored(reviewing):
    services.save_sheet(
        sheet=reviewing.sheet,
        values={c.pk: c.max_score - 2 for c in reviewing.criteria},
        reasons={},
        comments="",
        confidential="",
        submit=True,
    )
    return reviewing


ROUND = {
    "kind": "plan",
    "title": "2020方案评审",
    "opens_on": "2021-03-01",
    "closes_on": "2021-03-10",
    "method": "mean",
    "disagreement": "20",
    "grade_excellent": "90",
    "grade_good": "75",
    "grade_pass": "60",
    "quorum": "",
}


@bad_input
@given(
    posts(
        ROUND,
        {
            "kind": choice(*Round.Kind.values),
            "title": text(120),
            "opens_on": date(),
            "closes_on": date(),
            "method": choice(*Round.Method.values),
            "disagreement": number(),
            "grade_excellent": number(),
            "grade_good": number(),
            "grade_pass": number(),
            "quorum": number(),
            "show_expert_names": boolean(),
        },
    )
)
def test_round_form(office_user, data):
    with one_example():
        check_post(office_user, "/reviews/rounds/new/", data)


@bad_input
@given(st.data())
def test_round_material_form(office_user, round_, data):
    units = list(PilotUnit.objects.values_list("pk", flat=True))
    posted = data.draw(
        posts(
            {
                "unit": str(units[0]),
                "material_title": "中期材料",
                "material_text": "见附件",
            },
            {
                "unit": choice(*units),
                "material_title": text(200),
                "material_text": text(),
            },
        )
    )
    with one_example():
        check_post(office_user, f"/reviews/rounds/{round_.pk}/material/", posted)


def _criteria_post(round_):
    criteria = list(round_.criteria.all())
    data = {
        "c-TOTAL_FORMS": str(len(criteria) + 1),
        "c-INITIAL_FORMS": str(len(criteria)),
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "1000",
    }
    for n, c in enumerate(criteria):
        data |= {
            f"c-{n}-id": str(c.pk),
            f"c-{n}-name": c.name,
            f"c-{n}-description": c.description,
            f"c-{n}-weight": str(c.weight),
            f"c-{n}-max_score": str(c.max_score),
            f"c-{n}-minimum": "",
            f"c-{n}-order": str(c.order),
        }
    new = len(criteria)
    data |= {
        f"c-{new}-name": "数据共享",
        f"c-{new}-description": "",
        f"c-{new}-weight": "10",
        f"c-{new}-max_score": "10",
        f"c-{new}-minimum": "",
        f"c-{new}-order": "9",
    }
    return data, new


@bad_input
@given(st.data())
def test_criteria_formset(office_user, round_, data):
    valid, new = _criteria_post(round_)
    bad = {
        "c-TOTAL_FORMS": number(valid["c-TOTAL_FORMS"]),
        "c-INITIAL_FORMS": number(valid["c-INITIAL_FORMS"]),
        "c-0-id": choice(),
        "c-0-name": text(80),
        "c-0-weight": number(),
        "c-0-max_score": number(),
        "c-0-minimum": number(),
        "c-0-order": number(),
        "c-0-DELETE": boolean(),
        f"c-{new}-name": text(80),
        f"c-{new}-description": text(),
        f"c-{new}-weight": number(),
        f"c-{new}-max_score": number(),
        f"c-{new}-minimum": number(),
        f"c-{new}-order": number(),
    }
    with one_example():
        check_post(
            office_user,
            f"/reviews/rounds/{round_.pk}/criteria/",
            data.draw(posts(valid, bad)),
        )


@pytest.fixture
def other_expert(db):
    return expert("expert-other")


@bad_input
@given(st.data())
def test_assign_form(reviewing, other_expert, office_user, data):
    posted = {
        "expert": data.draw(choice(other_expert.pk, reviewing.assignment.expert_id))
    }
    with one_example():
        check_post(
            office_user,
            f"/reviews/submissions/{reviewing.submission.pk}/assign/",
            posted,
        )


@bad_input
@given(st.data())
def test_score_sheet_form(reviewing, expert_user, data):
    valid = {f"score_{c.pk}": str(c.max_score - 2) for c in reviewing.criteria}
    valid |= {"comments": "目标明确。", "confidential": ""}
    first, last = reviewing.criteria[0], reviewing.criteria[-1]
    bad = {
        f"score_{first.pk}": number("0", first.max_score),
        f"reason_{first.pk}": text(),
        f"score_{last.pk}": number(),
        f"reason_{last.pk}": text(),
        "comments": text(),
        "confidential": text(),
        "submit": boolean(),
    }
    with one_example():
        check_post(
            expert_user,
            f"/reviews/assignments/{reviewing.assignment.pk}/",
            data.draw(posts(valid, bad)),
        )


@bad_input
@given(text(5000, "我曾参与该单位方案编制。"))
def test_conflict_form(reviewing, expert_user, reason):
    with one_example():
        check_post(
            expert_user,
            f"/reviews/assignments/{reviewing.assignment.pk}/conflict/",
            {"reason": reason},
        )


@pytest.fixture
def submitted(zhejiang, unit_user):
    return submitted_plan(zhejiang, unit_user)


@bad_input
@given(
    posts(
        {"stage": "preliminary", "outcome": "return", "comments": "缺少数据需求附表"},
        {
            "stage": choice("preliminary", "pre_review", "meeting", "skip-meeting"),
            "outcome": choice(*StageRecord.Outcome.values),
            "comments": text(),
        },
    )
)
@example({"outcome": "pass", "comments": ""})
@example({"stage": "", "outcome": "return", "comments": "缺少数据需求附表"})
def test_preliminary_stage_form(submitted, office_user, data):
    # The stage is a hidden field: a tampered one is forbidden or refused.
    with one_example():
        check_post(office_user, STAGES, data, tampered=(403,))


@pytest.fixture
def preliminary_passed(submitted, office_user):
    services.record_stage(
        plan=submitted,
        stage="preliminary",
        outcome=StageRecord.Outcome.PASS,
        user=office_user,
    )
    return submitted


@bad_input
@given(
    posts(
        {"stage": "pre_review", "outcome": "recommend", "comments": "建议加强数据共享"},
        {"outcome": choice(*StageRecord.Outcome.values), "comments": text()},
    )
)
def test_pre_review_stage_form(preliminary_passed, department_user, data):
    with one_example():
        check_post(department_user, STAGES, data)


@bad_input
@given(text(5000, "部门未组织预审"))
def test_skip_pre_review_form(preliminary_passed, office_user, reason):
    with one_example():
        check_post(office_user, STAGES, {"stage": "skip-pre_review", "reason": reason})


@bad_input
@given(st.data())
def test_meeting_stage_form(scored, office_user, expert_user, data):
    valid = {
        "stage": "meeting",
        "meeting_date": "2021-03-01",
        "experts_present": [str(expert_user.pk)],
        "comments": "同意通过。",
    }
    bad = {
        "meeting_date": date(),
        "experts_present": st.one_of(choice(expert_user.pk), st.lists(choice())),
        "contact_comments": text(),
        "department_comments": text(),
        "expert_comments": text(),
        "comments": text(),
        "minority_view": text(),
        "quorum_reason": text(),
    }
    with one_example():
        check_post(office_user, STAGES, data.draw(posts(valid, bad)))


@bad_input
@given(
    posts(
        {"stage": "skip-meeting", "reason": "以书面评审代替会审"},
        {"reason": text(), "quorum_reason": text()},
    )
)
def test_skip_meeting_form(scored, office_user, data):
    with one_example():
        check_post(office_user, STAGES, data)


@pytest.fixture
def decidable(scored, office_user):
    meeting_skipped(scored.plan, office_user)
    return scored


@bad_input
@given(
    posts(
        {"outcome": "approve", "opinion": "同意。", "expected": Status.UNDER_REVIEW},
        {
            "outcome": choice(*Decision.Outcome.values),
            "opinion": text(),
            "expected": choice(*Status.values),
            "quorum_reason": text(),
        },
    )
)
def test_decision_form(decidable, office_user, data):
    with one_example():
        check_post(
            office_user,
            f"/reviews/submissions/{decidable.submission.pk}/decide/",
            data,
        )


@bad_input
@given(st.data())
def test_unit_reviewers_form(office_user, department_user, expert_user, data):
    departments = list(Department.objects.values_list("pk", flat=True))
    valid = {
        "contact": str(office_user.pk),
        "department": str(departments[0]),
        "guide": str(department_user.pk),
        "experts": [str(expert_user.pk)],
    }
    bad = {
        "contact": choice(office_user.pk, expert_user.pk),
        "department": choice(*departments),
        "guide": choice(department_user.pk, office_user.pk),
        "experts": st.one_of(choice(expert_user.pk), st.lists(choice(), max_size=3)),
    }
    with one_example():
        check_post(
            office_user, "/reviews/units/zhejiang/", data.draw(posts(valid, bad))
        )
