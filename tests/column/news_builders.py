"""Small builders for the news tests: posts in each state, a real PNG."""

import datetime
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from column.models import NewsImage, NewsPost

DAY = datetime.timedelta(days=1)


def png_bytes():
    """A valid 1×1 PNG."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1e\x6e\xb4")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def png_upload(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def make_post(author, *, state="published", title="闸站数字孪生平台上线", **fields):
    now = timezone.now()
    publish_at = {
        "draft": None,
        "scheduled": now + DAY,
        "published": now - DAY,
        "withdrawn": now - 2 * DAY,
    }[state]
    slug = fields.pop("slug", None) or f"post-{NewsPost.objects.count() + 1}"
    return NewsPost.objects.create(
        title=title,
        slug=slug,
        summary=fields.pop("summary", "浙江省闸站数字孪生平台完成首期建设。"),
        body=fields.pop("body", "平台接入全省闸站实时数据。"),
        publish_at=fields.pop("publish_at", publish_at),
        withdrawn_at=now - DAY if state == "withdrawn" else None,
        created_by=author,
        **fields,
    )


def add_png(post, alt="闸站监控大屏", caption="平台首页"):
    return NewsImage.objects.create(
        post=post, image=png_upload(), alt=alt, caption=caption
    )
