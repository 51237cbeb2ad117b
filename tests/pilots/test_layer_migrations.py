"""The move to five layers keeps every row: rows written at the old state (news,
notices and public messages in pilots; extensions, notifications and the outbox in
milestones) are there, unchanged, after migrating forward, and their permissions
follow them to their new app."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from column.models import NewsImage, NewsPost, PublicMessage, PublicNotice
from pilots.models import Batch, Extension, Notification, OutboxEmail, PilotUnit, User

# The last migrations of the old layout, before the models moved.
OLD_STATE = [
    ("pilots", "0003_batch_promotion_public_column"),
    ("milestones", "0006_default_report_reminder_rules"),
    ("column", None),
]
MOVED = {
    "column": ["newspost", "newsimage", "publicnotice", "publicmessage"],
    "pilots": ["extension", "notification", "outboxemail"],
}
OLD_APP = {"column": "pilots", "pilots": "milestones"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _write_old_rows(old):
    """One row of every moved model, through the models as they were."""
    OldUser = old.get_model("pilots", "User")
    office = OldUser.objects.create(username="old-office", role="office")
    unit = old.get_model("pilots", "PilotUnit").objects.get(slug="zhejiang")
    batch = old.get_model("pilots", "Batch").objects.order_by("pk").first()
    post = old.get_model("pilots", "NewsPost").objects.create(
        title="旧新闻",
        slug="old-news",
        summary="摘要",
        body="正文",
        created_by=office,
        publish_at=timezone.now(),
    )
    post.units.add(unit)
    old.get_model("pilots", "NewsImage").objects.create(
        post=post, image="news/2020/05/a.png", alt="图"
    )
    notice = old.get_model("pilots", "PublicNotice").objects.create(
        title="公示",
        body="验收结果",
        starts_on=datetime.date(2021, 12, 1),
        ends_on=datetime.date(2021, 12, 10),
        created_by=office,
    )
    old.get_model("pilots", "PublicMessage").objects.create(
        kind="objection",
        notice=notice,
        unit=unit,
        name="王",
        email="w@example.test",
        subject="异议",
        body="内容",
    )
    old.get_model("milestones", "Extension").objects.create(
        batch=batch,
        unit=unit,
        kind="plan_due",
        due=datetime.date(2020, 5, 15),
        reason="延期",
        granted_by=office,
    )
    old.get_model("milestones", "Notification").objects.create(
        recipient=office, kind="plan_submitted", title="提交", body="正文"
    )
    old.get_model("milestones", "OutboxEmail").objects.create(
        to="w@example.test", subject="主题", body="正文"
    )
    # Permissions of the moved models, on their old content types.
    for app, models in MOVED.items():
        for model in models:
            ContentType.objects.filter(app_label=app, model=model).delete()
            content_type, _ = ContentType.objects.get_or_create(
                app_label=OLD_APP[app], model=model
            )
            Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"view_{model}",
                defaults={"name": f"Can view {model}"},
            )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_forward_keeps_every_row_of_the_moved_models():
    try:
        old = _migrate(OLD_STATE)
        _write_old_rows(old)

        _migrate(_latest())

        office = User.objects.get(username="old-office")
        post = NewsPost.objects.get(slug="old-news")
        assert (post.title, post.created_by, list(post.units.all())) == (
            "旧新闻",
            office,
            [PilotUnit.objects.get(slug="zhejiang")],
        )
        assert NewsImage.objects.get(post=post).alt == "图"
        message = PublicMessage.objects.get(subject="异议")
        assert message.notice == PublicNotice.objects.get(title="公示")
        extension = Extension.objects.get(reason="延期")
        assert (extension.due, extension.batch) == (
            datetime.date(2020, 5, 15),
            Batch.objects.order_by("pk").first(),
        )
        assert Notification.objects.get(recipient=office).title == "提交"
        assert OutboxEmail.objects.get(to="w@example.test").subject == "主题"
        for app, models in MOVED.items():
            for model in models:
                permission = Permission.objects.get(codename=f"view_{model}")
                assert permission.content_type.app_label == app
                assert not ContentType.objects.filter(
                    app_label=OLD_APP[app], model=model
                ).exists()
    finally:
        # Whatever happened, the next test finds the database at the latest state.
        _migrate(_latest())
