"""The expert reads the whole submitted version beside the score sheet, and only
the experts assigned to it may download its attachments and its PDF."""

import io
import re

import docx
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilots.models import User
from plans import pdfjobs
from plans import services as plan_services
from plans.models import Attachment, PlanPdf, PlanSection, SectionKey, Status
from plans.pdf import document_from_snapshot, plan_context
from reviews import services
from reviews.models import ScoreSheet
from tests.conftest import client_for, make_user
from tests.plans.builders import complete_plan, current_plan
from tests.reviews.builders import expert, plan_round, through_pre_review
from tests.svg import accessible_name, drawing, svgs

ANNEX = b"%PDF-1.4 the unit's annex"
OUTLINE_HEADINGS = [
    "1. 现状与问题",
    "2. 需求分析",
    "3. 目标任务",
    "4. 主要内容",
    "5. 技术方案",
    "6. 进度计划",
    "7. 主要成果",
    "8. 保障措施",
    "9. 重点、难点、亮点",
    "10. 联系人信息",
    "附件",
]


def upload(plan, user, name="annex.pdf", body=ANNEX):
    return Attachment.objects.create(
        plan=plan,
        file=ContentFile(body, name=name),
        name=name,
        kind="pdf",
        size=len(body),
        uploaded_by=user,
    )


def _assigned(unit, member, office, reviewer, round_, items_per_task=1):
    """The unit's plan, with one attachment, submitted and assigned to `reviewer`."""
    plan = complete_plan(current_plan(unit), items_per_task)
    attachment = upload(plan, member)
    plan_services.submit_plan(plan=plan, expected=Status.DRAFT, user=member)
    through_pre_review(plan, office)
    services.add_plan_submissions(round_=round_)
    submission = round_.submissions.get(unit=unit, is_current=True)
    assignment = services.assign(submission=submission, expert=reviewer, user=office)
    return assignment, attachment


@pytest.fixture
def assigned(settings, tmp_path, zhejiang, unit_user, office_user, expert_user):
    settings.VAR_DIR = tmp_path
    round_ = plan_round(office_user, criteria=[("甲", 2, 10), ("乙", 1, 5)])
    return _assigned(zhejiang, unit_user, office_user, expert_user, round_)


def _urls(assignment, attachment):
    return [
        reverse("reviews:assignment", args=[assignment.pk]),
        reverse("reviews:assignment_attachment", args=[assignment.pk, attachment.pk]),
        reverse("reviews:assignment_pdf", args=[assignment.pk]),
        reverse("reviews:assignment_pdf_status", args=[assignment.pk]),
        reverse("reviews:assignment_docx", args=[assignment.pk]),
    ]


def test_the_assigned_expert_downloads_the_scored_version_as_word(
    client, assigned, expert_user
):
    assignment, _attachment = assigned
    version = assignment.submission.plan_version
    PlanSection.objects.filter(plan=version.plan, key="content").update(text="已改")
    client_for(client, expert_user)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk]))
    url = reverse("reviews:assignment_docx", args=[assignment.pk])
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-v1.docx"'
    )
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    # The version as submitted, every task's rows: the expert reads them all.
    assert "现状良好。 content" in texts and "已改" not in texts
    schedule = document.tables[0]
    assert len(schedule.rows) == 1 + len(version.content["schedule"])


