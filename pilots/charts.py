"""The colours of the portal's charts, in one place: the plan's Gantt chart
(plans.gantt), the dashboard's units per stage (milestones.dashboard_summary)
and the progress over time (milestones.progress_charts).

Every chart is inline SVG that takes these as presentation attributes (the CSP
forbids inline styles), names each colour in a legend or its title, and says
its numbers in a table too. Each colour that carries meaning has a contrast of
at least 4.5:1 on white (WCAG 2 AA; graphics need 3:1): tests/pilots/test_charts.py.
"""

# One bar or one line: the Gantt's bars, a unit on track, a task's progress.
PRIMARY = "#1f5fa8"
# Something overdue.
ALERT = "#b02a37"
# Labels, and the axis they stand on.
TEXT = "#212529"
AXIS_TEXT = "#495057"
# Grid lines: a background guide only, lighter than 3:1 on purpose.
GRID = "#dee2e6"
# Several lines in one chart: the Okabe–Ito hues (told apart by most colour-blind
# readers), darkened where needed to keep 4.5:1; the lines also differ by dash.
SERIES = ["#0072B2", "#C34A00", "#007A5A", "#AA3377", "#8C6D00", "#332288"]
DASHES = ["", "6 3", "2 3", "8 3 2 3"]
