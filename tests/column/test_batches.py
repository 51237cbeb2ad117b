"""The public column keeps every batch (issue 12): once a second batch is current,
a unit's page still shows the batches it took part in, the home links to the
earlier ones, each batch has its page, and the feed and the search keep the
earlier batches' published content.

The world: the first batch (2020, the 11 units of the migration) in which Fujian
had its plan approved, passed the mid-term check and acceptance and received its
plaque; then a second, current batch (2024) with Zhejiang only.
"""

import datetime

import feedparser
import html5lib
import pytest
from django.core.cache import cache
from django.utils import timezone

from column.models import NewsPost
from milestones import checks
from milestones.models import (
    Achievement,
    AchievementKind,
    CheckKind,
    CheckMaterial,
    CheckResult,
    ProgressReport,
    TaskProgress,
)
from pilots.models import Batch, PilotUnit, User
from tests.conftest import make_user
from tests.milestones.checks_builders import approved_plan

MIDTERM_PASSED = datetime.date(2021, 3, 15)
ACCEPTED = datetime.date(2021, 12, 20)
PLAQUE = datetime.date(2022, 3, 1)
FIRST_NAME = "智慧水利先行先试（2020年）"
SECOND_NAME = "智慧水利先行先试（2024年）"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Pages read fresh; the cache test turns the cache back on.
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()


def passed_check(batch, unit, kind, decided_on):
    material = CheckMaterial.objects.create(
        batch=batch, unit=unit, kind=kind, status=CheckMaterial.Status.PASSED
    )
    CheckResult.objects.create(material=material, passed=True, decided_on=decided_on)


def submitted_report(batch, unit, percent, period_start):
    report = ProgressReport.objects.create(
        batch=batch,
        unit=unit,
        period_start=period_start,
        period_end=period_start + datetime.timedelta(days=89),
        due=period_start + datetime.timedelta(days=100),
        status=ProgressReport.Status.SUBMITTED,
    )
    TaskProgress.objects.create(report=report, task=unit.tasks.first(), percent=percent)


def new_batch(slug, name, year, units, *, current=False):
    """A batch launched in `year` and accepted two years later, with `units`."""
    batch = Batch.objects.create(
        slug=slug,
        name=name,
        is_current=current,
        launch_date=datetime.date(year, 3, 1),
        plan_due=datetime.date(year, 4, 30),
        implementation_start=datetime.date(year, 5, 1),
        implementation_end=datetime.date(year + 2, 6, 30),
        midterm_start=datetime.date(year + 1, 3, 1),
        midterm_end=datetime.date(year + 1, 6, 30),
        acceptance_due=datetime.date(year + 2, 9, 30),
    )
    batch.units.set(units)
    return batch


def second_batch(*units):
    """The new current batch (2024–2026) with `units` only."""
    Batch.objects.filter(is_current=True).update(is_current=False)
    return new_batch("2024", SECOND_NAME, 2024, units, current=True)


@pytest.fixture
def first_batch(office_user, fujian):
    """Fujian through the whole first batch, with its published news and
    achievement."""
    batch = Batch.objects.get(slug="2020")
    assert batch.units.count() == 11
    member = make_user("fujian-batch-member", User.Role.UNIT, unit=fujian)
    approved_plan(fujian, member, office_user)
    passed_check(batch, fujian, CheckKind.MIDTERM, MIDTERM_PASSED)
    passed_check(batch, fujian, CheckKind.ACCEPTANCE, ACCEPTED)
    checks.record_plaque(
        batch=batch, unit=fujian, awarded_on=PLAQUE, note="", user=office_user
    )
    submitted_report(batch, fujian, 60, datetime.date(2020, 4, 1))
    submitted_report(batch, fujian, 100, datetime.date(2021, 10, 1))
    task = fujian.tasks.first()
    Achievement.objects.create(
        unit=fujian,
        task=task,
        kind=AchievementKind.PRODUCT,
        title="福建数字水利一张图",
        description="首批试点成果",
        published_at=timezone.now(),
        recommended=True,
        created_by=office_user,
    )
    post = NewsPost.objects.create(
        title="福建首批试点通过验收",
        slug="fujian-accepted",
        summary="福建完成首批试点",
        body="正文",
        publish_at=timezone.now() - datetime.timedelta(days=1),
        created_by=office_user,
    )
    post.units.set([fujian])
    return batch


