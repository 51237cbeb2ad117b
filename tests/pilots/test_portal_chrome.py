"""The ministry portal's chrome on every page: the header band with the emblem,
the footer naming who runs the site with its filing numbers (备案号), the favicon;
and the public home laid out as a ministry column."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache

from column.models import NewsPost
from pilots.models import Batch, PilotUnit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()


def _footer(html):
    return html[html.index("<footer") : html.index("</footer>")]


def _banner(html):
    return html[html.index('<div class="site-banner">') : html.index("<nav")]


def test_every_page_names_the_owner_in_a_band_with_the_emblem(client, office_user):
    pages = [
        client.get("/").content.decode(),
        client.get("/accounts/login/").content.decode(),
        client_for(client, office_user).get("/home/", follow=True).content.decode(),
    ]
    for html in pages:
        banner = _banner(html)
        assert '<span class="banner-emblem"></span>' in banner
        assert (
            '<span class="banner-owner">中华人民共和国水利部（演示）</span>' in banner
        )
        assert '<span class="banner-title">智慧水利先行先试</span>' in banner
        assert '<link rel="icon" href="/favicon.ico" sizes="any">' in html
        assert (
            '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
            in html
        )
    assert finders.find("img/emblem.svg") and finders.find("img/favicon.svg")
    css = Path(finders.find("css/portal.css")).read_text()
    assert 'background: url("../img/emblem.svg") center / contain no-repeat' in css


def test_footer_shows_the_demo_sponsor_organiser_contact_and_filings(client):
    footer = _footer(client.get("/").content.decode())

    assert "主办单位：水利部网络安全和信息化领导小组办公室（演示）" in footer
    assert "承办单位：水利部信息中心（演示）" in footer
    assert "联系方式：010-00000000 · pilots@demo.invalid（演示 demo）" in footer
    assert (
        '<a class="footer-item" href="https://beian.miit.gov.cn/" '
        'rel="noopener noreferrer">京ICP备00000000号（演示 demo）</a>'
    ) in footer
    assert "京公网安备00000000000000号（演示 demo）</a>" in footer


def test_footer_follows_the_settings_and_hides_what_is_empty(client, settings):
    settings.PORTAL_SPONSOR = "中华人民共和国水利部"
    settings.PORTAL_ORGANISER = "水利部信息中心"
    settings.PORTAL_CONTACT = "010-63202114"
    settings.PORTAL_ICP = "京ICP备12345678号"
    settings.PORTAL_PSB = ""

    footer = _footer(client.get("/").content.decode())

    assert "主办单位：中华人民共和国水利部</span>" in footer
    assert "承办单位：水利部信息中心</span>" in footer
    assert "联系方式：010-63202114</p>" in footer
    assert ">京ICP备12345678号</a>" in footer
    assert "演示" not in footer
    assert "beian.mps.gov.cn" not in footer


def test_english_pages_use_the_english_names(client):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()

    assert (
        '<span class="banner-owner">Ministry of Water Resources of the P. R. China '
        "(demo)</span>"
    ) in _banner(html)
    footer = _footer(html)
    assert (
        "Sponsor: Network Security and Informatization Office, Ministry of Water "
        "Resources (demo)"
    ) in footer
    assert "Organiser: Information Centre, Ministry of Water Resources (demo)" in footer
    assert "主办单位" not in footer


def test_favicon_ico_answers_at_the_site_root(client):
    response = client.get("/favicon.ico")
    body = b"".join(response.streaming_content)
    response.close()

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO header


def test_the_chrome_keeps_the_strict_content_security_policy(client):
    response = client.get("/")
    html = response.content.decode()

    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []


def test_home_reads_as_a_column_timeline_then_news_then_results(client, office_user):
    html = client.get("/").content.decode()

    assert '<h1 id="hero-title" class="h2">先行先试工作专栏</h1>' in html
    order = [
        html.index('id="hero-title"'),
        html.index('id="dates-title"'),
        html.index('id="news-title"'),
        html.index('id="featured-title"'),
        html.index('id="units-title"'),
    ]
    assert order == sorted(order)


def test_home_counts_the_units_of_the_current_batch(client):
    batch = Batch.objects.current()
    assert batch.units.count() == 11
    assert "共11家单位开展智慧水利先行先试" in client.get("/").content.decode()

    batch.units.remove(PilotUnit.objects.get(slug="suzhou"))
    cache.clear()
    html = client.get("/").content.decode()

    assert "共10家单位开展智慧水利先行先试" in html
    assert "11家" not in html
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "of the Ministry of Water Resources, 10 units —" in english
    assert "eleven" not in english


def test_home_news_follows_the_timeline(client, office_user):
    # The column's news sits beside the timeline, before the results and the units.
    NewsPost.objects.create(
        title="先行先试专栏上线（测试）",
        slug="column-online",
        summary="专栏上线",
        body="正文",
        publish_at="2020-05-01T10:00:00+08:00",
        created_by=office_user,
    )
    html = client.get("/").content.decode()
    assert html.index('id="dates-title"') < html.index("先行先试专栏上线（测试）")
    assert html.index("先行先试专栏上线（测试）") < html.index('id="units-title"')
