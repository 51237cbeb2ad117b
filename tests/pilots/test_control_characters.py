"""Control characters cannot hurt other people's pages: removed from every posted
field; the feed and the exports hold none, even of text stored before."""

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from column.models import NewsPost
from milestones.models import Achievement
from pilots.models import Task
from pilots.text import without_control_characters
from tests.column.test_news_office import form_data
from tests.conftest import client_for
from tests.milestones.test_exports import csv_rows, export, sheet_of

pytestmark = pytest.mark.django_db

NASTY = "水利\x01一张图\x07上线\x1b\x9b"


def test_text_loses_its_control_characters_and_keeps_tabs_and_line_breaks():
    assert without_control_characters(NASTY) == "水利一张图上线"
    assert without_control_characters("甲\t乙\r\n丙\n") == "甲\t乙\r\n丙\n"
    assert without_control_characters(12) == 12


def test_a_posted_title_is_stored_without_them_and_the_feed_stays_readable(
    client, office_user
):
    client_for(client, office_user)
    response = client.post(
        reverse("column:news_create"),
        form_data(title=NASTY, summary="第一行\n第二行\x00", slug="map"),
    )
    assert response.status_code == 302
    post = NewsPost.objects.get()
    assert (post.title, post.summary) == ("水利一张图上线", "第一行\n第二行")

    client.logout()
    NewsPost.objects.filter(pk=post.pk).update(publish_at=timezone.now())
    feed = client.get("/feed/")
    assert feed.status_code == 200
    assert feedparser.parse(feed.content).entries[0].title == "水利一张图上线"


def test_text_stored_before_the_cleaning_breaks_neither_feed_nor_exports(
    client, office_user, zhejiang
):
    # Rows written as before the cleaning existed (an update bypasses the forms).
    post = NewsPost.objects.create(
        title="旧标题",
        slug="old",
        summary="摘要",
        body="正文",
        publish_at=timezone.now(),
        created_by=office_user,
    )
    NewsPost.objects.filter(pk=post.pk).update(title=NASTY, summary=NASTY)
    achievement = Achievement.objects.create(
        unit=zhejiang,
        task=Task.objects.filter(unit=zhejiang).first(),
        kind="scheme",
        title="方案",
        description="说明",
        created_by=office_user,
    )
    Achievement.objects.filter(pk=achievement.pk).update(title=NASTY)

    feed = client.get("/feed/")
    assert feed.status_code == 200
    assert feedparser.parse(feed.content).entries[0].title == "水利一张图上线"
    rows = list(
        sheet_of(export(client, office_user, "achievements", "xlsx")).iter_rows(
            values_only=True
        )
    )
    assert rows[1][3] == "水利一张图上线"
    rows = csv_rows(export(client, office_user, "achievements", "csv"))
    assert rows[1][3] == "水利一张图上线"
