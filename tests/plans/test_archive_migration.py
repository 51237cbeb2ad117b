"""plans 0013: the versions submitted before archival copies existed get the
SHA-256 of their content, computed by the same canonical function as a new
submission, so `verify_archive` can check them from the first day."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans import archive
from plans.models import PlanVersion

BEFORE = [("plans", "0012_pdf_queue_and_attempts")]
CONTENT = {
    "unit": "浙江省水利厅",
    "batch": "第一批",
    "sections": {"status_quo": "现状：\n水库 12 座", "technical": ""},
    "tasks": [{"id": 7, "title": "数字孪生流域"}],
    "attachments": [{"name": "附件.pdf", "size": 1024, "kind": "pdf", "id": 3}],
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_versions_of_the_previous_main_get_their_content_hash():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = _migrate(BEFORE)
        pilots = [
            node for node in executor.loader.graph.leaf_nodes() if node[0] == "pilots"
        ]
        old = executor.loader.project_state(BEFORE + pilots).apps
        unit = old.get_model("pilots", "PilotUnit").objects.get(slug="zhejiang")
        member = old.get_model("pilots", "User").objects.create(
            username="old-member", role="unit", unit=unit
        )
        plan = old.get_model("plans", "Plan").objects.create(
            batch=old.get_model("pilots", "Batch").objects.order_by("pk").first(),
            unit=unit,
            status="submitted",
        )
        old_version = old.get_model("plans", "PlanVersion").objects.create(
            plan=plan,
            number=1,
            content=CONTENT,
            submitted_at=datetime.datetime(2020, 4, 10, 2, 0, tzinfo=datetime.UTC),
            submitted_by=member,
            due=datetime.date(2020, 4, 15),
        )

        _migrate(latest)

        version = PlanVersion.objects.get(pk=old_version.pk)
        assert version.content_sha256 == archive.content_sha256(CONTENT)
        assert len(version.content_sha256) == 64
        # No archival copy yet: verify_archive says so until queue_archives ran.
        _versions, _files, problems = archive.verify()
        assert [str(p) for p in problems] == [
            "zhejiang v1: no archival copy (submitted)"
        ]
    finally:
        _migrate(latest)
