"""Archival copies with proof of integrity: every submitted and approved version
is rendered once as PDF/A by the real worker (tagged, fonts embedded, its facts in
the document information), its hashes are shown on the version page, and
`verify_archive` finds a tampered file, a tampered content row and a missing file.
"""

import hashlib
import io
import re
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pilots.files import private_storage
from pilots.models import PilotUnit, User
from plans import archive, pdfjobs, services
from plans.models import ArchiveImmutable, PlanPdf, PlanVersion, Status
from tests.conftest import client_for, make_user

from .builders import complete_plan, current_plan
from .test_pdf import poppler

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
Archive = PlanPdf.Archive


def _wait_until_made(pdf, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pdf.refresh_from_db()
        if pdf.status in (PlanPdf.Status.READY, PlanPdf.Status.FAILED):
            break
        time.sleep(0.2)
    assert pdf.status == PlanPdf.Status.READY, pdf.error
    return pdf


def _bytes(pdf):
    with pdf.file.open("rb") as stored:
        return stored.read()


def _xmp_pdfa_identification(data):
    """(part, conformance) the XMP packet of the PDF `data` declares."""
    xmp = PdfReader(io.BytesIO(data)).xmp_metadata
    for description in xmp.rdf_root.getElementsByTagNameNS(RDF, "Description"):
        if description.hasAttributeNS(PDFAID, "part"):
            return (
                description.getAttributeNS(PDFAID, "part"),
                description.getAttributeNS(PDFAID, "conformance"),
            )
    return None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_submitted_and_approved_versions_get_a_pdfa_copy_made_once(
    celery_worker, tmp_path, client
):
    zhejiang = PilotUnit.objects.get(slug="zhejiang")
    member = make_user("zhejiang-archive", User.Role.UNIT, unit=zhejiang)
    office = make_user("office-archive", User.Role.OFFICE)
    plan = complete_plan(current_plan(zhejiang))
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=member)
    assert (
        version.content_sha256
        == hashlib.sha256(archive.canonical_json(version.content)).hexdigest()
    )
    services.approve_plan(plan=plan, expected=Status.SUBMITTED, user=office)

    submitted = _wait_until_made(version.pdfs.get(archive=Archive.SUBMITTED))
    approved = _wait_until_made(version.pdfs.get(archive=Archive.APPROVED))
    for pdf, approved_at in ((submitted, False), (approved, True)):
        data = _bytes(pdf)
        assert pdf.file_sha256 == hashlib.sha256(data).hexdigest()
        assert _xmp_pdfa_identification(data) == ("3", "A")
        path = tmp_path / f"{pdf.archive}.pdf"
        path.write_bytes(data)
        info = poppler("pdfinfo", path)
        assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
        fonts = poppler("pdffonts", path).splitlines()[2:]
        assert any("Noto-S" in line and "CJK-SC" in line for line in fonts)
        # name, type, encoding, then emb: every font is embedded.
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
        metadata = PdfReader(io.BytesIO(data)).metadata
        assert metadata["/Author"] == "浙江省水利厅"
        assert "第1版" in metadata["/Title"]
        assert "浙江省水利厅" in metadata["/Title"]
        assert metadata["/unit"] == "浙江省水利厅"
        assert metadata["/version"] == "1"
        assert metadata["/batch"] == version.content["batch"]
        assert metadata["/submitted"] == timezone.localtime(
            version.submitted_at
        ).isoformat(timespec="seconds")
        assert ("/approved" in metadata) is approved_at
        assert ("批准于" in metadata["/Subject"]) is approved_at

    # Made once: asking again finds the same copy, rendering again (a duplicate
    # task message) changes nothing, and the model refuses a changed file.
    made = (submitted.file.name, submitted.file_sha256, _bytes(submitted))
    assert archive.queue_archive(version, Archive.SUBMITTED) == submitted
    pdfjobs.render_pdf(submitted.pk)
    submitted.refresh_from_db()
    assert (submitted.file.name, submitted.file_sha256, _bytes(submitted)) == made
    assert version.pdfs.exclude(archive="").count() == 2
    submitted.file_sha256 = "0" * 64
    with pytest.raises(ArchiveImmutable):
        submitted.save()

    # The version page shows both hashes and offers both files.
    client_for(client, office)
    page = client.get(reverse("plans:version", args=["zhejiang", 1])).content.decode()
    assert version.content_sha256 in page
    assert made[1] in page
    assert approved.file_sha256 in page
    download = client.get(
        reverse("plans:version_archive", args=["zhejiang", 1, "approved"])
    )
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="plan-zhejiang-v1-approved-pdfa.pdf"'
    )
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == (
        approved.file_sha256
    )
    out = io.StringIO()
    call_command("verify_archive", stdout=out)
    assert "1 versions and 2 archival files checked, 0 problems." in out.getvalue()


# ------------------------------------------------- verification, without renders


def _stored_copy(version, kind, data=b"%PDF-1.7 archival copy"):
    """An archival copy as the worker leaves it: file stored, hash recorded."""
    pdf = archive.queue_archive(version, kind)
    pdf.file.save(pdf.filename, ContentFile(data), save=False)
    PlanPdf.objects.filter(pk=pdf.pk).update(
        status=PlanPdf.Status.READY,
        file=pdf.file.name,
        file_sha256=hashlib.sha256(data).hexdigest(),
    )
    pdf.refresh_from_db()
    return pdf


