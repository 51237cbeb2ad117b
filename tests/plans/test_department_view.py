"""A department reads, inside a plan, only the tasks it supervises: their
contacts, schedule items and deliverables, on the plan page, the version page,
the comparison and the PDF. The texts and the unit's overall contacts stay; the
office and the unit see everything."""

import pytest
from django.urls import reverse

from plans import pdfjobs, services
from plans.models import Contact, Deliverable, PlanPdf, ScheduleItem, Status
from tests.conftest import client_for

from .builders import complete_plan, current_plan
from .test_pdf import flat, poppler

# 运行管理司 (the department persona) guides 水工程; 山洪灾害监测预警平台 is
# Zhejiang's 水旱灾害 task, which it does not supervise.
OWN_TASK = "水利工程运行管理数字化平台"
OTHER_TASK = "山洪灾害监测预警平台"
OWN = ["本域联系人", "本域工作项", "本域成果", OWN_TASK]
OTHER = ["外域联系人", "外域工作项", "外域成果", OTHER_TASK]
UNIT_WIDE = ["总体负责人甲", "现状良好。"]


def _mark(plan, title, contact, item, deliverable):
    """Give the task `title`'s contact, schedule item and deliverable the names
    a test looks for."""
    task = plan.unit.tasks.get(title=title)
    Contact.objects.filter(plan=plan, task=task, role=Contact.Role.CONTACT).update(
        name=contact
    )
    ScheduleItem.objects.filter(plan=plan, task=task).update(title=item)
    Deliverable.objects.filter(plan=plan, task=task).update(title=deliverable)


@pytest.fixture
def plan(zhejiang):
    plan = complete_plan(current_plan(zhejiang))
    _mark(plan, OWN_TASK, *OWN[:3])
    _mark(plan, OTHER_TASK, *OTHER[:3])
    Contact.objects.filter(plan=plan, task=None, role=Contact.Role.RESPONSIBLE).update(
        name=UNIT_WIDE[0]
    )
    return plan


def _page(client, user, url, **params):
    response = client_for(client, user).get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def assert_department_view(page):
    for text in OWN + UNIT_WIDE:
        assert text in page, text
    for text in OTHER:
        assert text not in page, text


def assert_whole_plan(page):
    for text in OWN + OTHER + UNIT_WIDE:
        assert text in page, text


def test_plan_page_shows_a_department_only_its_tasks(
    client, plan, department_user, office_user, unit_user
):
    url = reverse("plans:detail", args=["zhejiang"])

    assert_department_view(_page(client, department_user, url))
    assert_whole_plan(_page(client, office_user, url))
    assert_whole_plan(_page(client, unit_user, url))


def test_plan_page_completeness_of_a_department_names_only_its_tasks(
    client, plan, department_user
):
    ScheduleItem.objects.filter(plan=plan).delete()
    response = client_for(client, department_user).get(
        reverse("plans:detail", args=["zhejiang"])
    )

    blockers = response.context["result"].blockers
    assert [str(b) for b in blockers] == [
        "任务“水利工程运行管理数字化平台”尚无进度安排。",
        "任务“农村水电站管理数字化平台”尚无进度安排。",
    ]


def test_version_page_shows_a_department_only_its_tasks(
    client, plan, unit_user, department_user, office_user
):
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    url = reverse("plans:version", args=["zhejiang", 1])

    assert_department_view(_page(client, department_user, url))
    assert_whole_plan(_page(client, office_user, url))


def test_version_comparison_shows_a_department_only_its_tasks(
    client, plan, unit_user, department_user, office_user
):
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    ScheduleItem.objects.filter(plan=plan, title=OTHER[1]).update(title="外域新工作项")
    services.submit_plan(plan=plan, expected=Status.RETURNED, user=unit_user)
    url = reverse("plans:compare", args=["zhejiang"])

    client_for(client, department_user)
    response = client.get(url, {"a": 1, "b": 2})
    page = response.content.decode()
    changed = [
        str(part["label"]) for part in response.context["diff"] if part["changed"]
    ]
    assert changed == []
    assert "外域" not in page
    client_for(client, office_user)
    response = client.get(url, {"a": 1, "b": 2})
    changed = [
        str(part["label"]) for part in response.context["diff"] if part["changed"]
    ]
    assert changed == ["进度计划"]
    assert "外域<ins>新</ins>工作项" in response.content.decode()


def _pdf_text(client, user, url, tmp_path):
    client_for(client, user)
    status = client.post(url)  # the button of the PDF page asks for it
    assert status.status_code == 302
    pdf = PlanPdf.objects.get(pk=status["Location"].rstrip("/").split("/")[-1])
    pdfjobs.render_pdf(pdf.pk)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / f"{user.username}.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    return pdf, flat(poppler("pdftotext", path))


def test_version_pdf_of_a_department_shows_only_its_tasks(
    client, plan, unit_user, department_user, office_user, tmp_path
):
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    url = reverse("plans:version_pdf", args=["zhejiang", 1])

    department_pdf, text = _pdf_text(client, department_user, url, tmp_path)
    assert_department_view(text)
    office_pdf, text = _pdf_text(client, office_user, url, tmp_path)
    assert_whole_plan(text)
    assert department_pdf.department.slug == "operation"
    assert office_pdf.department is None


def test_draft_pdf_of_a_department_keeps_only_its_tasks(
    client, plan, department_user, tmp_path
):
    url = reverse("plans:draft_pdf", args=["zhejiang"])

    pdf, text = _pdf_text(client, department_user, url, tmp_path)

    assert_department_view(text)
    stored = " ".join(c["name"] for c in pdf.draft_content["contacts"])
    assert OWN[0] in stored
    assert OTHER[0] not in stored


def test_whole_plan_pdf_is_404_to_a_department(
    client, plan, unit_user, department_user, office_user
):
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    whole = pdfjobs.request_pdf(plan=plan, version=version, user=office_user)
    pdfjobs.render_pdf(whole.pk)
    own = pdfjobs.request_pdf(plan=plan, version=version, user=department_user)

    client_for(client, department_user)
    for name in ("pdf_status", "pdf_download"):
        url = reverse(f"plans:{name}", args=["zhejiang", whole.pk])
        assert client.get(url).status_code == 404, name
    retry = reverse("plans:pdf_retry", args=["zhejiang", whole.pk])
    assert client.post(retry).status_code == 404
    status = client.get(reverse("plans:pdf_status", args=["zhejiang", own.pk]))
    assert status.status_code == 200
    assert own.pk != whole.pk


@pytest.mark.parametrize("items", [1, 30])
def test_plan_page_query_count_for_a_department_does_not_grow(
    client, zhejiang, department_user, django_assert_num_queries, items
):
    complete_plan(current_plan(zhejiang), items_per_task=items)
    client_for(client, department_user)
    url = reverse("plans:detail", args=["zhejiang"])
    client.get(url)
    with django_assert_num_queries(DEPARTMENT_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]["schedule"]) == 2 * items


# As before the department's view was limited: the unit's 16 (test_services.QUERIES)
# and supervises() twice (may read, may comment); its tasks come in the task query.
DEPARTMENT_QUERIES = 19
