"""The one way a private file leaves the portal: pilots.files.file_response."""

import pytest
from django.core.files.base import ContentFile

from pilots.files import file_response


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("doc", "application/msword"),
        ("xls", "application/vnd.ms-excel"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("", "application/octet-stream"),
    ],
)
def test_file_response_is_typed_by_the_checked_kind(kind, content_type):
    response = file_response(ContentFile(b"x", name="stored"), name="a", kind=kind)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="a"'


def test_file_response_names_a_chinese_file_the_rfc_5987_way():
    response = file_response(
        ContentFile(b"x", name="stored"), name="实施方案.pdf", kind="pdf"
    )
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.pdf"
    )
