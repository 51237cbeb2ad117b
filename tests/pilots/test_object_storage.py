"""FILE_STORAGE=s3: every file on an S3-compatible object store of the test's own
(moto's server, started and stopped here), uploaded and downloaded through the
portal's pages; nothing on the portal's disk."""

import importlib.util
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from column.models import NewsImage, NewsPost
from plans import pdfjobs
from plans.models import Attachment, PlanPdf
from portal.settings import file_storages
from tests.column.news_builders import png_bytes
from tests.conftest import client_for, require_service
from tests.plans.builders import complete_plan, current_plan
from tests.plans.test_pdf import flat, poppler

REGION = "us-east-1"
EVERYONE = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """moto's S3-compatible server in a process of its own, on a free port."""
    if importlib.util.find_spec("moto") is None:
        require_service("moto[server] (pip install -e '.[test]')")
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    require_service(f"moto's S3 server: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """A new bucket, chosen as the deployment chooses it: by the environment, read
    by the settings' own file_storages(). The file system places are emptied
    directories of the test's, so that a file written there shows."""
    import boto3

    name = f"portal-{uuid.uuid4().hex[:12]}"
    for variable, value in {
        "FILE_STORAGE": "s3",
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ACCESS_KEY_ID": "portal",
        "S3_SECRET_ACCESS_KEY": "portal-secret",
        "S3_REGION": REGION,
    }.items():
        monkeypatch.setenv(variable, value)
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, **file_storages()}
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="portal",
        aws_secret_access_key="portal-secret",
    )
    client.create_bucket(Bucket=name)
    client.bucket = name
    return client


def objects(bucket):
    listed = bucket.list_objects_v2(Bucket=bucket.bucket).get("Contents", [])
    return {item["Key"] for item in listed}


def stored(bucket, key):
    return bucket.get_object(Bucket=bucket.bucket, Key=key)["Body"].read()


def readable_by_everyone(bucket, key):
    grants = bucket.get_object_acl(Bucket=bucket.bucket, Key=key)["Grants"]
    return any(grant["Grantee"].get("URI") in EVERYONE for grant in grants)


def nothing_on_disk(settings):
    return not (settings.VAR_DIR / "private").exists() and not any(
        settings.MEDIA_ROOT.rglob("*")
    )


def _upload(client, name, content):
    return client.post(
        reverse("plans:attachment_add", args=["zhejiang"]),
        {"file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.django_db
def test_object_store_keeps_attachments_and_pdfs_served_by_the_portal(
    client, zhejiang, unit_user, bucket, settings, tmp_path
):
    plan = complete_plan(current_plan(zhejiang))
    client_for(client, unit_user)
    first = b"%PDF-1.4\n% first upload\n" + bytes(range(256)) * 40
    second = b"%PDF-1.4\n% second upload, same name\n"

    _upload(client, "实施方案附件.pdf", first)
    _upload(client, "实施方案附件.pdf", second)
    client.post(reverse("plans:draft_pdf", args=["zhejiang"]))
    pdf = PlanPdf.objects.get(plan=plan)
    # The real render, as the Celery worker runs it (WeasyPrint, then the storage).
    pdfjobs.render_pdf(pdf.pk)

    pdf.refresh_from_db()
    assert pdf.status == PlanPdf.Status.READY, pdf.error
    older, newer = Attachment.objects.filter(plan=plan).order_by("pk")
    assert objects(bucket) == {
        f"private/{older.file.name}",
        f"private/{newer.file.name}",
        f"private/{pdf.file.name}",
    }
    # The same name uploaded twice keeps two objects.
    assert older.file.name != newer.file.name
    assert stored(bucket, f"private/{older.file.name}") == first
    assert stored(bucket, f"private/{newer.file.name}") == second
    for key in objects(bucket):
        assert not readable_by_everyone(bucket, key), key
    # No address on the object store is ever handed out, signed or not.
    with pytest.raises(ValueError):
        older.file.url  # noqa: B018
    for attachment, content in ((older, first), (newer, second)):
        response = client.get(
            reverse("plans:attachment", args=["zhejiang", attachment.pk])
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88"
            "%E9%99%84%E4%BB%B6.pdf"
        )
        assert b"".join(response.streaming_content) == content
    response = client.get(reverse("plans:pdf_download", args=["zhejiang", pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    downloaded = b"".join(response.streaming_content)
    assert downloaded == stored(bucket, f"private/{pdf.file.name}")
    path = tmp_path / "downloaded.pdf"
    path.write_bytes(downloaded)
    text = flat(poppler("pdftotext", path))
    assert "浙江省水利厅" in text and "现状良好" in text
    assert nothing_on_disk(settings)


@pytest.mark.django_db
def test_object_store_keeps_news_images_shown_once_published(
    client, office_user, bucket, settings
):
    client_for(client, office_user)
    client.post(
        reverse("column:news_create"),
        {
            "title": "浙江：闸站数字孪生平台上线",
            "slug": "zha-zhan",
            "category": "progress",
            "summary": "浙江省闸站数字孪生平台完成首期建设。",
            "body": "第一段。\n\n[图片1]",
            "image-image": SimpleUploadedFile("photo.png", png_bytes()),
            "image-alt": "闸站监控大屏",
            "image-caption": "",
        },
    )
    image = NewsImage.objects.get()
    url = reverse("column:news_image", args=[image.pk])
    client.logout()
    assert client.get(url).status_code == 404

    client_for(client, office_user)
    post = NewsPost.objects.get()
    client.post(reverse("column:news_action", args=[post.pk, "publish"]))
    client.logout()
    response = client.get(url)

    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert objects(bucket) == {f"media/{image.image.name}"}
    assert stored(bucket, f"media/{image.image.name}") == png_bytes()
    # Published or not, the image leaves only through the portal's page.
    assert not readable_by_everyone(bucket, f"media/{image.image.name}")
    assert nothing_on_disk(settings)
