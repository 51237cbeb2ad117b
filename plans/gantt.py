"""The schedule of a plan as a Gantt chart: plain SVG drawn by our own code.

One row per schedule item, grouped under a header row per task; a tick per month
across the programme window; a bar from an item's start to its end (inclusive).
Every piece of user text is XML-escaped here, so the result is safe to inline.
The PDF and the web pages draw with `gantt_svg`; a page passes its title and
text alternative in the reader's language (`page_gantt`), the PDF its Chinese.
"""

import datetime
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pilots.charts import PRIMARY

FONT = "Noto Sans CJK SC"


@dataclass(frozen=True)
class GanttRow:
    task: str
    name: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class GanttScale:
    """Maps dates to x positions: the window's days spread over chart_width."""

    window_start: datetime.date
    window_end: datetime.date
    left: float
    chart_width: float

    @property
    def days(self):
        # The window is inclusive: its last day has a width too.
        return (self.window_end - self.window_start).days + 1

    def x(self, day):
        """The x of the start of `day` (clamped to the window)."""
        offset = (day - self.window_start).days
        offset = min(max(offset, 0), self.days)
        return self.left + offset * self.chart_width / self.days

    def span(self, start, end):
        """(x, width) of a bar covering start … end, both days included."""
        x0 = self.x(start)
        x1 = self.x(end + datetime.timedelta(days=1))
        return x0, max(x1 - x0, 0.0)


def month_starts(window_start, window_end):
    """The first day of every month the window touches (the window's start first)."""
    months = []
    day = window_start.replace(day=1)
    while day <= window_end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _clip(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


# Width (in the chart's units) a year label needs to be read whole: "2028年".
YEAR_ROOM = 24


def gantt_svg(
    rows,
    window_start,
    window_end,
    *,
    label_width=190,
    chart_width=480,
    row_height=16,
    label_chars=14,
    title="进度计划横道图",
    description="",
    chart_id="gantt",
    year_format="%(year)d年",
):
    """The SVG (a string) of `rows` (GanttRow-like objects) over the window.

    Rows keep their order inside a task; tasks appear in the order of their first
    row. Bars are clipped to the window. The SVG is an image named by its `title`
    and `description` (role="img", aria-labelledby): ids start with `chart_id`,
    unique on the page. A year label is `year_format % {"year": …}`.
    """
    if window_end < window_start:
        raise ValueError("the window ends before it starts")
    scale = GanttScale(window_start, window_end, label_width, chart_width)
    groups = {}
    for row in rows:
        groups.setdefault(row.task, []).append(row)

    header = 28  # year and month labels
    line_count = sum(1 + len(items) for items in groups.values())
    height = header + line_count * row_height + 4
    width = label_width + chart_width + 6
    labelled_by = f"{chart_id}-title"
    if description:
        labelled_by += f" {chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="8" role="img" '
        f"aria-labelledby={quoteattr(labelled_by)}>",
        f"<title id={quoteattr(chart_id + '-title')}>{escape(title)}</title>",
    ]
    if description:
        out.append(
            f"<desc id={quoteattr(chart_id + '-desc')}>{escape(description)}</desc>"
        )

    # Month ticks: a line at each month start, a label in the month's middle.
    end_x = scale.x(window_end + datetime.timedelta(days=1))
    out.append('<g class="months">')
    for month in month_starts(window_start, window_end):
        start = max(month, window_start)
        next_month = (month + datetime.timedelta(days=32)).replace(day=1)
        x = scale.x(start)
        middle = (x + scale.x(min(next_month, window_end + datetime.timedelta(1)))) / 2
        out.append(
            f'<line class="tick" x1="{_num(x)}" y1="{header - 10}" '
            f'x2="{_num(x)}" y2="{height}" stroke="#c8c8c8" stroke-width="0.5"/>'
        )
        # A January too close to the window's end for its year to be read is left
        # unlabelled rather than cut off at the edge.
        if start == window_start or (month.month == 1 and end_x - x >= YEAR_ROOM):
            out.append(
                f'<text class="year" x="{_num(x + 1)}" y="9">'
                f"{escape(year_format % {'year': month.year})}</text>"
            )
        out.append(
            f'<text class="month" x="{_num(middle)}" y="{header - 3}" '
            f'text-anchor="middle">{month.month}</text>'
        )
    out.append(
        f'<line class="window-end" x1="{_num(end_x)}" y1="{header - 10}" '
        f'x2="{_num(end_x)}" y2="{height}" stroke="#c8c8c8" stroke-width="0.5"/>'
    )
    out.append("</g>")

    y = header
    for task, items in groups.items():
        out.append(
            f'<text class="task" x="2" y="{y + row_height - 4}" font-weight="bold">'
            f"{escape(_clip(task, label_chars + 2))}</text>"
        )
        y += row_height
        for item in items:
            x, bar_width = scale.span(item.start, item.end)
            out.append(
                f'<text class="label" x="10" y="{y + row_height - 4}">'
                f"{escape(_clip(item.name, label_chars))}</text>"
            )
            title = f"{item.name}: {item.start.isoformat()} – {item.end.isoformat()}"
            out.append(
                f'<rect class="bar" x="{_num(x)}" y="{y + 3}" '
                f'width="{_num(bar_width)}" height="{row_height - 6}" '
                f'fill="{PRIMARY}" data-name={quoteattr(item.name)}>'
                f"<title>{escape(title)}</title></rect>"
            )
            y += row_height
    out.append("</svg>")
    return "".join(out)


def page_gantt(rows, window_start, window_end, *, chart_id="gantt"):
    """The Gantt chart of a web page ("" without rows), safe to inline: its title
    and text alternative in the reader's language. The page shows the schedule
    table beside it, which the text alternative points to."""
    rows = list(rows)
    if not rows:
        return ""
    title = _("Gantt chart of the schedule, %(start)s to %(end)s") % {
        "start": window_start.isoformat(),
        "end": window_end.isoformat(),
    }
    description = _(
        "Work items: %(items)d; tasks: %(tasks)d. "
        "The schedule table beside the chart gives every item's dates."
    ) % {"items": len(rows), "tasks": len({row.task for row in rows})}
    svg = gantt_svg(
        rows,
        window_start,
        window_end,
        title=title,
        description=description,
        chart_id=chart_id,
        year_format=pgettext("a year on a chart's time axis", "%(year)d"),
    )
    # gantt_svg escapes every piece of user text itself.
    return mark_safe(svg)  # noqa: S308
