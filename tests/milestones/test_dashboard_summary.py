"""The dashboard's summary strip: its figures, its chart of the units per stage
(an accessible SVG with a table beside it) and the legend of the matrix."""

import re

import pytest
import time_machine

from milestones import dashboard_summary
from milestones.dashboard import STATES
from milestones.models import Achievement, AchievementKind
from plans.models import Status
from tests.milestones.test_dashboard import (
    Q2,
    TODAY,
    html_of,
    material,
    plan,
    report,
    task,
)
from tests.svg import SVG, accessible_name, svgs


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def programme(frozen, office_user, zhejiang, fujian):
    """On 2020-10-20: Zhejiang's plan approved, one report of two, mid-term
    passed (so its Q3 report is overdue); Fujian's plan submitted on time; the
    nine other units owe their plan (due 2020-04-15)."""
    plan(zhejiang, office_user, status=Status.APPROVED)
    report(zhejiang, office_user, Q2)
    material(zhejiang, "midterm", "passed", passed=True)
    plan(fujian, office_user)


def figures(html):
    """{figure id: its text} of the summary strip."""
    return {
        key: re.sub(r"<[^>]+>", " ", value).split()
        for key, value in re.findall(r'<dd id="dash-figure-([\w-]+)">(.*?)</dd>', html)
    }


def bars(chart):
    """{stage: [(part, width)]} of the stage chart."""
    return {
        g.get("data-stage"): [
            (rect.get("class"), int(rect.get("width"))) for rect in g.iter(f"{SVG}rect")
        ]
        for g in chart.iter(f"{SVG}g")
    }


def test_summary_strip_gives_the_programmes_figures(client, programme, office_user):
    html = html_of(client, office_user)
    assert figures(html) == {
        "units": ["11"],
        "reports-overdue": ["1", "涉及", "1", "个单位"],
        "midterm": ["1"],
        "accepted": ["0"],
        "achievements": ["0", "已发布", "0", "项，推荐", "0", "项"],
    }


def test_stage_chart_draws_a_bar_per_stage_split_by_overdue(
    client, programme, office_user
):
    (chart,) = svgs(html_of(client, office_user), "stage-chart")
    # 340 px stand for all 11 units.
    assert bars(chart) == {
        "plan_due": [("overdue", 278)],
        "plan_review": [("on-track", 31)],
        "implementing": [],
        "midterm": [("overdue", 31)],
        "accepted": [],
        "plaque": [],
    }
    counts = [t.text for t in chart.iter(f"{SVG}text") if t.get("class") == "count"]
    assert counts == ["9", "1", "0", "1", "0", "0"]


def test_stage_chart_is_named_and_described_in_words(client, programme, office_user):
    (chart,) = svgs(html_of(client, office_user), "stage-chart")
    assert chart.get("role") == "img"
    assert accessible_name(chart) == (
        "各阶段的单位数 共 11 个单位。"
        "实施方案尚未提交：9 个（其中 9 个有逾期事项）；"
        "实施方案已提交，尚未批准：1 个（其中 0 个有逾期事项）；"
        "实施方案已批准，实施中：0 个（其中 0 个有逾期事项）；"
        "中期检查已通过：1 个（其中 1 个有逾期事项）；"
        "通过验收：0 个（其中 0 个有逾期事项）；"
        "已授牌：0 个（其中 0 个有逾期事项）。"
    )


def test_stage_chart_speaks_english(client, programme, office_user):
    client.cookies["django_language"] = "en"
    (chart,) = svgs(html_of(client, office_user), "stage-chart")
    assert accessible_name(chart).startswith(
        "Units per stage of the programme Units in all: 11. "
        "Plan not submitted yet: 9 (9 with overdue items); "
    )


def test_stage_chart_has_its_table_beside_it(client, programme, office_user):
    html = html_of(client, office_user)
    table = html.split('id="stage-table"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>'
        r'<td class="text-end">(\d+)</td></tr>',
        table,
    )
    assert rows == [
        ("实施方案尚未提交", "9", "9"),
        ("实施方案已提交，尚未批准", "1", "0"),
        ("实施方案已批准，实施中", "0", "0"),
        ("中期检查已通过", "1", "1"),
        ("通过验收", "0", "0"),
        ("已授牌", "0", "0"),
        ("合计", "11", "10"),
    ]


def test_stage_chart_legend_names_every_colour_it_uses(client, programme, office_user):
    html = html_of(client, office_user)
    (chart,) = svgs(html, "stage-chart")
    fills = {rect.get("fill") for rect in chart.iter(f"{SVG}rect")}
    legend = html.split('class="list-inline small mb-0 dash-legend"')[1].split("</ul>")[
        0
    ]
    named = dict(
        re.findall(
            r'<rect width="14" height="14" fill="(#\w+)"/></svg> ([^<]+)</li>', legend
        )
    )
    assert fills <= set(named)
    assert named == {
        dashboard_summary.ON_TRACK: "无逾期事项的单位",
        dashboard_summary.OVERDUE: "有逾期事项的单位",
    }


def test_matrix_legend_names_every_cell_state(client, programme, office_user):
    html = html_of(client, office_user)
    used = set(re.findall(r'<td class="dash-cell dash-(\w+)">', html))
    legend = dict(
        re.findall(
            r'<span class="dash-swatch dash-(\w+)" aria-hidden="true"></span> '
            r"([^<]+)</li>",
            html,
        )
    )
    assert used <= set(legend)
    assert legend == {state: str(label) for state, label in STATES.items()}


def test_summary_counts_achievements_of_the_scope_only(
    client, programme, office_user, department_user, zhejiang
):
    flood = task("zhejiang", "山洪灾害监测预警平台")  # 水灾害: not the department's
    works = task("zhejiang", "水利工程运行管理数字化平台")  # 水工程: its own
    for item, published, recommended in (
        (flood, True, True),
        (works, True, False),
        (works, False, False),
    ):
        Achievement.objects.create(
            unit=zhejiang,
            task=item,
            kind=AchievementKind.PRODUCT,
            title="水利一张图",
            description="全省统一的水利数据底座。",
            created_by=office_user,
            published_at="2020-10-01T10:00+08:00" if published else None,
            recommended=recommended,
        )
    office = figures(html_of(client, office_user))["achievements"]
    assert office == ["3", "已发布", "2", "项，推荐", "1", "项"]
    own = figures(html_of(client, department_user, "milestones:department_home"))
    assert own["achievements"] == ["2", "已发布", "1", "项，推荐", "0", "项"]
