"""Benchmark: the office's pages at 11 units and at a national 3,000 (issue 14).

The sibling of bench_public_scale.py for the pages behind the log-in: the office
and department dashboards, the units behind their numbers, the plan list and the
reviews' unit list. Each size is column.scale's synthetic programme (seed_scale:
units in every state) in a fresh throw-away test database. Every page must run
the same number of queries at both sizes, stay under 300 KB and take at 3,000
units at most twice its time at 11. The query counts and sizes are also tests
(tests/milestones/test_dashboard_scale.py). Run by `make bench`.
"""

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from tests.benchmarks.bench_public_scale import measure  # noqa: E402

SIZES = (11, 3000)
PAGES = [
    ("office", "/office/"),
    ("office", "/office/units/"),
    ("office", "/office/units/?stage=reports&state=overdue"),
    ("department", "/department/"),
    ("office", "/plans/"),
    ("office", "/plans/?state=approved&level=city"),
    ("office", "/reviews/"),
    ("office", "/progress/"),
]


def measure_size(units):
    from column import scale
    from column.management.commands.seed_demo import demo_batch_dates
    from pilots.models import User

    scale.build(units=units, dates=demo_batch_dates(timezone.localdate()))
    # scale.build leaves the statistics current (ANALYZE), as a real database has.
    results = {}
    for role, url in PAGES:
        client = Client()
        client.force_login(
            User.objects.filter(role=role, username__startswith=scale.SLUG_PREFIX)[0]
        )
        results[url] = measure(client, url)
    return results


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    figures = {}
    try:
        for units in SIZES:
            connection.creation.create_test_db(verbosity=0, keepdb=False)
            try:
                figures[units] = measure_size(units)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        teardown_test_environment()
    small, large = (figures[units] for units in SIZES)
    print(f"database: {connection.vendor}; {SIZES[0]} units, then {SIZES[1]}")
    print(f"{'page':<45} {'queries':>9} {'ms':>15} {'ratio':>6} {'KB':>13}  verdict")
    for _role, page in PAGES:
        (q1, t1, b1), (q2, t2, b2) = small[page], large[page]
        ratio = t2 / t1
        flat = q1 == q2 and b2 < 300_000 and ratio <= 2
        print(
            f"{page:<45} {q1:>4} {q2:>4} {t1 * 1000:>7.1f} {t2 * 1000:>7.1f}"
            f" {ratio:>6.2f} {b1 / 1000:>6.1f} {b2 / 1000:>6.1f}"
            f"  {'flat' if flat else 'NOT FLAT'}"
        )


if __name__ == "__main__":
    main()
