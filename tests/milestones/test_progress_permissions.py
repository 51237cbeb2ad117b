"""Who sees progress reports: the full permission table, the department's view
limited to its tasks, and query counts of the lists at two sizes."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from milestones.models import ChecklistEntry, ReportingSchedule
from pilots.models import Batch, Department, PilotUnit, User
from tests.conftest import client_for, make_user
from tests.milestones.progress_builders import approved_plan, make_report

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture(autouse=True)
def in_november_2020():
    with time_machine.travel(
        datetime.datetime(2020, 11, 20, 10, tzinfo=SHANGHAI), tick=False
    ):
        yield


@pytest.fixture
def other_department_user(db):
    # 监督司 guides 水监督: none of Zhejiang's tasks.
    return make_user(
        "supervision-persona",
        User.Role.DEPARTMENT,
        department=Department.objects.get(slug="supervision"),
    )


PERSONAS = [
    "anonymous",
    "unit_user",
    "other_unit_user",
    "office_user",
    "department_user",
    "other_department_user",
    "expert_user",
]


def fetch(client, request, persona, url):
    if persona != "anonymous":
        client_for(client, request.getfixturevalue(persona))
    return client.get(url)


def assert_outcome(response, expected, url):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "next=" in response["Location"]
    else:
        assert response.status_code == expected, url


@pytest.fixture
def reports(zhejiang):
    submitted = make_report(zhejiang, D(2020, 4, 1))
    draft = make_report(zhejiang, D(2020, 7, 1), status="draft")
    return submitted, draft


def report_url(report):
    return reverse(
        "milestones:progress_report",
        args=[report.unit.slug, report.period_start.isoformat()],
    )


TABLE = {
    # persona: (unit page, checklist, submitted report, draft report, schedule)
    "anonymous": ("login", "login", "login", "login", "login"),
    "unit_user": (200, 200, 200, 200, 403),
    "other_unit_user": (404, 404, 404, 404, 403),
    "office_user": (200, 200, 200, 404, 200),
    "department_user": (200, 200, 200, 404, 403),
    "other_department_user": (404, 404, 404, 404, 403),
    "expert_user": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_progress_pages_permission_table(client, request, persona, reports):
    submitted, draft = reports
    urls = [
        reverse("milestones:progress_unit", args=["zhejiang"]),
        reverse("milestones:progress_checklist", args=["zhejiang"]),
        report_url(submitted),
        report_url(draft),
        reverse("milestones:progress_schedule"),
    ]

    for url, expected in zip(urls, TABLE[persona], strict=True):
        client.logout()
        assert_outcome(fetch(client, request, persona, url), expected, url)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("office_user", 200),
        ("department_user", 200),
        ("expert_user", 403),
        ("unit_user", 302),
    ],
)
def test_progress_overview_permission(client, request, persona, expected):
    url = reverse("milestones:progress_overview")

    response = fetch(client, request, persona, url)

    assert_outcome(response, expected if expected != 302 else 302, url)
    if persona == "unit_user":
        assert response["Location"] == reverse(
            "milestones:progress_unit", args=["zhejiang"]
        )


def test_schedule_post_refused_for_unit(client, unit_user):
    response = client_for(client, unit_user).post(
        reverse("milestones:progress_schedule"),
        {"cadence": "monthly", "grace_days": "3"},
    )

    assert response.status_code == 403
    assert not ReportingSchedule.objects.filter(cadence="monthly").exists()


def test_department_sees_only_its_tasks_sections(client, department_user, zhejiang):
    plan = approved_plan(zhejiang)
    report = make_report(zhejiang, D(2020, 4, 1))
    for item in plan.schedule.select_related("task"):
        ChecklistEntry.objects.create(
            report=report,
            schedule_item=item,
            state="late",
            reason=f"原因{item.task.title}",
        )

    html = client_for(client, department_user).get(report_url(report)).content.decode()

    # 运行管理司 guides 水工程: two of Zhejiang's four tasks.
    assert "问题：水利工程运行管理数字化平台" in html
    assert "问题：农村水电站管理数字化平台" in html
    assert "问题：山洪灾害监测预警平台" not in html
    assert "问题：城乡清洁供水数字化管理系统" not in html
    assert "原因水利工程运行管理数字化平台" in html
    assert "原因山洪灾害监测预警平台" not in html


def test_office_sees_every_task_section(client, office_user, zhejiang):
    report = make_report(zhejiang, D(2020, 4, 1))

    html = client_for(client, office_user).get(report_url(report)).content.decode()

    for task in zhejiang.tasks.all():
        assert f"问题：{task.title}" in html


def test_office_overview_lists_overdue_first(client, office_user, zhejiang, fujian):
    make_report(fujian, D(2020, 4, 1))
    make_report(zhejiang, D(2020, 4, 1), status="draft")

    response = client_for(client, office_user).get(
        reverse("milestones:progress_overview")
    )

    rows = response.context["rows"]
    statuses = [row.status for row in rows]
    overdue = statuses.count("overdue")
    assert overdue == 2 * 11 - 1  # Q2 and Q3 of every unit but Fujian's Q2
    assert statuses[:overdue] == ["overdue"] * overdue
    assert ("zhejiang", "2020-04-01") in [
        (row.unit.slug, row.period.key) for row in rows[:overdue]
    ]
    html = response.content.decode()
    assert html.count("已逾期") == overdue


def test_department_overview_lists_only_its_units(client, department_user):
    response = client_for(client, department_user).get(
        reverse("milestones:progress_overview")
    )

    slugs = {row.unit.slug for row in response.context["rows"]}
    # 运行管理司 guides 水工程 (Zhejiang's, Guangdong's, Shenzhen's tasks).
    assert slugs == {"zhejiang", "guangdong", "shenzhen"}


def test_office_overview_query_count_constant(
    client, office_user, django_assert_num_queries
):
    batch = Batch.objects.current()
    client_for(client, office_user)
    units = list(PilotUnit.objects.order_by("order"))
    batch.units.set(units[:2])
    for unit in units[:2]:
        make_report(unit, D(2020, 4, 1))
    with django_assert_num_queries(7):
        small = client.get(reverse("milestones:progress_overview"))
    batch.units.set(units)
    for unit in units[2:]:
        make_report(unit, D(2020, 4, 1))
        make_report(unit, D(2020, 7, 1), status="draft")
    with django_assert_num_queries(7):
        large = client.get(reverse("milestones:progress_overview"))
    assert len(large.context["rows"]) > len(small.context["rows"])


def test_unit_page_query_count_constant(
    client, unit_user, zhejiang, django_assert_num_queries
):
    client_for(client, unit_user)
    url = reverse("milestones:progress_unit", args=["zhejiang"])
    make_report(zhejiang, D(2020, 4, 1))
    # One of them asks whether Zhejiang is in the current batch.
    with django_assert_num_queries(9):
        client.get(url)
    make_report(zhejiang, D(2020, 7, 1))
    make_report(zhejiang, D(2020, 10, 1), status="draft")
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["chart"].dates) == 2


def test_checklist_page_query_count_constant(
    client, office_user, zhejiang, django_assert_num_queries
):
    plan = approved_plan(zhejiang)
    client_for(client, office_user)
    url = reverse("milestones:progress_checklist", args=["zhejiang"])
    with django_assert_num_queries(10):
        client.get(url)
    report = make_report(zhejiang, D(2020, 4, 1))
    task = zhejiang.tasks.first()
    for n in range(5):
        item = plan.schedule.create(
            task=task, title=f"追加{n}", start=D(2020, 5, 1), end=D(2020, 6, 1)
        )
        ChecklistEntry.objects.create(report=report, schedule_item=item, state="done")
    with django_assert_num_queries(10):
        response = client.get(url)
    assert [i.state for i in response.context["items"]].count("done") == 5


def test_report_page_query_count_constant(
    client, office_user, zhejiang, django_assert_num_queries
):
    plan = approved_plan(zhejiang)
    report = make_report(zhejiang, D(2020, 4, 1))
    client_for(client, office_user)
    # 14 before the report showed its history, and one each for the history and
    # for whether Zhejiang is in the current batch.
    with django_assert_num_queries(16):
        client.get(report_url(report))
    task = zhejiang.tasks.first()
    for n in range(5):
        item = plan.schedule.create(
            task=task, title=f"追加{n}", start=D(2020, 5, 1), end=D(2020, 6, 1)
        )
        ChecklistEntry.objects.create(report=report, schedule_item=item, state="done")
    with django_assert_num_queries(16):
        client.get(report_url(report))
