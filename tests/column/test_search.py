"""Search of the public column: Chinese substrings, English words, ranking, limits."""

import datetime

import pytest
from django.utils import timezone

from column import search
from column.models import NewsPost
from milestones.models import Achievement, AchievementKind
from pilots.models import Task


def _post(office, title, *, body="正文", summary="摘要", published=True, **kw):
    return NewsPost.objects.create(
        title=title,
        slug=f"post-{NewsPost.objects.count() + 1}",
        summary=summary,
        body=body,
        publish_at=kw.pop("publish_at", timezone.now() if published else None),
        created_by=office,
        **kw,
    )


def _results(response, key):
    group = next(g for g in response.context["groups"] if g.key == key)
    return group


def test_search_finds_a_post_by_a_two_character_chinese_word(client, office_user):
    _post(office_user, "智慧水库调度系统上线运行")
    _post(office_user, "河湖长制平台发布")
    response = client.get("/search/", {"q": "水库"})
    news = _results(response, "news")
    assert news.count == 1
    html = response.content.decode()
    assert "智慧<mark>水库</mark>调度系统上线运行" in html


def test_search_finds_chinese_inside_the_body_and_shows_an_excerpt(client, office_user):
    _post(
        office_user,
        "工作进展",
        body="本季度完成了流域防洪四预平台的试运行，覆盖全省重点河段。",
    )
    html = client.get("/search/", {"q": "四预"}).content.decode()
    assert "流域防洪<mark>四预</mark>平台的试运行" in html


def test_search_english_is_case_insensitive(client, office_user):
    _post(office_user, "Flood Forecasting goes live")
    response = client.get("/search/", {"q": "flood forecasting"})
    assert _results(response, "news").count == 1
    assert "<mark>Flood</mark> <mark>Forecasting</mark> goes live" in (
        response.content.decode()
    )


def test_every_term_must_match(client, office_user):
    _post(office_user, "浙江水库调度")
    _post(office_user, "福建水库调度")
    response = client.get("/search/", {"q": "浙江 水库"})
    news = _results(response, "news")
    assert [str(r.title) for r in news.results] == [
        "<mark>浙江</mark><mark>水库</mark>调度"
    ]


def test_title_hits_rank_before_body_hits(client, office_user):
    now = timezone.now()
    _post(office_user, "较新的动态", body="提到了数字孪生", publish_at=now)
    _post(
        office_user,
        "数字孪生流域建设",
        publish_at=now - datetime.timedelta(days=30),
    )
    news = _results(client.get("/search/", {"q": "数字孪生"}), "news")
    assert [r.url for r in news.results][0].endswith("/post-2/")


def test_search_covers_units_tasks_and_published_achievements(client, office_user):
    task = Task.objects.get(title="山洪灾害监测预警平台")
    for title, published in [("山洪预警模型", True), ("山洪草稿成果", False)]:
        Achievement.objects.create(
            unit=task.unit,
            task=task,
            kind=AchievementKind.MODEL,
            title=title,
            description="说明",
            published_at=timezone.now() if published else None,
            created_by=office_user,
        )
    response = client.get("/search/", {"q": "山洪"})
    assert [str(r.title) for r in _results(response, "tasks").results] == [
        "<mark>山洪</mark>灾害监测预警平台"
    ]
    achievements = _results(response, "achievements")
    assert achievements.count == 1
    assert achievements.results[0].url == (
        f"/units/zhejiang/tasks/{task.pk}/#achievement-"
        f"{Achievement.objects.get(title='山洪预警模型').pk}"
    )
    units = _results(client.get("/search/", {"q": "浙江"}), "units")
    assert [r.url for r in units.results] == ["/units/zhejiang/"]
    units = _results(client.get("/search/", {"q": "zhejiang"}), "units")
    assert units.count == 1


def test_search_skips_drafts_scheduled_and_withdrawn_news(client, office_user):
    now = timezone.now()
    _post(office_user, "冰凌草稿", published=False)
    _post(office_user, "冰凌预定", publish_at=now + datetime.timedelta(days=1))
    _post(office_user, "冰凌撤回", publish_at=now, withdrawn_at=now)
    response = client.get("/search/", {"q": "冰凌"})
    assert response.context["total"] == 0
    assert "“冰凌”共找到 0 条结果" in response.content.decode()


def test_search_escapes_the_query_and_the_text(client, office_user):
    _post(office_user, "<b>水库</b> & 大坝")
    html = client.get("/search/", {"q": "<b>"}).content.decode()
    assert "<b>" not in html.split("<main", 1)[1]
    assert "&lt;b&gt;" in html
    assert "<mark>&lt;b&gt;</mark>水库&lt;/b&gt; &amp; 大坝" in html


def test_search_treats_like_wildcards_literally(client, office_user):
    _post(office_user, "完成率100%")
    _post(office_user, "完成率过半")
    news = _results(client.get("/search/", {"q": "%"}), "news")
    assert news.count == 1


def test_empty_query_shows_help(client, db):
    for params in ({}, {"q": "   "}):
        response = client.get("/search/", params)
        assert response.context["groups"] is None
        assert "如何搜索" in response.content.decode()


def test_too_long_query_is_refused_with_the_text_kept(client, db):
    query = "水" * (search.MAX_LENGTH + 1)
    response = client.get("/search/", {"q": query})
    html = response.content.decode()
    assert response.context["groups"] is None
    assert "最多 100 个字符" in html
    assert f'value="{query}"' in html


def test_results_are_limited_per_type_with_the_full_count(client, office_user):
    for n in range(search.LIMIT + 3):
        _post(office_user, f"水库新闻{n}")
    news = _results(client.get("/search/", {"q": "水库"}), "news")
    assert (news.count, len(news.results)) == (search.LIMIT + 3, search.LIMIT)


@pytest.mark.parametrize("posts", [1, 30])
def test_search_runs_a_constant_number_of_queries(
    client, office_user, django_assert_num_queries, posts
):
    for n in range(posts):
        _post(office_user, f"水利新闻{n}")
    with django_assert_num_queries(8):
        response = client.get("/search/", {"q": "水利"})
    assert _results(response, "news").count == posts
