"""The progress chart: percent per task over time from submitted reports only."""

import datetime
import re

import pytest
from django.template.loader import render_to_string

from milestones.progress_charts import progress_series
from pilots.models import Batch
from tests.milestones.progress_builders import make_report
from tests.svg import SVG, accessible_name, svgs

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def known_reports(zhejiang):
    tasks = list(zhejiang.tasks.order_by("order", "pk"))
    first, second = tasks[0], tasks[1]
    make_report(zhejiang, D(2020, 4, 1), percents={first.pk: 10, second.pk: 5})
    make_report(zhejiang, D(2020, 7, 1), percents={first.pk: 40, second.pk: 20})
    make_report(
        zhejiang, D(2020, 10, 1), status="draft", percents={first.pk: 90, second.pk: 90}
    )
    return tasks


def test_progress_series_submitted_reports_only(zhejiang, known_reports):
    chart = progress_series(zhejiang, Batch.objects.current())

    assert chart.dates == [D(2020, 6, 30), D(2020, 9, 30)]
    by_task = {
        line.task.pk: [(day, percent) for day, percent, _x, _y in line.points]
        for line in chart.series
    }
    assert by_task[known_reports[0].pk] == [(D(2020, 6, 30), 10), (D(2020, 9, 30), 40)]
    assert by_task[known_reports[1].pk] == [(D(2020, 6, 30), 5), (D(2020, 9, 30), 20)]
    assert [line.task for line in chart.series] == known_reports


def test_progress_series_coordinates(zhejiang, known_reports):
    chart = progress_series(zhejiang, Batch.objects.current())

    line = chart.series[0]
    (_d1, _p1, x1, y1), (_d2, _p2, x2, y2) = line.points
    assert (x1, x2) == (chart.left, chart.right)
    height = chart.bottom - chart.top
    assert y1 == chart.bottom - round(10 * height / 100)
    assert y2 == chart.bottom - round(40 * height / 100)
    assert line.polyline == f"{x1},{y1} {x2},{y2}"


def test_progress_series_one_query(zhejiang, known_reports, django_assert_num_queries):
    batch = Batch.objects.current()

    with django_assert_num_queries(1):
        progress_series(zhejiang, batch)


def test_progress_chart_renders_svg_and_table(zhejiang, known_reports):
    chart = progress_series(zhejiang, Batch.objects.current())

    html = render_to_string("milestones/_progress_chart.html", {"chart": chart})

    assert html.count("<polyline") == len(known_reports)
    assert "style=" not in html
    assert "<script" not in html
    assert "<details>" in html
    table = html[html.index("<table") :]
    cells = re.findall(r"<td>([^<]*)</td>", table)
    assert cells[:2] == ["10%", "5%"]
    assert "2020-09-30" in table
    assert "问题" not in html
    assert "90%" not in html


def test_progress_chart_empty_says_so(fujian):
    chart = progress_series(fujian, Batch.objects.current())

    html = render_to_string("milestones/_progress_chart.html", {"chart": chart})

    assert chart.series == []
    assert "<svg" not in html
    assert "尚无已提交的进展报告" in html


# ---- one small step chart per task


def test_step_chart_spans_the_implementation_window(zhejiang, known_reports):
    chart = progress_series(zhejiang, Batch.objects.current())
    steps = chart.steps[known_reports[0].pk]

    # 2020-04-01 … 2021-12-31 is 640 days over 252 px; 54 px stand for 100%.
    assert steps.window == (D(2020, 4, 1), D(2021, 12, 31))
    assert steps.points == [(D(2020, 6, 30), 10, 72, 57), (D(2020, 9, 30), 40, 108, 40)]
    # Level at 10% until the next report, then up to 40%.
    assert steps.path == "M72,57H108V40"
    assert set(chart.steps) == {task.pk for task in known_reports}


def test_step_chart_renders_an_image_with_a_table(zhejiang, known_reports):
    chart = progress_series(zhejiang, Batch.objects.current())
    first = known_reports[0]

    html = render_to_string(
        "milestones/_task_step_chart.html", {"steps": chart.steps[first.pk]}
    )

    (svg,) = svgs(html, "step-chart")
    assert svg.get("role") == "img"
    assert accessible_name(svg) == (
        f"“{first.title}”的进展 2020-04-01 至 2021-12-31 各报告期末的完成百分比："
        "2020-06-30：10%；2020-09-30：40%。"
    )
    points = [
        (c.get("data-date"), c.get("data-percent")) for c in svg.iter(f"{SVG}circle")
    ]
    assert points == [("2020-06-30", "10"), ("2020-09-30", "40")]
    table = html[html.index("<table") :]
    assert re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', table) == [
        ("2020-06-30", "10%"),
        ("2020-09-30", "40%"),
    ]
    assert "style=" not in html
    assert "90%" not in html
