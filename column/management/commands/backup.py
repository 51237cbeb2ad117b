"""`python manage.py backup --to DIR`: the database and every stored file, into DIR.

DIR/database.dump is `pg_dump --format=custom` of the portal's PostgreSQL database;
DIR/files/ holds every file a FileField names (attachments, evidence, achievement
files, news images, rendered PDFs), read through the field's storage, so a backup
of an object store and of the file system is the same; DIR/manifest.json lists
each file with its size and SHA-256. `restore --from DIR` puts both back.
"""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models

MANIFEST = "manifest.json"
DUMP = "database.dump"


def postgres_env():
    """The environment pg_dump and pg_restore connect with (libpq's variables)."""
    if connection.vendor != "postgresql":
        raise CommandError("backup and restore need PostgreSQL (DATABASE_URL).")
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def program(name):
    """The full path of a PostgreSQL client program (Debian: postgresql-client)."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def file_fields():
    """(model, field) for every FileField of the portal's models."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Command(BaseCommand):
    help = "Back up the database and every stored file into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="an empty or new folder")

    def handle(self, *args, to, **options):
        folder = Path(to)
        if folder.exists() and any(folder.iterdir()):
            raise CommandError(f"{folder} is not empty.")
        (folder / "files").mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - a fixed program; the arguments are ours
            [program("pg_dump"), "--format=custom", "--no-owner"]
            + ["--file", str(folder / DUMP)],
            env=postgres_env(),
            check=True,
        )
        entries = []
        for model, field in file_fields():
            names = (
                model._base_manager.exclude(**{field.name: ""})
                .values_list(field.name, flat=True)
                .order_by(field.name)
            )
            for name in names:
                with field.storage.open(name, "rb") as stored:
                    data = stored.read()
                target = folder / "files" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                entries.append(
                    {
                        "model": model._meta.label,
                        "field": field.name,
                        "name": name,
                        "size": len(data),
                        "sha256": sha256(data),
                    }
                )
        (folder / MANIFEST).write_text(
            json.dumps(entries, indent=1, ensure_ascii=False)
        )
        self.stdout.write(
            f"Backed up the database and {len(entries)} files to {folder}."
        )