def test_sheet_page_shows_the_whole_submitted_version(client, assigned, expert_user):
    assignment, attachment = assigned
    version = assignment.submission.plan_version
    # The draft moves on after submission; the expert reads what was submitted.
    PlanSection.objects.filter(plan=version.plan, key=SectionKey.STATUS_QUO).update(
        text="提交之后的草稿"
    )
    Attachment.objects.filter(pk=attachment.pk).update(is_removed=True)
    client_for(client, expert_user)

    response = client.get(reverse("reviews:assignment", args=[assignment.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        re.findall(r'<h3 class="h5" id="plan-heading-[a-z_]+">(.*?)</h3>', page)
        == OUTLINE_HEADINGS
    )
    assert re.findall(r'<h4 class="h6">(.*?)</h4>', page) == [
        "业务目标",
        "功能需求",
        "数据需求",
    ]
    assert "现状良好。 status_quo" in page
    assert "提交之后的草稿" not in page
    first = version.content["schedule"][0]
    assert (
        f"<tr><td>{first['task_title']}</td><td>工作0</td>"
        f"<td>{first['start']}</td><td>{first['end']}</td></tr>"
    ) in page
    # The very chart the PDF draws, named in the reader's words.
    document = document_from_snapshot(
        version.content,
        version_number=1,
        date=timezone.localdate(),
        is_draft=False,
        window_start=version.plan.batch.implementation_start,
        window_end=version.plan.batch.implementation_end,
    )
    (pdf_gantt,) = svgs(str(plan_context(document)["gantt"]), "gantt")
    (gantt,) = svgs(page, "gantt")
    assert drawing(gantt) == drawing(pdf_gantt)
    assert accessible_name(gantt) == (
        "进度计划横道图，2020-04-01 至 2021-12-31 "
        "工作项 4 项，任务 4 项。图旁的进度计划表列出每项工作的起止日期。"
    )
    deliverable = version.content["deliverables"][0]
    assert (
        f"<tr><td>{deliverable['task_title']}</td><td>平台</td><td>产品</td>"
        f"<td>{deliverable['due']}</td></tr>"
    ) in page
    attachment_url = reverse(
        "reviews:assignment_attachment", args=[assignment.pk, attachment.pk]
    )
    assert f'<a href="{attachment_url}">annex.pdf</a>' in page
    pdf_url = reverse("reviews:assignment_pdf", args=[assignment.pk])
    assert f'method="post" action="{pdf_url}"' in page
    assert 'id="version-pdf" type="submit"' in page
    # A GET writes nothing: no PDF requested, no sheet created before a save.
    assert PlanPdf.objects.filter(archive="").count() == 0
    assert ScoreSheet.objects.count() == 0


def test_sheet_page_works_without_inline_script_or_style(client, assigned, expert_user):
    assignment, _attachment = assigned
    client_for(client, expert_user)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content
    page = page.decode()
    assert ' style="' not in page
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/js/sheet_total.js" defer>',
        '<script src="/static/bootstrap/js/bootstrap.bundle.min.js">',
    ]
    # Without script the preview stays hidden; the saved total is always there.
    assert '<p class="mb-2" id="sheet-live" hidden>' in page
    assert '<strong id="sheet-saved-total">—</strong>' in page
    first, second = assignment.submission.round.criteria.all()
    for criterion, attrs in (
        (first, 'data-weight="2.00" data-max="10.00"'),
        (second, 'data-weight="1.00" data-max="5.00"'),
    ):
        assert f'name="score_{criterion.pk}"' in page
        assert attrs in page


def test_sheet_page_shows_the_servers_total_after_saving(client, assigned, expert_user):
    assignment, _attachment = assigned
    first, second = assignment.submission.round.criteria.all()
    client_for(client, expert_user)
    url = reverse("reviews:assignment", args=[assignment.pk])
    before = client.get(url).content.decode()
    assert '<strong id="sheet-saved-total">—</strong>' in before

    response = client.post(
        url, {f"score_{first.pk}": "8", f"score_{second.pk}": "3"}, follow=True
    )

    # (8/10*2 + 3/5*1) / 3 * 100
    assert '<strong id="sheet-saved-total">73.33</strong>' in (
        response.content.decode()
    )


def test_sheet_page_queries_do_not_grow_with_the_plan(
    client, settings, tmp_path, zhejiang, fujian, office_user, expert_user
):
    settings.VAR_DIR = tmp_path
    round_ = plan_round(office_user)
    small, _a = _assigned(
        zhejiang,
        make_user("zj", User.Role.UNIT, unit=zhejiang),
        office_user,
        expert_user,
        round_,
    )
    large, _b = _assigned(
        fujian,
        make_user("fj", User.Role.UNIT, unit=fujian),
        office_user,
        expert_user,
        round_,
        items_per_task=3,
    )
    client_for(client, expert_user)
    counts = []
    for assignment in (small, large):
        url = reverse("reviews:assignment", args=[assignment.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_attachment_download_is_the_stored_file(client, assigned, expert_user):
    assignment, attachment = assigned
    client_for(client, expert_user)

    response = client.get(
        reverse("reviews:assignment_attachment", args=[assignment.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="annex.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == ANNEX


def test_attachment_not_in_the_version_is_404(
    client, assigned, expert_user, unit_user, fujian
):
    assignment, _attachment = assigned
    plan = assignment.submission.plan_version.plan
    later = upload(plan, unit_user, name="later.pdf")
    elsewhere = upload(current_plan(fujian), unit_user, name="fujian.pdf")
    client_for(client, expert_user)
    for other in (later, elsewhere):
        url = reverse("reviews:assignment_attachment", args=[assignment.pk, other.pk])
        assert client.get(url).status_code == 404, other.name


def test_version_pdf_is_requested_then_downloaded(
    client, assigned, expert_user, django_capture_on_commit_callbacks
):
    assignment, _attachment = assigned
    client_for(client, expert_user)
    url = reverse("reviews:assignment_pdf", args=[assignment.pk])
    status_url = reverse("reviews:assignment_pdf_status", args=[assignment.pk])

    page = client.get(url)  # a GET writes nothing: the button asks for it
    assert page.status_code == 200 and not PlanPdf.objects.filter(archive="").exists()
    # Executed: the render is handed to the broker (no worker takes it here).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url)

    pdf = PlanPdf.objects.get(archive="")
    assert len(callbacks) == 1
    assert (response.status_code, response["Location"]) == (302, status_url)
    assert pdf.version == assignment.submission.plan_version
    waiting = client.get(status_url).content.decode()
    refresh = f'<meta http-equiv="refresh" content="2;url={url}">'
    assert refresh in waiting  # back to the PDF's address, the file once ready
    assert "正在生成PDF" in waiting

    pdfjobs.render_pdf(pdf.pk)
    ready = client.get(status_url).content.decode()
    assert f'href="{url}">下载PDF</a>' in ready
    assert "http-equiv" not in ready
    response = client.get(url)

    pdf.refresh_from_db()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-v1.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    with pdf.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert PlanPdf.objects.filter(archive="").count() == 1


def test_failed_version_pdf_can_be_retried(
    client, assigned, expert_user, django_capture_on_commit_callbacks
):
    assignment, _attachment = assigned
    version = assignment.submission.plan_version
    pdf = pdfjobs.request_pdf(plan=version.plan, version=version, user=expert_user)
    PlanPdf.objects.filter(pk=pdf.pk).update(status=PlanPdf.Status.FAILED, error="boom")
    client_for(client, expert_user)
    status_url = reverse("reviews:assignment_pdf_status", args=[assignment.pk])
    page = client.get(status_url).content.decode()
    assert "PDF生成失败。" in page
    assert "boom" not in page

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("reviews:assignment_pdf_retry", args=[assignment.pk])
        )

    assert (response.status_code, response["Location"]) == (302, status_url)
    assert len(callbacks) == 1
    pdf.refresh_from_db()
    assert pdf.status == PlanPdf.Status.PENDING


@pytest.mark.parametrize(
    "persona",
    ["unassigned_expert_user", "unit_user", "other_unit_user", "office_user"],
)
def test_sheet_and_downloads_are_404_to_all_but_the_assigned_expert(
    client, request, assigned, persona
):
    assignment, attachment = assigned
    client_for(client, request.getfixturevalue(persona))
    for url in _urls(assignment, attachment):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "现状良好" not in response.content.decode()
    retry = reverse("reviews:assignment_pdf_retry", args=[assignment.pk])
    assert client.post(retry).status_code == 404
    assert PlanPdf.objects.filter(archive="").count() == 0


def test_sheet_and_downloads_send_the_public_to_login(client, assigned):
    assignment, attachment = assigned
    for url in _urls(assignment, attachment):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_sheet_and_downloads_are_404_after_a_conflict(client, assigned, expert_user):
    assignment, attachment = assigned
    client_for(client, expert_user)
    client.post(
        reverse("reviews:assignment_conflict", args=[assignment.pk]),
        {"reason": "曾参与该项目", "confirmed": "1"},
    )
    for url in _urls(assignment, attachment):
        assert client.get(url).status_code == 404, url


def test_another_expert_of_the_round_cannot_read_this_assignment(
    client, assigned, office_user
):
    assignment, attachment = assigned
    colleague = expert("colleague")
    services.assign(
        submission=assignment.submission, expert=colleague, user=office_user
    )
    client_for(client, colleague)
    for url in _urls(assignment, attachment):
        assert client.get(url).status_code == 404, url