@pytest.fixture
def two_batches(first_batch, zhejiang):
    return first_batch, second_batch(zhejiang)


def test_unit_page_keeps_the_first_batch_with_its_stages_plaque_and_chart(
    client, two_batches
):
    html = client.get("/units/fujian/").content.decode()
    section = html[html.index('id="batch-2020"') :]
    assert FIRST_NAME in section
    assert 'href="/batches/2020/"' in section
    for label, day in [
        ("实施方案已批准", None),
        ("中期检查已通过", MIDTERM_PASSED),
        ("通过验收", ACCEPTED),
        ("已授牌", PLAQUE),
    ]:
        assert label in section
        if day:
            assert f'{label} · <time datetime="{day:%Y-%m-%d}">' in section
    assert "尚未完成" not in html  # no step left undone, the plaque least of all
    assert 'aria-labelledby="progress-chart-2020-title"' in section
    assert "2021-12-29" in section  # the end of the last period charted
    assert '<time datetime="2020-04-15">2020-04-15</time>' in section  # plans due
    assert "不在当前批次（智慧水利先行先试（2024年））" in html
    assert "实施方案编制中" not in html
    assert 'value="100"' in html  # its tasks' progress, from the first batch


def test_unit_page_of_a_unit_in_both_batches_shows_both(client, two_batches):
    html = client.get("/units/zhejiang/").content.decode()
    assert html.index('id="batch-2024"') < html.index('id="batch-2020"')
    current = html[html.index('id="batch-2024"') : html.index('id="batch-2020"')]
    assert "当前批次" in current
    assert "实施方案编制中" in current
    assert "不在当前批次" not in html


def test_unit_page_with_two_charts_is_valid_with_unique_ids(
    client, two_batches, fujian
):
    _first, second = two_batches
    second.units.add(fujian)
    submitted_report(second, fujian, 30, datetime.date(2024, 5, 1))
    html = client.get("/units/fujian/").content.decode()
    assert html.count("<svg") >= 2
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(html)
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert {"progress-chart-2020-title", "progress-chart-2024-title"} <= set(ids)


def test_home_shows_the_current_batch_and_links_to_the_first(client, two_batches):
    html = client.get("/").content.decode()
    assert SECOND_NAME in html
    assert 'href="/batches/2024/"' in html
    other = html[html.index('id="batches-title"') :]
    assert f'<a href="/batches/2020/">{FIRST_NAME}</a>' in other
    assert "2020-03-01 至 2021-12-31" in other
    # Only Zhejiang is in the current batch; the ten others are shown as not in it.
    assert html.count('stage-0">实施方案编制中') == 1
    assert html.count("不在当前批次") == 10
    assert "<dt>实施方案编制中</dt><dd>1</dd>" in html
    fujian = html[html.index("福建省水利厅") :]
    assert fujian.index("不在当前批次") < fujian.index("</li>")


def test_unit_list_shows_who_is_not_in_the_current_batch(client, two_batches):
    html = client.get("/units/").content.decode()
    assert html.count("实施方案编制中") == 1
    assert html.count("不在当前批次") == 10
    assert 'href="/batches/2024/"' in html


