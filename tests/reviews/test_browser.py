import pytest

from plans import services as plan_services
from plans.models import Status
from reviews import services
from tests.conftest import PASSWORD
from tests.plans.builders import complete_plan, current_plan
from tests.reviews.builders import plan_round, through_pre_review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def assignment(zhejiang, unit_user, office_user, expert_user):
    plan = complete_plan(current_plan(zhejiang))
    plan_services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    through_pre_review(plan, office_user)
    round_ = plan_round(office_user, criteria=[("甲", 2, 10), ("乙", 1, 5)])
    services.add_plan_submissions(round_=round_)
    assignment = services.assign(
        submission=round_.submissions.get(), expert=expert_user, user=office_user
    )
    # Plain values only: the test body must not touch the ORM (see `browser`).
    first, second = round_.criteria.all()
    return {
        "pk": assignment.pk,
        "submission": assignment.submission_id,
        "unit": zhejiang.label,
        "first": first.pk,
        "second": second.pk,
    }


def _log_in(browser, live_server, username):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    return page


def test_expert_reads_the_plan_and_scores_it_in_the_browser(
    assignment, live_server, browser
):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("expert-persona")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_role("link", name=assignment["unit"]).click()
    sheet_url = f"{live_server.url}/reviews/assignments/{assignment['pk']}/"
    page.wait_for_url(sheet_url)

    assert page.locator("#plan-heading-schedule").inner_text() == "6. 进度计划"
    gantt = page.locator("#plan-schedule svg.gantt")
    assert gantt.is_visible()
    assert gantt.locator("rect.bar").count() >= 1
    # Wide screen: the rubric sits beside the plan, not below it.
    plan_box = page.locator(".plan-reading").bounding_box()
    rubric_box = page.locator(".sheet-rubric").bounding_box()
    assert rubric_box["x"] > plan_box["x"] + plan_box["width"] - 1

    live = page.locator("#sheet-live-total")
    assert page.locator("#sheet-saved-total").inner_text() == "—"
    assert live.inner_text() == "—"
    page.locator(f"#id_score_{assignment['first']}").fill("8")
    assert live.inner_text() == "—"
    page.locator(f"#id_score_{assignment['second']}").fill("3")
    # (8/10*2 + 3/5*1) / 3 * 100
    assert live.inner_text() == "73.33"
    page.locator(f"#id_score_{assignment['second']}").fill("4")
    assert live.inner_text() == "80.00"

    with page.expect_navigation():
        page.get_by_role("button", name="提交评分").click()
    # Asked once, on a page of its own; nothing is saved until confirmed.
    assert page.get_by_role("heading", name="确认后将会发生").is_visible()
    assert "即为最终结果" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="提交评分", exact=True).click()
    page.wait_for_url(sheet_url)
    assert page.get_by_role("status").first.inner_text() == "评分已提交。"
    assert page.locator("#sheet-saved-total").inner_text() == "80.00"
    # Narrow screen: the rubric comes below the plan.
    page.set_viewport_size({"width": 390, "height": 800})
    plan_box = page.locator(".plan-reading").bounding_box()
    rubric_box = page.locator(".sheet-rubric").bounding_box()
    assert rubric_box["y"] >= plan_box["y"] + plan_box["height"]
    page.close()

    # The office goes on from the expert review: the meeting skipped with a
    # reason on the stages page, then the decision on the submission page.
    office = _log_in(browser, live_server, "office-persona")
    office.goto(f"{live_server.url}/reviews/stages/zhejiang/")
    office.locator("#skip-meeting-reason").fill("专家意见一致，不再会审")
    with office.expect_navigation():
        office.get_by_role("button", name="跳过会审").click()
    # Asked once: a skipped stage stays on the record.
    with office.expect_navigation():
        office.get_by_role("button", name="确认跳过").click()
    assert office.get_by_role("status").first.inner_text() == "评审环节已记录。"
    office.goto(f"{live_server.url}/reviews/submissions/{assignment['submission']}/")
    office.locator("#id_outcome").select_option("approve")
    office.locator("#id_opinion").fill("同意实施。")
    with office.expect_navigation():
        office.get_by_role("button", name="记录评审决定").click()
    assert "决定一经记录，不能更改或撤回" in office.locator("main").inner_text()
    with office.expect_navigation():
        office.get_by_role("button", name="记录评审决定").click()
    assert office.get_by_role("status").first.inner_text() == "评审决定已记录。"
    office.goto(f"{live_server.url}/plans/zhejiang/")
    assert "已通过" in office.locator("main").inner_text()
    office.close()
