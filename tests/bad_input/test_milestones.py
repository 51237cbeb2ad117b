"""Bad input to what follows approval (milestones/*forms.py): progress reports,
mid-term and acceptance material, their review, achievements, and the office's
programme settings."""

import datetime
import types

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from milestones import achievements, checks, circulars
from milestones.models import (
    AchievementKind,
    CheckKind,
    Circular,
    ItemState,
    ReminderKind,
    ReminderRule,
)
from milestones.programme import TIMELINE_FIELDS
from milestones.progress import plan_items
from pilots.models import Batch, BusinessDomain, DeadlineKind, Extension
from reviews import services as review_services
from reviews.models import Decision, StageRecord, Submission
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
from tests.bad_input.test_plans import uploads
from tests.milestones import progress_builders
from tests.milestones.checks_builders import (
    ACCEPTANCE_DAY,
    MIDTERM_DAY,
    approved_plan,
    check_round,
    past_pre_review,
    ready_for_decision,
    submitted_material,
)

pytestmark = pytest.mark.django_db

# ------------------------------------------------------------------ progress

AUGUST_2020 = datetime.datetime(2020, 8, 5, 2, tzinfo=datetime.UTC)


@pytest.fixture
def in_august_2020():
    with time_machine.travel(AUGUST_2020, tick=False):
        yield


@pytest.fixture
def reporting(in_august_2020, zhejiang):
    return progress_builders.approved_plan(zhejiang)


@bad_input
@given(st.data())
def test_progress_report_form(reporting, zhejiang, unit_user, data):
    items = plan_items(reporting)
    valid = progress_builders.report_post(zhejiang, items=items)
    task, item = zhejiang.tasks.first(), items[0]
    bad = {
        "summary": text(),
        f"task_{task.pk}_percent": number(0, 100),
        f"task_{task.pk}_done": text(),
        f"task_{task.pk}_problems": text(),
        f"task_{task.pk}_next_steps": text(),
        f"item_{item.key}_state": choice(*ItemState.values),
        f"item_{item.key}_reason": text(),
        "task_99999999999999999999_percent": number(),
        "item_s99999_state": choice(*ItemState.values),
        "submit": boolean(),
    }
    posted = data.draw(posts(valid, bad))
    with one_example():
        check_post(unit_user, f"/progress/{zhejiang.slug}/periods/2020-07-01/", posted)


@bad_input
@given(
    posts(
        {"cadence": "monthly", "grace_days": "5"},
        {"cadence": choice("monthly", "quarterly"), "grace_days": number(0, 90)},
    )
)
def test_progress_schedule_form(office_user, data):
    with one_example():
        check_post(office_user, "/progress/cadence/", data)


# ------------------------------------------------------------------ checks


@pytest.fixture
def midterm_day():
    with time_machine.travel(MIDTERM_DAY, tick=False):
        yield


@pytest.fixture
def acceptance_day():
    with time_machine.travel(ACCEPTANCE_DAY, tick=False):
        yield


@pytest.fixture
def plan(zhejiang, unit_user, office_user):
    return approved_plan(zhejiang, unit_user, office_user)


def _material_post(plan):
    data = {"self_assessment": "按计划推进。", "goals_met": "目标基本达成。"}
    keys = [key for key, _label, _item in checks.checklist_items(plan)]
    for key in keys:
        data |= {f"state_{key}": "done", f"reason_{key}": ""}
    return data, keys


@bad_input
@given(st.data())
def test_check_material_form(midterm_day, plan, unit_user, data):
    valid, keys = _material_post(plan)
    bad = {
        "self_assessment": text(),
        "goals_met": text(),
        f"state_{keys[0]}": choice(*ItemState.values),
        f"reason_{keys[0]}": text(),
        f"state_{keys[-1]}": choice(*ItemState.values),
        "submit": boolean(),
    }
    with one_example():
        check_post(
            unit_user, "/checks/midterm/zhejiang/edit/", data.draw(posts(valid, bad))
        )


