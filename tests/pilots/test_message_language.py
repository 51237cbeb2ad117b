"""A signed-in user chooses the language of their notifications and e-mails."""

import html5lib
from django.contrib.messages import get_messages
from django.urls import reverse

from pilots.models import User
from tests.conftest import client_for, make_user

LANGUAGE = reverse("pilots:message_language")
INBOX = reverse("pilots:notification_list")


def test_message_language_defaults_to_chinese(unit_user):
    assert unit_user.language == "zh-hans"


def test_message_language_is_offered_on_the_notifications_page(client, unit_user):
    page = client_for(client, unit_user).get(INBOX).content.decode()
    assert f'action="{LANGUAGE}"' in page
    assert '<option value="zh-hans" selected>简体中文</option>' in page
    assert '<option value="en">English</option>' in page


def test_notifications_page_with_the_language_form_is_valid_html(client, unit_user):
    response = client_for(client, unit_user).get(INBOX)
    html5lib.HTMLParser(strict=True).parse(response.content)


def test_message_language_post_saves_the_choice_and_says_so(client, unit_user):
    response = client_for(client, unit_user).post(LANGUAGE, {"language": "en"})
    assert response.url == INBOX
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "今后您的通知和电子邮件将使用English。"
    ]
    unit_user.refresh_from_db()
    assert unit_user.language == "en"


def test_message_language_refuses_an_unknown_language(client, unit_user):
    response = client_for(client, unit_user).post(LANGUAGE, {"language": "fr"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "请选择所列语言之一。"
    ]
    unit_user.refresh_from_db()
    assert unit_user.language == "zh-hans"


def test_message_language_get_is_refused_and_writes_nothing(client, unit_user):
    response = client_for(client, unit_user).get(LANGUAGE, {"language": "en"})
    assert response.status_code == 405
    unit_user.refresh_from_db()
    assert unit_user.language == "zh-hans"


def test_message_language_anonymous_is_sent_to_log_in(client, unit_user):
    response = client.post(LANGUAGE, {"language": "en"})
    assert response.url.startswith(reverse("login"))
    unit_user.refresh_from_db()
    assert unit_user.language == "zh-hans"


def test_message_language_changes_only_the_users_own(
    client, unit_user, other_unit_user
):
    client_for(client, unit_user).post(
        LANGUAGE, {"language": "en", "pk": other_unit_user.pk}
    )
    other_unit_user.refresh_from_db()
    assert other_unit_user.language == "zh-hans"


def test_message_language_is_shown_in_the_user_admin(client, unit_user):
    admin = make_user("admin", User.Role.OFFICE, is_staff=True, is_superuser=True)
    page = (
        client_for(client, admin)
        .get(reverse("admin:pilots_user_change", args=[unit_user.pk]))
        .content.decode()
    )
    assert 'name="language"' in page
    assert "消息语言" in page
