import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from pilots.history import history_of
from pilots.models import DeadlineKind, Extension, PilotUnit, User
from plans import services
from plans.models import Contact, Plan, PlanSection, Status
from plans.textformat import render_text
from tests.conftest import client_for, make_user

from .builders import complete_plan, current_plan

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _at(day, hour=12):
    return time_machine.travel(
        datetime.datetime(2020, 4, day, hour, tzinfo=SHANGHAI), tick=False
    )


# ---- concurrent edits


def test_section_second_concurrent_save_is_refused_and_text_shown_back(
    client, zhejiang, unit_user
):
    colleague = make_user("zhejiang-colleague", User.Role.UNIT, unit=zhejiang)
    current_plan(zhejiang)
    first, second = client_for(client, unit_user), client_for(Client(), colleague)
    for c in (first, second):
        c.cookies["django_language"] = "en"
    url = reverse("plans:section", args=["zhejiang", "content"])
    rev_first = first.get(url).context["form"].initial["revision"]
    rev_second = second.get(url).context["form"].initial["revision"]

    assert (
        first.post(url, {"text": "甲的文字", "revision": rev_first}).status_code == 302
    )
    response = second.post(url, {"text": "乙的文字", "revision": rev_second})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this section while you were editing it." in page
    assert response.context["form"].initial["text"] == "乙的文字"
    assert ">\n乙的文字</textarea>" in page
    assert "<p>甲的文字</p>" in page  # theirs, shown beside
    section = PlanSection.objects.get(key="content")
    assert (section.text, section.revision) == ("甲的文字", 1)
    # Having seen both, the second member saves again: now it goes through.
    again = second.post(url, {"text": "甲乙合并", "revision": 1})
    assert again.status_code == 302
    assert PlanSection.objects.get(key="content").text == "甲乙合并"


def test_section_save_on_a_submitted_plan_is_refused(zhejiang, unit_user):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    revision = PlanSection.objects.get(plan=plan, key="content").revision
    with pytest.raises(services.NotEditable):
        services.save_section(
            plan=plan, key="content", text="x", revision=revision, user=unit_user
        )


# ---- transitions


def test_transition_with_a_stale_status_is_refused(zhejiang, unit_user, office_user):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    stale = Plan.objects.get(pk=plan.pk)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)

    with pytest.raises(services.StaleTransition):
        services.approve_plan(plan=stale, expected=Status.SUBMITTED, user=office_user)

    assert Plan.objects.get(pk=plan.pk).status == Status.RETURNED
    assert history_of(plan).count() == 2


def test_transition_not_in_the_map_is_refused(zhejiang, office_user):
    plan = current_plan(zhejiang)
    with pytest.raises(services.StaleTransition):
        services.approve_plan(plan=plan, expected=Status.DRAFT, user=office_user)
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT
    assert history_of(plan).count() == 0


def test_plan_review_states_follow_the_map(zhejiang, unit_user, office_user):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    services.start_review(plan=plan, expected=Status.SUBMITTED, user=office_user)
    services.reject_plan(plan=plan, expected=Status.UNDER_REVIEW, user=office_user)
    assert list(history_of(plan).values_list("from_state", "to_state")) == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "rejected"),
    ]


# ---- lateness and extensions


def test_submission_before_the_deadline_is_not_late(zhejiang, unit_user):
    plan = complete_plan(current_plan(zhejiang))
    with _at(15, hour=23):
        version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    assert (version.is_late, version.days_late) == (False, 0)
    assert version.due == datetime.date(2020, 4, 15)


def test_submission_after_the_deadline_is_marked_late_with_days(
    client, zhejiang, unit_user
):
    complete_plan(current_plan(zhejiang))
    client.cookies["django_language"] = "en"
    client_for(client, unit_user)
    with _at(18):
        response = client.post(
            reverse("plans:submit", args=["zhejiang"]),
            {"expected": Status.DRAFT, "confirmed": "1"},
            follow=True,
        )
    version = Plan.objects.get(unit=zhejiang).versions.get()
    assert (version.is_late, version.days_late) == (True, 3)
    assert "Plan submitted, 3 day(s) after the deadline." in [
        str(m) for m in response.context["messages"]
    ]
    assert "3 days late" in response.content.decode()


