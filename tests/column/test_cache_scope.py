"""The public page cache is dropped only by what the public can see: a unit's
draft, an unpublished post, a pending message or an unpublished achievement
keeps every cached page; a publication, a submission, a withdrawal drops them."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from column import cache
from milestones import achievements
from milestones.progress import TaskInput, period_for, save_report, submit_report
from pilots.models import Batch
from plans import services as plan_services
from tests.column.news_builders import make_post
from tests.column.test_public_messages import make_message
from tests.milestones.test_achievements import make_achievement
from tests.plans.builders import current_plan

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cached(db, settings, client, django_assert_num_queries):
    """The unit's public page, cached; returns a check that it still is."""
    settings.PUBLIC_CACHE_SECONDS = 600
    client.get("/units/zhejiang/")

    def still_cached():
        with django_assert_num_queries(0):
            assert client.get("/units/zhejiang/").status_code == 200

    still_cached()
    return still_cached


def _report(unit, user):
    batch = Batch.objects.current()
    return save_report(
        batch=batch,
        unit=unit,
        period=period_for(batch, "2020-07-01"),
        user=user,
        summary="草稿",
        tasks=[TaskInput(task=task, percent=30) for task in unit.tasks.all()],
        items=[],
    )


def test_a_units_plan_draft_keeps_the_cache(cached, zhejiang, unit_user):
    plan = current_plan(zhejiang)
    before = cache.content_version()
    for text in ("草稿内容", "草稿内容，改过"):
        section = plan_services.section_for(plan=plan, key="content")
        plan_services.save_section(
            plan=plan,
            key="content",
            text=text,
            revision=section.revision,
            user=unit_user,
        )
    assert cache.content_version() == before
    cached()


def test_a_draft_progress_report_keeps_the_cache_its_submission_drops_it(
    settings, client, zhejiang, unit_user
):
    settings.PUBLIC_CACHE_SECONDS = 600
    with time_machine.travel(
        datetime.datetime(2020, 8, 5, 10, tzinfo=SHANGHAI), tick=False
    ):
        before = cache.content_version()
        report = _report(zhejiang, unit_user)
        _report(zhejiang, unit_user)  # saved again, still a draft
        assert cache.content_version() == before
        submit_report(report=report, user=unit_user)
        assert cache.content_version() != before


def test_unpublished_content_keeps_the_cache(cached, office_user, unit_user, zhejiang):
    before = cache.content_version()
    draft = make_post(office_user, state="draft")
    draft.title = "草稿标题"
    draft.save()
    make_message()  # a visitor's message waiting for the office
    item = make_achievement(zhejiang, unit_user)
    item.title = "改过的标题"
    item.save()
    assert cache.content_version() == before
    cached()


def test_publishing_and_withdrawing_drop_the_cache(office_user, unit_user, zhejiang):
    before = cache.content_version()
    make_post(office_user, state="published")
    assert cache.content_version() != before

    item = make_achievement(zhejiang, unit_user, published_at=timezone.now())
    before = cache.content_version()
    # Taken back with a plain save: the row was public before, so pages drop it.
    item.published_at = None
    item.save()
    assert cache.content_version() != before
    before = cache.content_version()
    achievements.publish(achievement=item, user=office_user)
    assert cache.content_version() != before


def test_a_published_message_drops_the_cache(db):
    message = make_message()
    before = cache.content_version()
    message.status = message.Status.PUBLISHED
    message.save()
    assert cache.content_version() != before
