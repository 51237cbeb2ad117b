"""The publishing workflow as the public sees it: list, post page, cache."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from column import news
from column.models import NewsPost
from tests.conftest import client_for

from .news_builders import add_png, make_post

NEWS = "/news/"


@pytest.fixture(autouse=True)
def _public_cache_on(settings, tmp_path):
    settings.PUBLIC_CACHE_SECONDS = 300
    settings.MEDIA_ROOT = tmp_path
    assert "LocMemCache" in settings.CACHES["default"]["BACKEND"]
    cache.clear()
    yield
    cache.clear()


def page(url):
    return Client().get(url).content.decode()


def test_draft_invisible_to_the_public(office_user):
    draft = make_post(office_user, state="draft", title="草稿不应公开", slug="draft")
    make_post(office_user, title="已发布的进展")

    listing = page(NEWS)

    assert "已发布的进展" in listing
    assert "草稿不应公开" not in listing
    today = timezone.localdate()
    assert Client().get(f"/news/{today:%Y/%m}/draft/").status_code == 404
    assert draft not in news.latest_news(10)


def test_scheduled_post_not_yet_public_is_404(office_user):
    post = make_post(office_user, state="scheduled", title="明日发布", slug="tomorrow")
    local = timezone.localtime(post.publish_at)

    response = Client().get(f"/news/{local:%Y/%m}/tomorrow/")

    assert response.status_code == 404
    assert "明日发布" not in page(NEWS)


def test_scheduled_post_appears_at_its_time_through_the_cache(office_user):
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        yesterday = start - datetime.timedelta(days=1)
        make_post(office_user, title="早已发布", publish_at=yesterday)
        scheduled = make_post(
            office_user,
            title="定时发布的成果",
            slug="scheduled",
            # Sooner than PUBLIC_CACHE_SECONDS (300): only the schedule drops the page.
            publish_at=start + datetime.timedelta(minutes=2),
        )
        before = page(NEWS)
        # A change without a signal leaves the cached page: the cache is really on.
        NewsPost.objects.filter(title="早已发布").update(title="改名未失效")
        still_cached = page(NEWS)

        traveller.move_to(start + datetime.timedelta(minutes=2, seconds=1))
        after = page(NEWS)
        detail = Client().get("/news/2026/03/scheduled/")

    assert "早已发布" in before and "定时发布的成果" not in before
    assert still_cached == before
    assert "定时发布的成果" in after
    assert detail.status_code == 200
    assert "定时发布的成果" in detail.content.decode()
    assert scheduled.get_absolute_url() == "/news/2026/03/scheduled/"


def test_withdrawn_post_gone_from_list_detail_feed_and_cache(client, office_user):
    post = make_post(office_user, title="将被撤回的稿件", slug="to-withdraw")
    url = post.get_absolute_url()
    assert "将被撤回的稿件" in page(NEWS)
    assert Client().get(url).status_code == 200
    assert "将被撤回的稿件" in page("/feed/")

    response = client_for(client, office_user).post(
        reverse("column:news_action", args=[post.pk, "withdraw"])
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.withdrawn_at is not None
    assert "将被撤回的稿件" not in page(NEWS)
    assert Client().get(url).status_code == 404
    assert "将被撤回的稿件" not in page("/feed/")


def test_withdrawn_post_published_again_at_the_same_address(client, office_user):
    post = make_post(office_user, state="withdrawn", title="重新发布", slug="again")
    url = post.get_absolute_url()
    assert Client().get(url).status_code == 404

    client_for(client, office_user).post(
        reverse("column:news_action", args=[post.pk, "republish"])
    )

    assert Client().get(url).status_code == 200
    assert "重新发布" in page(NEWS)


def test_post_page_has_sharing_metadata(settings, office_user, zhejiang):
    settings.PORTAL_URL = "https://pilots.example.test"
    post = make_post(
        office_user,
        title="浙江：数字孪生流域建设取得进展",
        slug="zhejiang-twin",
        summary="浙江省钱塘江流域防洪四预平台投入试运行。",
    )
    post.units.add(zhejiang)
    image = add_png(post)
    url = post.get_absolute_url()

    html = page(url)

    absolute = f"https://pilots.example.test{url}"
    description = "浙江省钱塘江流域防洪四预平台投入试运行。"
    assert f'<meta name="description" content="{description}">' in html
    assert f'<link rel="canonical" href="{absolute}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="浙江：数字孪生流域建设取得进展">' in html
    assert f'<meta property="og:url" content="{absolute}">' in html
    image_url = f"https://pilots.example.test/news/images/{image.pk}/"
    assert f'<meta property="og:image" content="{image_url}">' in html
    assert 'type="application/atom+xml"' in html and 'href="/feed/"' in html


def test_post_page_renders_paragraphs_lists_and_images_escaped(office_user):
    post = make_post(
        office_user,
        slug="body",
        body="第一段<script>\n\n- 要点一\n- 要点二\n\n[图片1]\n\n[image 2]\n\n尾段",
    )
    first = add_png(post, alt="大屏", caption="监控中心")

    html = page(post.get_absolute_url())

    assert "<p>第一段&lt;script&gt;</p>" in html
    assert "<ul><li>要点一</li><li>要点二</li></ul>" in html
    assert (
        f'<figure class="news-figure"><img src="/news/images/{first.pk}/" alt="大屏" '
        'class="img-fluid"><figcaption>监控中心</figcaption></figure>'
    ) in html
    # A marker without an image is dropped, not shown as text.
    assert "[image 2]" not in html
    assert "<p>尾段</p>" in html


def test_old_address_redirects_to_the_post(office_user):
    post = make_post(office_user, slug="moved")

    response = Client().get("/news/2001/01/moved/")

    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_image_of_published_post_served_with_long_cache(office_user):
    image = add_png(make_post(office_user, slug="with-image"))

    response = Client().get(f"/news/images/{image.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    response.close()


@pytest.mark.parametrize("state", ["draft", "scheduled", "withdrawn"])
def test_image_of_unpublished_post_only_for_the_office(client, office_user, state):
    image = add_png(make_post(office_user, state=state, slug=f"img-{state}"))
    url = f"/news/images/{image.pk}/"

    assert Client().get(url).status_code == 404
    response = client_for(client, office_user).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    response.close()


def test_news_list_filters_by_unit_category_and_domain(office_user, zhejiang, fujian):
    zhejiang_task = zhejiang.tasks.first()
    domain = zhejiang_task.business_domain
    by_task = make_post(office_user, title="按任务标注", slug="by-task")
    by_task.tasks.add(zhejiang_task)
    results = make_post(
        office_user, title="福建成果", slug="fujian", category="results"
    )
    results.units.add(fujian)
    untagged = make_post(office_user, title="未标注", slug="untagged")
    assert untagged

    by_unit = page(f"{NEWS}?unit=zhejiang")
    by_category = page(f"{NEWS}?category=results")
    by_domain = page(f"{NEWS}?domain={domain.slug}")

    assert "按任务标注" in by_unit
    assert "福建成果" not in by_unit and "未标注" not in by_unit
    assert "福建成果" in by_category and "按任务标注" not in by_category
    assert "按任务标注" in by_domain and "未标注" not in by_domain
    fujian_in_domain = fujian.tasks.filter(business_domain=domain).exists()
    assert ("福建成果" in by_domain) == fujian_in_domain


def test_news_list_paginates(office_user):
    for n in range(12):
        make_post(
            office_user,
            title=f"第{n:02d}条",
            slug=f"n{n}",
            publish_at=timezone.now() - datetime.timedelta(hours=n + 1),
        )

    first, second = page(NEWS), page(f"{NEWS}?page=2")

    assert "第00条" in first and "第09条" in first and "第10条" not in first
    assert "第10条" in second and "第11条" in second and "第00条" not in second
    assert 'href="?page=2" rel="next"' in first


@pytest.mark.parametrize("size", [3, 30])
def test_news_list_query_count_constant(
    settings, django_assert_num_queries, office_user, zhejiang, fujian, size
):
    settings.PUBLIC_CACHE_SECONDS = 0
    for n in range(size):
        post = make_post(office_user, slug=f"q{n}")
        post.units.add(zhejiang, fujian)

    # Filter choices (units, domains), count, page of posts, their units.
    with django_assert_num_queries(5):
        response = Client().get(NEWS)

    assert response.status_code == 200


def test_latest_news_two_queries_with_units(
    django_assert_num_queries, office_user, zhejiang
):
    for n in range(5):
        make_post(office_user, slug=f"l{n}").units.add(zhejiang)
    make_post(office_user, state="draft", slug="l-draft")

    with django_assert_num_queries(2):
        posts = news.latest_news(3)
        units = [unit.slug for post in posts for unit in post.units.all()]

    assert len(posts) == 3
    assert units == ["zhejiang"] * 3
