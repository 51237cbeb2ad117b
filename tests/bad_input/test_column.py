"""Bad input to the progress column's forms: the public's message form, search and
filters (column/public_message_forms.py, column/news_forms.py, column/views),
and the office's news, moderation and public notices."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from column import public_messages as services
from column import search
from column.models import NewsPost, PublicMessage, PublicNotice
from milestones.models import AchievementKind
from pilots.models import PilotUnit
from tests.bad_input.harness import (
    NUMBERS,
    bad_input,
    boolean,
    check_post,
    choice,
    date,
    datetime_local,
    long_text,
    one_example,
    posts,
    text,
)
from tests.column.news_builders import make_post, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    # The page cache outlives each test's rolled-back data.
    cache.clear()


@pytest.fixture
def notice(office_user):
    return PublicNotice.objects.create(
        title="验收结果公示",
        body="浙江省水利厅通过验收。",
        starts_on=datetime.date(2020, 3, 1),
        ends_on=datetime.date(2099, 3, 10),
        published=True,
        created_by=office_user,
    )


def _message(token):
    return {
        "kind": "suggestion",
        "notice": "",
        "unit": "",
        "subject": "关于水资源监测的建议",
        "body": "建议在专栏中公布更多水资源监测数据。",
        "name": "张三",
        "email": "zhang@example.test",
        "website": "",
        "token": token,
    }


@bad_input
@given(st.data())
def test_public_message_form(notice, data):
    units = list(PilotUnit.objects.values_list("pk", flat=True))
    token = services.form_token(issued_at=time.time() - 10)
    bad = {
        "kind": choice(*PublicMessage.Kind.values),
        "notice": choice(notice.pk),
        "unit": choice(*units),
        "subject": text(120),
        "body": st.one_of(text(3000), long_text(3000)),
        "name": text(60),
        "email": st.one_of(st.sampled_from(["李@例子.中国", "a@b", "@"]), text(254)),
        "token": st.one_of(
            st.sampled_from([services.form_token(), token + "x", ""]), text()
        ),
    }
    posted = data.draw(posts(_message(token), bad))
    with one_example():
        result, response = check_post(None, "/messages/new/", posted)
        if result == "accepted":
            # Stored once at most, with the cleaned text.
            assert PublicMessage.objects.count() <= 1


@pytest.mark.parametrize("notice_id", ["²", "①", "99999999999999999999", "x", "-1"])
def test_message_form_page_with_a_notice_that_is_no_number(client, notice_id):
    # "²".isdigit() is true, but it is no id: the form page was a 500.
    response = client.get("/messages/new/", {"notice": notice_id})
    assert response.status_code == 200


@bad_input
@given(st.one_of(text(search.MAX_LENGTH), long_text(search.MAX_LENGTH)))
@example("x" * (search.MAX_LENGTH + 1))
def test_search_form(q):
    with one_example():
        result, _response = check_post(
            None, "/search/", {"q": q}, method="get", plain_200=True
        )
        if len(q.strip()) > search.MAX_LENGTH:
            assert result == "refused"


@bad_input
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "unit": choice("zhejiang", "fujian"),
            "category": choice(*NewsPost.Category.values),
            "domain": choice("water-resources"),
            "page": st.sampled_from(NUMBERS + ["", "last", "\x00"]),
        },
    )
)
def test_news_filter_form(data):
    with one_example():
        check_post(None, "/news/", data, method="get", plain_200=True)


@bad_input
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "kind": choice(*AchievementKind.values),
            "domain": choice(),
            "technology": choice(),
            "unit": choice("zhejiang"),
            "page": st.sampled_from(NUMBERS + ["", "last", "\x00"]),
        },
    )
)
def test_achievement_catalogue_filter_form(data):
    with one_example():
        check_post(None, "/achievements/", data, method="get", plain_200=True)


@bad_input
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "unit": choice(),
            "kind": choice(*AchievementKind.values),
            "state": choice("draft", "published", "recommended"),
        },
    )
)
def test_achievement_manage_filter_form(office_user, data):
    with one_example():
        check_post(
            office_user, "/achievements/manage/", data, method="get", plain_200=True
        )


@bad_input
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "status": choice(*PublicMessage.Status.values),
            "kind": choice(*PublicMessage.Kind.values),
            "notice": choice(),
            "page": st.sampled_from(NUMBERS + ["", "last"]),
        },
    )
)
@example({"notice": "²"})
def test_message_moderation_filters(office_user, data):
    with one_example():
        check_post(office_user, "/office/messages/", data, method="get", plain_200=True)


@bad_input
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "stage": choice(),
            "state": choice(),
            "owing": choice(),
        },
    )
)
def test_office_dashboard_filters(office_user, data):
    with one_example():
        check_post(office_user, "/office/", data, method="get", plain_200=True)


# ------------------------------------------------------------------ the office


NEWS = {
    "title": "福建：水利一张图全面上线",
    "slug": "",
    "category": "progress",
    "summary": "福建省水利一张图汇聚全省水利对象。",
    "body": "第一段。\n\n[图片1]",
    "image-alt": "",
    "image-caption": "",
}


def news_bad():
    return {
        "title": text(120),
        "slug": st.one_of(
            st.sampled_from(["taken", "a b", "水利", "-", "a" * 81, "UPPER"]), text(80)
        ),
        "category": choice(*NewsPost.Category.values),
        "summary": text(300),
        "body": text(),
        "units": st.one_of(choice(), st.lists(choice(), max_size=3)),
        "tasks": st.one_of(choice(), st.lists(choice(), max_size=3)),
        "image-image": st.one_of(
            st.builds(
                SimpleUploadedFile,
                st.sampled_from(["图.png", "x.jpg", "<b>.png", "a.gif"]),
                st.sampled_from([png_bytes(), b"\xff\xd8\xff\xe0", b"GIF89a", b""]),
            ),
            text(),
        ),
        "image-alt": text(200),
        "image-caption": text(200),
        "preview": boolean(),
    }


@pytest.fixture
def taken(office_user):
    return make_post(office_user, state="draft", slug="taken")


@bad_input
@given(posts(NEWS, news_bad()))
def test_news_form(taken, office_user, data):
    files = {"image-image": data.pop("image-image")} if "image-image" in data else {}
    with one_example():
        check_post(office_user, "/office/news/new/", data, files=files)


@pytest.fixture
def published_post(office_user):
    return make_post(office_user, state="published", slug="published-post")


@bad_input
@given(posts(NEWS, news_bad()))
def test_news_edit_form(published_post, taken, office_user, data):
    files = {"image-image": data.pop("image-image")} if "image-image" in data else {}
    with one_example():
        check_post(office_user, f"/office/news/{published_post.pk}/", data, files=files)


@bad_input
@given(datetime_local("2099-05-06T10:00"))
def test_news_schedule_form(taken, office_user, publish_at):
    with one_example():
        check_post(
            office_user,
            f"/office/news/{taken.pk}/schedule/",
            {"publish_at": publish_at},
        )


@pytest.fixture
def pending(db):
    return PublicMessage.objects.create(
        name="李四",
        email="li@example.test",
        subject="一个问题",
        body="请问进展如何？",
        client_hash="someone",
    )


@bad_input
@given(
    posts(
        {"action": "publish", "answer": "感谢您的建议。"},
        {"action": choice("publish", "answer", "reject"), "answer": text()},
    )
)
def test_moderation_form(pending, office_user, data):
    with one_example():
        check_post(office_user, f"/office/messages/{pending.pk}/", data)


NOTICE = {
    "title": "验收结果公示",
    "body": "浙江省水利厅通过验收。",
    "starts_on": "2021-06-01",
    "ends_on": "2021-06-07",
    "published": "on",
}


def notice_bad():
    return {
        "title": text(120),
        "body": text(),
        "units": st.one_of(choice(), st.lists(choice(), max_size=3)),
        "starts_on": date(),
        "ends_on": date(),
        "published": boolean(),
    }


@bad_input
@given(posts(NOTICE, notice_bad()))
def test_notice_form(office_user, data):
    with one_example():
        check_post(office_user, "/office/notices/new/", data)


@bad_input
@given(posts(NOTICE, notice_bad()))
def test_notice_edit_form(notice, office_user, data):
    with one_example():
        check_post(office_user, f"/office/notices/{notice.pk}/edit/", data)
