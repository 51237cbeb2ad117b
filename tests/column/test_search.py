"""The public search: Chinese words, ranking, excerpts, pages, and an index that
holds what the public sees and nothing else, kept current by the workflows."""

import datetime
import importlib
import io

import time_machine
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from column import news, public_messages, search
from column.models import (
    NewsPost,
    PublicMessage,
    PublicNotice,
    SearchEntry,
)
from milestones import achievements
from milestones.models import Achievement, AchievementKind
from pilots.models import PilotUnit, Task

FLOOD_TASK = "山洪灾害监测预警平台"


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


def _titles(client, query, **params):
    page = client.get("/search/", {"q": query, **params}).context["page"]
    return [str(result.title) for result in page] if page else []


def _plain(titles):
    return [title.replace("<mark>", "").replace("</mark>", "") for title in titles]


def test_a_two_character_word_finds_a_title_and_is_marked(client, office_user):
    _post(office_user, "智慧泵站调度系统上线运行")
    _post(office_user, "河湖长制平台发布")
    response = client.get("/search/", {"q": "泵站"})
    assert response.context["total"] == 1
    assert "智慧<mark>泵站</mark>调度系统上线运行" in response.content.decode()


def test_four_characters_are_segmented_into_words(client, db):
    # 山洪预警 is no substring of the task's title: 山洪 and 预警 are its words.
    titles = _titles(client, "山洪预警")
    assert "<mark>山洪</mark>灾害监测<mark>预警</mark>平台" in titles


def test_an_eight_character_query_finds_the_text_and_shows_an_excerpt(
    client, office_user
):
    _post(
        office_user,
        "工作进展",
        body="本季度完成了流域防洪四预平台的试运行，覆盖全省重点河段。",
    )
    _post(office_user, "流域管理", body="流域综合治理。")
    response = client.get("/search/", {"q": "流域防洪四预平台"})
    assert _plain(_titles(client, "流域防洪四预平台")) == ["工作进展"]
    assert "<mark>流域防洪四预平台</mark>的试运行" in response.content.decode()
    assert FLOOD_TASK in _plain(_titles(client, "山洪灾害监测预警"))


def test_english_words_are_case_insensitive(client, office_user):
    _post(office_user, "Reservoir Forecasting goes live")
    response = client.get("/search/", {"q": "reservoir FORECASTING"})
    assert response.context["total"] == 1
    assert "<mark>Reservoir</mark> <mark>Forecasting</mark> goes live" in (
        response.content.decode()
    )


def test_every_word_must_occur(client, office_user):
    _post(office_user, "浙江泵站调度")
    _post(office_user, "福建泵站调度")
    assert _titles(client, "浙江 泵站") == ["<mark>浙江泵站</mark>调度"]


def test_a_title_match_ranks_above_a_text_match(client, office_user):
    now = timezone.now()
    _post(
        office_user,
        "较新的动态",
        body="数字孪生，数字孪生，数字孪生。",
        publish_at=now,
    )
    _post(office_user, "数字孪生流域建设", publish_at=now - datetime.timedelta(days=30))
    assert _plain(_titles(client, "数字孪生")) == ["数字孪生流域建设", "较新的动态"]


def test_units_tasks_achievements_notices_and_messages_are_found(client, office_user):
    task = Task.objects.get(title=FLOOD_TASK)
    item = Achievement.objects.create(
        unit=task.unit,
        task=task,
        kind=AchievementKind.MODEL,
        title="泥石流预报模型",
        description="说明",
        created_by=office_user,
    )
    achievements.publish(achievement=item, user=office_user)
    notice = PublicNotice.objects.create(
        title="泥石流防治验收结果公示",
        body="公示内容",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        published=True,
        created_by=office_user,
    )
    message = PublicMessage.objects.create(
        name="公众", email="a@example.invalid", subject="泥石流预警建议", body="内容"
    )
    public_messages.moderate(
        message=message, to_status="published", answer="谢谢", by=office_user
    )
    page = client.get("/search/", {"q": "泥石流"}).context["page"]
    found = {(result.kind, result.url) for result in page}
    assert found == {
        ("成果", f"/units/zhejiang/tasks/{task.pk}/#achievement-{item.pk}"),
        ("公示", f"/notices/{notice.pk}/"),
        ("意见建议及答复", f"/messages/#message-{message.pk}"),
    }
    assert [r.url for r in client.get("/search/", {"q": "浙江"}).context["page"]][
        0
    ] == "/units/zhejiang/"
    assert _plain(_titles(client, "zhejiang"))[0] == "浙江省水利厅"


