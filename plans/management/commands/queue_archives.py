"""Queue the archival copies not asked for yet: the versions submitted (and the
plans approved) before archival copies existed. Run it once after migrating; the
worker renders them, and pdfjobs.recover_stalled sends again what the broker
could not take."""

from django.core.management.base import BaseCommand
from django.db import transaction

from plans import archive


class Command(BaseCommand):
    help = "Queue an archival PDF for every plan version that has none yet."

    def handle(self, *args, **options):
        with transaction.atomic():
            queued = archive.queue_missing()
        self.stdout.write(f"{queued} archival copies queued.")
