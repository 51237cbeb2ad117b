"""The one confirmation step (pilots/confirm.py): what it carries on, what it
leaves out, and that only its own button counts as confirming."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from pilots.confirm import confirm_page, is_confirmed, late_consequence

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _request(method="post", data=""):
    factory = RequestFactory()
    request = (
        factory.post(
            "/somewhere/", data, content_type="application/x-www-form-urlencoded"
        )
        if method == "post"
        else factory.get("/somewhere/")
    )
    request.user = AnonymousUser()
    return request


def _hidden(page):
    """The hidden fields but the page's own CSRF token."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"]


def test_only_a_post_with_the_flag_is_confirmed():
    assert not is_confirmed(_request("get"))
    assert not is_confirmed(_request(data="submit=1"))
    assert not is_confirmed(_request(data="confirmed=yes"))
    assert is_confirmed(_request(data="confirmed=1"))


@pytest.mark.django_db
def test_the_page_says_what_happens_and_carries_the_form_on():
    request = _request(
        data="summary=%E8%BF%9B%E5%B1%95+%3Cb%3E&item=1&item=2&submit=&"
        "csrfmiddlewaretoken=old&confirmed=0"
    )
    response = confirm_page(
        request,
        title="Submit?",
        consequences=["It cannot be changed.", None, "The office is told."],
        action_label="Submit it",
        cancel_url="/back/",
        hidden=request.POST,
        button_name="submit",
        draft_label="Save as a draft instead",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3">Submit?</h1>' in page
    assert "It cannot be changed." in page and "The office is told." in page
    assert "None" not in page
    # Every value of a repeated name, escaped; neither the old token nor the flag
    # nor the asking button is carried: the page has its own.
    assert [(n, html.unescape(v)) for n, v in _hidden(page)] == [
        ("summary", "进展 <b>"),
        ("item", "1"),
        ("item", "2"),
        ("confirmed", "1"),
    ]
    assert "&lt;b&gt;" in page
    assert 'name="submit">Submit it</button>' in page
    assert 'name="draft">Save as a draft instead</button>' in page
    assert '<a class="btn btn-link" href="/back/">' in page
    assert page.count('name="csrfmiddlewaretoken"') == 1


@pytest.mark.django_db
def test_a_plain_question_has_one_button_and_no_draft():
    response = confirm_page(
        _request(),
        title="Remove?",
        consequences="The file is deleted.",
        action_label="Remove",
        cancel_url="/back/",
        danger=True,
    )
    page = response.content.decode()
    assert "The file is deleted." in page
    assert _hidden(page) == [("confirmed", "1")]
    assert '<button class="btn btn-danger" type="submit">Remove</button>' in page
    assert 'name="draft"' not in page


@time_machine.travel(datetime.datetime(2020, 4, 3, 10, tzinfo=SHANGHAI), tick=False)
def test_lateness_is_told_in_days_only_after_the_due_day():
    assert late_consequence(datetime.date(2020, 4, 3)) is None
    assert late_consequence(datetime.date(2020, 4, 1)) == (
        "截止日期为 2020-04-01：本次将记为逾期 2 天。"
    )
