"""Opening a notice in a browser records its read: the page's script posts the
read (a GET writes nothing), and the office's receipt table then names the
reader."""

import pytest

from milestones import circulars
from milestones.models import Circular
from pilots.models import Batch
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def notice(office_user, unit_user):
    circular = circulars.save_draft(
        circular=Circular(
            batch=Batch.objects.current(),
            title="关于召开会审会议的通知",
            body="定于下周三召开会审会议。",
            audience=Circular.Audience.CHOSEN_UNITS,
        ),
        user=office_user,
        units=[unit_user.unit],
        departments=[],
    )
    circulars.send(circular=circular, user=office_user)
    # Plain values only: the test body must not touch the ORM (see `browser`).
    return {"pk": circular.pk, "reader": unit_user.get_full_name()}


def _log_in(browser, live_server, username):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    return page


def test_opening_the_notice_records_the_read(notice, live_server, browser):
    url = f"{live_server.url}/notices-to-units/{notice['pk']}/"
    page = _log_in(browser, live_server, "zhejiang-member")
    page.goto(f"{live_server.url}/notices-to-units/")
    assert page.locator("tr.table-primary").get_by_text("未读").is_visible()
    page.goto(url)
    done = page.locator("#circular-read-done")
    done.wait_for(state="visible")
    assert done.inner_text() == "已记录：您已阅读本通知。"
    assert page.locator("#circular-read-form").is_hidden()
    page.reload()
    assert "您已于" in page.locator("main").inner_text()
    page.close()

    office = _log_in(browser, live_server, "office-persona")
    office.goto(f"{url}receipts/?show=unread")
    assert "列表中没有单位。" in office.locator("main").inner_text()
    office.goto(f"{url}receipts/")
    assert notice["reader"] in office.locator("table").inner_text()
    office.close()