def test_a_refused_submission_leaves_the_saved_draft_as_it_was(
    midterm_day, plan, zhejiang, unit_user
):
    # Found by test_check_material_form: the draft was saved before the
    # submission was refused, so a refused post overwrote the saved texts.
    material = checks.material_for(
        batch=Batch.objects.current(), unit=zhejiang, kind=CheckKind.MIDTERM
    )
    valid, _keys = _material_post(plan)
    checks.save_material(
        material=material,
        plan=plan,
        self_assessment="已保存的自评",
        goals_met="已保存的目标",
        states={},
    )
    posted = valid | {"self_assessment": "  ", "submit": "1"}

    result, response = check_post(unit_user, "/checks/midterm/zhejiang/edit/", posted)

    assert (result, response.status_code) == ("refused", 409)
    material.refresh_from_db()
    assert (material.status, material.self_assessment) == ("draft", "已保存的自评")
    assert not material.checklist.exists()


@bad_input
@given(uploads())
def test_check_evidence_form(midterm_day, plan, unit_user, upload):
    with one_example():
        check_post(
            unit_user, "/checks/midterm/zhejiang/evidence/", {}, files={"file": upload}
        )


@pytest.fixture
def midterm_review(midterm_day, plan, zhejiang, unit_user, office_user, expert_user):
    """Mid-term material before a round, past 初审 and 预审, one expert assigned."""
    round_ = check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 2, 20),
        datetime.date(2021, 3, 20),
    )
    material = submitted_material(zhejiang, unit_user, plan)
    submission = Submission.objects.get(round=round_, is_current=True)
    return types.SimpleNamespace(round=round_, material=material, submission=submission)


@bad_input
@given(
    posts(
        {"stage": "preliminary", "outcome": "return", "comments": "缺少佐证材料"},
        {"outcome": choice(*StageRecord.Outcome.values), "comments": text()},
    )
)
def test_check_stage_form(midterm_review, office_user, data):
    with one_example():
        check_post(office_user, "/checks/midterm/zhejiang/stages/", data)


@pytest.fixture
def midterm_assignment(midterm_review, office_user, expert_user):
    past_pre_review(midterm_review.submission, office_user)
    assignment = review_services.assign(
        submission=midterm_review.submission, expert=expert_user, user=office_user
    )
    review_services.sheet_for(assignment)
    return assignment


@bad_input
@given(st.data())
def test_check_score_sheet_form(midterm_assignment, expert_user, data):
    criterion = midterm_assignment.submission.round.criteria.get()
    posted = data.draw(
        posts(
            {f"score_{criterion.pk}": "82", "comments": "进展良好"},
            {
                f"score_{criterion.pk}": number("0", "100"),
                f"reason_{criterion.pk}": text(),
                "comments": text(),
                "confidential": text(),
                "submit": boolean(),
            },
        )
    )
    with one_example():
        check_post(
            expert_user, f"/checks/review/assignments/{midterm_assignment.pk}/", posted
        )


@pytest.fixture
def midterm_decidable(midterm_review, office_user):
    ready_for_decision(
        midterm_review.submission, office_user, quorum_reason="专家临时有事"
    )
    return midterm_review


@bad_input
@given(
    posts(
        {"outcome": "approve", "opinion": "中期检查通过。"},
        {
            "outcome": choice(*Decision.Outcome.values),
            "opinion": text(),
            "quorum_reason": text(),
        },
    )
)
def test_check_decision_form(midterm_decidable, office_user, data):
    midterm_review = midterm_decidable
    with one_example():
        check_post(
            office_user, f"/checks/review/{midterm_review.submission.pk}/decide/", data
        )


@pytest.fixture
def accepted(acceptance_day, plan, zhejiang, unit_user, office_user, expert_user):
    """Acceptance decided, passed: the office records each task and the plaque."""
    round_ = check_round(
        office_user,
        CheckKind.ACCEPTANCE,
        datetime.date(2021, 11, 20),
        datetime.date(2021, 12, 20),
    )
    submitted_material(zhejiang, unit_user, plan, CheckKind.ACCEPTANCE)
    submission = Submission.objects.get(round=round_)
    past_pre_review(submission, office_user)
    assignment = review_services.assign(
        submission=submission, expert=expert_user, user=office_user
    )
    review_services.save_sheet(
        sheet=review_services.sheet_for(assignment),
        values={round_.criteria.get().pk: 80},
        reasons={},
        comments="",
        confidential="",
        submit=True,
    )
    ready_for_decision(submission, office_user, experts_done=True)
    checks.decide(
        submission=submission, outcome="approve", opinion="通过验收。", user=office_user
    )
    return list(zhejiang.tasks.order_by("order"))


