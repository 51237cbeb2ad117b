"""Benchmark: the daily reminder scan over a national-scale synthetic programme.

Builds, in a scratch PostgreSQL database, 3,000 pilot units with 10 tasks each
(30,000), one member per unit, a current batch whose plans are due in 7 days (300
units extended to 3 days from now), plans for a fifth of the units (submitted,
with their contacts) and a plan review round closing in 3 days with three
experts on each submitted plan; the reporting cadence is monthly with the grace
set so that last month's report is due in 7 days too. Then it times the body of
the daily Celery task `milestones.send_due_reminders` (every scan it calls:
plans, progress reports, expert scoring) on that day: SQL statements, wall time
(median of RUNS, each on fresh SentReminder/notification/outbox state) and the
reminders sent; then the same scan run again straight away (nothing left to
send). Run by `make bench`, or alone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal DEBUG=true \
    SECRET_KEY=x PYTHONPATH=. DJANGO_SETTINGS_MODULE=portal.settings \
    .venv/bin/python tests/benchmarks/bench_reminders.py
"""

import datetime
import logging
import os
import statistics
import time

# The scan asks Celery to drain the outbox on commit: the message goes to an
# in-process broker, so the bench never queues work on a real one.
os.environ["CELERY_BROKER_URL"] = "memory://"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

UNITS = 3_000
TASKS_PER_UNIT = 10
EXTENDED = 300  # plan deadline extended to 3 days from now
SUBMITTED = 600  # plan submitted: no plan reminder; scored in the round
DRAFTS = 300  # plan started, not submitted: still reminded
EXPERTS = 150
EXPERTS_PER_PLAN = 3
RUNS = 3


def build():
    from milestones.models import ReportingSchedule
    from pilots.models import (
        Batch,
        BusinessDomain,
        DeadlineKind,
        Extension,
        PilotUnit,
        Task,
        User,
    )
    from plans.models import Contact, Plan
    from reviews.models import Assignment, Round, Submission

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    Batch.objects.update(is_current=False)
    # Last month's report due in 7 days: monthly periods, grace to that day.
    last_month_end = today.replace(day=1) - day
    batch = Batch.objects.create(
        slug="national",
        name="全国试点（基准测试）",
        is_current=True,
        launch_date=today - 120 * day,
        plan_due=today + 7 * day,
        implementation_start=today - 100 * day,
        implementation_end=today + 600 * day,
        midterm_start=today + 240 * day,
        midterm_end=today + 330 * day,
        acceptance_due=today + 600 * day,
    )
    ReportingSchedule.objects.create(
        batch=batch,
        cadence=ReportingSchedule.Cadence.MONTHLY,
        grace_days=(today + 7 * day - last_month_end).days,
    )
    levels = list(PilotUnit.Level)
    units = PilotUnit.objects.bulk_create(
        PilotUnit(
            slug=f"bench-{n:04d}",
            name=f"基准测试试点单位{n:04d}",
            short_name=f"单位{n:04d}",
            level=levels[n % len(levels)],
            order=100 + n,
        )
        for n in range(UNITS)
    )
    batch.units.through.objects.bulk_create(
        batch.units.through(batch_id=batch.pk, pilotunit_id=unit.pk) for unit in units
    )
    domains = list(BusinessDomain.objects.all())
    tasks = Task.objects.bulk_create(
        Task(
            unit=unit,
            title=f"任务{t}",
            business_domain=domains[(unit.pk + t) % len(domains)],
            order=t,
        )
        for unit in units
        for t in range(TASKS_PER_UNIT)
    )
    office = User.objects.create(username="bench-office", role=User.Role.OFFICE)
    # Unusable passwords: hashing 3,000 real ones would dominate the set-up.
    User.objects.bulk_create(
        User(
            username=f"bench-member-{n:04d}",
            email=f"member{n:04d}@example.test",
            role=User.Role.UNIT,
            unit=unit,
            password="!",  # noqa: S106
        )
        for n, unit in enumerate(units)
    )
    experts = User.objects.bulk_create(
        User(
            username=f"bench-expert-{n:03d}",
            email=f"expert{n:03d}@example.test",
            role=User.Role.EXPERT,
            expertise=User.Expertise.BUSINESS,
            password="!",  # noqa: S106
        )
        for n in range(EXPERTS)
    )
    Extension.objects.bulk_create(
        Extension(
            batch=batch,
            unit=unit,
            kind=DeadlineKind.PLAN,
            due=today + 3 * day,
            granted_by=office,
        )
        for unit in units[:EXTENDED]
    )
    with_plans = units[EXTENDED : EXTENDED + SUBMITTED + DRAFTS]
    plans = Plan.objects.bulk_create(
        Plan(
            batch=batch,
            unit=unit,
            status="submitted" if n < SUBMITTED else "draft",
        )
        for n, unit in enumerate(with_plans)
    )
    tasks_of = {}
    for task in tasks:
        tasks_of.setdefault(task.unit_id, []).append(task)
    person = {"name": "张三", "post": "处长", "phone": "13812345678"}
    Contact.objects.bulk_create(
        Contact(plan=plan, task=task, role=role, email="c@example.test", **person)
        for plan in plans
        for task in [None, *tasks_of[plan.unit_id]]
        for role in Contact.Role
    )
    round_ = Round.objects.create(
        batch=batch,
        kind=Round.Kind.PLAN,
        title="方案评审（基准测试）",
        opens_on=today - 7 * day,
        closes_on=today + 3 * day,
        created_by=office,
    )
    submissions = Submission.objects.bulk_create(
        Submission(round=round_, unit_id=plan.unit_id) for plan in plans[:SUBMITTED]
    )
    Assignment.objects.bulk_create(
        Assignment(
            submission=submission,
            expert=experts[(n * EXPERTS_PER_PLAN + k) % EXPERTS],
            assigned_by=office,
        )
        for n, submission in enumerate(submissions)
        for k in range(EXPERTS_PER_PLAN)
    )
    return {
        "units": len(units),
        "tasks": len(tasks),
        "members": len(units),
        "contacts": Contact.objects.count(),
        "plans": len(plans),
        "extensions": EXTENDED,
        "assignments": len(submissions) * EXPERTS_PER_PLAN,
    }


