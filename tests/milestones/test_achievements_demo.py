import io

import pytest
from django.urls import reverse

from milestones import demo_achievements
from milestones.models import Achievement, AchievementKind
from pilots.models import Batch, User
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_demo_achievements_idempotent_and_marked_demo(client, zhejiang):
    make_user("office", User.Role.OFFICE)
    member = make_user("unit-zhejiang", User.Role.UNIT, unit=zhejiang)
    batch = Batch.objects.current()
    demo_achievements.seed(batch, io.StringIO())
    demo_achievements.seed(batch, io.StringIO())

    rows = list(Achievement.objects.all())
    assert len(rows) == 8
    assert all(row.is_demo and "（演示" in row.title for row in rows)
    assert {row.kind for row in rows} == set(AchievementKind.values)
    recommended = list(Achievement.objects.recommended())
    assert len(recommended) == 4
    assert all(row.recommendation.startswith("演示") for row in recommended)
    assert Achievement.objects.public().count() == 7
    (draft,) = Achievement.objects.filter(published_at__isnull=True)
    assert draft.unit.slug == "suzhou"
    assert all(row.task.unit_id == row.unit_id for row in rows)
    assert Achievement.objects.get(unit=zhejiang).created_by == member

    public_file = recommended[0].files.get()
    response = client.get(reverse("milestones:achievement_file", args=[public_file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
