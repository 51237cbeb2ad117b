"""`python manage.py restore --from DIR`: a backup (see backup.py) into an empty
database and the configured file storage. Every file is written through its
field's storage and checked against the manifest's SHA-256 afterwards."""

import json
import subprocess
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import DUMP, MANIFEST, postgres_env, program, sha256


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True)

    def handle(self, *args, source, **options):
        folder = Path(source)
        entries = json.loads((folder / MANIFEST).read_text())
        if connection.introspection.table_names():
            raise CommandError(
                "restore needs an empty database: this one already has tables."
            )
        env = postgres_env()
        subprocess.run(  # noqa: S603 - a fixed program; the arguments are ours
            [program("pg_restore"), "--no-owner", "--exit-on-error"]
            + ["--dbname", env["PGDATABASE"], str(folder / DUMP)],
            env=env,
            check=True,
        )
        for entry in entries:
            model = apps.get_model(entry["model"])
            storage = model._meta.get_field(entry["field"]).storage
            data = (folder / "files" / entry["name"]).read_bytes()
            if sha256(data) != entry["sha256"]:
                raise CommandError(f"{entry['name']}: the backup's copy is damaged.")
            if storage.exists(entry["name"]):
                storage.delete(entry["name"])
            saved = storage.save(entry["name"], ContentFile(data))
            with storage.open(saved, "rb") as stored:
                if saved != entry["name"] or sha256(stored.read()) != entry["sha256"]:
                    raise CommandError(f"{entry['name']} was not stored as it was.")
        self.stdout.write(f"Restored the database and {len(entries)} files.")
