"""The public pages at national scale (issue 14): from 11 units to 3,000, each page
runs the same number of queries and stays under 300 KB, because lists of units are
counted, filtered and paginated rather than shown whole. How long a page takes is
measured by tests/benchmarks/bench_public_scale.py, not here."""

import pytest
from django.core.cache import cache

from pilots.models import Batch, BusinessDomain, PilotUnit
from tests.column.programme_builders import grow_programme

MAX_BYTES = 300_000
# The page and the queries it runs, whatever the number of units.
PAGES = {
    "/": 10,
    "/units/": 9,
    "/units/?page=2": 9,
    "/units/?level=city": 9,
    "/units/?level=city&page=3": 9,
    "/units/?domain={domain}&level=province": 10,
    "/batches/{batch}/": 9,
}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()


def _url(template):
    domain = BusinessDomain.objects.first()
    return template.format(domain=domain.slug, batch=Batch.objects.current().slug)


@pytest.mark.parametrize("template, queries", PAGES.items())
def test_public_page_is_flat_from_11_to_3000_units(
    client, db, django_assert_num_queries, template, queries
):
    url = _url(template)
    with django_assert_num_queries(queries):
        small = client.get(url)
    # A national programme: 3,000 units of ten tasks each.
    grow_programme(3000, tasks_per_unit=10)
    with django_assert_num_queries(queries):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert len(small.content) < MAX_BYTES
    assert len(large.content) < MAX_BYTES


def test_unit_list_paginates_and_its_links_keep_the_filters(client, db):
    grow_programme(120)
    html = client.get("/units/?level=city&page=2").content.decode()
    assert "共找到 123 个单位。" in html
    assert html.count('class="card h-100 unit-card"') == 30
    assert '<nav aria-label="单位列表分页">' in html
    assert 'aria-current="page"><span class="page-link">' in html
    assert 'href="?level=city&amp;page=1" rel="prev"' in html
    assert 'href="?level=city&amp;page=3" rel="next"' in html
    # Page 2 of the cities in the list's order (the three cities of the programme
    # data, then the synthetic ones): no basin agency, no province.
    assert "长江水利委员会" not in html
    assert "合成单位26<" not in html
    assert "合成单位27<" in html
    assert "合成单位56<" in html
    assert "合成单位57<" not in html


def test_unit_list_counts_each_level_and_filters_by_it(client, db):
    grow_programme(20)
    html = client.get("/units/?level=basin").content.decode()
    assert '?level=basin" aria-current="page">流域管理机构</a>' in html
    assert '?level=city">市级水利部门</a> <span class="badge level-count">23<' in html
    assert html.count('class="card h-100 unit-card"') == 3
    assert "长江水利委员会" in html
    assert "浙江省水利厅" not in html
    assert "合成单位0" not in html


def test_unit_list_names_a_units_first_tasks_and_counts_the_others(client, db):
    grow_programme(1, tasks_per_unit=5)
    html = client.get("/units/?level=city").content.decode()
    card = html[html.index("合成单位0") :]
    card = card[: card.index("</article>")]
    assert card.count("合成任务") == 3
    assert "合成任务3" not in card
    assert '<a href="/units/synthetic-0/">合成0的全部 5 项任务 →</a>' in card


def test_unit_list_filters_by_business_domain(client, db):
    domain = BusinessDomain.objects.exclude(tasks__unit__slug="zhejiang").first()
    zhejiang = PilotUnit.objects.get(slug="zhejiang")
    zhejiang.tasks.update(business_domain=domain)
    expected = PilotUnit.objects.filter(tasks__business_domain=domain).distinct()
    html = client.get(f"/units/?domain={domain.slug}").content.decode()
    assert html.count('class="card h-100 unit-card"') == expected.count()
    assert "浙江省水利厅" in html
    for unit in PilotUnit.objects.exclude(pk__in=expected):
        assert f'href="/units/{unit.slug}/"' not in html
    # The level counts are those under the domain chosen, and keep it.
    assert f'?domain={domain.slug}&amp;level=province">' in html


def test_unit_list_ignores_a_filter_or_page_it_does_not_know(client, db):
    html = client.get("/units/?level=planet&domain=atlantis&page=99").content.decode()
    assert html.count('class="card h-100 unit-card"') == 11
    assert "选择一个有效的选项" in html


def test_batch_page_paginates_its_members(client, db):
    grow_programme(60)
    batch = Batch.objects.current()
    html = client.get(f"/batches/{batch.slug}/").content.decode()
    assert "<dt>实施方案已批准</dt><dd>60</dd>" in html
    assert html.count(f'#batch-{batch.slug}">') == 30
    assert 'href="?page=2" rel="next"' in html
    html = client.get(f"/batches/{batch.slug}/?page=3").content.decode()
    assert html.count(f'#batch-{batch.slug}">') == 11
    assert "合成单位48<" not in html
    assert "合成单位59<" in html
    assert 'href="?page=2" rel="prev"' in html
