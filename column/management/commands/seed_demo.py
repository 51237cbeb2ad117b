"""Demo accounts and a live demo batch, so that `make run` shows the portal working.

Each app adds its own demo content in a `demo*.py` module with a function
`seed(batch, stdout)`; this command, on the top floor, calls them in the order
of DEMO_MODULES (later content builds on earlier: reviews need plans).
Safe to run twice: it updates what is there and keeps what users changed.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from column import demo_messages, demo_news, search_index
from milestones import demo as milestones_demo
from milestones import demo_achievements, demo_checks, demo_circulars, demo_progress
from pilots import batches
from pilots.models import Batch, Department, PilotUnit, User
from plans import demo as plans_demo
from reviews import demo as reviews_demo

DEMO_PASSWORD = "demo12345"  # noqa: S105 - printed in the README on purpose
DEMO_MODULES = [
    plans_demo,
    reviews_demo,
    milestones_demo,
    demo_progress,
    demo_checks,
    demo_messages,
    demo_news,
    demo_achievements,
    demo_circulars,
]

# (username, full name, expertise, affiliation slug)
EXPERTS = [
    ("expert1", "王建华（演示）", User.Expertise.BUSINESS, None),
    ("expert2", "李明（演示）", User.Expertise.IT, None),
    # Tied to Shenzhen, so the portal never assigns expert3 to Shenzhen's plan.
    ("expert3", "陈静（演示）", User.Expertise.BUSINESS, "shenzhen"),
]


def demo_batch_dates(today):
    """Dates relative to today, so deadlines, reminders and the timeline are live.

    The demo programme is in its implementation phase: plans were due long ago
    (the late ones have extensions, plans.demo), the mid-term check window is
    open now, acceptance is more than a year away."""
    day = datetime.timedelta(days=1)
    return {
        "launch_date": today - 300 * day,
        "plan_due": today - 240 * day,
        "implementation_start": today - 230 * day,
        "implementation_end": today + 400 * day,
        "midterm_start": today - 15 * day,
        "midterm_end": today + 15 * day,
        "acceptance_due": today + 400 * day,
        "promotion_from": today + 440 * day,
    }


class Command(BaseCommand):
    help = "Create the demo accounts and demo batch (refused when DEBUG is false)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password: it only runs "
                "with DEBUG=true."
            )
        with transaction.atomic():
            batch = self.seed_batch()
            self.seed_accounts()
            for module in DEMO_MODULES:
                module.seed(batch, self.stdout)
            # Saves kept the index current; a module may write rows in bulk.
            search_index.rebuild()
        self.print_logins()

    def seed_batch(self):
        today = timezone.localdate()
        batch, created = Batch.objects.get_or_create(
            slug="demo",
            defaults={
                "name": "演示批次（数据为演示）",
                "name_en": "Demo batch (demo data)",
                "is_demo": True,
                **demo_batch_dates(today),
            },
        )
        if created:
            # The demo batch is the one the portal works on: its dates are live.
            units = list(PilotUnit.objects.all())
            batches.save_batch(
                batch=batch, units=units, tasks=batches.every_task_of(units)
            )
            batches.make_current(batch)
        return batch

    def seed_accounts(self):
        self.make_user(
            "office",
            "网信办（演示）",
            role=User.Role.OFFICE,
            is_staff=True,
            is_superuser=True,
        )
        self.make_user(
            "department",
            "运行管理司（演示）",
            role=User.Role.DEPARTMENT,
            department=Department.objects.get(slug="operation"),
        )
        for username, name, expertise, affiliation in EXPERTS:
            self.make_user(
                username,
                name,
                role=User.Role.EXPERT,
                expertise=expertise,
                affiliation=PilotUnit.objects.filter(slug=affiliation).first(),
            )
        for unit in PilotUnit.objects.all():
            self.make_user(
                f"unit-{unit.slug}",
                f"{unit.short_name}联络员（演示）",
                role=User.Role.UNIT,
                unit=unit,
            )

    def make_user(self, username, full_name, **fields):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": f"{username}@demo.invalid",
                **fields,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS("Demo accounts (password: demo12345):"))
        self.stdout.write("  office       programme office (网信办), also Django admin")
        self.stdout.write("  department   business department (运行管理司)")
        self.stdout.write("  expert1..3   experts (expert3 is tied to Shenzhen)")
        for unit in PilotUnit.objects.all():
            self.stdout.write(f"  unit-{unit.slug:<11} {unit.name}")