@pytest.fixture
def versions(settings, tmp_path, zhejiang, fujian, unit_user, other_unit_user):
    """Zhejiang's v1 and Fujian's v1, each with its archival copy stored."""
    settings.VAR_DIR = tmp_path
    made = {}
    for unit, member in ((zhejiang, unit_user), (fujian, other_unit_user)):
        plan = complete_plan(current_plan(unit))
        version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=member)
        version.pdfs.exclude(archive="").delete()  # no worker here: made by hand
        _stored_copy(version, Archive.SUBMITTED)
        made[unit.slug] = version
    return made


def _verify():
    out = io.StringIO()
    try:
        call_command("verify_archive", stdout=out)
    except CommandError as failed:
        return False, out.getvalue(), str(failed)
    return True, out.getvalue(), ""


def test_verify_archive_passes_an_untouched_archive(versions):
    ok, out, _summary = _verify()
    assert ok, out
    assert "2 versions and 2 archival files checked, 0 problems." in out


def test_verify_archive_reports_a_file_overwritten_through_the_storage(versions):
    pdf = versions["zhejiang"].pdfs.get(archive=Archive.SUBMITTED)
    name = pdf.file.name
    storage = private_storage()
    storage.delete(name)
    assert storage.save(name, ContentFile(b"%PDF-1.7 forged")) == name

    ok, out, summary = _verify()

    assert not ok
    assert summary == "2 versions and 2 archival files checked, 1 problems."
    [line] = out.splitlines()
    assert line.startswith("zhejiang v1: archival copy (submitted) MISMATCH: ")
    assert pdf.file_sha256 in line


def test_verify_archive_reports_a_changed_content_row(versions):
    version = versions["fujian"]
    content = {**version.content, "sections": {"status_quo": "改过的"}}
    # A change made behind the portal's back, straight in the table.
    PlanVersion.objects.filter(pk=version.pk).update(content=content)

    ok, out, _summary = _verify()

    assert not ok
    [line] = out.splitlines()
    assert line.startswith(
        f"fujian v1: content MISMATCH: recorded {version.content_sha256}, now "
    )


def test_verify_archive_reports_missing_files_and_copies(versions):
    pdf = versions["zhejiang"].pdfs.get(archive=Archive.SUBMITTED)
    private_storage().delete(pdf.file.name)
    versions["fujian"].pdfs.all().delete()

    ok, out, _summary = _verify()

    assert not ok
    # A line per problem, the plans in the order they were started.
    assert out.splitlines() == [
        f"zhejiang v1: archival copy (submitted) MISSING: {pdf.file.name}",
        "fujian v1: no archival copy (submitted)",
    ]
    # The versions from before archival copies: queued once, by the command.
    call_command("queue_archives", stdout=io.StringIO())
    assert versions["fujian"].pdfs.filter(archive=Archive.SUBMITTED).exists()
    out = io.StringIO()
    call_command("queue_archives", stdout=out)
    assert out.getvalue() == "0 archival copies queued.\n"


# ------------------------------------------------------------ who gets the file


def test_the_archival_pdf_is_for_readers_of_the_whole_plan(
    client,
    versions,
    office_user,
    unit_user,
    department_user,
    other_unit_user,
    expert_user,
):
    version = versions["zhejiang"]
    pdf = version.pdfs.get(archive=Archive.SUBMITTED)
    page_url = reverse("plans:version", args=["zhejiang", 1])
    url = reverse("plans:version_archive", args=["zhejiang", 1, "submitted"])
    for user in (office_user, unit_user):
        client_for(client, user)
        page = client.get(page_url).content.decode()
        assert pdf.file_sha256 in page and version.content_sha256 in page
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.7 archival copy"
    # The supervising department reads its tasks only: the hashes, not the file.
    client_for(client, department_user)
    page = client.get(page_url).content.decode()
    assert pdf.file_sha256 in page and url not in page
    assert client.get(url).status_code == 404
    for outsider in (other_unit_user, expert_user):
        client_for(client, outsider)
        assert client.get(url).status_code == 404
    client_for(client, office_user)
    assert (
        client.get(
            reverse("plans:version_archive", args=["zhejiang", 1, "approved"])
        ).status_code
        == 404
    )  # not approved: no such copy


def _stored_names():
    storage = private_storage()
    names = []
    for year in storage.listdir("plans/pdf")[0]:
        for month in storage.listdir(f"plans/pdf/{year}")[0]:
            folder = f"plans/pdf/{year}/{month}"
            names += [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
    return sorted(names)


def test_a_render_that_outlived_its_lease_leaves_no_file(versions, monkeypatch):
    """The recovery sent the row back to the queue while this render ran: its
    result is neither recorded nor left in the storage."""
    version = versions["zhejiang"]
    version.pdfs.exclude(archive="").delete()
    pdf = archive.queue_archive(version, Archive.SUBMITTED)
    before = _stored_names()
    rendered = []

    def overtaken_render(document, *, archive):
        PlanPdf.objects.filter(pk=pdf.pk).update(status=PlanPdf.Status.PENDING)
        rendered.append(archive.version_number)
        return b"%PDF-1.7 late"

    monkeypatch.setattr(pdfjobs, "render_plan_pdf", overtaken_render)
    pdfjobs.render_pdf(pdf.pk)

    assert rendered == [1]
    pdf.refresh_from_db()
    assert (pdf.status, pdf.file.name, pdf.file_sha256) == (
        PlanPdf.Status.PENDING,
        "",
        "",
    )
    assert _stored_names() == before
