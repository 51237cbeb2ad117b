"""The progress chart: percent per task over time from submitted reports only."""

import datetime
import re

import pytest
from django.template.loader import render_to_string

from milestones.progress import progress_series
from pilots.models import Batch
from tests.milestones.progress_builders import make_report

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
