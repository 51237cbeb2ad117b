import re

from django.core import mail
from django.urls import reverse

from tests.conftest import client_for


def test_wrong_password_is_refused_in_chinese_and_keeps_the_username(client, unit_user):
    response = client.post(
        reverse("login"), {"username": "zhejiang-member", "password": "wrong"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的" in html
    assert 'value="zhejiang-member"' in html


def test_logout_is_a_post_and_ends_the_session(client, unit_user):
    client_for(client, unit_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("milestones:unit_home")).status_code == 302


def test_password_reset_sends_a_working_link(client, unit_user):
    client.post(reverse("password_reset"), {"email": unit_user.email})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", body).group(1)
    confirm = client.get(link, follow=True)
    assert confirm.status_code == 200
    response = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "Brand-new-pass-42", "new_password2": "Brand-new-pass-42"},
    )
    assert response.status_code == 302
    unit_user.refresh_from_db()
    assert unit_user.check_password("Brand-new-pass-42")


def test_password_change_requires_the_old_password(client, unit_user):
    client_for(client, unit_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": "Brand-new-pass-42",
            "new_password2": "Brand-new-pass-42",
        },
    )
    assert response.status_code == 200
    unit_user.refresh_from_db()
    assert unit_user.check_password("persona-pass-123")