@bad_input
@given(st.data())
def test_task_acceptance_form(accepted, office_user, data):
    task = accepted[0]
    posted = data.draw(
        posts(
            {
                "task": str(task.pk),
                f"t{task.pk}-passed": "no",
                f"t{task.pk}-remark": "未上线",
            },
            {
                "task": choice(*[t.pk for t in accepted]),
                f"t{task.pk}-passed": choice("yes", "no"),
                f"t{task.pk}-remark": text(),
            },
        )
    )
    # The task is a hidden field: one not in the result is not found (404).
    with one_example():
        check_post(
            office_user, "/checks/acceptance/zhejiang/tasks/", posted, tampered=(404,)
        )


@pytest.mark.parametrize("task", ["²", "①", "99999999999999999999", "-1", ""])
def test_task_acceptance_form_with_a_task_that_is_no_number(
    accepted, office_user, task
):
    # "²".isdigit() is true, but int("²") fails: such a task was a 500.
    posted = {"task": task, f"t{accepted[0].pk}-passed": "yes"}
    result, response = check_post(
        office_user, "/checks/acceptance/zhejiang/tasks/", posted, tampered=(404,)
    )
    assert response.status_code == 404


@bad_input
@given(
    posts(
        {"awarded_on": "2022-01-15", "note": "先行先试单位"},
        {"awarded_on": date(), "note": text(200)},
    )
)
def test_plaque_form(accepted, office_user, data):
    with one_example():
        check_post(office_user, "/checks/acceptance/zhejiang/plaque/", data)


# ------------------------------------------------------------------ achievements


def _achievement_post(unit):
    return {
        "task": str(unit.tasks.first().pk),
        "kind": "product",
        "title": "闸站数字孪生平台",
        "description": "接入全省闸站实时数据。",
    }


def _bad_achievement(unit, other):
    return {
        "task": choice(
            *unit.tasks.values_list("pk", flat=True), other.tasks.first().pk
        ),
        "kind": choice(*AchievementKind.values),
        "title": text(200),
        "description": text(),
    }


@bad_input
@given(st.data())
def test_achievement_form(zhejiang, fujian, unit_user, data):
    bad = _bad_achievement(zhejiang, fujian) | {"file": uploads()}
    posted = data.draw(posts(_achievement_post(zhejiang), bad))
    files = {"file": posted.pop("file")} if "file" in posted else None
    with one_example():
        check_post(unit_user, "/achievements/manage/new/", posted, files=files)


@pytest.fixture
def achievement(zhejiang, unit_user):
    return achievements.register_achievement(
        unit=zhejiang,
        task=zhejiang.tasks.first(),
        kind="scheme",
        title="方案",
        description="说明",
        user=unit_user,
    )


@bad_input
@given(st.data())
def test_achievement_edit_form(achievement, zhejiang, fujian, unit_user, data):
    posted = data.draw(
        posts(_achievement_post(zhejiang), _bad_achievement(zhejiang, fujian))
    )
    with one_example():
        check_post(unit_user, f"/achievements/manage/{achievement.pk}/edit/", posted)


@bad_input
@given(uploads())
def test_achievement_file_form(achievement, unit_user, upload):
    with one_example():
        check_post(
            unit_user,
            f"/achievements/manage/{achievement.pk}/files/",
            {},
            files={"file": upload},
        )


@pytest.fixture
def published(achievement, office_user):
    achievements.publish(achievement=achievement, user=office_user)
    return achievement


@bad_input
@given(text(1000, "可在其他流域推广。"))
def test_recommend_form(published, office_user, recommendation):
    with one_example():
        check_post(
            office_user,
            f"/achievements/manage/{published.pk}/recommend/",
            {"recommendation": recommendation},
        )


# ------------------------------------------------------------------ programme


@bad_input
@given(st.data())
def test_timeline_form(office_user, data):
    batch = Batch.objects.current()
    valid = {name: getattr(batch, name).isoformat() for name in TIMELINE_FIELDS}
    bad = {name: date() for name in TIMELINE_FIELDS}
    with one_example():
        check_post(office_user, "/programme/timeline/", data.draw(posts(valid, bad)))


EXTENSION = {"kind": "plan_due", "due": "2030-01-01", "reason": "疫情影响"}