def test_first_batch_page_shows_its_timeline_units_and_final_stages(
    client, two_batches
):
    response = client.get("/batches/2020/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="h3">{FIRST_NAME}</h1>' in html
    assert "非当前批次" in html
    assert '<time datetime="2020-04-15">2020-04-15</time>' in html
    assert '<time datetime="2021-12-31">2021-12-31</time>' in html
    # A batch that is over has no step "now".
    assert 'aria-current="step"' not in html
    units = html[html.index('id="units-title"') : html.index('id="dates-title"')]
    assert units.count('<a href="/units/') == 11
    assert '<a href="/units/fujian/#batch-2020">福建省水利厅</a>' in units
    fujian = units[units.index("福建省水利厅") :]
    assert fujian.index("已授牌") < fujian.index("</li>")
    # The ten others reached nothing in it: not "in preparation" any more.
    assert units.count("未达到任何阶段") == 10
    assert "实施方案编制中" not in units
    assert f'<a href="/batches/2024/">{SECOND_NAME}</a>' in html


def test_current_batch_page_lists_its_members_only(client, two_batches):
    html = client.get("/batches/2024/").content.decode()
    assert "当前批次。" in html
    units = html[html.index('id="units-title"') : html.index('id="dates-title"')]
    assert units.count('<a href="/units/') == 1
    assert "浙江省水利厅" in units
    assert "实施方案编制中" in units
    assert client.get("/batches/1999/").status_code == 404


def test_task_page_keeps_the_first_batch_progress(client, two_batches, fujian):
    task = fujian.tasks.first()
    html = client.get(f"/units/fujian/tasks/{task.pk}/").content.decode()
    assert FIRST_NAME in html
    assert "<td>60%</td>" in html
    assert "<td>100%</td>" in html


def test_feed_and_search_keep_the_first_batch_content(client, two_batches):
    feed = feedparser.parse(client.get("/feed/").content)
    assert "福建首批试点通过验收" in [entry.title for entry in feed.entries]
    response = client.get("/search/", {"q": "福建"})
    kinds = [result.kind for result in response.context["page"]]
    assert kinds.count("工作动态") == 1
    assert kinds.count("成果") == 1
    html = response.content.decode()
    assert "<mark>福建</mark>首批试点通过验收" in html
    assert "<mark>福建</mark>数字水利一张图" in html
    catalogue = client.get("/achievements/").content.decode()
    assert "福建数字水利一张图" in catalogue


def test_cached_batch_page_follows_a_plaque(client, settings, office_user, zhejiang):
    settings.PUBLIC_CACHE_SECONDS = 60
    batch = Batch.objects.get(slug="2020")
    url = "/batches/2020/"

    def zhejiang_line():
        html = client.get(url).content.decode()
        line = html[html.index("浙江省水利厅") :]
        return line[: line.index("</li>")]

    assert "已授牌" not in zhejiang_line()
    passed_check(batch, zhejiang, CheckKind.ACCEPTANCE, ACCEPTED)
    assert "通过验收" in zhejiang_line()
    checks.record_plaque(
        batch=batch, unit=zhejiang, awarded_on=PLAQUE, note="", user=office_user
    )
    assert "已授牌" in zhejiang_line()


def test_cached_batch_page_is_served_without_a_query(
    client, settings, db, django_assert_num_queries
):
    settings.PUBLIC_CACHE_SECONDS = 60
    client.get("/batches/2020/")
    with django_assert_num_queries(0):
        assert client.get("/batches/2020/").status_code == 200


# ------------------------------------------------------------------ query counts


def test_unit_page_costs_the_same_with_one_batch_and_two(
    client, two_batches, fujian, django_assert_num_queries
):
    first, second = two_batches
    with django_assert_num_queries(15):
        one = client.get("/units/fujian/").content.decode()
    assert 'id="batch-2024"' not in one
    second.units.add(fujian)
    passed_check(second, fujian, CheckKind.MIDTERM, datetime.date(2025, 4, 1))
    submitted_report(second, fujian, 30, datetime.date(2024, 5, 1))
    with django_assert_num_queries(15):
        two = client.get("/units/fujian/").content.decode()
    assert 'id="batch-2024"' in two
    assert 'aria-labelledby="progress-chart-2024-title"' in two
    assert 'aria-labelledby="progress-chart-2020-title"' in two


def test_home_and_batch_page_cost_the_same_whatever_the_batches(
    client, two_batches, django_assert_num_queries
):
    with django_assert_num_queries(13):
        client.get("/")
    with django_assert_num_queries(9):
        client.get("/batches/2020/")
    for year in range(2010, 2015):
        new_batch(f"{year}", f"批次{year}", year, PilotUnit.objects.all())
    with django_assert_num_queries(13):
        html = client.get("/").content.decode()
    assert "批次2014" in html
    with django_assert_num_queries(9):
        html = client.get("/batches/2020/").content.decode()
    assert "批次2010" in html
