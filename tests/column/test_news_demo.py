"""Demo news for `seed_demo`: published posts, a draft, a scheduled post."""

import io

from django.test import Client
from django.utils import timezone

from column import demo_news, news
from column.management.commands.seed_demo import DEMO_MODULES
from column.models import NewsPost
from pilots.models import Batch, User
from tests.conftest import make_user


def seed():
    demo_news.seed(Batch.objects.current(), io.StringIO())


def test_demo_news_seeded_in_every_state(db):
    make_user("office", User.Role.OFFICE)

    seed()

    posts = list(NewsPost.objects.all())
    states = [news.state(post) for post in posts]
    assert states.count(news.PUBLISHED) == 12
    assert states.count(news.DRAFT) == 1
    assert states.count(news.SCHEDULED) == 1
    assert all(post.is_demo and "演示" in post.title for post in posts)
    assert all(post.body.startswith("【演示数据】") for post in posts)
    published = NewsPost.objects.published()
    assert published.filter(units__isnull=False).distinct().count() >= 10
    assert published.filter(tasks__isnull=False).distinct().count() >= 8
    oldest = published.order_by("publish_at").first().publish_at
    assert (timezone.now() - oldest).days >= 120
    listing = Client().get("/news/").content.decode()
    assert "网信办部署先行先试中期检查准备工作（演示）" in listing


def test_demo_news_twice_keeps_the_office_edits(db):
    make_user("office", User.Role.OFFICE)
    seed()
    NewsPost.objects.filter(slug="demo-shenzhen-drainage").update(title="改过的标题")

    seed()

    assert NewsPost.objects.count() == 14
    assert NewsPost.objects.get(slug="demo-shenzhen-drainage").title == "改过的标题"


def test_demo_news_run_by_seed_demo():
    assert demo_news in DEMO_MODULES
