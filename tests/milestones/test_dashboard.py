"""The office's dashboard and the department's limited view of it."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import html5lib
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from milestones.models import (
    CheckMaterial,
    CheckResult,
    Plaque,
    ProgressReport,
    TaskProgress,
)
from milestones.views.dashboard import ATTENTION, UNITS_PER_PAGE
from pilots.models import Batch, BusinessDomain, Extension, PilotUnit, Task
from plans.models import Plan, PlanVersion, Status
from reviews import services as review_services
from reviews.models import (
    Assignment,
    Criterion,
    Decision,
    Round,
    ScoreSheet,
    Submission,
)
from tests.conftest import client_for, make_user
from tests.svg import contrast

# 2020 batch (migration 0002): plans due 2020-04-15, implementation 2020-04-01 …
# 2021-12-31, quarterly reports due ten days after each quarter (model defaults).
TODAY = "2020-10-20 10:00 +0800"
Q2 = datetime.date(2020, 4, 1), datetime.date(2020, 6, 30), datetime.date(2020, 7, 10)
Q3 = datetime.date(2020, 7, 1), datetime.date(2020, 9, 30), datetime.date(2020, 10, 10)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def batch(db):
    return Batch.objects.current()


def at(day, hour=10):
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )


# ------------------------------------------------------------------ builders


def plan(unit, user, *, status=Status.SUBMITTED, submitted=None, days_late=0):
    batch = Batch.objects.current()
    plan = Plan.objects.create(batch=batch, unit=unit, status=status)
    if status != Status.DRAFT:
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            content={},
            submitted_at=at(submitted or datetime.date(2020, 4, 10)),
            submitted_by=user,
            due=batch.plan_due,
            is_late=days_late > 0,
            days_late=days_late,
        )
    return plan


def report(unit, user, period, *, percents=None, late=0, status="submitted", **text):
    start, end, due = period
    report = ProgressReport.objects.create(
        batch=Batch.objects.current(),
        unit=unit,
        period_start=start,
        period_end=end,
        due=due,
        status=status,
        submitted_at=at(due + datetime.timedelta(days=late - 1))
        if status == "submitted"
        else None,
        submitted_by=user if status == "submitted" else None,
        is_late=late > 0,
        days_late=late,
    )
    for task, percent in (percents or {}).items():
        TaskProgress.objects.create(report=report, task=task, percent=percent, **text)
    return report


def material(unit, kind, status, *, passed=None, grade=""):
    material = CheckMaterial.objects.create(
        batch=Batch.objects.current(), unit=unit, kind=kind, status=status
    )
    if passed is not None:
        CheckResult.objects.create(
            material=material,
            passed=passed,
            grade=grade,
            decided_on=datetime.date(2021, 7, 1),
        )
    return material


def task(slug, title):
    return Task.objects.get(unit__slug=slug, title=title)


def html_of(client, user, name="milestones:office_home", query=""):
    response = client_for(client, user).get(reverse(name) + query)
    assert response.status_code == 200
    return response.content.decode()


CELL = re.compile(
    r'<td class="dash-cell dash-(\w+)">(?:<a href="[^"]*">)?([^<]*)(?:</a>)?</td>'
)


def matrix_rows(html):
    """[(unit short name, [cell texts])] of the matrix, in order."""
    body = html.split('class="table table-sm align-middle dash-matrix"')[1]
    body = body.split("<tbody>")[1].split("</tbody>")[0]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        unit = re.search(r'<th scope="row"><a [^>]*>([^<]+)</a>', row)
        if unit is None:  # the "no unit" row
            continue
        unit = unit.group(1)
        cells = re.findall(CELL, row)
        rows.append((unit, cells))
    return rows


# ------------------------------------------------------------------ the matrix


def test_dashboard_matrix_puts_overdue_units_first_and_says_states_in_words(
    client, frozen, office_user, zhejiang, fujian
):
    plan(zhejiang, office_user, status=Status.APPROVED)
    report(zhejiang, office_user, Q2)
    report(zhejiang, office_user, Q3, late=3)
    html = html_of(client, office_user)
    rows = matrix_rows(html)
    assert len(rows) == 11
    # Every unit but Zhejiang owes its plan (and, without an approved plan, no
    # report): overdue first; the units keep their order among equals, Zhejiang
    # (nothing overdue) comes last.
    assert rows[-1][0] == "浙江省"
    assert rows[0][0] == "长江委"
    assert rows[-1][1] == [
        ("done", "已提交 2020-04-10"),
        ("done", "已批准 2020-10-20"),
        ("late", "2 期中 1 期按时 · 1 期逾期提交"),
        ("pending", "截止 2021-06-30"),
        ("pending", "截止 2021-12-31"),
        ("none", "未授牌"),
    ]
    fujian_row = dict(rows)["福建省"]
    assert fujian_row[:3] == [
        ("overdue", "已逾期：截止 2020-04-15"),
        ("none", "未提交"),
        ("none", "尚无批准的实施方案"),
    ]
    assert 'class="dash-row-overdue"' in html
    # Each cell opens the page behind it.
    plan_page = reverse("plans:detail", args=["zhejiang"])
    reports_page = reverse("milestones:progress_unit", args=["zhejiang"])
    assert f'<a href="{plan_page}">已提交 2020-04-10</a>' in html
    assert f'<a href="{reports_page}">2 期中 1 期按时 · 1 期逾期提交</a>' in html


def test_dashboard_extension_moves_a_units_plan_deadline(
    client, frozen, office_user, fujian
):
    Extension.objects.create(
        batch=Batch.objects.current(),
        unit=fujian,
        kind="plan_due",
        due=datetime.date(2020, 10, 25),
        granted_by=office_user,
    )
    html = html_of(client, office_user)
    assert dict(matrix_rows(html))["福建省"][0] == ("pending", "截止 2020-10-25")
    # …and it is due within the next 14 days.
    upcoming = html.split('id="dash-upcoming-title"')[1].split("</ul>")[0]
    assert "2020-10-25</time> · 实施方案截止" in upcoming
    assert (
        f'href="{reverse("milestones:office_units")}?owing=plan_due">1 个单位未交'
        in (upcoming)
    )


def test_dashboard_late_plan_returned_plan_and_checks(
    client, office_user, zhejiang, fujian, batch
):
    plan(zhejiang, office_user, status=Status.RETURNED, days_late=4)
    plan(fujian, office_user, status=Status.REJECTED)
    material(zhejiang, "midterm", "passed", passed=True)
    material(zhejiang, "acceptance", "passed", passed=True, grade="excellent")
    material(fujian, "midterm", "submitted")
    Plaque.objects.create(
        batch=batch,
        unit=zhejiang,
        awarded_on=datetime.date(2022, 3, 1),
        recorded_by=office_user,
    )
    with time_machine.travel("2022-03-02 10:00 +0800", tick=False):
        rows = dict(matrix_rows(html_of(client, office_user)))
    assert rows["浙江省"][0] == ("late", "已提交 2020-04-10，逾期 4 天")
    assert rows["浙江省"][1] == ("returned", "退回修改")
    assert rows["浙江省"][3:] == [
        ("done", "通过"),
        ("done", "通过 · 优秀"),
        ("done", "授牌 2022-03-01"),
    ]
    assert rows["福建省"][1] == ("failed", "未通过")
    # Fujian's plan was rejected: it owes no acceptance material.
    assert rows["福建省"][3:5] == [
        ("in_review", "已提交，评审中"),
        ("none", "尚无批准的实施方案"),
    ]


def test_dashboard_totals_link_to_the_units_behind_them(
    client, frozen, office_user, zhejiang
):
    plan(zhejiang, office_user, status=Status.APPROVED)
    html = html_of(client, office_user)
    units = reverse("milestones:office_units")
    assert f'<a href="{units}?stage=plan_approved&amp;state=done">1 / 11</a>' in html
    assert (
        f'<a class="dash-overdue-link" href="{units}?stage=plan_submitted'
        f'&amp;state=overdue">10 个逾期</a>' in html
    )
    done = html_of(
        client,
        office_user,
        "milestones:office_units",
        "?stage=plan_approved&state=done",
    )
    assert [unit for unit, _cells in matrix_rows(done)] == ["浙江省"]
    assert "方案已批准：已完成" in done
    overdue = html_of(
        client,
        office_user,
        "milestones:office_units",
        "?stage=plan_submitted&state=overdue",
    )
    assert len(matrix_rows(overdue)) == 10
    assert "浙江省" not in [unit for unit, _cells in matrix_rows(overdue)]


def test_units_list_owing_a_report_period(client, frozen, office_user, zhejiang):
    for unit in Batch.objects.current().units.all():
        plan(unit, office_user, status=Status.APPROVED)
    report(zhejiang, office_user, Q3)
    html = html_of(
        client, office_user, "milestones:office_units", "?owing=report:2020-07-01"
    )
    units = [unit for unit, _cells in matrix_rows(html)]
    assert len(units) == 10
    assert "浙江省" not in units
    assert "未交 2020-07-01 – 2020-09-30 进展报告的单位" in html


def test_units_list_with_an_unknown_filter_is_empty(client, frozen, office_user):
    html = html_of(client, office_user, "milestones:office_units", "?stage=nonsense")
    assert matrix_rows(html) == []
    assert "· 0 个单位</p>" in html


def test_units_list_without_a_filter_lists_and_counts_every_unit(
    client, frozen, office_user
):
    html = html_of(client, office_user, "milestones:office_units")
    assert len(matrix_rows(html)) == 11
    assert "· 11 个单位</p>" in html
    assert "0 个单位" not in html


def test_units_list_counts_the_units_it_lists(client, frozen, office_user, zhejiang):
    plan(zhejiang, office_user, status=Status.APPROVED)
    html = html_of(
        client,
        office_user,
        "milestones:office_units",
        "?stage=plan_approved&state=done",
    )
    assert len(matrix_rows(html)) == 1
    assert "· 1 个单位</p>" in html


# ------------------------------------------------------------------ task progress


def test_dashboard_bars_show_the_latest_submitted_percent(
    client, frozen, office_user, zhejiang
):
    flood = task("zhejiang", "山洪灾害监测预警平台")
    report(zhejiang, office_user, Q2, percents={flood: 20})
    report(zhejiang, office_user, Q3, percents={flood: 45})
    # A draft of the next period is not counted.
    report(
        zhejiang,
        office_user,
        (datetime.date(2020, 10, 1), datetime.date(2020, 12, 31), Q3[2]),
        percents={flood: 90},
        status="draft",
    )
    html = html_of(client, office_user)
    tasks = html.split('id="dash-tasks-title"')[1].split("</table>")[0]
    bar = '<progress max="100" value="45" aria-label="山洪灾害监测预警平台">'
    reports = reverse("milestones:progress_unit", args=["zhejiang"])
    assert f'{bar}45%</progress> <a href="{reports}">45%</a>' in tasks
    assert 'value="90"' not in tasks
    assert "截至 2020-09-30" in tasks
    assert tasks.count("暂无报告") == Task.objects.count() - 1


def test_dashboard_has_no_inline_style(client, frozen, office_user, department_user):
    for user, name in (
        (office_user, "milestones:office_home"),
        (department_user, "milestones:department_home"),
    ):
        html = html_of(client, user, name)
        assert " style=" not in html
        assert "<script>" not in html


# ------------------------------------------------------------------ review rounds


@pytest.fixture
def scored_round(frozen, office_user, zhejiang, fujian, batch):
    """An open plan round: Zhejiang scored 90 and 50 (flagged), Fujian one sheet of
    two, decided."""
    round_ = Round.objects.create(
        batch=batch,
        kind=Round.Kind.PLAN,
        title="方案评审",
        opens_on=datetime.date(2020, 10, 1),
        closes_on=datetime.date(2020, 10, 30),
        created_by=office_user,
    )
    criterion = Criterion.objects.create(
        round=round_, name="目标清晰", weight=Decimal(1), max_score=Decimal(100)
    )
    experts = [make_user(f"expert-{n}", "expert") for n in range(3)]
    submissions = {}
    for unit, scores in ((zhejiang, [90, 50]), (fujian, [80, None])):
        submission = Submission.objects.create(round=round_, unit=unit)
        submissions[unit.slug] = submission
        for expert, score in zip(experts, scores, strict=False):
            assignment = Assignment.objects.create(
                submission=submission, expert=expert, assigned_by=office_user
            )
            sheet = ScoreSheet.objects.create(assignment=assignment)
            if score is not None:
                review_services.save_sheet(
                    sheet=sheet,
                    values={criterion.pk: Decimal(score)},
                    reasons={},
                    comments="",
                    confidential="",
                    submit=True,
                )
    Decision.objects.create(
        submission=submissions["fujian"],
        outcome=Decision.Outcome.APPROVE,
        opinion="同意",
        by=office_user,
    )
    return round_, submissions


def test_dashboard_shows_the_open_rounds_progress(
    client, frozen, office_user, scored_round
):
    round_, submissions = scored_round
    html = html_of(client, office_user)
    rounds = html.split('id="dash-rounds-title"')[1].split("</section>")[0]
    link = reverse("reviews:round", args=[round_.pk])
    assert f'<a href="{link}">方案评审</a>' in rounds
    assert "截止 2020-10-30" in rounds
    assert f'<a href="{link}">3 / 4</a>' in rounds  # sheets in / assigned
    assert f'<a href="{link}">2</a>' in rounds  # submissions
    flagged = reverse("reviews:submission", args=[submissions["zhejiang"].pk])
    assert f'1: <a href="{flagged}">浙江省</a>' in rounds
    assert f'<a href="{link}">1 / 2</a>' in rounds  # decisions
    # It closes within 14 days.
    upcoming = html.split('id="dash-upcoming-title"')[1].split("</ul>")[0]
    assert "2020-10-30</time> · 评审轮次“方案评审”截止" in upcoming


def test_dashboard_hides_a_round_not_open_today(client, office_user, scored_round):
    with time_machine.travel("2020-11-01 10:00 +0800", tick=False):
        html = html_of(client, office_user)
    assert "目前没有进行中的评审轮次。" in html


# ------------------------------------------------------------------ department


def test_department_sees_only_its_domains_tasks_and_units(
    client, frozen, department_user, office_user, zhejiang
):
    flood = task("zhejiang", "山洪灾害监测预警平台")  # 水灾害: not its domain
    works = task("zhejiang", "水利工程运行管理数字化平台")  # 水工程
    report(zhejiang, office_user, Q3, percents={flood: 70, works: 30})
    html = html_of(client, department_user, "milestones:department_home")
    units = sorted(unit for unit, _cells in matrix_rows(html))
    assert units == sorted(
        PilotUnit.objects.filter(tasks__business_domain__slug="engineering")
        .distinct()
        .values_list("short_name", flat=True)
    )
    assert "福建省" not in units
    assert "山洪灾害监测预警平台" not in html
    assert "智慧排水" not in html  # Shenzhen's 水灾害 task
    assert "水库智慧监管" in html
    assert 'value="30"' in html
    assert 'value="70"' not in html
    # Its numbers lead to its own lists, never the office's.
    assert reverse("milestones:department_units") + "?stage=" in html
    assert reverse("milestones:office_units") not in html


def test_department_rounds_count_only_its_units(
    client, frozen, department_user, scored_round
):
    html = html_of(client, department_user, "milestones:department_home")
    rounds = html.split('id="dash-rounds-title"')[1].split("</section>")[0]
    # Of Zhejiang and Fujian only Zhejiang has a 水工程 task; no link to office pages.
    assert "2 / 2" in rounds  # sheets in / assigned
    assert "0 / 1" in rounds  # decisions
    assert "/reviews/" not in rounds


# ------------------------------------------------------------------ permissions

OFFICE_PAGES = ["milestones:office_home", "milestones:office_units"]
DEPARTMENT_PAGES = ["milestones:department_home", "milestones:department_units"]


@pytest.mark.parametrize("name", OFFICE_PAGES + DEPARTMENT_PAGES)
def test_dashboard_pages_send_anonymous_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse(name)}"


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("office_user", OFFICE_PAGES),
        ("department_user", DEPARTMENT_PAGES),
        ("unit_user", []),
        ("expert_user", []),
    ],
)
def test_dashboard_pages_admit_only_their_role(client, db, request, persona, allowed):
    client_for(client, request.getfixturevalue(persona))
    for name in OFFICE_PAGES + DEPARTMENT_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == (200 if name in allowed else 403), name


# ------------------------------------------------------------------ query count


def grow_programme(count, user):
    """`count` synthetic units in the current batch, each with a 水工程 task, a
    submitted plan, a submitted report with progress, mid-term material."""
    batch = Batch.objects.current()
    engineering = BusinessDomain.objects.get(slug="engineering")
    units = PilotUnit.objects.bulk_create(
        PilotUnit(
            slug=f"synthetic-{n}",
            name=f"合成单位{n}",
            short_name=f"合成{n}",
            level=PilotUnit.Level.CITY,
            order=100 + n,
        )
        for n in range(count)
    )
    batch.units.add(*units)
    tasks = Task.objects.bulk_create(
        Task(unit=unit, title=f"合成任务{unit.slug}", business_domain=engineering)
        for unit in units
    )
    plans = Plan.objects.bulk_create(
        Plan(batch=batch, unit=unit, status=Status.SUBMITTED) for unit in units
    )
    PlanVersion.objects.bulk_create(
        PlanVersion(
            plan=p,
            number=1,
            content={},
            submitted_at=at(datetime.date(2020, 4, 10)),
            submitted_by=user,
            due=batch.plan_due,
        )
        for p in plans
    )
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            batch=batch,
            unit=unit,
            period_start=Q2[0],
            period_end=Q2[1],
            due=Q2[2],
            status="submitted",
            submitted_at=at(Q2[2]),
        )
        for unit in units
    )
    TaskProgress.objects.bulk_create(
        TaskProgress(report=r, task=t, percent=30)
        for r, t in zip(reports, tasks, strict=True)
    )
    CheckMaterial.objects.bulk_create(
        CheckMaterial(batch=batch, unit=unit, kind="midterm", status="submitted")
        for unit in units
    )


# Session and user, batch, schedule; the figures over every unit (one aggregate
# query, home pages only; milestones/dashboard_counts.py), the units shown (a page:
# with its count), then their plans, extensions, reports, materials, plaques, tasks
# and progress; the owing counts of the next 14 days (home pages); the rounds not
# closed, then per open round its figures, criteria, scores and flagged
# submissions; the summary strip's achievement counts; the navigation bar's own.
@pytest.mark.parametrize(
    "persona, name, queries",
    [
        ("office_user", "milestones:office_home", 26),
        ("department_user", "milestones:department_home", 27),
        ("office_user", "milestones:office_units", 15),
    ],
)
def test_dashboard_query_count_does_not_grow_with_units(
    client,
    frozen,
    request,
    django_assert_max_num_queries,
    scored_round,
    office_user,
    persona,
    name,
    queries,
):
    client_for(client, request.getfixturevalue(persona))
    for total in (11, 3000):
        grow_programme(total - PilotUnit.objects.count(), office_user)
        assert PilotUnit.objects.count() == total
        # At most: an empty page reads no rows of its units.
        with django_assert_max_num_queries(queries):
            response = client.get(reverse(name) + "?stage=plan_submitted&state=done")
        # The home shows the units that need attention first, the units list one
        # page of them: neither grows with the programme.
        cap = UNITS_PER_PAGE if name.endswith("_units") else ATTENTION
        shown = response.content.decode().count('<th scope="row"><a href="/units/')
        assert shown <= cap and (total == 11 or shown == cap)
        assert len(response.content) < 300_000


def test_the_dashboard_shows_the_units_needing_attention_first_and_links_the_rest(
    client, frozen, office_user
):
    grow_programme(40, office_user)
    html = html_of(client, office_user)
    assert html.count('<th scope="row"><a href="/units/') == ATTENTION
    assert "此处列出51个单位中的前20个。" in html
    assert (
        f'<a href="{reverse("milestones:office_units")}">全部单位及其所处阶段 →</a>'
        in html
    )
    # The tasks table follows the units shown, not every task of the programme.
    tasks = html.split('id="dash-tasks-title"')[1].split("</table>")[0]
    assert "仅列出上述单位的任务。" in tasks
    assert tasks.count("<tr>") - 1 < Task.objects.count()


def test_the_units_list_pages_keep_the_filter(client, frozen, office_user):
    grow_programme(60, office_user)
    units = reverse("milestones:office_units")
    first = html_of(
        client,
        office_user,
        "milestones:office_units",
        "?stage=plan_submitted&state=done",
    )
    assert first.count('<th scope="row"><a href="/units/') == UNITS_PER_PAGE
    assert "第 1 页，共 2 页" in first
    assert "?stage=plan_submitted&amp;state=done&amp;page=2" in first
    second = client.get(units + "?stage=plan_submitted&state=done&page=2")
    rows = second.content.decode().count('<th scope="row"><a href="/units/')
    assert 0 < rows < UNITS_PER_PAGE


# ------------------------------------------------------------------ valid, readable


def test_dashboard_state_colours_have_enhanced_contrast():
    css = (Path(settings.BASE_DIR) / "static/css/dashboard.css").read_text()
    pairs = re.findall(
        r"\.dash-(\w+)[^{]*\{[^}]*background-color: (#\w{6}); color: (#\w{6})", css
    )
    assert {state for state, _bg, _fg in pairs} >= {
        "done",
        "late",
        "in_review",
        "returned",
        "failed",
        "pending",
        "none",
    }
    for state, background, text in pairs:
        assert contrast(background, text) >= 7, state


@pytest.mark.parametrize(
    "persona, name",
    [
        ("office_user", "milestones:office_home"),
        ("office_user", "milestones:office_units"),
        ("department_user", "milestones:department_home"),
    ],
)
def test_dashboard_pages_are_valid_html_with_unique_ids(
    client, request, scored_round, persona, name
):
    html = html_of(client, request.getfixturevalue(persona), name, "?owing=plan_due")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(html)
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert len(tree.findall(".//h1")) == 1


def test_the_offices_progress_list_pages_through_a_large_programme(
    client, frozen, office_user
):
    from milestones.views.progress import ROWS_PER_PAGE

    grow_programme(120, office_user)
    client_for(client, office_user)
    url = reverse("milestones:progress_overview")
    first = client.get(url)
    rows = first.content.decode().count('<td><a href="/progress/')
    assert rows == ROWS_PER_PAGE
    assert len(first.content) < 300_000
    assert 'href="?page=2" rel="next"' in first.content.decode()
    last = client.get(url + "?page=999")  # past the end: the last page
    assert 0 < last.content.decode().count('<td><a href="/progress/') <= ROWS_PER_PAGE
