"""Bad input to the forms every user has: log-in, password change and reset, the
language of one's messages (pilots/forms.py) and of the pages."""

import re

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from tests.bad_input.harness import (
    bad_input,
    check_post,
    choice,
    client_as,
    one_example,
    posts,
    text,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Shuili-2021-xian"


def passwords():
    return st.one_of(
        text(128),
        st.sampled_from(["12345678", "password", "office-persona", "短", "密码" * 200]),
    )


@bad_input
@given(
    posts(
        {"username": "office-persona", "password": PASSWORD},
        {"username": text(150), "password": passwords(), "next": text()},
    )
)
def test_login_form(office_user, data):
    with one_example():
        check_post(None, "/accounts/login/", data)


@bad_input
@given(
    posts(
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        {
            "old_password": passwords(),
            "new_password1": passwords(),
            "new_password2": passwords(),
        },
    )
)
def test_password_change_form(unit_user, data):
    with one_example():
        check_post(unit_user, "/accounts/password_change/", data)


@bad_input
@given(
    st.one_of(
        st.sampled_from(["zhejiang-member@example.test", "a@b", "@", "李@例子.中国"]),
        text(254),
    )
)
def test_password_reset_form(unit_user, email):
    with one_example():
        check_post(None, "/accounts/password_reset/", {"email": email})


@pytest.fixture
def reset_link(client, unit_user):
    client.post("/accounts/password_reset/", {"email": unit_user.email})
    return re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[-1].body).group(0)


@bad_input
@given(
    posts(
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        {"new_password1": passwords(), "new_password2": passwords()},
    )
)
def test_password_reset_confirm_form(reset_link, data):
    with one_example():
        # The link leads to the form's own address, which the session remembers.
        client = client_as(None)
        form_url = client.get(reset_link).url
        check_post(None, form_url, data, client=client)


@bad_input
@given(choice("zh-hans", "en"))
def test_message_language_form(unit_user, language):
    with one_example():
        check_post(unit_user, "/notifications/language/", {"language": language})


@bad_input
@given(
    posts(
        {"language": "en", "next": "/units/"},
        {
            "language": choice("zh-hans", "en"),
            "next": st.one_of(
                st.sampled_from(["//evil.example", "javascript:alert(1)", "/x\x00"]),
                text(),
            ),
        },
    )
)
def test_language_switch(data):
    # The language buttons on every page: choosing changes nothing but a cookie.
    with one_example():
        check_post(None, "/i18n/setlang/", data)
