"""The whole life of a plan, through the web client as its users would drive it."""

import datetime
import html
import re

import time_machine
from django.urls import reverse

from pilots.history import history_of
from plans import services as plan_services
from plans.models import (
    Contact,
    Plan,
    PlanComment,
    PlanSection,
    PlanVersion,
    SectionKey,
    Status,
)
from reviews import services as review_services
from tests.conftest import client_for
from tests.reviews.builders import meeting_skipped, plan_round, through_pre_review

from .builders import person

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
BEFORE_DUE = datetime.datetime(2020, 4, 10, 10, 0, tzinfo=SHANGHAI)


def _post_section(client, key, text):
    url = reverse("plans:section", args=["zhejiang", key])
    revision = client.get(url).context["form"].initial["revision"]
    return client.post(url, {"text": text, "revision": revision})


def _fill_through_the_web(client, unit):
    for key in SectionKey:
        response = _post_section(client, key, f"{key.label}：第一稿。")
        assert response.status_code == 302
    data = {}
    slots = [("unit", role) for role in Contact.Role]
    slots += [(task.pk, role) for task in unit.tasks.all() for role in Contact.Role]
    for owner, role in slots:
        for field, value in person().items():
            data[f"{owner}-{role}-{field}"] = value
    contacts = reverse("plans:contacts", args=["zhejiang"])
    data["revision"] = client.get(contacts).context["revision"]
    response = client.post(contacts, data)
    assert response.status_code == 302
    for task in unit.tasks.all():
        response = client.post(
            reverse("plans:schedule", args=["zhejiang"]),
            {
                "task": task.pk,
                "title": "建设",
                "start": "2020-05-01",
                "end": "2020-12-31",
            },
        )
        assert response.status_code == 302
        response = client.post(
            reverse("plans:deliverables", args=["zhejiang"]),
            {"task": task.pk, "title": "平台", "kind": "product", "due": "2021-12-01"},
        )
        assert response.status_code == 302


def _submit(client, status):
    return client.post(
        reverse("plans:submit", args=["zhejiang"]),
        {"expected": status, "confirmed": "1"},
        follow=True,
    )


