"""Progress over time, drawn from submitted progress reports only (never a draft,
never the problems text: the unit's public page shows these).

Two drawings of the same rows, read in one query for any number of batches:
  - a batch's chart, one line per task (templates/milestones/_progress_chart.html);
  - a small step chart per task over the batch's implementation window
    (templates/milestones/_task_step_chart.html): a percentage holds from the
    end of the period it was reported for until the next report.
The templates draw inline SVG with presentation attributes only (strict CSP) and
give every chart a title, a text alternative and a table.
"""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pilots import charts
from pilots.models import Task

from .models import ProgressReport, TaskProgress

CHART_WIDTH, CHART_HEIGHT = 640, 260
# The right margin holds half of the last date label, centred on the last point.
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 32, 12, 36
CHART_COLOURS, CHART_DASHES = charts.SERIES, charts.DASHES
AXIS_TEXT, GRID = charts.AXIS_TEXT, charts.GRID

# The small step chart of one task.
STEP_WIDTH, STEP_HEIGHT = 300, 84
STEP_LEFT, STEP_RIGHT, STEP_TOP, STEP_BOTTOM = 36, 12, 8, 22
STEP_COLOUR = charts.PRIMARY


@dataclasses.dataclass
class Series:
    task: Task
    points: list  # [(period_end, percent, x, y)]
    colour: str
    dash: str

    @property
    def polyline(self):
        return " ".join(f"{x},{y}" for _d, _p, x, y in self.points)


@dataclasses.dataclass
class StepChart:
    """What templates/milestones/_task_step_chart.html draws for one task."""

    task: Task
    points: list  # [(period_end, percent, x, y)]
    window: tuple  # (first day, last day) of the implementation
    width: int = STEP_WIDTH
    height: int = STEP_HEIGHT
    left: int = STEP_LEFT
    right: int = STEP_WIDTH - STEP_RIGHT
    top: int = STEP_TOP
    bottom: int = STEP_HEIGHT - STEP_BOTTOM
    colour: str = STEP_COLOUR
    axis_text: str = AXIS_TEXT
    grid: str = GRID

    @property
    def path(self):
        """The step line: level from one report to the next, then up (or down)."""
        (_d, _p, x, y), *rest = self.points
        steps = [f"M{x},{y}"]
        for _d, _p, x, y in rest:
            steps.append(f"H{x}V{y}")
        return "".join(steps)

    @property
    def description(self):
        values = pgettext("between the items of a list in a sentence", "; ").join(
            _("%(date)s: %(percent)s%%") % {"date": day.isoformat(), "percent": percent}
            for day, percent, _x, _y in self.points
        )
        return _(
            "Percent complete at the end of each reporting period, "
            "from %(start)s to %(end)s: %(values)s."
        ) % {
            "start": self.window[0].isoformat(),
            "end": self.window[1].isoformat(),
            "values": values,
        }

    @property
    def dom_id(self):
        """The prefix of the chart's ids (a task's chart shows once on a page)."""
        return f"task-steps-{self.task.pk}"

    @property
    def middle(self):
        return (self.top + self.bottom) // 2


@dataclasses.dataclass
class Chart:
    """What templates/milestones/_progress_chart.html draws."""

    series: list
    dates: list
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    x_ticks: list = dataclasses.field(default_factory=list)  # [(x, label)]
    y_ticks: list = dataclasses.field(default_factory=list)  # [(y, percent)]
    left: int = CHART_LEFT
    right: int = CHART_WIDTH - CHART_RIGHT
    top: int = CHART_TOP
    bottom: int = CHART_HEIGHT - CHART_BOTTOM
    # {task pk: StepChart} of the tasks with a submitted report.
    steps: dict = dataclasses.field(default_factory=dict)

    @property
    def rows(self):
        """The table fallback: one row per period end, one cell per task."""
        by_task = [
            {day: percent for day, percent, _x, _y in line.points}
            for line in self.series
        ]
        return [(day, [values.get(day) for values in by_task]) for day in self.dates]


def progress_series(unit, batch):
    """Percent complete per task over time, from submitted reports only (never a
    draft, never the problems text: the public unit page shows it). One query."""
    return progress_charts(unit, [batch])[batch.pk]


def progress_charts(unit, batches):
    """{batch pk: Chart} of the unit in each of `batches` (see progress_series).
    One query whatever the number of batches."""
    rows = (
        TaskProgress.objects.filter(
            report__unit=unit,
            report__batch__in=[batch.pk for batch in batches],
            report__status=ProgressReport.Status.SUBMITTED,
        )
        .select_related("task", "report")
        .order_by("task__order", "task__pk", "report__period_end")
    )
    by_batch = {batch.pk: {} for batch in batches}
    for row in rows:
        by_task = by_batch[row.report.batch_id]
        by_task.setdefault(row.task, []).append((row.report.period_end, row.percent))
    charts = {}
    for batch in batches:
        by_task = by_batch[batch.pk]
        chart = _chart(by_task)
        window = (batch.implementation_start, batch.implementation_end)
        chart.steps = {
            task.pk: _step_chart(task, values, window)
            for task, values in by_task.items()
        }
        charts[batch.pk] = chart
    return charts


def _chart(by_task):
    """The Chart of {task: [(period end, percent)]}."""
    dates = sorted({day for values in by_task.values() for day, _p in values})
    chart = Chart(series=[], dates=dates)
    if not dates:
        return chart
    first, last = dates[0], dates[-1]
    span = max((last - first).days, 1)
    plot_width = chart.right - chart.left
    plot_height = chart.bottom - chart.top

    def x_of(day):
        if len(dates) == 1:
            return chart.left + plot_width // 2
        return chart.left + round((day - first).days * plot_width / span)

    def y_of(percent):
        return chart.bottom - round(percent * plot_height / 100)

    for index, (task, values) in enumerate(by_task.items()):
        chart.series.append(
            Series(
                task=task,
                points=[(day, p, x_of(day), y_of(p)) for day, p in values],
                colour=CHART_COLOURS[index % len(CHART_COLOURS)],
                dash=CHART_DASHES[index % len(CHART_DASHES)],
            )
        )
    chart.x_ticks = [(x_of(day), day) for day in dates]
    chart.y_ticks = [(y_of(p), p) for p in (0, 25, 50, 75, 100)]
    return chart


def _step_chart(task, values, window):
    """The StepChart of one task's [(period end, percent)] over `window`: the x
    axis is the whole implementation, so the step shows how far in time too."""
    chart = StepChart(task=task, points=[], window=window)
    start, end = window
    days = max((end - start).days + 1, 1)
    plot_width = chart.right - chart.left
    plot_height = chart.bottom - chart.top

    def x_of(day):
        # A period ends at the end of its last day.
        offset = (day - start).days + 1
        return chart.left + round(min(max(offset, 0), days) * plot_width / days)

    def y_of(percent):
        return chart.bottom - round(percent * plot_height / 100)

    chart.points = [(day, p, x_of(day), y_of(p)) for day, p in values]
    return chart
