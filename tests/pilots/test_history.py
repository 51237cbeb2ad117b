"""The one history of every workflow: each walk asserts its rows (from, to, who,
note) exactly, and each object's page shows them to those who may read it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from column import news, public_messages
from column.models import PublicMessage
from milestones import achievements, checks, progress
from milestones import programme as milestone_programme
from milestones.models import Achievement, AchievementKind, CheckKind
from pilots.history import history_of
from pilots.models import Batch, DeadlineKind
from plans import services as plan_services
from plans.models import Status as PlanStatus
from reviews import services as review_services
from reviews.models import Stage, StageRecord
from tests.column.news_builders import make_post
from tests.conftest import client_for
from tests.milestones.checks_builders import (
    MIDTERM_DAY,
    approved_plan,
    check_round,
    ready_for_decision,
    submitted_material,
)
from tests.milestones.progress_builders import make_report
from tests.plans.builders import complete_plan, current_plan
from tests.reviews.builders import meeting_skipped, plan_round, submitted_plan

pytestmark = pytest.mark.django_db


def rows(subject):
    return [
        (h.from_state, h.to_state, h.by.username if h.by else None, h.note)
        for h in history_of(subject)
    ]


def _achievement(unit, user):
    return Achievement.objects.create(
        unit=unit,
        task=unit.tasks.order_by("order", "pk").first(),
        kind=AchievementKind.PRODUCT,
        title="水利一张图",
        description="全省统一的水利数据底座。",
        created_by=user,
    )


# ------------------------------------------------------------------ plans


def test_plan_walk_writes_one_row_per_transition(zhejiang, unit_user, office_user):
    plan = complete_plan(current_plan(zhejiang))
    plan_services.submit_plan(plan=plan, expected=PlanStatus.DRAFT, user=unit_user)
    plan_services.start_review(
        plan=plan, expected=PlanStatus.SUBMITTED, user=office_user
    )
    plan_services.return_plan(
        plan=plan, expected=PlanStatus.UNDER_REVIEW, user=office_user, comment="补充"
    )
    plan_services.submit_plan(plan=plan, expected=PlanStatus.RETURNED, user=unit_user)
    plan_services.approve_plan(
        plan=plan, expected=PlanStatus.SUBMITTED, user=office_user, comment="同意"
    )

    assert rows(plan) == [
        ("draft", "submitted", "zhejiang-member", ""),
        ("submitted", "under_review", "office-persona", ""),
        ("under_review", "returned", "office-persona", "补充"),
        ("returned", "submitted", "zhejiang-member", ""),
        ("submitted", "approved", "office-persona", "同意"),
    ]


def test_plan_rejection_is_recorded(zhejiang, unit_user, office_user):
    plan = submitted_plan(zhejiang, unit_user)
    plan_services.reject_plan(
        plan=plan, expected=PlanStatus.SUBMITTED, user=office_user, comment="不符合"
    )
    assert rows(plan)[-1] == ("submitted", "rejected", "office-persona", "不符合")


def test_refused_transition_writes_no_row(zhejiang, unit_user, office_user):
    plan = submitted_plan(zhejiang, unit_user)
    stale = type(plan).objects.get(pk=plan.pk)
    plan_services.approve_plan(
        plan=plan, expected=PlanStatus.SUBMITTED, user=office_user
    )
    with pytest.raises(plan_services.StaleTransition):
        plan_services.return_plan(
            plan=stale, expected=PlanStatus.SUBMITTED, user=office_user
        )
    assert [row[1] for row in rows(plan)] == ["submitted", "approved"]


def test_plan_page_shows_the_return_opinion_once(
    client, zhejiang, unit_user, office_user
):
    plan = submitted_plan(zhejiang, unit_user, pre_reviewed_by=office_user)
    round_ = plan_round(office_user)
    review_services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    meeting_skipped(plan, office_user, quorum_reason="测试：不等专家评分")
    review_services.decide(
        submission=submission,
        outcome="return",
        opinion="请补充数据需求",
        user=office_user,
    )

    opinion = "请补充数据需求"
    assert rows(plan)[-1] == ("under_review", "returned", "office-persona", opinion)
    assert rows(submission) == [("", "return", "office-persona", opinion)]
    client_for(client, unit_user)
    page = client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    assert "→ 退回修改: 请补充数据需求</li>" in page
    assert "退回修改: 退回修改" not in page


# ------------------------------------------------------------------ reviews


def test_review_stage_is_recorded_with_its_comments(zhejiang, unit_user, office_user):
    plan = submitted_plan(zhejiang, unit_user)
    review_services.record_stage(
        plan=plan,
        stage=Stage.PRELIMINARY,
        outcome=StageRecord.Outcome.PASS,
        user=office_user,
        comments="材料齐全",
    )
    review_services.record_stage(
        plan=plan,
        stage=Stage.PRE_REVIEW,
        outcome=StageRecord.Outcome.RECOMMEND,
        user=office_user,
    )

    preliminary, pre_review = StageRecord.objects.filter(plan=plan).order_by("pk")
    assert rows(preliminary) == [("", "preliminary", "office-persona", "材料齐全")]
    assert rows(pre_review) == [("", "pre_review", "office-persona", "")]
    assert rows(plan)[-1] == ("submitted", "under_review", "office-persona", "")


# ------------------------------------------------------------------ progress reports


@time_machine.travel(datetime.datetime(2020, 11, 20, 2, tzinfo=datetime.UTC))
def test_progress_report_submission_is_recorded(
    client, zhejiang, unit_user, office_user
):
    report = make_report(zhejiang, datetime.date(2020, 7, 1), status="draft")
    progress.submit_report(report=report, user=unit_user)

    assert rows(report) == [("draft", "submitted", "zhejiang-member", "")]
    client_for(client, office_user)
    url = reverse("milestones:progress_report", args=["zhejiang", "2020-07-01"])
    history = client.get(url).context["history"]
    assert [(str(h.from_label), str(h.to_label), h.by) for h in history] == [
        ("草稿", "已提交", unit_user)
    ]


# ------------------------------------------------------------------ check material


@time_machine.travel(MIDTERM_DAY, tick=False)
def test_check_material_walk_is_recorded_and_shown(
    client, zhejiang, unit_user, office_user
):
    plan = approved_plan(zhejiang, unit_user, office_user)
    round_ = check_round(
        office_user,
        CheckKind.MIDTERM,
        datetime.date(2021, 2, 20),
        datetime.date(2021, 3, 20),
    )
    material = submitted_material(zhejiang, unit_user, plan)
    submission = round_.submissions.get(is_current=True)
    ready_for_decision(submission, office_user, "材料明显不全，无需等待评分")
    checks.decide(
        submission=submission,
        outcome="return",
        opinion="请补充佐证材料",
        quorum_reason="材料明显不全，无需等待评分",
        user=office_user,
    )
    material.refresh_from_db()
    checks.submit_material(material=material, plan=plan, user=unit_user)

    assert rows(material) == [
        ("draft", "submitted", "zhejiang-member", ""),
        ("submitted", "returned", "office-persona", "请补充佐证材料"),
        ("returned", "submitted", "zhejiang-member", ""),
    ]
    assert rows(submission) == [("", "return", "office-persona", "请补充佐证材料")]
    client_for(client, unit_user)
    page = client.get("/checks/midterm/zhejiang/").content.decode()
    assert "已提交 → 退回修改: 请补充佐证材料</li>" in page


# ------------------------------------------------------------------ achievements


def test_achievement_walk_is_recorded(zhejiang, unit_user, office_user):
    achievement = _achievement(zhejiang, unit_user)
    achievements.publish(achievement=achievement, user=office_user)
    achievements.recommend(
        achievement=achievement, recommendation="可复制", user=office_user
    )
    achievements.withdraw_recommendation(achievement=achievement, user=office_user)
    achievements.unpublish(achievement=achievement, user=office_user)

    assert rows(achievement) == [
        ("draft", "published", "office-persona", ""),
        ("published", "recommended", "office-persona", ""),
        ("recommended", "published", "office-persona", ""),
        ("published", "draft", "office-persona", ""),
    ]


def test_achievement_history_on_its_page_never_in_public(
    client, zhejiang, unit_user, office_user
):
    office_user.full_name = "王办公室"
    office_user.save(update_fields=["full_name"])
    achievement = _achievement(zhejiang, unit_user)
    achievements.recommend(
        achievement=achievement, recommendation="可复制", user=office_user
    )

    client_for(client, unit_user)
    page = client.get(
        reverse("milestones:achievement_detail", args=[achievement.pk])
    ).content.decode()
    assert "王办公室 · 未发布 → 推荐推广</li>" in page
    client.logout()
    public = client.get(reverse("column:unit_detail", args=["zhejiang"]))
    html = public.content.decode()
    assert "水利一张图" in html
    assert "王办公室" not in html and "历史记录" not in html
    private = client.get(
        reverse("milestones:achievement_detail", args=[achievement.pk])
    )
    assert private.status_code == 302
    assert private["Location"].startswith(reverse("login"))


# ------------------------------------------------------------------ news


def test_news_walk_is_recorded_and_shown_on_the_edit_page(client, office_user):
    post = make_post(office_user, state="draft")
    news.schedule(
        post=post,
        at=post.created_at + datetime.timedelta(days=2),
        by=office_user,
    )
    news.unschedule(post=post, by=office_user)
    news.publish_now(post=post, by=office_user)
    news.withdraw(post=post, by=office_user)
    news.republish(post=post, by=office_user)

    assert rows(post) == [
        ("draft", "scheduled", "office-persona", ""),
        ("scheduled", "draft", "office-persona", ""),
        ("draft", "published", "office-persona", ""),
        ("published", "withdrawn", "office-persona", ""),
        ("withdrawn", "published", "office-persona", ""),
    ]
    client_for(client, office_user)
    page = client.get(reverse("column:news_edit", args=[post.pk])).content.decode()
    assert "office-persona · 已发布 → 已撤回</li>" in page


def test_news_action_through_the_web_records_who(client, office_user):
    post = make_post(office_user, state="draft")
    client_for(client, office_user)
    client.post(reverse("column:news_action", args=[post.pk, "publish"]))
    assert rows(post) == [("draft", "published", "office-persona", "")]


# ------------------------------------------------------------------ public messages


def test_moderation_is_recorded_and_shown(client, office_user):
    message = PublicMessage.objects.create(
        name="李四",
        email="li@example.test",
        subject="一个问题",
        body="请问进展如何？",
        client_hash="someone",
    )
    public_messages.moderate(
        message=message,
        to_status=PublicMessage.Status.PUBLISHED,
        answer="答复",
        by=office_user,
    )

    assert rows(message) == [("pending", "published", "office-persona", "")]
    client_for(client, office_user)
    response = client.get(reverse("column:message_moderate", args=[message.pk]))
    assert [(h.from_state, h.to_state) for h in response.context["history"]] == [
        ("pending", "published")
    ]


# ------------------------------------------------------------------ extensions


def test_extension_grant_and_change_are_recorded_and_listed(
    client, zhejiang, office_user
):
    batch = Batch.objects.current()
    extension = milestone_programme.grant_extension(
        batch=batch,
        unit=zhejiang,
        kind=DeadlineKind.MIDTERM,
        due=datetime.date(2021, 7, 31),
        reason="汛期",
        user=office_user,
    )
    milestone_programme.grant_extension(
        batch=batch,
        unit=zhejiang,
        kind=DeadlineKind.MIDTERM,
        due=datetime.date(2021, 8, 15),
        reason="再延",
        user=office_user,
    )
    plan_extension = plan_services.grant_extension(
        plan=current_plan(zhejiang),
        due=datetime.date(2020, 4, 30),
        reason="材料多",
        user=office_user,
    )

    assert rows(extension) == [
        ("", "2021-07-31", "office-persona", "汛期"),
        ("2021-07-31", "2021-08-15", "office-persona", "再延"),
    ]
    assert rows(plan_extension) == [("", "2020-04-30", "office-persona", "材料多")]
    client_for(client, office_user)
    page = client.get(reverse("milestones:programme_extensions")).content.decode()
    assert "office-persona · 2021-07-31 → 2021-08-15: 再延</li>" in page
