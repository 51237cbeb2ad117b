"""Every role's main pages fit a 1366 px laptop and a 390 px phone, in Chinese
and in English: nothing wider than the window, and the account links (the
notifications and "Log out") in sight without scrolling sideways.

One browser context per role and language, signed in with a session cookie made
by the test client. Screenshots of four pages go to the test's tmp_path.
"""

import pytest
from django.test import Client
from django.urls import reverse

from pilots.models import Notification
from plans import services as plan_services
from plans.models import Status
from reviews import services
from tests.plans.builders import complete_plan, current_plan
from tests.reviews.builders import plan_round, through_pre_review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
LANGUAGES = ("zh-hans", "en")


def _session(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def portal(zhejiang, office_user, department_user, unit_user, expert_user):
    """A plan under review with an expert assigned, a hundred and twenty unread
    notifications each (the widest badge a person meets), and every role's
    pages as plain values: the test body must not touch the ORM (see
    `browser`)."""
    plan = complete_plan(current_plan(zhejiang), items_per_task=3)
    plan_services.submit_plan(plan=plan, expected=Status.DRAFT, user=unit_user)
    through_pre_review(plan, office_user)
    round_ = plan_round(office_user)
    services.add_plan_submissions(round_=round_)
    assignment = services.assign(
        submission=round_.submissions.get(), expert=expert_user, user=office_user
    )
    people = (office_user, department_user, unit_user, expert_user)
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="test", title=f"第{n}条")
        for user in people
        for n in range(120)
    )
    plan_page = reverse("plans:detail", args=[zhejiang.slug])
    reading = reverse("reviews:assignment", args=[assignment.pk])
    shared = [
        reverse("pilots:notification_list"),
        reverse("column:todo"),
        reverse("column:index"),
        reverse("column:unit_detail", args=[zhejiang.slug]),
        reverse("milestones:timeline"),
    ]
    return {
        "office": (
            _session(office_user),
            [
                reverse("milestones:office_home"),
                reverse("milestones:office_units"),
                reverse("plans:list"),
                plan_page,
                reverse("reviews:home"),
                reverse("milestones:progress_overview"),
                reverse("milestones:programme_home"),
                *shared,
            ],
        ),
        "department": (
            _session(department_user),
            [
                reverse("milestones:department_home"),
                reverse("plans:list"),
                plan_page,
                reverse("reviews:home"),
                reverse("milestones:progress_overview"),
                *shared,
            ],
        ),
        "unit": (
            _session(unit_user),
            [
                reverse("milestones:home"),
                plan_page,
                reverse("milestones:progress_overview"),
                *shared,
            ],
        ),
        "expert": (
            _session(expert_user),
            [reverse("milestones:home"), reverse("reviews:home"), reading, *shared],
        ),
        "anonymous": (
            None,
            [
                reverse("column:index"),
                reverse("column:unit_list"),
                reverse("column:unit_detail", args=[zhejiang.slug]),
                reverse("column:news_list"),
                reverse("login"),
            ],
        ),
        "screenshots": {
            "home": ("anonymous", reverse("column:index")),
            "office": ("office", reverse("milestones:office_home")),
            "plan": ("office", plan_page),
            "expert": ("expert", reading),
        },
    }


def _overflow(page, account_links):
    """How far the page is wider than the window, and which of `account_links`
    lie outside it (an empty list when all are in sight)."""
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    outside = []
    for selector in account_links:
        link = page.locator(selector)
        box = link.bounding_box() if link.count() == 1 else None
        viewport = page.viewport_size
        if box is None or not (
            box["x"] >= 0
            and box["y"] >= 0
            and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"]
        ):
            outside.append(selector)
    return width, outside


def test_every_role_s_pages_fit_a_laptop_and_a_phone_in_both_languages(
    portal, live_server, tmp_path, browser
):
    shots = portal.pop("screenshots")
    wanted = {who_path: name for name, who_path in shots.items()}
    problems = []
    account = ("#nav-notifications", "#nav-logout")
    for role, (session, paths) in portal.items():
        for language in LANGUAGES:
            context = browser.new_context(viewport=LAPTOP, reduced_motion="reduce")
            cookies = [{"name": "django_language", "value": language}]
            if session:
                cookies.append({"name": "sessionid", "value": session})
            context.add_cookies([{**c, "url": live_server.url} for c in cookies])
            page = context.new_page()
            for path in paths:
                page.set_viewport_size(LAPTOP)
                response = page.goto(live_server.url + path)
                assert response.ok, (role, path, response.status)
                if session:
                    assert reverse("login") not in page.url, (role, path)
                for viewport in (LAPTOP, PHONE):
                    page.set_viewport_size(viewport)
                    wider, outside = _overflow(page, account if session else ())
                    if wider > 0 or outside:
                        problems.append(
                            (role, language, path, viewport["width"], wider, outside)
                        )
                    if (role, path) in wanted:
                        name = wanted[role, path]
                        page.screenshot(
                            path=tmp_path / f"{name}-{language}-{viewport['width']}.png"
                        )
            if session is None:
                # The visitor's way in is in sight on a laptop.
                page.set_viewport_size(LAPTOP)
                name = "Log in" if language == "en" else "登录"
                assert (
                    page.locator("#main-nav")
                    .get_by_role("link", name=name)
                    .is_visible()
                )
            context.close()
    assert problems == [], "\n".join(map(str, problems))
    assert len(list(tmp_path.glob("*.png"))) == len(shots) * 2 * 2


@pytest.fixture
def office_session(office_user):
    return _session(office_user)


def test_without_script_every_menu_entry_can_still_be_reached(
    office_session, live_server, browser
):
    context = browser.new_context(viewport=LAPTOP, java_script_enabled=False)
    context.add_cookies(
        [
            {"name": "sessionid", "value": office_session, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("column:todo"))
    workspace = page.get_by_role("navigation", name="Workspace")
    midterm = workspace.get_by_role("link", name="Mid-term check", exact=True)
    assert not midterm.is_visible()
    # The dropdown opens for the keyboard (and on hover) without Bootstrap's script.
    workspace.get_by_role("button", name="Follow-up").focus()
    assert midterm.is_visible()

    # On a phone the togglers cannot open anything: the menus lie open.
    page.set_viewport_size(PHONE)
    assert midterm.is_visible()
    main_nav = page.get_by_role("navigation", name="Main navigation")
    assert main_nav.get_by_role("link", name="Pilot units").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
