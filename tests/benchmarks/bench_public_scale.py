"""Benchmark: the public pages at 11 units and at a national 3,000 (issue 14).

Every page must run the same number of queries at both sizes, stay under 300 KB,
and take at 3,000 units at most twice its time at 11 (in process, through the test
client, the page cache off). The query counts and sizes are also tests
(tests/column/test_public_scale.py); the times are measured only here. Runs against
a throw-away test database on whatever DATABASE_URL names. Run by `make bench`.
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

RUNS = 9
UNITS = 3000
TASKS_PER_UNIT = 10
PAGES = [
    "/",
    "/units/",
    "/units/?page=2",
    "/units/?level=city",
    "/units/?level=province&domain={domain}",
    "/batches/{batch}/",
]


def measure(client, url):
    assert client.get(url).status_code == 200  # warm-up
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    times = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - begin)
    return len(queries), statistics.median(times), len(response.content)


def measure_all():
    from pilots.models import Batch, BusinessDomain

    client = Client()
    values = {
        "domain": BusinessDomain.objects.first().slug,
        "batch": Batch.objects.current().slug,
    }
    return {page: measure(client, page.format(**values)) for page in PAGES}


def main():
    from tests.column.programme_builders import grow_programme

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        with override_settings(PUBLIC_CACHE_SECONDS=0):
            small = measure_all()
            grow_programme(UNITS, tasks_per_unit=TASKS_PER_UNIT)
            large = measure_all()
        print(f"database: {connection.vendor}; 11 units, then {UNITS + 11}")
        print(
            f"{'page':<40} {'queries':>9} {'ms':>15} {'ratio':>6} {'KB':>13}  verdict"
        )
        for page in PAGES:
            (q1, t1, b1), (q2, t2, b2) = small[page], large[page]
            ratio = t2 / t1
            flat = q1 == q2 and b2 < 300_000 and ratio <= 2
            print(
                f"{page:<40} {q1:>4} {q2:>4} {t1 * 1000:>7.1f} {t2 * 1000:>7.1f}"
                f" {ratio:>6.2f} {b1 / 1000:>6.1f} {b2 / 1000:>6.1f}"
                f"  {'flat' if flat else 'NOT FLAT'}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
