"""The office's pages at national scale (issue 14): the dashboards, the units
behind their numbers, the plan list and the reviews' unit lists run the same number
of queries at 20 units as at 300 and stay under 300 KB, because the figures over
all units are aggregate queries (milestones/dashboard_counts.py) and only the
shown units' rows are built. The programme is column.scale's (seed_scale), which
has units in every state. Times: tests/benchmarks/bench_office_scale.py."""

import datetime

import pytest
from django.utils import timezone

from column import scale
from column.management.commands.seed_demo import demo_batch_dates
from milestones import dashboard, dashboard_counts
from milestones.views import dashboard as dashboard_views
from pilots.models import Batch, DeadlineKind, Extension, PilotUnit, User
from plans.models import Status
from tests.conftest import client_for

MAX_BYTES = 300_000
DAY = datetime.timedelta(days=1)
# The page and the queries it runs, whatever the number of units.
PAGES = {
    ("office", "/office/"): 25,
    ("office", "/office/units/"): 15,
    ("office", "/office/units/?stage=reports&state=overdue"): 15,
    ("office", "/office/units/?owing=midterm_end&page=2"): 15,
    ("department", "/department/"): 26,
    ("department", "/department/units/?stage=plan_submitted&state=done"): 16,
    ("office", "/plans/"): 9,
    ("office", "/plans/?state=approved&level=city&page=2"): 9,
    ("department", "/plans/?q=合成"): 9,
    ("office", "/reviews/"): 8,
    ("office", "/reviews/?level=province&page=2"): 8,
    ("department", "/reviews/"): 6,
}


def _dates():
    """The demo's dates, but the mid-term window closed two days ago: material
    not submitted is overdue, so every column has units in every state."""
    today = timezone.localdate()
    return {
        **demo_batch_dates(today),
        "midterm_start": today - 30 * DAY,
        "midterm_end": today - 2 * DAY,
    }


def _build(units):
    scale.build(units=units, dates=_dates())
    return Batch.objects.current()


def _reader(role):
    return User.objects.filter(role=role, username__startswith=scale.SLUG_PREFIX)[0]


@pytest.mark.parametrize("units", [20, 300])
def test_office_pages_are_flat_from_20_to_300_units(
    client, db, django_assert_num_queries, units
):
    _build(units)
    for (role, url), queries in PAGES.items():
        client_for(client, _reader(role))
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < MAX_BYTES, url


def test_the_sql_figures_agree_with_every_units_matrix_row(db):
    batch = _build(60)
    office = _reader(User.Role.OFFICE)
    unit = PilotUnit.objects.get(slug=f"{scale.SLUG_PREFIX}0008")  # no plan yet
    Extension.objects.create(
        batch=batch,
        unit=unit,
        kind=DeadlineKind.PLAN,
        due=timezone.localdate() + 5 * DAY,
        granted_by=office,
    )
    for department in (None, _reader(User.Role.DEPARTMENT).department):
        scope = dashboard.Scope(batch=batch, department=department)
        today = timezone.localdate()
        states = dashboard_counts.UnitStates(scope, today)
        figures = states.totals()
        rows, _periods, _tasks, _dues = dashboard.matrix(scope, today)
        assert figures["units"] == len(rows) > 0
        for key in dashboard.STAGE_KEYS:
            cells = [row.cells[key] for row in rows]
            assert figures[f"done_{key}"] == sum(c.is_done for c in cells), key
            assert figures[f"overdue_{key}"] == sum(
                c.state == dashboard.OVERDUE for c in cells
            ), key
        overdue = dict(states.units.values_list("pk", "overdue_count"))
        assert overdue == {row.unit.pk: row.overdue for row in rows}
        for key in ("plan_due", "midterm_end", f"report:{states.periods[0].key}"):
            owing = set(states.filtered(owing=key).values_list("pk", flat=True))
            assert owing == {row.unit.pk for row in rows if key in row.owing}, key
    # Every state is there to be compared.
    assert figures["overdue_midterm"] and figures["overdue_reports"]
    assert figures["overdue_plan_submitted"] and figures["done_plan_approved"]


def test_the_dashboard_shows_overdue_units_then_those_waiting_for_the_office(
    client, db
):
    batch = _build(40)
    scope = dashboard.Scope(batch=batch)
    states = dashboard_counts.UnitStates(scope, timezone.localdate())
    order = list(states.needing_attention())
    # The most overdue first, then those waiting for the office (a plan submitted
    # or under review, material submitted), then the rest, in the units' order.
    assert order == sorted(
        order, key=lambda unit: (-unit.overdue_count, -unit.waiting, unit.order)
    )
    assert order[0].overdue_count > 0
    first_waiting = next(unit for unit in order if not unit.overdue_count)
    assert first_waiting.waiting
    assert first_waiting.plan_status in (Status.SUBMITTED, Status.UNDER_REVIEW) or (
        first_waiting.midterm_status == "submitted"
    )
    client_for(client, _reader(User.Role.OFFICE))
    html = client.get("/office/").content.decode()
    matrix = html.split('id="dash-matrix-title"')[1].split("</table>")[0]
    shown = order[: dashboard_views.ATTENTION]
    positions = [matrix.index(f'href="/units/{unit.slug}/"') for unit in shown]
    assert positions == sorted(positions)
    assert "此处列出" in matrix
