"""Bad input, through the web: refused with a clear message, what was typed kept."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import services
from plans.models import (
    Attachment,
    Contact,
    Deliverable,
    PlanComment,
    PlanSection,
    ScheduleItem,
)
from tests.conftest import client_for

from .builders import current_plan, person


@pytest.fixture
def member(client, zhejiang, unit_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.cookies["django_language"] = "en"
    current_plan(zhejiang)
    return client_for(client, unit_user)


def _schedule(client, zhejiang, start, end):
    task = zhejiang.tasks.first()
    return client.post(
        reverse("plans:schedule", args=["zhejiang"]),
        {"task": task.pk, "title": "建设", "start": start, "end": end},
    )


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        ("2020-03-01", "2020-06-01", "start", "Must lie inside the implementation"),
        ("2020-05-01", "2022-01-31", "end", "Must lie inside the implementation"),
        ("2020-06-01", "2020-05-01", "end", "The end must come after the start."),
        ("2020-06-01", "2020-06-01", "end", "The end must come after the start."),
    ],
)
def test_schedule_item_bad_dates_are_refused(
    member, zhejiang, start, end, field, message
):
    response = _schedule(member, zhejiang, start, end)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert response.context["form"]["title"].value() == "建设"
    assert ScheduleItem.objects.count() == 0


def test_schedule_item_inside_the_window_is_added(member, zhejiang):
    response = _schedule(member, zhejiang, "2020-04-01", "2021-12-31")
    assert response.status_code == 302
    assert ScheduleItem.objects.get().title == "建设"


def test_schedule_item_of_another_units_task_is_refused(member, fujian):
    response = member.post(
        reverse("plans:schedule", args=["zhejiang"]),
        {
            "task": fujian.tasks.first().pk,
            "title": "x",
            "start": "2020-05-01",
            "end": "2020-06-01",
        },
    )
    assert "task" in response.context["form"].errors
    assert ScheduleItem.objects.count() == 0


def _revision(client):
    """The contacts' revision as the form carries it."""
    return client.get(reverse("plans:contacts", args=["zhejiang"])).context["revision"]


def _contacts(client, **overrides):
    data = {f"unit-responsible-{k}": v for k, v in person(**overrides).items()}
    data["revision"] = _revision(client)
    return client.post(reverse("plans:contacts", args=["zhejiang"]), data)


@pytest.mark.parametrize(
    "phone", ["12345678901", "1381234567", "010-123", "0571 8888888x", "abc"]
)
def test_contact_malformed_phone_is_refused(member, phone):
    response = _contacts(member, phone=phone)
    assert response.status_code == 400
    slot = response.context["slots"][0]
    assert "Enter a mobile number" in str(slot["form"].errors["phone"])
    assert slot["form"]["name"].value() == "张三"
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    "phone", ["13812345678", "19912345678", "010-12345678", "0571-8888888-123"]
)
def test_contact_valid_phone_is_saved(member, phone):
    assert _contacts(member, phone=phone).status_code == 302
    assert Contact.objects.get().phone == phone


def test_contact_emptied_is_removed_and_others_kept(member):
    assert _contacts(member).status_code == 302
    data = {f"unit-responsible-{k}": "" for k in person()}
    data.update({f"unit-contact-{k}": v for k, v in person(name="李四").items()})
    data["revision"] = _revision(member)
    response = member.post(reverse("plans:contacts", args=["zhejiang"]), data)
    assert response.status_code == 302
    assert list(Contact.objects.values_list("role", "name")) == [("contact", "李四")]


def test_contacts_saved_meanwhile_refuse_the_stale_form_and_keep_its_values(
    member, zhejiang
):
    from django.test import Client

    from tests.conftest import make_user

    stale = _revision(member)
    other = Client()
    other.force_login(make_user("zhejiang-other", "unit", unit=zhejiang))
    assert _contacts(other, name="王五").status_code == 302
    data = {f"unit-responsible-{k}": v for k, v in person(name="张三").items()}
    data["revision"] = stale
    response = member.post(reverse("plans:contacts", args=["zhejiang"]), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved the contacts while you were editing them." in html
    assert response.context["slots"][0]["form"]["name"].value() == "张三"
    assert response.context["slots"][0]["theirs"].name == "王五"
    assert Contact.objects.get().name == "王五"
    # Saving again from the page shown, which carries the new revision, works.
    data["revision"] = response.context["revision"]
    assert (
        member.post(reverse("plans:contacts", args=["zhejiang"]), data).status_code
        == 302
    )
    assert Contact.objects.get().name == "张三"


def test_a_section_longer_than_the_limit_is_refused_and_kept(member):
    url = reverse("plans:section", args=["zhejiang", "status_quo"])
    text = "水" * 20_001
    response = member.post(url, {"text": text, "revision": 0})
    assert response.status_code == 400
    assert (
        "This section has 20001 characters; a section may have at most 20000."
        in response.content.decode()
    )
    assert response.context["form"]["text"].value() == text
    html = response.content.decode()
    textarea = re.search(r'<textarea name="text"[^>]*>', html).group(0)
    assert "maxlength" not in textarea
    assert member.post(url, {"text": "水" * 20_000, "revision": 0}).status_code == 302


def test_a_post_over_the_limit_gets_the_portals_own_page(client, zhejiang, unit_user):
    current_plan(zhejiang)
    client_for(client, unit_user)
    url = reverse("plans:section", args=["zhejiang", "status_quo"])
    response = client.post(url, {"text": "水" * (2 * 1024 * 1024), "revision": 0})
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容过大" in html
    assert "浏览器的“后退”" in html
    assert "<nav" in html  # the portal's page, with its navigation


def test_contact_malformed_email_is_refused(member):
    response = _contacts(member, email="zhang@")
    assert "email" in response.context["slots"][0]["form"].errors
    assert Contact.objects.count() == 0


def _upload(client, name, content):
    return client.post(
        reverse("plans:attachment_add", args=["zhejiang"]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member = zipfile.ZipInfo("word/document.xml", date_time=(2021, 1, 1, 0, 0, 0))
        archive.writestr(member, "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("plan.pdf", b"%PDF-1.7\n..."),
        ("photo.png", b"\x89PNG\r\n\x1a\n...."),
        ("photo.jpg", b"\xff\xd8\xff\xe0...."),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...."),
        ("plan.docx", _docx()),
    ],
)
def test_attachment_of_a_real_type_is_accepted(member, name, content):
    _upload(member, name, content)
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.size) == (name, len(content))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("plan.pdf", b"just text pretending", "does not match its name (.pdf)"),
        ("sheet.xlsx", _docx(), "does not match its name (.xlsx)"),
        ("evil.html", b"<script>alert(1)</script>", "Only Word, PDF, image"),
        ("noext", b"%PDF-1.4", "Only Word, PDF, image"),
    ],
)
def test_attachment_mislabelled_is_refused(member, name, content, message):
    response = _upload(member, name, content)
    assert any(message in str(m) for m in response.context["messages"])
    assert Attachment.objects.count() == 0


