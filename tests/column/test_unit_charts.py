"""The unit's public page draws each task's progress over time: a small step
chart from its submitted reports (never a draft), with a table alternative."""

import datetime
import re

import pytest
from django.core.cache import cache

from tests.milestones.progress_builders import make_report
from tests.svg import SVG, accessible_name, svgs

D = datetime.date


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()


def task_card(html, task):
    """The task's card on the unit page."""
    return html.split(f'id="task-{task.pk}"')[1].split("</section>")[0]


def test_unit_page_draws_each_tasks_progress_over_time(client, zhejiang):
    first, second, *others = list(zhejiang.tasks.order_by("order", "pk"))
    make_report(zhejiang, D(2020, 4, 1), percents={first.pk: 10, second.pk: 30})
    make_report(zhejiang, D(2020, 7, 1), percents={first.pk: 40, second.pk: 30})
    # A draft is never shown: not its point, not its percentage.
    make_report(zhejiang, D(2020, 10, 1), status="draft", percents={first.pk: 95})

    html = client.get("/units/zhejiang/").content.decode()

    card = task_card(html, first)
    (chart,) = svgs(card, "step-chart")
    points = [
        (c.get("data-date"), c.get("data-percent")) for c in chart.iter(f"{SVG}circle")
    ]
    assert points == [("2020-06-30", "10"), ("2020-09-30", "40")]
    assert accessible_name(chart).startswith(f"“{first.title}”的进展 ")
    table = card[card.index("<table") :]
    assert re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', table) == [
        ("2020-06-30", "10%"),
        ("2020-09-30", "40%"),
    ]
    (flat,) = svgs(task_card(html, second), "step-chart")
    assert [c.get("data-percent") for c in flat.iter(f"{SVG}circle")] == ["30", "30"]
    assert "95%" not in html
    # Every task reported has its own chart, with ids unique on the page.
    assert len(svgs(html, "step-chart")) == 2 + len(others)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_unit_page_without_submitted_reports_draws_no_task_chart(client, zhejiang):
    make_report(zhejiang, D(2020, 4, 1), status="draft")

    html = client.get("/units/zhejiang/").content.decode()

    assert svgs(html, "step-chart") == []
