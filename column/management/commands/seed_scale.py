"""A national-scale synthetic programme in the current database (column.scale).

`seed_scale --units 3000` adds 3,000 synthetic units (slugs scale-0001 …, names
合成单位0001 …) with 10 tasks each to a new batch "scale" made the current one,
so every page shows the programme at national scale. It refuses when DEBUG is
false (unless --force) and refuses a second run: the batch "scale" is there.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from column import scale

from .seed_demo import demo_batch_dates


class Command(BaseCommand):
    help = (
        "Build a national-scale synthetic programme (合成数据) in the current "
        "database: a new batch 'scale', made the current one, with UNITS units "
        "(slugs scale-0001…, names 合成单位0001…) of 10 tasks each, a member per "
        "unit, one expert per 20 units, a member per department; plans in every "
        "state (a tenth not started) with their sections, contacts, schedule, "
        "deliverables, versions and history; a plan-review round with 3 experts "
        "per reviewed plan, score sheets (submitted; one draft on plans under "
        "review) and decisions; progress reports, mid-term material and "
        "achievements of the units with approved plans; news, public notices and "
        "public messages. Rows with an is_demo field have it set; names and texts "
        "say 合成 / （合成数据）; accounts have unusable passwords. Refused "
        "when DEBUG is false unless --force, and refused when the batch 'scale' "
        "exists (run it on a fresh database)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--units", type=int, default=3000, help="How many units (default 3000)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is false (never on a production database).",
        )

    def handle(self, *args, units, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale fills the database with synthetic data: it only runs "
                "with DEBUG=true, or with --force."
            )
        if units < 1:
            raise CommandError("--units must be at least 1.")
        if scale.is_built():
            raise CommandError(
                f"The synthetic batch '{scale.BATCH_SLUG}' exists already: "
                "seed_scale runs once per database."
            )
        start = time.perf_counter()
        with transaction.atomic():
            counts = scale.build(
                units=units, dates=demo_batch_dates(timezone.localdate())
            )
        seconds = time.perf_counter() - start
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<32} {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic programme of {units:,} units built in {seconds:.1f} s."
            )
        )