def test_attachment_too_large_is_refused(member, settings):
    settings.MAX_UPLOAD_MB = 1
    response = _upload(member, "big.pdf", b"%PDF-1.4" + b"0" * (1024 * 1024))
    assert any("larger than 1 MB" in str(m) for m in response.context["messages"])
    assert Attachment.objects.count() == 0


def test_section_html_payload_comes_back_escaped(member):
    url = reverse("plans:section", args=["zhejiang", "status_quo"])
    payload = '<script>alert("x")</script>\n- <b>粗体</b>\n1. 第一'
    member.post(url, {"text": payload, "revision": 0})
    assert PlanSection.objects.get(key="status_quo").text == payload
    page = member.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<ul><li>&lt;b&gt;粗体&lt;/b&gt;</li></ul>" in page
    assert "<ol><li>第一</li></ol>" in page


@pytest.mark.parametrize("due", ["2019-12-31", "2022-01-01", "not-a-date"])
def test_deliverable_bad_due_date_is_refused(member, zhejiang, due):
    response = member.post(
        reverse("plans:deliverables", args=["zhejiang"]),
        {
            "task": zhejiang.tasks.first().pk,
            "title": "平台",
            "kind": "product",
            "due": due,
        },
    )
    assert response.status_code == 200
    assert "due" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "平台"
    assert Deliverable.objects.count() == 0


def test_deliverable_of_an_unknown_kind_is_refused(member, zhejiang):
    response = member.post(
        reverse("plans:deliverables", args=["zhejiang"]),
        {
            "task": zhejiang.tasks.first().pk,
            "title": "平台",
            "kind": "poem",
            "due": "2021-01-01",
        },
    )
    assert "kind" in response.context["form"].errors
    assert Deliverable.objects.count() == 0


def test_section_text_is_stored_with_plain_newlines(member):
    url = reverse("plans:section", args=["zhejiang", "content"])
    member.post(url, {"text": "一\r\n\r\n- 二\r\n- 三", "revision": 0})
    assert PlanSection.objects.get(key="content").text == "一\n\n- 二\n- 三"


def test_comment_without_section_comes_back_with_the_text_kept(
    client, zhejiang, department_user
):
    current_plan(zhejiang)
    client.cookies["django_language"] = "en"
    client_for(client, department_user)
    response = client.post(
        reverse("plans:comment_add", args=["zhejiang"]),
        {"section": "", "body": "进度安排需要细化到月。"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "进度安排需要细化到月。" in page
    assert "A comment needs a section and a text." in page


def test_too_long_answer_comes_back_with_the_text_kept(
    client, zhejiang, unit_user, office_user
):
    plan = current_plan(zhejiang)
    comment = services.add_comment(
        plan=plan, section="content", body="请补充。", user=office_user
    )
    client.cookies["django_language"] = "en"
    client_for(client, unit_user)
    typed = "已补充" * 2000
    response = client.post(
        reverse("plans:comment_answer", args=["zhejiang", comment.pk]),
        {"answer": typed},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert typed in page
    assert "Ensure this value has at most 5000 characters" in page
    assert PlanComment.objects.get().answer == ""


def test_a_tampered_revision_is_refused_with_a_message_keeping_the_text(
    client, zhejiang, unit_user
):
    current_plan(zhejiang)
    client_for(client, unit_user)
    url = reverse("plans:section", args=["zhejiang", "status_quo"])
    for revision in ("abc", "-1", ""):
        response = client.post(url, {"text": "我的现状描述", "revision": revision})
        html = response.content.decode()
        assert response.status_code == 400, revision
        assert "本页记录的章节版本已损坏或过期" in html, revision
        assert "我的现状描述" in html
