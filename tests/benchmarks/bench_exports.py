"""Benchmark: every export at 11 and at 3,000 units (issue 14).

For each size a scratch PostgreSQL database gets the synthetic programme that
`manage.py seed_scale --units N` builds (column.scale); signed in as its office
account, each export (the four dashboard tables and a round's ranking, as XLSX
and as CSV) is asked for with the POST of its button, through the test client,
then built by the body of its Celery task (pilots.exportjobs.build_export with
the app's table_for) in this process. Reported: the POST's time (it only
records the job: it must stay flat), the build's time in the worker, rows and
file size; medians of RUNS. The Celery message goes to an in-process broker.
Run by `make bench`, or alone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal DEBUG=true \\
    SECRET_KEY=x PYTHONPATH=. DJANGO_SETTINGS_MODULE=portal.settings \\
    .venv/bin/python tests/benchmarks/bench_exports.py
"""

import os
import statistics
import tempfile
import time

os.environ["CELERY_BROKER_URL"] = "memory://"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import resolve, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 3
SIZES = (11, 3000)


def measure_one(client, url, table_for):
    from pilots import exportjobs
    from pilots.models import ExportJob

    posts, builds = [], []
    for _run in range(RUNS):
        begin = time.perf_counter()
        response = client.post(url)
        posts.append(time.perf_counter() - begin)
        assert response.status_code == 302, response.status_code
        job = ExportJob.objects.get(pk=resolve(response.url).kwargs["pk"])
        begin = time.perf_counter()
        exportjobs.build_export(job.pk, table_for)
        builds.append(time.perf_counter() - begin)
        job.refresh_from_db()
        assert job.status == ExportJob.Status.READY, job.error
        rows, size = job.rows_done, job.file.size
        job.file.delete(save=False)
        job.delete()
    return statistics.median(posts), statistics.median(builds), rows, size


def measure(units):
    from column import scale
    from column.management.commands.seed_demo import demo_batch_dates
    from milestones import exports
    from pilots.models import User
    from reviews import exports as review_exports
    from reviews.models import Round

    start = time.perf_counter()
    with transaction.atomic():
        scale.build(units=units, dates=demo_batch_dates(timezone.localdate()))
    built = time.perf_counter() - start
    office = User.objects.get(username=f"{scale.SLUG_PREFIX}office")
    client = Client()
    client.force_login(office)
    round_ = Round.objects.get(batch__slug=scale.BATCH_SLUG)
    results = {}
    for what in exports.TABLES:
        for fmt in ("xlsx", "csv"):
            url = reverse("milestones:office_export", args=[what, fmt])
            results[what, fmt] = measure_one(client, url, exports.table_for)
    for fmt in ("xlsx", "csv"):
        url = reverse("reviews:round_export", args=[round_.pk, fmt])
        results["ranking", fmt] = measure_one(client, url, review_exports.table_for)
    return built, results


def main():
    settings.DEBUG = False  # production: no per-statement log in the timed runs
    settings.VAR_DIR = tempfile.mkdtemp(prefix="bench-exports-")
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench_exports"
    setup_test_environment()  # the test client's host, "testserver"
    measured = {}
    for units in SIZES:
        connection.creation.create_test_db(verbosity=0, keepdb=False)
        try:
            measured[units] = measure(units)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    teardown_test_environment()
    small, large = SIZES
    print(f"database: {connection.vendor}; synthetic programme of {small}, {large}")
    for units in SIZES:
        print(f"  {units} units built in {measured[units][0]:.1f} s")
    print(
        f"| export | rows {small} / {large} | build in the worker {small} / {large} "
        f"| POST {small} / {large} | file {small} / {large} |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for key in measured[small][1]:
        (p1, b1, r1, s1), (p2, b2, r2, s2) = (
            measured[small][1][key],
            measured[large][1][key],
        )
        print(
            f"| {key[0]}.{key[1]} | {r1:,} / {r2:,} | {b1:.3f} s / {b2:.3f} s "
            f"| {p1 * 1000:.1f} ms / {p2 * 1000:.1f} ms "
            f"| {s1 / 1000:,.1f} KB / {s2 / 1000:,.1f} KB |"
        )
    print(
        f"medians of {RUNS} runs; command: make bench"
        " (tests/benchmarks/bench_exports.py)"
    )


if __name__ == "__main__":
    main()
