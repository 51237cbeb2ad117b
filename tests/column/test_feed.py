"""The Atom feed at /feed/, read back by a real feed parser."""

import datetime

import feedparser
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from .news_builders import make_post


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def read_feed():
    response = Client().get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return feedparser.parse(response.content)


def test_feed_lists_published_news_newest_first(settings, office_user, zhejiang):
    settings.PORTAL_URL = "https://pilots.example.test"
    now = timezone.now()
    older = make_post(
        office_user,
        title="浙江：防洪四预平台上线",
        slug="older",
        publish_at=now - datetime.timedelta(days=3),
    )
    older.units.add(zhejiang)
    newer = make_post(
        office_user,
        title="先行先试中期检查启动",
        slug="newer",
        category="results",
        summary="网信办组织开展中期检查。",
        publish_at=now - datetime.timedelta(days=1),
    )
    make_post(office_user, state="draft", title="草稿", slug="draft")
    make_post(office_user, state="scheduled", title="未到时间", slug="later")
    make_post(office_user, state="withdrawn", title="已撤回", slug="gone")

    feed = read_feed()

    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.link == "https://pilots.example.test/news/"
    titles = [e.title for e in feed.entries]
    assert titles == ["先行先试中期检查启动", "浙江：防洪四预平台上线"]
    first, second = feed.entries
    assert first.link == f"https://pilots.example.test{newer.get_absolute_url()}"
    assert first.summary == "网信办组织开展中期检查。"
    assert first.published_parsed[:3] == newer.publish_at.utctimetuple()[:3]
    assert "updated_parsed" in first
    assert [t.term for t in first.tags] == ["成效成果"]
    assert [t.term for t in second.tags] == ["工作进展", zhejiang.name]


def test_feed_holds_the_newest_twenty(office_user):
    now = timezone.now()
    for n in range(23):
        make_post(
            office_user,
            title=f"进展{n:02d}",
            slug=f"p{n}",
            publish_at=now - datetime.timedelta(hours=n + 1),
        )

    feed = read_feed()

    assert not feed.bozo
    assert len(feed.entries) == 20
    assert feed.entries[0].title == "进展00"
    assert feed.entries[-1].title == "进展19"


def test_feed_empty_is_still_valid(db):
    feed = read_feed()

    assert not feed.bozo
    assert feed.entries == []
