import pytest

from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_unit_member_edits_a_section_in_the_browser(unit_user, live_server, browser):
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("zhejiang-member")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/my-unit/")

    page.get_by_role("link", name="本单位实施方案").first.click()
    page.wait_for_url(f"{live_server.url}/plans/zhejiang/")
    with page.expect_navigation():
        page.get_by_role("button", name="开始编写实施方案").click()
    page.get_by_role("link", name="编辑 现状与问题").click()
    page.get_by_label("正文").fill("第一段。\n\n- 要点一\n- <b>要点二</b>")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{live_server.url}/plans/zhejiang/#section-status_quo")

    assert page.get_by_role("status").first.inner_text() == "本节已保存。"
    items = page.locator("#section-status_quo li").all_inner_texts()
    assert items == ["要点一", "<b>要点二</b>"]
    # Stored with plain newlines, as typed (the ORM is not used here: it would
    # open a connection inside Playwright's greenlet that nobody closes).
    page.get_by_role("link", name="编辑 现状与问题").click()
    assert page.get_by_label("正文").input_value() == (
        "第一段。\n\n- 要点一\n- <b>要点二</b>"
    )
    page.close()
