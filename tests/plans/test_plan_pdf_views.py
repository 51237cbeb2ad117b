import pytest
from django.urls import reverse

from plans import pdfjobs, services
from plans.models import PlanPdf, PlanSection, SectionKey, Status
from tests.conftest import client_for

from .builders import complete_plan, current_plan


def test_version_pdf_is_rendered_then_downloaded(
    client, zhejiang, unit_user, office_user, django_capture_on_commit_callbacks
):
    plan = complete_plan(current_plan(zhejiang))
    services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    client_for(client, office_user)
    url = reverse("plans:version_pdf", args=["zhejiang", 1])
    # A GET writes nothing: the page offers the button that asks for the PDF.
    page = client.get(url)
    assert page.status_code == 200 and not PlanPdf.objects.filter(archive="").exists()
    assert '<form method="post">' in page.content.decode()
    assert "生成PDF" in page.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url)
    pdf = PlanPdf.objects.get(archive="")
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "plans:pdf_status", args=["zhejiang", pdf.pk]
    )
    assert pdf.status == PlanPdf.Status.PENDING
    assert pdf.version == plan.versions.get()
    status = client.get(response["Location"])
    download = reverse("plans:pdf_download", args=["zhejiang", pdf.pk])
    # The page refreshes to the download address, which is the file once ready.
    assert f'<meta http-equiv="refresh" content="2;url={download}">' in (
        status.content.decode()
    )
    assert client.get(download)["Location"] == response["Location"]
    pdfjobs.render_pdf(pdf.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-v1.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_draft_pdf_is_a_download_for_members(client, zhejiang, unit_user):
    plan = current_plan(zhejiang)
    client_for(client, unit_user)
    response = client.post(reverse("plans:draft_pdf", args=["zhejiang"]))
    assert response.status_code == 302
    pdf = PlanPdf.objects.get(plan=plan)
    assert pdf.version is None
    pdfjobs.render_pdf(pdf.pk)
    status = client.get(reverse("plans:pdf_status", args=["zhejiang", pdf.pk]))
    download = reverse("plans:pdf_download", args=["zhejiang", pdf.pk])
    assert download.encode() in status.content
    assert b"http-equiv" not in status.content
    for url in (reverse("plans:draft_pdf", args=["zhejiang"]), download):
        response = client.get(url)
        assert response["Content-Disposition"] == (
            'attachment; filename="plan-zhejiang-draft.pdf"'
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_draft_pdf_url_with_trailing_slash_works(client, zhejiang, unit_user):
    current_plan(zhejiang)
    client_for(client, unit_user)
    assert client.post("/plans/zhejiang/pdf").status_code == 302
    assert client.post("/plans/zhejiang/pdf/").status_code == 302
    assert PlanPdf.objects.filter(archive="").count() == 1
    assert client.get("/plans/zhejiang/pdf/").status_code == 302  # to its page


def test_unchanged_version_is_rendered_once(
    client, zhejiang, unit_user, django_capture_on_commit_callbacks
):
    plan = complete_plan(current_plan(zhejiang))
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    with django_capture_on_commit_callbacks() as callbacks:
        first = pdfjobs.request_pdf(plan=plan, version=version, user=unit_user)
        second = pdfjobs.request_pdf(plan=plan, version=version, user=unit_user)
    assert first == second
    assert PlanPdf.objects.filter(archive="").count() == 1
    assert len(callbacks) == 1


def test_changed_draft_gets_a_new_pdf(
    zhejiang, unit_user, django_capture_on_commit_callbacks
):
    plan = complete_plan(current_plan(zhejiang))
    with django_capture_on_commit_callbacks() as callbacks:
        first = pdfjobs.request_pdf(plan=plan, user=unit_user)
        again = pdfjobs.request_pdf(plan=plan, user=unit_user)
        PlanSection.objects.filter(plan=plan, key=SectionKey.CONTENT).update(
            text="新的主要内容。"
        )
        changed = pdfjobs.request_pdf(plan=plan, user=unit_user)
    assert first == again
    assert changed != first
    assert changed.draft_content["sections"]["content"] == "新的主要内容。"
    assert PlanPdf.objects.filter(archive="").count() == 2
    assert len(callbacks) == 2


def test_render_claims_only_a_pending_pdf(zhejiang, unit_user):
    plan = current_plan(zhejiang)
    pdf = pdfjobs.request_pdf(plan=plan, user=unit_user)
    PlanPdf.objects.filter(pk=pdf.pk).update(status=PlanPdf.Status.RENDERING)
    pdfjobs.render_pdf(pdf.pk)
    pdf.refresh_from_db()
    assert pdf.status == PlanPdf.Status.RENDERING
    assert pdf.file.name == ""


def test_failed_render_is_shown_and_can_be_retried(
    client, zhejiang, unit_user, django_capture_on_commit_callbacks
):
    plan = complete_plan(current_plan(zhejiang))
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    pdf = pdfjobs.request_pdf(plan=plan, version=version, user=unit_user)
    # A broken frozen content: document_from_snapshot cannot find the unit.
    type(version).objects.filter(pk=version.pk).update(content={})
    pdfjobs.render_pdf(pdf.pk)
    pdf.refresh_from_db()
    assert pdf.status == PlanPdf.Status.FAILED
    assert pdf.error == "KeyError: 'unit'"
    assert pdf.finished_at is not None
    client_for(client, unit_user)
    page = client.get(reverse("plans:pdf_status", args=["zhejiang", pdf.pk]))
    retry = reverse("plans:pdf_retry", args=["zhejiang", pdf.pk])
    assert "KeyError: &#x27;unit&#x27;" in page.content.decode()
    assert f'action="{retry}"'.encode() in page.content
    download = reverse("plans:pdf_download", args=["zhejiang", pdf.pk])
    status_page = reverse("plans:pdf_status", args=["zhejiang", pdf.pk])
    assert client.get(download)["Location"] == status_page  # no file: its page
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(retry)
    assert response["Location"] == reverse(
        "plans:pdf_status", args=["zhejiang", pdf.pk]
    )
    assert len(callbacks) == 1
    pdf.refresh_from_db()
    assert pdf.status == PlanPdf.Status.PENDING
    assert pdf.error == ""
    assert pdfjobs.retry_pdf(pdf) is False


@pytest.mark.parametrize("persona", ["other_unit_user", "expert_user"])
def test_plan_pdfs_are_404_to_outsiders(client, request, zhejiang, unit_user, persona):
    plan = complete_plan(current_plan(zhejiang))
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    pdf = pdfjobs.request_pdf(plan=plan, version=version, user=unit_user)
    pdfjobs.render_pdf(pdf.pk)
    client_for(client, request.getfixturevalue(persona))
    for url in (
        reverse("plans:draft_pdf", args=["zhejiang"]),
        reverse("plans:version_pdf", args=["zhejiang", 1]),
        reverse("plans:pdf_status", args=["zhejiang", pdf.pk]),
        reverse("plans:pdf_download", args=["zhejiang", pdf.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("plans:pdf_retry", args=["zhejiang", pdf.pk])).status_code
        == 404
    )
    assert PlanPdf.objects.filter(archive="").count() == 1


def test_plan_pdf_status_sends_the_public_to_log_in(client, zhejiang, unit_user):
    pdf = pdfjobs.request_pdf(plan=current_plan(zhejiang), user=unit_user)
    pdfjobs.render_pdf(pdf.pk)
    for name in ("pdf_status", "pdf_download"):
        response = client.get(reverse(f"plans:{name}", args=["zhejiang", pdf.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_pdf_of_another_plan_is_404_under_this_slug(
    client, zhejiang, fujian, unit_user, office_user
):
    pdf = pdfjobs.request_pdf(plan=current_plan(fujian), user=office_user)
    current_plan(zhejiang)
    client_for(client, unit_user)
    url = reverse("plans:pdf_status", args=["zhejiang", pdf.pk])
    assert client.get(url).status_code == 404


def test_plan_page_offers_the_pdf_button(client, zhejiang, unit_user):
    current_plan(zhejiang)
    client_for(client, unit_user)
    page = client.get(reverse("plans:detail", args=["zhejiang"])).content.decode()
    # A button: asking for the PDF is a POST (a GET writes nothing).
    assert 'method="post" action="/plans/zhejiang/pdf"' in page
    assert 'id="plan-pdf" type="submit"' in page
    assert PlanPdf.objects.filter(archive="").count() == 0