def test_plan_cycle_from_draft_to_approval_through_the_web(
    client, zhejiang, unit_user, office_user
):
    detail = reverse("plans:detail", args=["zhejiang"])
    client.cookies["django_language"] = "en"
    with time_machine.travel(BEFORE_DUE, tick=False):
        client_for(client, unit_user)
        first_look = client.get(detail).content.decode()
        # Opening the page writes nothing: the unit starts the plan itself.
        assert not Plan.objects.filter(unit=zhejiang).exists()
        assert "has not started its implementation plan yet" in first_look
        started = client.post(reverse("plans:start", args=["zhejiang"]), follow=True)
        assert started.redirect_chain[-1][0] == detail
        plan = Plan.objects.get(unit=zhejiang)
        assert plan.status == Status.DRAFT

        _post_section(client, SectionKey.STATUS_QUO, "只写了一节。")
        response = _submit(client, Status.DRAFT)
        assert "The plan is not complete yet." in response.content.decode()
        _sentence, messages = _refusal(response)
        assert "Section “Main content” is empty." in messages
        assert "The overall contact is missing." in messages
        assert any(
            "Flash-flood monitoring and early-warning platform" in m for m in messages
        )
        plan.refresh_from_db()
        assert plan.status == Status.DRAFT
        assert PlanVersion.objects.count() == 0

        _fill_through_the_web(client, zhejiang)
        response = _submit(client, Status.DRAFT)
        plan.refresh_from_db()
        assert plan.status == Status.SUBMITTED
        version = PlanVersion.objects.get(plan=plan)
        assert (version.number, version.is_late, version.days_late) == (1, False, 0)
        sections = version.content["sections"]
        assert sections["status_quo"] == "Status quo and problems：第一稿。"

        # Frozen: the unit can no longer edit.
        url = reverse("plans:section", args=["zhejiang", "content"])
        assert client.get(url).status_code == 403
        assert client.post(url, {"text": "改", "revision": 1}).status_code == 403

    client_for(client, office_user)
    response = client.post(
        reverse("plans:comment_add", args=["zhejiang"]),
        {"section": "technical", "body": "技术路线不够具体。"},
    )
    assert response.status_code == 302
    # 初审 returns the plan with what is missing.
    response = client.post(
        reverse("reviews:stages", args=["zhejiang"]),
        {
            "confirmed": "1",
            "stage": "preliminary",
            "outcome": "return",
            "comments": "请修改技术方案。",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.RETURNED

    client_for(client, unit_user)
    assert "技术路线不够具体。" in client.get(detail).content.decode()
    _post_section(client, SectionKey.TECHNICAL, "技术方案：第二稿，路线具体。")
    comment = PlanComment.objects.get(plan=plan)
    response = client.post(
        reverse("plans:comment_answer", args=["zhejiang", comment.pk]),
        {"answer": "已补充技术路线。", "addressed": "on"},
    )
    comment.refresh_from_db()
    assert (comment.answer, comment.is_addressed) == ("已补充技术路线。", True)
    _submit(client, Status.RETURNED)
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]

    client_for(client, office_user)
    page = client.get(detail).content.decode()
    assert "已补充技术路线。" in page
    # Version 2 through 初审 and 预审, one expert's sheet, the meeting skipped.
    through_pre_review(plan, office_user)
    round_ = plan_round(office_user)
    review_services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get()
    meeting_skipped(plan, office_user, quorum_reason="本轮不请专家评分")
    decide = reverse("reviews:submission_decide", args=[submission.pk])
    data = {
        "expected": Status.UNDER_REVIEW,
        "outcome": "approve",
        "opinion": "同意。",
        "confirmed": "1",  # past the question the decision asks first
    }
    # The technical comment is still open: no approval until the office resolves it.
    response = client.post(decide, data)
    assert response.status_code == 409
    assert "1 review comment is still open" in response.content.decode()
    client.post(reverse("plans:comment_resolve", args=["zhejiang", comment.pk]))
    assert client.post(decide, data).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    history = list(
        history_of(plan).values_list("from_state", "to_state", "by__username", "note")
    )
    assert history == [
        ("draft", "submitted", "zhejiang-member", ""),
        ("submitted", "returned", "office-persona", "请修改技术方案。"),
        ("returned", "submitted", "zhejiang-member", ""),
        ("submitted", "under_review", "office-persona", ""),
        ("under_review", "approved", "office-persona", "同意。"),
    ]
    assert PlanSection.objects.get(plan=plan, key="technical").text == (
        "技术方案：第二稿，路线具体。"
    )


def _refusal(response):
    """A refused submission's one alert: its sentence and the blockers it lists."""
    page = response.content.decode()
    alerts = re.findall(
        r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S
    )
    assert len(alerts) == 1
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels.count("error") == 1 and "warning" not in levels
    sentence = re.search(r"<p[^>]*>(.*?)</p>", alerts[0], re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", alerts[0], re.S)
    return html.unescape(sentence), [html.unescape(item) for item in items]


def test_plan_incomplete_submission_lists_every_blocker_in_one_alert(
    client, zhejiang, unit_user
):
    client_for(client, unit_user)
    response = client.post(
        reverse("plans:submit", args=["zhejiang"]),
        {"expected": Status.DRAFT},
        follow=True,
    )
    _sentence, blockers = _refusal(response)
    plan = Plan.objects.get(unit=zhejiang)
    expected = [str(b) for b in plan_services.plan_completeness(plan).blockers]
    assert len(expected) > 10
    assert blockers == expected


def test_plan_incomplete_submission_is_refused_in_chinese(client, zhejiang, unit_user):
    client_for(client, unit_user)
    response = client.post(
        reverse("plans:submit", args=["zhejiang"]),
        {"expected": Status.DRAFT},
        follow=True,
    )
    sentence, messages = _refusal(response)
    assert sentence == "方案尚未完整，暂不能提交。"
    assert "“主要内容”一节尚未填写。" in messages
    assert "尚未填写总体负责人。" in messages
    assert "任务“山洪灾害监测预警平台”尚无预期成果。" in messages
    assert Plan.objects.get(unit=zhejiang).status == Status.DRAFT


def test_plan_incomplete_submission_in_english_names_tasks_by_english_title(
    client, zhejiang, unit_user
):
    client.cookies["django_language"] = "en"
    client_for(client, unit_user)
    response = client.post(
        reverse("plans:submit", args=["zhejiang"]),
        {"expected": Status.DRAFT},
        follow=True,
    )
    sentence, messages = _refusal(response)
    assert sentence == "The plan is not complete yet."
    # A task by its English title (Task.label), as the rest of the page shows it.
    task = "Flash-flood monitoring and early-warning platform"
    for missing in ("responsible person", "contact", "schedule item", "deliverable"):
        assert f"Task “{task}” has no {missing}." in messages
    assert not any("山洪灾害监测预警平台" in m for m in messages)