def test_nothing_unpublished_is_found(client, office_user):
    now = timezone.now()
    _post(office_user, "冰凌草稿", published=False)
    _post(office_user, "冰凌预定", publish_at=now + datetime.timedelta(days=1))
    _post(office_user, "冰凌撤回", publish_at=now, withdrawn_at=now)
    PublicNotice.objects.create(
        title="冰凌公示草稿",
        body="内容",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        created_by=office_user,
    )
    for status in ("pending", "answered", "rejected"):
        PublicMessage.objects.create(
            name="公众",
            email="a@example.invalid",
            subject=f"冰凌留言{status}",
            body="内容",
            status=status,
        )
    Achievement.objects.create(
        unit=PilotUnit.objects.get(slug="zhejiang"),
        task=Task.objects.get(title=FLOOD_TASK),
        kind=AchievementKind.MODEL,
        title="冰凌成果草稿",
        description="说明",
        created_by=office_user,
    )
    response = client.get("/search/", {"q": "冰凌"})
    assert response.context["total"] == 0
    assert "“冰凌”共找到 0 条结果" in response.content.decode()
    # Only the scheduled post is stored, not yet visible.
    assert list(
        SearchEntry.objects.filter(title__contains="冰凌").values_list(
            "title", flat=True
        )
    ) == ["冰凌预定"]
    # The scheduled post is findable once its time has come, without a save.
    with time_machine.travel(now + datetime.timedelta(days=2)):
        assert _plain(_titles(client, "冰凌")) == ["冰凌预定"]


def test_the_index_follows_the_workflows_and_edits(client, office_user):
    post = _post(office_user, "堤防巡查草稿", published=False)
    assert _titles(client, "堤防") == []
    news.publish_now(post=post, by=office_user)
    assert _plain(_titles(client, "堤防")) == ["堤防巡查草稿"]
    post.title = "堤防巡查上线"
    news.save_post(post=post, by=office_user)
    assert _plain(_titles(client, "巡查")) == ["堤防巡查上线"]
    news.withdraw(post=post, by=office_user)
    assert _titles(client, "堤防") == []
    news.republish(post=post, by=office_user)
    post.delete()
    assert _titles(client, "堤防") == []

    notice = PublicNotice.objects.create(
        title="堤防验收公示",
        body="内容",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        published=True,
        created_by=office_user,
    )
    assert _plain(_titles(client, "堤防")) == ["堤防验收公示"]
    notice.published = False
    notice.save()
    assert _titles(client, "堤防") == []

    task = Task.objects.get(title=FLOOD_TASK)
    item = Achievement.objects.create(
        unit=task.unit,
        task=task,
        kind=AchievementKind.MODEL,
        title="堤防模型",
        description="说明",
        created_by=office_user,
    )
    achievements.publish(achievement=item, user=office_user)
    assert _plain(_titles(client, "堤防")) == ["堤防模型"]
    achievements.unpublish(achievement=item, user=office_user)
    assert _titles(client, "堤防") == []

    # A task renamed, and its unit renamed: the task's entry names both.
    task.title = "堤防安全监测平台"
    task.save()
    unit = task.unit
    unit.name = "浙江省水利厅（改名）"
    unit.save()
    page = client.get("/search/", {"q": "堤防"}).context["page"]
    assert [(str(r.title), r.meta) for r in page] == [
        ("<mark>堤防</mark>安全监测平台", "浙江省水利厅（改名）")
    ]
    task.delete()
    assert _titles(client, "堤防") == []


def test_the_text_and_the_query_are_escaped(client, office_user):
    _post(office_user, "<b>泵站</b> & 大坝", body="<script>alert(1)</script>泵站")
    html = client.get("/search/", {"q": "泵站"}).content.decode()
    main = html.split("<main", 1)[1]
    assert "<b>" not in main and "<script>" not in main
    assert "&lt;b&gt;<mark>泵站</mark>&lt;/b&gt; &amp; 大坝" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>泵站</mark>" in html
    # The query is shown back escaped.
    main = client.get("/search/", {"q": "<i>泵站"}).content.decode().split("<main")[1]
    assert "<i>" not in main
    assert "“&lt;i&gt;泵站”" in main


