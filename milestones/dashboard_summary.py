"""The strip at the top of the dashboard, for a reader who would rather look than
read: where the units stand, what is overdue, which checks passed, how many
achievements there are, and a bar chart of the units per stage.

Everything but the achievements comes from the dashboard's aggregate figures
over every unit in scope (dashboard_counts; the furthest step a unit reached is
counted there), so it costs no query; the achievements are one aggregate query.
The chart is drawn by templates/milestones/_stage_chart.html from the geometry
computed here (inline SVG, presentation attributes only: the CSP forbids inline styles).
"""

import dataclasses

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from milestones.models import Achievement
from pilots import charts

# Where a unit stands, the furthest step it has reached (notice 三, 五, 六).
STAGES = [
    ("plan_due", gettext_lazy("Plan not submitted yet")),
    ("plan_review", gettext_lazy("Plan submitted, not approved yet")),
    ("implementing", gettext_lazy("Plan approved, implementing")),
    ("midterm", gettext_lazy("Mid-term check passed")),
    ("accepted", gettext_lazy("Accepted")),
    ("plaque", gettext_lazy("Plaque awarded")),
]

# The legend names both colours and every bar's count is also written out.
ON_TRACK, OVERDUE, TEXT = charts.PRIMARY, charts.ALERT, charts.TEXT

WIDTH = 640
LABEL_WIDTH = 236  # the stage names, right-aligned before the bars
BAR_LEFT, BAR_RIGHT = LABEL_WIDTH + 8, WIDTH - 56  # room for the count after it
ROW_HEIGHT, BAR_HEIGHT, TOP = 28, 18, 4


@dataclasses.dataclass
class StageBar:
    key: str
    label: str
    count: int
    overdue: int  # of `count`, the units with an overdue item
    y: int
    width: int = 0  # whole pixels: the template writes them as they are
    overdue_width: int = 0

    @property
    def on_track(self):
        return self.count - self.overdue

    @property
    def on_track_width(self):
        return self.width - self.overdue_width

    @property
    def overdue_x(self):
        return BAR_LEFT + self.width - self.overdue_width

    @property
    def text_y(self):
        return self.y + BAR_HEIGHT - 5

    @property
    def count_x(self):
        return BAR_LEFT + self.width + 6


@dataclasses.dataclass
class StageChart:
    bars: list
    total: int
    width: int = WIDTH
    label_x: int = LABEL_WIDTH
    bar_left: int = BAR_LEFT
    on_track_colour: str = ON_TRACK
    overdue_colour: str = OVERDUE
    text_colour: str = TEXT

    @property
    def height(self):
        return TOP * 2 + ROW_HEIGHT * len(self.bars)

    @property
    def overdue(self):
        return sum(bar.overdue for bar in self.bars)

    @property
    def description(self):
        """The chart in words, for a reader who cannot see it."""
        parts = [
            _("%(stage)s: %(count)d (%(overdue)d with overdue items)")
            % {"stage": bar.label, "count": bar.count, "overdue": bar.overdue}
            for bar in self.bars
        ]
        separator = pgettext("between the items of a list in a sentence", "; ")
        return _("Units in all: %(total)d. %(stages)s.") % {
            "total": self.total,
            "stages": separator.join(parts),
        }


def stage_chart(figures):
    """The bars of the units per stage (in the programme's order), each split
    into the units with and without an overdue item. A bar's length is its
    share of all units in scope. `figures`: dashboard_counts.UnitStates.totals()."""
    total = figures["units"]
    span = BAR_RIGHT - BAR_LEFT
    bars = []
    for index, (key, label) in enumerate(STAGES):
        count, overdue = figures[f"step_{key}"], figures[f"step_{key}_overdue"]
        bars.append(
            StageBar(
                key=key,
                label=str(label),
                count=count,
                overdue=overdue,
                y=TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
                width=round(span * count / total) if total else 0,
                overdue_width=round(span * overdue / total) if total else 0,
            )
        )
    return StageChart(bars=bars, total=total)


def achievement_counts(scope):
    """Registered, published and recommended achievements of the tasks in scope
    (a department: its business domains' tasks only). One query."""
    return Achievement.objects.filter(task__in=scope.tasks()).aggregate(
        total=Count("pk"),
        published=Count("pk", filter=Q(published_at__isnull=False)),
        recommended=Count("pk", filter=Q(recommended=True)),
    )


def summary(scope, figures):
    """The strip's figures and the chart, from the dashboard's aggregate figures
    over every unit in scope (dashboard_counts.UnitStates.totals())."""
    return {
        "units": figures["units"],
        "chart": stage_chart(figures),
        "reports_overdue": figures["reports_overdue_sum"],
        "units_reports_overdue": figures["units_reports_overdue"],
        "midterm_passed": figures["done_midterm"],
        "accepted": figures["done_accepted"],
        "achievements": achievement_counts(scope),
    }
