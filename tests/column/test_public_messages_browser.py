import pytest
from django.db import connection
from django.urls import reverse

from column.models import PublicMessage

pytestmark = [
    pytest.mark.browser,
    # A live server needs committed data; serialized rollback restores the
    # programme data (the 11 units) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_message_form_in_a_real_browser_hides_the_honeypot_and_sends(
    live_server, browser
):
    page = browser.new_page(locale="zh-CN")
    page.goto(live_server.url + reverse("column:message_new"))

    # The honeypot sits outside the viewport (our CSS file loaded under the CSP).
    box = page.locator("#id_website").bounding_box()
    assert box["x"] + box["width"] <= 0
    page.get_by_label("主题").fill("浏览器中的留言")
    page.get_by_label("留言内容").fill("这是在真实浏览器中填写的一条建议。")
    page.get_by_label("您的姓名").fill("赵六")
    page.get_by_label("电子邮箱").fill("zhao@example.test")
    # People take more than three seconds to fill a form in; so does this test.
    page.wait_for_timeout(3200)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(live_server.url + reverse("column:message_thanks"))

    assert page.get_by_role("heading", level=1).inner_text() == "感谢您的留言"
    message = PublicMessage.objects.get()
    # That query opened a connection inside Playwright's greenlet; close it, or
    # the test database cannot be dropped at the end.
    connection.close()
    assert (message.subject, message.name, message.status) == (
        "浏览器中的留言",
        "赵六",
        PublicMessage.Status.PENDING,
    )
    page.close()
