"""`backup` and `restore`, tried: a programme with a plan, its attachment and a
news image is backed up, restored into a fresh database and a fresh file store,
and the same plans and files come back, byte for byte."""

import hashlib
import json
import shutil
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from column.models import NewsImage
from tests.column.news_builders import make_post, png_bytes
from tests.conftest import require_service
from tests.pilots.test_settings import PRODUCTION_ENV, run_manage
from tests.plans.builders import complete_plan, current_plan
from tests.reviews.test_sheet_reading import upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READ_BACK = (
    "import hashlib, json; "
    "from plans.models import Plan, Attachment; from column.models import NewsImage; "
    "print(json.dumps({"
    "'plans': sorted((p.unit.slug, p.status) for p in Plan.objects.all()), "
    "'files': sorted((f.name, hashlib.sha256(f.file.read()).hexdigest()) "
    "for f in Attachment.objects.all()), "
    "'images': sorted(hashlib.sha256(i.image.read()).hexdigest() "
    "for i in NewsImage.objects.all())}))"
)


@pytest.fixture
def fresh_database():
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        require_service("pg_dump and pg_restore (Debian: postgresql-client)")
    name = f"restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    yield name, f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_and_file_store(
    settings, tmp_path, zhejiang, office_user, unit_user, fresh_database
):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL (backup and restore are made for it)")
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = complete_plan(current_plan(zhejiang))
    attachment = upload(
        plan, unit_user, name="需求分析附表.pdf", body=b"%PDF-1.4 annex"
    )
    post = make_post(office_user)
    NewsImage.objects.create(
        post=post, image=ContentFile(png_bytes(), name="photo.png"), alt="闸站"
    )

    call_command("backup", to=str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert {entry["model"] for entry in manifest} == {
        "plans.Attachment",
        "column.NewsImage",
    }

    _name, url = fresh_database
    restored_env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": url,
        "VAR_DIR": str(tmp_path / "restored-var"),
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
    }
    restore = run_manage(
        "restore", "--from", str(tmp_path / "backup"), env=restored_env
    )
    assert restore.returncode == 0, restore.stderr
    assert "Restored the database and 2 files." in restore.stdout

    answer = run_manage("shell", "-c", READ_BACK, env=restored_env)
    assert answer.returncode == 0, answer.stderr
    restored = json.loads(answer.stdout.splitlines()[-1])
    assert restored["plans"] == [["zhejiang", plan.status]]
    assert restored["files"] == [
        [attachment.name, hashlib.sha256(b"%PDF-1.4 annex").hexdigest()]
    ]
    assert restored["images"] == [hashlib.sha256(png_bytes()).hexdigest()]
    # The files are in the new store, under the names the rows give.
    assert (tmp_path / "restored-var" / "private" / attachment.file.name).exists()

    # A second restore into the now full database is refused, and changes nothing.
    again = run_manage("restore", "--from", str(tmp_path / "backup"), env=restored_env)
    assert again.returncode != 0
    assert "restore needs an empty database" in again.stderr


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", to=str(tmp_path))