def fresh_state():
    """Forget every reminder sent, so the next scan finds them all again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE milestones_sentreminder, milestones_notification, "
            "milestones_outboxemail"
        )


def scan():
    """The daily task's body; returns (seconds, statements, reminders sent,
    the three slowest statements as (seconds, start of the SQL), seconds in SQL)."""
    from milestones.models import SentReminder
    from milestones.tasks import send_due_reminders_task

    before = SentReminder.objects.count()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        send_due_reminders_task()
        seconds = time.perf_counter() - start
    slowest = sorted(
        ((float(q["time"]), " ".join(q["sql"].split())[:90]) for q in queries),
        reverse=True,
    )[:3]
    in_sql = sum(float(q["time"]) for q in queries)
    sent = SentReminder.objects.count() - before
    return seconds, len(queries), sent, slowest, in_sql


def by_kind():
    from django.db.models import Count

    from milestones.models import SentReminder

    rows = SentReminder.objects.values("kind", "days_before").annotate(n=Count("pk"))
    return ", ".join(
        f"{row['kind']} {row['days_before']:+d}d: {row['n']}"
        for row in rows.order_by("kind", "-days_before")
    )


def main():
    # Production runs with DEBUG off: no per-statement log in the timed runs
    # (CaptureQueriesContext still counts them).
    settings.DEBUG = False
    logging.getLogger("milestones").setLevel(logging.WARNING)
    # No setup_test_environment(): its instrumented template rendering would
    # slow the e-mails' templates down, and nothing is sent anyway.
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench_reminders"
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        start = time.perf_counter()
        sizes = build()
        built = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"database: {connection.vendor}, built in {built:.1f} s: {sizes}")
        print(f"today (Asia/Shanghai): {timezone.localdate()}")
        first, second = [], []
        for _run in range(RUNS):
            fresh_state()
            first.append(scan())
            second.append(scan())
        kinds = by_kind()
        print()
        print(
            "| scan | reminders sent | SQL statements | median wall time "
            "| min – max | median time in SQL |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, runs in (
            (f"first run of the day (fresh state, {RUNS} runs)", first),
            ("second run (nothing left to send)", second),
        ):
            seconds = [run[0] for run in runs]
            counts = {run[1] for run in runs}
            sent = {run[2] for run in runs}
            print(
                f"| {label} | {'/'.join(map(str, sorted(sent)))} "
                f"| {'/'.join(map(str, sorted(counts)))} "
                f"| {statistics.median(seconds):.2f} s "
                f"| {min(seconds):.2f} – {max(seconds):.2f} s "
                f"| {statistics.median(run[4] for run in runs):.2f} s |"
            )
        print()
        print(f"reminders by kind and lead: {kinds}")
        print("slowest statements of the last first run:")
        for seconds, sql in first[-1][3]:
            print(f"  {seconds:.3f} s  {sql}")
        print(
            "command: make bench  (or: PYTHONPATH=. DJANGO_SETTINGS_MODULE="
            "portal.settings .venv/bin/python tests/benchmarks/bench_reminders.py)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