@bad_input
@given(st.data())
def test_extension_form(office_user, data):
    units = list(Batch.objects.current().units.values_list("pk", flat=True))
    posted = data.draw(
        posts(
            EXTENSION | {"unit": str(units[0])},
            {
                "unit": choice(*units),
                "kind": choice(*DeadlineKind.values),
                "due": date(),
                "reason": text(),
            },
        )
    )
    with one_example():
        check_post(office_user, "/programme/extensions/", posted)


@pytest.fixture
def extension(office_user, zhejiang):
    return Extension.objects.create(
        batch=Batch.objects.current(),
        unit=zhejiang,
        kind="plan_due",
        due=datetime.date(2030, 1, 1),
        reason="疫情影响",
        granted_by=office_user,
    )


@bad_input
@given(
    posts(
        EXTENSION | {"due": "2031-01-01"},
        {"unit": choice(), "kind": choice(), "due": date(), "reason": text()},
    )
)
def test_extension_edit_form(extension, office_user, data):
    with one_example():
        check_post(office_user, f"/programme/extensions/{extension.pk}/", data)


RULE = {
    "kind": "plan_due",
    "days_before": "5",
    "subject": "{{ unit }}：实施方案{{ days }}天后截止",
    "body": "请于{{ due|date:'Y-m-d' }}前提交。",
    "active": "on",
}
BAD_RULE = {
    "kind": choice(*ReminderKind.values),
    "days_before": number(),
    "subject": st.one_of(
        text(200),
        st.sampled_from(["{{", "{% if %}", "{{ unit|nofilter }}", "{% include 'x' %}"]),
    ),
    "body": st.one_of(
        text(),
        st.sampled_from(["{% for %}", "{{ unit.", "{% load nothing %}", "{# x"]),
    ),
    "active": boolean(),
    "preview": boolean(),
}


@bad_input
@given(posts(RULE, BAD_RULE))
def test_reminder_rule_form(office_user, data):
    with one_example():
        check_post(
            office_user, "/programme/reminders/new/", data, plain_200="preview" in data
        )


@bad_input
@given(posts(RULE, BAD_RULE))
def test_reminder_rule_edit_form(office_user, data):
    rule = ReminderRule.objects.order_by("pk").first()
    with one_example():
        check_post(
            office_user,
            f"/programme/reminders/{rule.pk}/",
            data,
            plain_200="preview" in data,
        )


# ------------------------------------------------------------------ notices to units


@pytest.fixture
def private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _circular_post(unit):
    return {
        "title": "关于报送中期检查材料的通知",
        "body": "请于截止日前报送。",
        "response": "reply",
        "reply_by": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "audience": "chosen",
        "units": str(unit.pk),
    }


@bad_input
@given(st.data())
def test_circular_form(private_files, zhejiang, office_user, data):
    bad = {
        "title": text(200),
        "body": text(),
        "response": choice(*Circular.Response.values),
        "reply_by": date("2020-01-01", timezone.localdate().isoformat()),
        "audience": choice(*Circular.Audience.values),
        "units": choice(zhejiang.pk),
        "domain": choice(*BusinessDomain.objects.values_list("pk", flat=True)),
        "to_experts": boolean(),
        "file": uploads(),
    }
    posted = data.draw(posts(_circular_post(zhejiang), bad))
    files = {"file": posted.pop("file")} if "file" in posted else None
    with one_example():
        check_post(office_user, "/notices-to-units/new/", posted, files=files)


@pytest.fixture
def reply_circular(zhejiang, office_user, unit_user):
    circular = circulars.save_draft(
        circular=Circular(
            batch=Batch.objects.current(),
            title="通知",
            body="正文",
            response=Circular.Response.REPLY,
            audience=Circular.Audience.CHOSEN_UNITS,
        ),
        user=office_user,
        units=[zhejiang],
        departments=[],
    )
    circulars.send(circular=circular, user=office_user)
    return circular


@bad_input
@given(st.data())
def test_circular_reply_form(private_files, reply_circular, unit_user, data):
    posted = data.draw(
        posts({"text": "已报送。"}, {"text": text(5000), "file": uploads()})
    )
    files = {"file": posted.pop("file")} if "file" in posted else None
    with one_example():
        check_post(
            unit_user,
            f"/notices-to-units/{reply_circular.pk}/reply/",
            posted,
            files=files,
        )