def test_submission_within_an_extension_is_not_late(
    client, zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    client_for(client, office_user)
    with _at(10):
        client.post(
            reverse("plans:extension", args=["zhejiang"]),
            {"due": "2020-04-20", "reason": "汛期"},
        )
    page = client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    assert "截止日期: 2020-04-20 (已延期)" in page
    extension = Extension.objects.get()
    assert (extension.unit, extension.kind, extension.due) == (
        zhejiang,
        DeadlineKind.PLAN,
        datetime.date(2020, 4, 20),
    )
    with _at(18):
        version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    assert (version.is_late, version.days_late, version.due) == (
        False,
        0,
        datetime.date(2020, 4, 20),
    )


def test_extension_earlier_than_the_deadline_is_refused_and_kept(
    client, zhejiang, office_user
):
    current_plan(zhejiang)
    client_for(client, office_user)
    with _at(10):
        response = client.post(
            reverse("plans:extension", args=["zhejiang"]),
            {"due": "2020-04-12", "reason": "汛期"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "新的截止日期必须晚于当前截止日期（2020-04-15）。" in html
        assert 'value="2020-04-12"' in html and "汛期</textarea>" in html
        response = client.post(
            reverse("plans:extension", args=["zhejiang"]), {"due": "2020-01-01"}
        )
        assert "新的截止日期已经过去。" in response.content.decode()
    assert Extension.objects.count() == 0


def test_extension_is_refused_to_the_unit(client, zhejiang, unit_user):
    current_plan(zhejiang)
    client_for(client, unit_user)
    response = client.post(
        reverse("plans:extension", args=["zhejiang"]), {"due": "2020-05-01"}
    )
    assert response.status_code == 403
    assert Extension.objects.count() == 0


# ---- query count


@pytest.mark.parametrize("items", [1, 30])
def test_plan_page_query_count_does_not_grow_with_schedule_items(
    client, zhejiang, unit_user, django_assert_num_queries, items
):
    plan = complete_plan(current_plan(zhejiang), items_per_task=items)
    assert plan.schedule.count() == items * zhejiang.tasks.count()
    client_for(client, unit_user)
    url = reverse("plans:detail", args=["zhejiang"])
    client.get(url)
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.status_code == 200


QUERIES = 17  # the same at 1 and at 30 items per task


# ---- versions


def test_compare_versions_highlights_the_changed_text(
    client, zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    section = PlanSection.objects.get(plan=plan, key="technical")
    services.save_section(
        plan=plan,
        key="technical",
        text="现状一般。 technical 采用<大数据>",
        revision=section.revision,
        user=unit_user,
    )
    services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    client_for(client, office_user)
    response = client.get(reverse("plans:compare", args=["zhejiang"]), {"a": 1, "b": 2})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>现状<del>良好</del>。 technical</td>" in page
    new = "<td>现状<ins>一般</ins>。 technical<ins> 采用&lt;大数据&gt;</ins>"
    assert f"{new}</td>" in page
    technical = [p for p in response.context["diff"] if p["changed"]]
    assert [str(p["label"]) for p in technical] == ["技术方案"]


def test_version_is_frozen_after_later_edits(zhejiang, unit_user, office_user):
    plan = complete_plan(current_plan(zhejiang))
    v1 = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    section = PlanSection.objects.get(plan=plan, key="content")
    services.save_section(
        plan=plan, key="content", text="新", revision=section.revision, user=unit_user
    )
    v1.refresh_from_db()
    assert v1.content["sections"]["content"] == "现状良好。 content"


def test_render_text_makes_paragraphs_and_lists():
    html = render_text("第一段\n续行\n\n- 甲\n- 乙\n\n1. 一\n2. 二")
    assert html == (
        "<p>第一段<br>续行</p>\n<ul><li>甲</li><li>乙</li></ul>\n"
        "<ol><li>一</li><li>二</li></ol>"
    )


def test_version_keeps_the_comments_as_they_stood(
    client, zhejiang, unit_user, office_user
):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    comment = services.add_comment(
        plan=plan, section="schedule", body="进度偏紧。", user=office_user
    )
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    services.answer_comment(
        comment=comment, answer="已调整。", addressed=True, user=unit_user
    )
    v2 = services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    assert [
        (c["section"], c["body"], c["answer"], c["addressed"])
        for c in v2.content["comments"]
    ] == [("schedule", "进度偏紧。", "已调整。", True)]
    assert plan.versions.get(number=1).content["comments"] == []
    client_for(client, office_user)
    page = client.get(reverse("plans:compare", args=["zhejiang"])).content.decode()
    assert "office-persona: 进度偏紧。" in page
    assert "已调整。" in page


@pytest.mark.parametrize("units", [1, 11])
def test_plan_list_query_count_does_not_grow_with_plans(
    client, office_user, django_assert_num_queries, units
):
    for unit in PilotUnit.objects.all()[:units]:
        services.submit_plan(
            plan=complete_plan(current_plan(unit)),
            expected=Status.DRAFT,
            user=office_user,
        )
    client_for(client, office_user)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("plans:list"))
    assert len(response.context["rows"]) == 11


LIST_QUERIES = 9  # the same at 1 and at 11 plans (a page, its count, its last versions)


def test_plan_list_for_a_department_shows_only_supervised_units(
    client, department_user
):
    client_for(client, department_user)
    rows = client.get(reverse("plans:list")).context["rows"]
    slugs = [row["unit"].slug for row in rows]
    assert "zhejiang" in slugs
    assert len(slugs) < 11


def test_render_text_continues_a_list_item_and_keeps_dated_lines_as_text():
    html = render_text("- 甲\n  甲的续行\n\n2020.5 完成建设\n3、三")
    assert html == (
        "<ul><li>甲<br>甲的续行</li></ul>\n<p>2020.5 完成建设</p>\n<ol><li>三</li></ol>"
    )


def test_render_text_escapes_what_was_typed():
    assert render_text("<b>x</b>\n- <i>") == (
        "<p>&lt;b&gt;x&lt;/b&gt;</p>\n<ul><li>&lt;i&gt;</li></ul>"
    )


@pytest.mark.django_db
def test_a_plan_has_one_unit_contact_per_role_and_one_per_task_role(zhejiang):
    plan = current_plan(zhejiang)
    task = zhejiang.tasks.first()
    fields = {"name": "张三", "post": "处长", "phone": "13812345678", "email": "a@b.cn"}
    Contact.objects.create(plan=plan, task=None, role="responsible", **fields)
    Contact.objects.create(plan=plan, task=task, role="responsible", **fields)
    for duplicate_task in (None, task):
        with pytest.raises(IntegrityError), transaction.atomic():
            Contact.objects.create(
                plan=plan, task=duplicate_task, role="responsible", **fields
            )
    assert Contact.objects.count() == 2


def test_submission_lateness_switches_at_local_midnight(zhejiang, fujian, unit_user):
    on_time = complete_plan(current_plan(zhejiang))
    late = complete_plan(current_plan(fujian))
    fujian_member = make_user("fujian-late", User.Role.UNIT, unit=fujian)
    last_second = datetime.datetime(2020, 4, 15, 23, 59, 59, tzinfo=SHANGHAI)
    with time_machine.travel(last_second, tick=False):
        first = services.submit_plan(
            plan=on_time, expected=Status.DRAFT, user=unit_user
        )
    midnight = datetime.datetime(2020, 4, 16, 0, 0, 0, tzinfo=SHANGHAI)
    with time_machine.travel(midnight, tick=False):
        second = services.submit_plan(
            plan=late, expected=Status.DRAFT, user=fujian_member
        )
    assert (first.is_late, first.days_late) == (False, 0)
    assert (second.is_late, second.days_late) == (True, 1)
