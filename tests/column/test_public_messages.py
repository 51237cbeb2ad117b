import datetime
import re
import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from column import public_messages as services
from column.models import PublicMessage
from pilots.models import Notification, OutboxEmail
from tests.conftest import client_for

NEW = reverse("column:message_new")
THANKS = reverse("column:message_thanks")
PUBLIC_LIST = reverse("column:message_list")
Status = PublicMessage.Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    # The page cache outlives each test's rolled-back data.
    cache.clear()


def aged_token(seconds=10):
    return services.form_token(issued_at=time.time() - seconds)


def form_data(**overrides):
    data = {
        "kind": "suggestion",
        "notice": "",
        "unit": "",
        "subject": "关于水资源监测的建议",
        "body": "建议在专栏中公布更多水资源监测数据。",
        "name": "张三",
        "email": "zhang@example.test",
        "website": "",
        "token": aged_token(),
    }
    data.update(overrides)
    return data


def make_message(**fields):
    values = {
        "name": "李四",
        "email": "li@example.test",
        "subject": "一个问题",
        "body": "请问进展如何？",
        "client_hash": "someone",
    }
    values.update(fields)
    return PublicMessage.objects.create(**values)


# ------------------------------------------------------------------ the form


def test_message_form_accepts_a_message_and_tells_the_office(client, office_user):
    response = client.post(NEW, form_data(), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    assert response.url == THANKS
    message = PublicMessage.objects.get()
    assert (message.subject, message.status, message.email) == (
        "关于水资源监测的建议",
        Status.PENDING,
        "zhang@example.test",
    )
    assert message.client_hash == services.client_hash("203.0.113.7")
    assert "203.0.113.7" not in message.client_hash
    notification = Notification.objects.get(recipient=office_user)
    assert notification.title == "公众新留言：关于水资源监测的建议"
    assert notification.url == reverse("column:message_moderate", args=[message.pk])
    thanks = client.get(THANKS).content.decode()
    assert "感谢您的留言" in thanks


def test_message_form_honeypot_filled_stores_nothing_and_answers_generically(client):
    response = client.post(NEW, form_data(website="http://spam.example"))

    assert response.status_code == 302
    assert response.url == THANKS
    assert not PublicMessage.objects.exists()


def test_message_form_without_a_signed_token_stores_nothing(client):
    forged = form_data(token=str(int(time.time()) - 60))

    response = client.post(NEW, forged)

    assert response.url == THANKS
    assert not PublicMessage.objects.exists()


def test_message_form_honeypot_is_hidden_from_people_and_keyboards(client):
    html = client.get(NEW).content.decode()

    wrapper = re.search(
        r'<div class="msg-extra" aria-hidden="true">(.*?)</div>', html, re.S
    )
    assert wrapper is not None
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", wrapper.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field


def test_message_form_too_fast_is_refused_with_input_kept(client):
    response = client.post(NEW, form_data(token=services.form_token()))

    html = response.content.decode()
    assert response.status_code == 200
    assert "表单在打开后几秒内就提交了" in html
    assert "建议在专栏中公布更多水资源监测数据。" in html
    assert 'value="zhang@example.test"' in html
    assert not PublicMessage.objects.exists()


def test_message_form_expired_is_refused_with_a_fresh_token(client):
    response = client.post(NEW, form_data(token=aged_token(seconds=5 * 3600)))

    html = response.content.decode()
    assert "表单打开时间过长，已经失效" in html
    assert 'value="关于水资源监测的建议"' in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert services.check_token(token) == services.TokenCheck.TOO_FAST
    assert not PublicMessage.objects.exists()


def test_message_form_fourth_message_in_ten_minutes_is_refused(client, office_user):
    for number in range(3):
        response = client.post(NEW, form_data(subject=f"第{number}条"))
        assert response.url == THANKS

    response = client.post(NEW, form_data(subject="第四条留言"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "您在最近 10 分钟内已发送 3 条留言" in html
    assert 'value="第四条留言"' in html
    assert "建议在专栏中公布更多水资源监测数据。" in html
    assert PublicMessage.objects.count() == 3


def test_message_form_limit_is_per_client(client):
    for _number in range(3):
        make_message(client_hash=services.client_hash("198.51.100.1"))

    response = client.post(NEW, form_data(), REMOTE_ADDR="198.51.100.2")

    assert response.url == THANKS
    assert PublicMessage.objects.count() == 4


def test_message_form_window_frees_after_ten_minutes(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _number in range(3):
            make_message(client_hash=services.client_hash("127.0.0.1"))
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        response = client.post(NEW, form_data())

    assert response.url == THANKS


def test_message_form_day_limit_refuses_the_twenty_first(client):
    start = timezone.now()
    mine = services.client_hash("127.0.0.1")
    for hour in range(20):
        with time_machine.travel(start + datetime.timedelta(minutes=15 * hour)):
            make_message(client_hash=mine)
    with time_machine.travel(start + datetime.timedelta(hours=6), tick=False):
        response = client.post(NEW, form_data())

    assert "您在 24 小时内已发送 20 条留言" in response.content.decode()
    assert PublicMessage.objects.count() == 20


def test_message_form_global_limit_asks_to_try_later(client):
    PublicMessage.objects.bulk_create(
        PublicMessage(
            name="x",
            email="x@example.test",
            subject=f"s{n}",
            body="b",
            client_hash=f"client-{n}",
        )
        for n in range(services.EVERYONE_PER_HOUR)
    )

    response = client.post(NEW, form_data(subject="繁忙时的留言"))

    html = response.content.decode()
    assert "目前收到的留言很多，请稍后再试" in html
    assert 'value="繁忙时的留言"' in html
    assert PublicMessage.objects.count() == services.EVERYONE_PER_HOUR


def test_message_form_more_than_three_links_is_refused_as_spam(client):
    body = "看看 https://a.example http://b.example www.c.example https://d.example"

    response = client.post(NEW, form_data(body=body))

    html = response.content.decode()
    assert "您的留言包含 4 个链接，最多允许 3 个" in html
    assert "https://d.example" in html
    assert not PublicMessage.objects.exists()


def test_message_form_too_long_body_is_refused(client):
    response = client.post(NEW, form_data(body="水" * 3001))

    assert "请不要超过 3000 个字符，当前为 3001 个" in response.content.decode()
    assert not PublicMessage.objects.exists()


def test_message_form_needs_name_email_subject(client):
    response = client.post(NEW, form_data(name="", email="not-an-address", subject=""))

    html = response.content.decode()
    assert "请修改下面标出的字段" in html
    assert 'value="not-an-address"' in html
    assert not PublicMessage.objects.exists()


def test_message_form_works_through_the_real_csrf_check_for_two_visitors():
    start = timezone.now()
    for number, address in enumerate(["192.0.2.10", "192.0.2.11"]):
        visitor = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
        with time_machine.travel(start, tick=False):
            page = visitor.get(NEW)
        assert "no-cache" in page["Cache-Control"]
        cookie = visitor.cookies["csrftoken"].value
        token = re.search(r'name="token" value="([^"]+)"', page.content.decode())
        data = form_data(subject=f"访客{number}", token=token.group(1))
        with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
            refused = visitor.post(NEW, data)
            assert refused.status_code == 403
            response = visitor.post(NEW, {**data, "csrfmiddlewaretoken": cookie})
        assert response.status_code == 302, response.content.decode()[:500]
        assert response.url == THANKS
    assert sorted(PublicMessage.objects.values_list("subject", flat=True)) == [
        "访客0",
        "访客1",
    ]


# ------------------------------------------------------------------ moderation


def test_moderate_publish_shows_the_answer_to_the_public(client, office_user):
    message = make_message(subject="公开的问题", body="问题正文")
    pending = make_message(subject="待审核的留言", body="不应公开的正文")
    client.get(PUBLIC_LIST)  # cached before the answer: must be dropped

    client_for(client, office_user).post(
        reverse("column:message_moderate", args=[message.pk]),
        {"action": "publish", "answer": "这是网信办的答复"},
    )
    client.logout()
    html = client.get(PUBLIC_LIST).content.decode()

    message.refresh_from_db()
    assert message.status == Status.PUBLISHED
    assert message.answered_by == office_user
    assert "公开的问题" in html and "这是网信办的答复" in html
    assert pending.subject not in html and "不应公开的正文" not in html
    assert "li@example.test" not in html
    assert "李四" not in html


def test_public_list_hides_pending_rejected_and_private_answers(client):
    make_message(subject="待审核", status=Status.PENDING)
    make_message(subject="已拒绝", status=Status.REJECTED)
    make_message(subject="私下答复", status=Status.ANSWERED, answer="私信内容")

    html = client.get(PUBLIC_LIST).content.decode()

    for hidden in ("待审核", "已拒绝", "私下答复", "私信内容"):
        assert hidden not in html
    assert "还没有已答复的留言" in html


def test_moderate_private_answer_queues_exactly_one_email(
    client, office_user, django_capture_on_commit_callbacks
):
    message = make_message(subject="私下问题", email="asker@example.test")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(client, office_user).post(
            reverse("column:message_moderate", args=[message.pk]),
            {"action": "answer", "answer": "私下的答复内容"},
        )

    assert response.url == reverse("column:message_moderation")
    email = OutboxEmail.objects.get()
    assert email.to == "asker@example.test"
    assert email.subject == "对您的留言“私下问题”的答复"
    assert "私下的答复内容" in email.body
    assert len(callbacks) >= 1
    message.refresh_from_db()
    assert message.status == Status.ANSWERED
    assert "私下的答复内容" not in client.get(PUBLIC_LIST).content.decode()


def test_moderate_publish_without_answer_is_refused_keeping_the_page(
    client, office_user
):
    message = make_message()

    response = client_for(client, office_user).post(
        reverse("column:message_moderate", args=[message.pk]),
        {"action": "publish", "answer": "  "},
    )

    assert "请先填写答复" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.PENDING


def test_moderate_reject_needs_no_answer(client, office_user):
    message = make_message()

    client_for(client, office_user).post(
        reverse("column:message_moderate", args=[message.pk]), {"action": "reject"}
    )

    message.refresh_from_db()
    assert message.status == Status.REJECTED
    assert not OutboxEmail.objects.exists()


def test_moderate_refuses_a_second_decision(office_user):
    message = make_message(status=Status.REJECTED)

    with pytest.raises(services.ModerationError):
        services.moderate(
            message=message, to_status=Status.PUBLISHED, answer="a", by=office_user
        )
    message.refresh_from_db()
    assert message.status == Status.REJECTED


def test_moderate_stale_when_someone_else_got_there_first(client, office_user):
    message = make_message()
    seen = PublicMessage.objects.get(pk=message.pk)
    services.moderate(
        message=message, to_status=Status.REJECTED, answer="", by=office_user
    )

    with pytest.raises(services.StaleModeration):
        services.moderate(
            message=seen, to_status=Status.PUBLISHED, answer="答复", by=office_user
        )
    message.refresh_from_db()
    assert (message.status, message.answer) == (Status.REJECTED, "")


def test_moderate_stale_page_shows_what_the_other_did(client, office_user):
    message = make_message()
    PublicMessage.objects.filter(pk=message.pk).update(status=Status.REJECTED)
    url = reverse("column:message_moderate", args=[message.pk])

    response = client_for(client, office_user).post(
        url, {"action": "publish", "answer": "迟到的答复"}
    )

    html = response.content.decode()
    assert "此留言已" in html
    assert "未通过" in html


# ------------------------------------------------------------------ permissions


def _office_urls():
    message = make_message()
    return [
        reverse("column:message_moderation"),
        reverse("column:message_moderate", args=[message.pk]),
    ]


def test_moderation_sends_anonymous_to_login(client):
    for url in _office_urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    "persona", ["department_user", "unit_user", "other_unit_user", "expert_user"]
)
def test_moderation_is_403_to_other_roles(client, request, persona):
    client_for(client, request.getfixturevalue(persona))
    urls = _office_urls()
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(urls[1], {"action": "publish", "answer": "x"})
    assert response.status_code == 403
    assert PublicMessage.objects.get().status == Status.PENDING


def test_moderation_opens_for_the_office(client, office_user):
    urls = _office_urls()
    client_for(client, office_user)
    assert "一个问题" in client.get(urls[0]).content.decode()
    page = client.get(urls[1]).content.decode()
    assert "li@example.test" in page and "公开并附答复" in page


def test_moderation_filters_by_status_and_kind(client, office_user):
    make_message(subject="待审核建议", kind="suggestion")
    make_message(subject="已公开问题", kind="question", status=Status.PUBLISHED)
    client_for(client, office_user)

    by_status = client.get(reverse("column:message_moderation"), {"status": "pending"})
    by_kind = client.get(reverse("column:message_moderation"), {"kind": "question"})

    assert "待审核建议" in by_status.content.decode()
    assert "已公开问题" not in by_status.content.decode()
    assert "已公开问题" in by_kind.content.decode()
    assert "待审核建议" not in by_kind.content.decode()


# ------------------------------------------------------------------ query counts


@pytest.mark.parametrize("rows", [1, 30])
def test_moderation_list_query_count_is_constant(
    client, office_user, zhejiang, django_assert_num_queries, rows
):
    for number in range(rows):
        make_message(subject=f"m{number}", unit=zhejiang)
    client_for(client, office_user)
    url = reverse("column:message_moderation")
    client.get(url)  # warm the session and the user

    # session, user, unread notifications, count, page with unit and notice
    with django_assert_num_queries(5):
        client.get(url)


@pytest.mark.parametrize("rows", [1, 30])
def test_public_message_list_query_count_is_constant(
    client, zhejiang, django_assert_num_queries, settings, rows
):
    settings.PUBLIC_CACHE_SECONDS = 0
    for number in range(rows):
        make_message(
            subject=f"m{number}", unit=zhejiang, status=Status.PUBLISHED, answer="a"
        )

    # count, page of messages with unit and notice
    with django_assert_num_queries(2):
        response = client.get(PUBLIC_LIST)
    assert f"m{rows - 1}" in response.content.decode()


def test_one_form_token_brings_one_message(client):
    data = form_data()
    first = client.post(NEW, data)
    again = client.post(NEW, data)  # a second click, or a bot replaying the form

    assert first.url == again.url == reverse("column:message_thanks")
    assert PublicMessage.objects.count() == 1
    # A fresh form has a token of its own.
    assert client.post(NEW, form_data()).url == reverse("column:message_thanks")
    assert PublicMessage.objects.count() == 2
