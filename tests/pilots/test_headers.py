"""What every response says to the browser: signed-in pages and files are never
stored; the browser features the portal does not use are denied."""

import pytest

from tests.conftest import client_for
from tests.reviews.builders import plan_round
from tests.reviews.test_sheet_reading import _assigned

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_and_a_private_file_are_never_stored(
    client, settings, tmp_path, zhejiang, unit_user, office_user, expert_user
):
    settings.VAR_DIR = tmp_path
    round_ = plan_round(office_user, criteria=[("甲", 1, 10)])
    assignment, attachment = _assigned(
        zhejiang, unit_user, office_user, expert_user, round_
    )
    client_for(client, expert_user)
    page = client.get(f"/reviews/assignments/{assignment.pk}/")
    download = client.get(
        f"/reviews/assignments/{assignment.pk}/attachments/{attachment.pk}/"
    )
    b"".join(download.streaming_content)
    download.close()

    for response in (page, download):
        assert response.status_code == 200
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives
        assert "camera=()" in response["Permissions-Policy"]


def test_a_public_page_may_be_cached_and_denies_the_same_features(client):
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")
    assert "geolocation=()" in response["Permissions-Policy"]
