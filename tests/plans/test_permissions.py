import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import services
from plans.models import Attachment, PlanComment, PlanSection, SectionKey, Status
from tests.conftest import client_for

from .builders import complete_plan, current_plan

SECRET = "浙江草稿秘密内容"


@pytest.fixture
def draft(zhejiang, unit_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    plan = current_plan(zhejiang)
    PlanSection.objects.create(plan=plan, key=SectionKey.STATUS_QUO, text=SECRET)
    attachment = Attachment.objects.create(
        plan=plan,
        file=ContentFile(b"%PDF-1.4 secret", name="secret.pdf"),
        name="secret.pdf",
        kind="pdf",
        size=15,
        uploaded_by=unit_user,
    )
    return plan, attachment


def _urls(attachment):
    return [
        reverse("plans:detail", args=["zhejiang"]),
        reverse("plans:attachment", args=["zhejiang", attachment.pk]),
    ]


@pytest.mark.parametrize("persona", ["other_unit_user", "expert_user"])
def test_plan_draft_and_attachments_are_404_to_outsiders(
    client, request, draft, persona
):
    _plan, attachment = draft
    client_for(client, request.getfixturevalue(persona))
    for url in _urls(attachment):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()


def test_plan_draft_sends_the_public_to_login(client, draft):
    _plan, attachment = draft
    for url in _urls(attachment):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("persona", ["unit_user", "office_user", "department_user"])
def test_plan_draft_is_readable_by_members_office_department(
    client, request, draft, persona
):
    _plan, attachment = draft
    client_for(client, request.getfixturevalue(persona))
    page = client.get(reverse("plans:detail", args=["zhejiang"]))
    assert page.status_code == 200
    assert SECRET in page.content.decode()
    download = client.get(reverse("plans:attachment", args=["zhejiang", attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="secret.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 secret"


@pytest.mark.parametrize("persona", ["office_user", "department_user"])
def test_plan_sections_are_not_editable_by_readers(client, request, draft, persona):
    client_for(client, request.getfixturevalue(persona))
    url = reverse("plans:section", args=["zhejiang", "status_quo"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "x", "revision": 0}).status_code == 403
    assert PlanSection.objects.get(key="status_quo").text == SECRET


def test_plan_review_steps_are_refused_to_the_unit(client, draft, unit_user):
    client_for(client, unit_user)
    response = client.post(
        reverse("reviews:stages", args=["zhejiang"]),
        {"confirmed": "1", "stage": "preliminary", "outcome": "pass"},
    )
    assert response.status_code == 403


def test_the_stages_page_of_a_draft_offers_no_step(client, draft, office_user):
    client_for(client, office_user)
    url = reverse("reviews:stages", args=["zhejiang"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["forms"] == {}
    response = client.post(
        url, {"confirmed": "1", "stage": "preliminary", "outcome": "pass"}
    )
    assert response.status_code == 409
    assert "尚未提交任何评审材料。" in response.content.decode()


def test_plan_list_is_for_the_office_only(client, draft, office_user, unit_user):
    client_for(client, unit_user)
    assert client.get(reverse("plans:list")).status_code == 403
    client_for(client, office_user)
    response = client.get(reverse("plans:list"))
    assert response.status_code == 200
    assert "浙江省水利厅" in response.content.decode()


def test_attachment_file_is_stored_outside_media_root(draft, settings):
    _plan, attachment = draft
    stored = settings.VAR_DIR / "private" / attachment.file.name
    assert stored.read_bytes() == b"%PDF-1.4 secret"
    assert not any(settings.MEDIA_ROOT.rglob("secret*"))
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018


def test_my_plan_sends_a_member_to_their_units_plan(client, unit_user):
    client_for(client, unit_user)
    response = client.get(reverse("plans:mine"))
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=["zhejiang"])


def test_role_homes_link_to_the_plans(client, unit_user, office_user):
    client_for(client, unit_user)
    page = client.get(reverse("milestones:unit_home")).content.decode()
    assert f'href="{reverse("plans:detail", args=["zhejiang"])}"' in page
    client_for(client, office_user)
    page = client.get(reverse("milestones:office_home")).content.decode()
    assert f'href="{reverse("plans:list")}"' in page


def test_removed_attachment_stays_downloadable_from_its_version(
    client, draft, unit_user, office_user
):
    plan, attachment = draft
    complete_plan(plan)
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    services.return_plan(plan=plan, expected=Status.SUBMITTED, user=office_user)
    client_for(client, unit_user)
    client.post(
        reverse("plans:row_delete", args=["zhejiang", "attachments", attachment.pk]),
        {"confirmed": "1"},
    )
    page = client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    assert "secret.pdf" not in page
    version_page = client.get(
        reverse("plans:version", args=["zhejiang", version.number])
    ).content.decode()
    url = reverse("plans:attachment", args=["zhejiang", attachment.pk])
    assert f'href="{url}"' in version_page
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 secret"


def test_department_comments_and_the_unit_answers(
    client, draft, department_user, unit_user
):
    client_for(client, department_user)
    client.post(
        reverse("plans:comment_add", args=["zhejiang"]),
        {"section": "schedule", "body": "进度偏紧。"},
    )
    comment = PlanComment.objects.get()
    assert (comment.author, comment.section) == (department_user, "schedule")
    client_for(client, unit_user)
    client.post(
        reverse("plans:comment_answer", args=["zhejiang", comment.pk]),
        {"answer": "已调整。"},
    )
    comment.refresh_from_db()
    assert (comment.answer, comment.is_addressed) == ("已调整。", False)


@pytest.mark.parametrize("persona, status", [("unit_user", 403), ("expert_user", 404)])
def test_plan_comment_is_refused_to_others(client, request, draft, persona, status):
    client_for(client, request.getfixturevalue(persona))
    response = client.post(
        reverse("plans:comment_add", args=["zhejiang"]),
        {"section": "schedule", "body": "x"},
    )
    assert response.status_code == status
    assert PlanComment.objects.count() == 0


def test_comment_answer_is_refused_to_the_office(client, draft, office_user):
    plan, _attachment = draft
    comment = services.add_comment(
        plan=plan, section="content", body="请补充。", user=office_user
    )
    client_for(client, office_user)
    response = client.post(
        reverse("plans:comment_answer", args=["zhejiang", comment.pk]),
        {"answer": "x", "addressed": "on"},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.answer, comment.is_addressed) == ("", False)


def _docx():
    # A fixed timestamp: the test compares the download with a second call,
    # and a zip written a second later carries a different time.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member = zipfile.ZipInfo("word/document.xml", date_time=(2021, 1, 1, 0, 0, 0))
        archive.writestr(member, "<w:document/>")
    return buffer.getvalue()


def test_attachment_download_is_typed_by_its_content_not_the_browser(
    client, draft, unit_user
):
    client_for(client, unit_user)
    client.post(
        reverse("plans:attachment_add", args=["zhejiang"]),
        {"file": SimpleUploadedFile("附件一.docx", _docx(), content_type="text/html")},
    )
    attachment = Attachment.objects.get(name="附件一.docx")
    download = client.get(reverse("plans:attachment", args=["zhejiang", attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E9%99%84%E4%BB%B6%E4%B8%80.docx"
    )
    assert download["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == _docx()
