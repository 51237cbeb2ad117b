"""The search at national scale (issue 14): the same statements for 50 results
as for 30,000, and PostgreSQL serves every query of 2, 4 and 8 characters from
the index tables' btrees, never a sequential scan, at 3,000 units."""

from django.db import connection

from column import search, search_index
from tests.column.programme_builders import grow_programme

# 2, 4 and 8 characters: one word, two words, four words.
QUERIES = ["山洪", "山洪预警", "山洪灾害监测预警"]


def _statements(client, django_assert_num_queries, query):
    with django_assert_num_queries(4):
        response = client.get("/search/", {"q": query})
    return response.context


def _plan(terms):
    rows = search.matches(terms)
    # The page as the view reads it: a count of the matches, then a slice.
    return rows.explain() + "\n" + rows[: search.PAGE_SIZE].explain()


def test_search_is_flat_and_index_served_from_5_to_3000_units(
    client, db, django_assert_num_queries
):
    grow_programme(5, tasks_per_unit=10)
    search_index.rebuild()
    small = _statements(client, django_assert_num_queries, "合成任务")
    assert small["total"] == 50
    # Every task on the page names its unit, read from the index: no N+1.
    # (Equal scores: the newest first.)
    assert {result.meta for result in small["page"]} == {"合成单位3", "合成单位4"}

    grow_programme(2995, tasks_per_unit=10, start=5)
    search_index.rebuild()
    large = _statements(client, django_assert_num_queries, "合成任务")
    assert large["total"] == 30_000
    assert len(large["page"].object_list) == search.PAGE_SIZE
    for query in QUERIES:
        context = _statements(client, django_assert_num_queries, query)
        assert "山洪灾害监测预警平台" in [
            str(r.title).replace("<mark>", "").replace("</mark>", "")
            for r in context["page"]
        ]

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE column_searchterm")
        cursor.execute("ANALYZE column_searchentry")
    for query in QUERIES:
        plan = _plan(search.terms_of(query))
        assert "column_searchterm" in plan, plan
        assert "Seq Scan" not in plan, (query, plan)