def test_punctuation_alone_finds_nothing_and_says_why(client, office_user):
    _post(office_user, "完成率100%")
    response = client.get("/search/", {"q": "%"})
    assert response.context["page"] is None
    assert "标点" in response.content.decode()
    assert _plain(_titles(client, "100%")) == ["完成率100%"]


def test_empty_query_shows_help(client, db):
    for params in ({}, {"q": "   "}):
        response = client.get("/search/", params)
        assert response.context["page"] is None
        assert "如何搜索" in response.content.decode()


def test_too_long_query_is_refused_with_the_text_kept(client, db):
    query = "水" * (search.MAX_LENGTH + 1)
    response = client.get("/search/", {"q": query})
    html = response.content.decode()
    assert response.context["page"] is None
    assert "最多 100 个字符" in html
    assert f'value="{query}"' in html


def test_results_come_in_pages_whose_links_keep_the_query(client, office_user):
    for n in range(search.PAGE_SIZE + 3):
        _post(office_user, f"泵站新闻{n}")
    first = client.get("/search/", {"q": "泵站"})
    assert first.context["total"] == search.PAGE_SIZE + 3
    assert len(first.context["page"].object_list) == search.PAGE_SIZE
    html = first.content.decode()
    assert 'href="?q=%E6%B3%B5%E7%AB%99&amp;page=2" rel="next"' in html
    second = client.get("/search/", {"q": "泵站", "page": 2})
    assert len(second.context["page"].object_list) == 3
    # Out of range: the last page, not an error.
    last = client.get("/search/", {"q": "泵站", "page": 99})
    assert last.context["page"].number == 2


def test_english_pages_show_english_names_and_labels(client, db):
    client.cookies["django_language"] = "en"
    response = client.get("/search/", {"q": "浙江"})
    html = response.content.decode()
    first = response.context["page"][0]
    assert (first.kind, first.url) == ("Pilot unit", "/units/zhejiang/")
    assert "Zhejiang" in str(first.title)
    assert "1 result for" in html or "results for “浙江”" in html
    assert "Provincial water department" in html


def test_the_rebuild_command_restores_a_deleted_index(client, office_user):
    _post(office_user, "泵站调度新闻")
    before = SearchEntry.objects.count()
    SearchEntry.objects.all().delete()
    assert _titles(client, "山洪预警") == []
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert SearchEntry.objects.count() == before
    assert FLOOD_TASK in _plain(_titles(client, "山洪预警"))
    assert _plain(_titles(client, "泵站调度")) == ["泵站调度新闻"]


def test_the_migration_fills_the_index_from_historical_models(client, office_user):
    """What a database migrated forward from before the index holds is found:
    the migration's builder runs over the historical models."""
    _post(office_user, "历史新闻水闸")
    SearchEntry.objects.all().delete()
    state = MigrationLoader(None).project_state(("column", "0003_search_index"))
    migration = importlib.import_module("column.migrations.0003_search_index")
    migration.fill_index(state.apps, None)
    assert _plain(_titles(client, "水闸")) == ["历史新闻水闸"]
    assert FLOOD_TASK in _plain(_titles(client, "山洪预警"))


def test_a_search_runs_four_statements(client, office_user, django_assert_num_queries):
    for n in range(30):
        _post(office_user, f"水利新闻{n}")
    with django_assert_num_queries(4):
        response = client.get("/search/", {"q": "水利 新闻"})
    assert response.context["total"] == 30
    # A word found nowhere stops after the first statement.
    with django_assert_num_queries(1):
        client.get("/search/", {"q": "不存在的词语啊"})


def test_seed_demo_leaves_a_searchable_index(client, db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    titles = _plain(_titles(client, "山洪预警"))
    assert "浙江省山洪灾害监测预警平台完成需求调研（演示）" in titles
    published = PublicMessage.objects.filter(is_demo=True, status="published")
    hidden = PublicMessage.objects.filter(is_demo=True).exclude(status="published")
    indexed = set(
        SearchEntry.objects.filter(kind="message").values_list("object_id", flat=True)
    )
    assert indexed == set(published.values_list("pk", flat=True))
    assert not indexed & set(hidden.values_list("pk", flat=True))
