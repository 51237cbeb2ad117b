import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # A live server needs committed data; serialized rollback restores the
    # programme data (the 11 units) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_unit_member_logs_in_on_a_phone_and_switches_to_english(
    unit_user, live_server, browser
):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("zhejiang-member")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/my-unit/")
    assert page.get_by_role("heading", level=1).inner_text() == "浙江省水利厅"

    # On a phone the navigation folds behind the toggler (Bootstrap's own script).
    page.get_by_role("button", name="切换导航").click()
    # Wait until the menu has finished opening. A click during Bootstrap's 0.35 s
    # opening transition (class "collapsing") can land and submit nothing: seen in
    # 1 run of 30 under load, the form never posted and the navigation timed out.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    # The button posts a form: wait for the page it leads to, not the current
    # one (already loaded, so wait_for_load_state would not wait at all).
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Zhejiang Provincial Department of Water Resources"
    assert page.locator("html").get_attribute("lang") == "en"
    page.close()
