"""Check every version's frozen content and every archival PDF against the
SHA-256 recorded when it was stored (plans/archive.py): a line per problem,
exit status 1 if there is any."""

from django.core.management.base import BaseCommand, CommandError

from plans import archive


class Command(BaseCommand):
    help = (
        "Verify every plan version's content and archival PDF against its "
        "recorded SHA-256; report mismatches and missing files (exit status 1)."
    )

    def handle(self, *args, **options):
        versions, files, problems = archive.verify()
        for problem in problems:
            self.stdout.write(str(problem))
        summary = (
            f"{versions} versions and {files} archival files checked, "
            f"{len(problems)} problems."
        )
        if problems:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
