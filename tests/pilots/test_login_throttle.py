"""Guessing passwords is slowed down: after LOGIN_FAILURE_LIMIT wrong passwords for
one account from one address, that pair waits; others are not affected."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _login(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def account(db):
    user = make_user("zhang", "office")
    user.set_password("correct-horse-9")
    user.save()
    return user


def test_login_pauses_after_five_wrong_passwords_even_with_the_right_one(
    client, account
):
    for _ in range(4):
        response = _login(client, "zhang", "wrong")
        assert response.status_code == 200  # the form again, with its error
    response = _login(client, "zhang", "wrong")
    assert response.status_code == 429
    response = _login(client, "zhang", "correct-horse-9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert "15" in page
    assert "_auth_user_id" not in client.session


def test_login_pause_is_per_account_and_address(client, account):
    other = make_user("li", "office")
    other.set_password("battery-staple-9")
    other.save()
    for _ in range(5):
        _login(client, "zhang", "wrong")
    # Another account from the same address, and the same account from elsewhere.
    assert _login(client, "li", "battery-staple-9").status_code == 302
    client.logout()
    assert _login(client, "zhang", "correct-horse-9", "198.51.100.2").status_code == 302


def test_login_works_again_after_the_cool_off(client, account):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "zhang", "wrong")
        assert _login(client, "zhang", "correct-horse-9").status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert _login(client, "zhang", "correct-horse-9").status_code == 302
