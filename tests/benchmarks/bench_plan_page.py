"""Benchmark: the plan page's SQL queries and time with 10 and with 500 schedule items.

The page must not make more queries as the schedule grows (issue 3). Runs against a
throw-away test database on whatever DATABASE_URL names (`make bench` picks the local
PostgreSQL like `make test`). Run by `make bench`.
"""

import datetime
import statistics
import time

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_test_environment,
    teardown_test_environment,
)

RUNS = 15
SIZES = (10, 500)


def build(total_items):
    from pilots.models import PilotUnit, User
    from plans.models import ScheduleItem
    from tests.plans.builders import complete_plan, current_plan

    unit = PilotUnit.objects.get(slug="zhejiang")
    plan = complete_plan(current_plan(unit))
    ScheduleItem.objects.filter(plan=plan).delete()
    tasks = list(unit.tasks.all())
    start = plan.batch.implementation_start
    ScheduleItem.objects.bulk_create(
        ScheduleItem(
            plan=plan,
            task=tasks[n % len(tasks)],
            title=f"工作事项{n}",
            start=start + datetime.timedelta(days=n % 300),
            end=start + datetime.timedelta(days=n % 300 + 30),
        )
        for n in range(total_items)
    )
    user, _ = User.objects.get_or_create(
        username="bench-unit", defaults={"role": User.Role.UNIT, "unit": unit}
    )
    return plan, user


def measure(total_items):
    from plans.models import Plan

    Plan.objects.all().delete()
    plan, user = build(total_items)
    client = Client()
    client.force_login(user)
    url = f"/plans/{plan.unit.slug}/"
    assert client.get(url).status_code == 200  # warm-up
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200
    times = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - begin)
    return len(queries), statistics.median(times), len(response.content)


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        print(f"database: {connection.vendor}")
        print(f"{'schedule items':>15} {'queries':>8} {'median ms':>10} {'bytes':>9}")
        for size in SIZES:
            count, median, size_bytes = measure(size)
            print(f"{size:>15} {count:>8} {median * 1000:>10.1f} {size_bytes:>9}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
