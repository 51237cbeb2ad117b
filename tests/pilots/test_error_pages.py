"""The error pages are the portal's own: in the layout, in the user's language,
with a way back."""

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_missing_page_is_the_portals_own_404_in_both_languages(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'action="/search/"' in html and "<nav" in html

    html = _english(client).get("/no-such-page/").content.decode()
    assert "Page not found" in html and 'href="/"' in html


def test_a_page_of_another_role_is_the_portals_own_403(client, unit_user):
    client_for(client, unit_user)
    response = client.get("/reviews/rounds/new/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "您无权打开此页面" in html
    assert unit_user.username in html or unit_user.get_full_name() in html
    assert 'href="/home/"' in html


def test_a_failure_is_the_portals_own_500_without_the_database(
    settings, django_assert_num_queries
):
    settings.ROOT_URLCONF = "tests.pilots.error_urls"
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):  # the database may be what failed
        response = client.get("/test-failure/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出现问题" in html and "<nav" in html

    html = _english(client).get("/test-failure/").content.decode()
    assert "Something went wrong on our side" in html
