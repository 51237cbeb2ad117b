"""Build the public search's index anew from the database (column.search_index).

Saves keep the index current; this is for what bypasses them: a restore, a
loaddata, rows written with bulk_create or update() outside the services."""

from django.core.management.base import BaseCommand

from column import search_index


class Command(BaseCommand):
    help = (
        "Build the public search's index anew from what the public sees: published "
        "news, units, tasks, published achievements, notices and messages."
    )

    def handle(self, *args, **options):
        count = search_index.rebuild()
        self.stdout.write(f"Search index rebuilt: {count} entries.")
