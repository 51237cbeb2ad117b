"""Benchmark: the public search at 11 units and at a national 3,000 (issue 14).

Queries of 2, 4 and 8 characters (one, two and four words after segmentation),
in process through the test client, the page cache off (the search is never
cached). Each row gives the statements the search ran, the median time over RUNS
requests, the results found, and beside it the floor: the search page without a
query (the same template and form, no index read). At 3,000 units the index is
rebuilt in bulk (timed), ANALYZEd, and the plan of each query is checked for a
sequential scan; a last line times a query whose words are in every synthetic
task (30,000 results), the worst case. The statement counts and the plans are also tests
(tests/column/test_search*.py); the times are measured only here. Runs against a
throw-away test database on whatever DATABASE_URL names. Run by `make bench`.
"""

import statistics
import time

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)

RUNS = 15
UNITS = 3000
TASKS_PER_UNIT = 10
QUERIES = ["山洪", "山洪预警", "山洪灾害监测预警"]
# The worst case of the synthetic data: both words in every synthetic task, a
# third of the index (ranking reads every match).
COMMON = "合成任务"
FLOOR = "/search/"


def timed(client, url):
    assert client.get(url).status_code == 200  # warm-up
    times = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def measure(client, query):
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/search/", {"q": query})
    url = f"/search/?q={query}"
    return len(statements), timed(client, url), response.context["total"]


def measure_all():
    client = Client()
    floor = timed(client, FLOOR)
    return floor, {query: measure(client, query) for query in QUERIES}


def index_rows():
    from column.models import SearchEntry, SearchTerm

    return SearchEntry.objects.count(), SearchTerm.objects.count()


def seq_scans():
    from column import search

    plans = []
    for query in QUERIES:
        rows = search.matches(search.terms_of(query))
        plans.append(rows.explain() + rows[: search.PAGE_SIZE].explain())
    return sum(plan.count("Seq Scan") for plan in plans)


def main():
    from column import search_index
    from tests.column.programme_builders import grow_programme

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        with override_settings(PUBLIC_CACHE_SECONDS=0):
            small_rows = index_rows()
            small = measure_all()
            grow_programme(UNITS, tasks_per_unit=TASKS_PER_UNIT)
            begin = time.perf_counter()
            search_index.rebuild()
            rebuild = time.perf_counter() - begin
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE column_searchterm, column_searchentry")
            large_rows = index_rows()
            large = measure_all()
            common = measure(Client(), COMMON)
            scans = seq_scans() if connection.vendor == "postgresql" else "n/a"
        print(f"database: {connection.vendor}; 11 units, then {UNITS + 11}")
        print(
            f"index: {small_rows[0]:,} entries / {small_rows[1]:,} terms, then "
            f"{large_rows[0]:,} / {large_rows[1]:,}; rebuilt in {rebuild:.1f} s; "
            f"sequential scans in the plans at {UNITS + 11} units: {scans}"
        )
        print(
            f"{'query':<12} {'chars':>5} {'statements':>11} {'results':>15} "
            f"{'ms':>15} {'floor ms':>15} {'ratio':>6}"
        )
        (floor1, rows1), (floor2, rows2) = small, large
        for query in QUERIES:
            (q1, t1, n1), (q2, t2, n2) = rows1[query], rows2[query]
            print(
                f"{query:<12} {len(query):>5} {q1:>5} {q2:>5} {n1:>7} {n2:>7}"
                f" {t1 * 1000:>7.1f} {t2 * 1000:>7.1f}"
                f" {floor1 * 1000:>7.1f} {floor2 * 1000:>7.1f} {t2 / t1:>6.2f}"
            )
        q, t, n = common
        print(
            f"{COMMON} (every synthetic task) at {UNITS + 11} units: {q} statements,"
            f" {n:,} results, {t * 1000:.1f} ms"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
