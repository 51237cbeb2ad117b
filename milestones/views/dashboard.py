"""The office's dashboard and the business department's view of its tasks.

Both read the same figures (pilots/dashboard.py); a department's scope is the
tasks in its business domains and the units that have them.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.models import User
from pilots.permissions import role_required
from pilots.views.exports import export_answer

from .. import dashboard, dashboard_counts, dashboard_summary, exports

OFFICE = role_required(User.Role.OFFICE)
DEPARTMENT = role_required(User.Role.DEPARTMENT)


def _scope(request):
    scope = dashboard.Scope.for_user(request.user)
    if scope.batch is None:
        raise Http404
    return scope


# The dashboard shows the units that need attention first (overdue items first,
# then those waiting for the office) and their tasks; every unit is on the units
# pages, UNITS_PER_PAGE at a time, so neither page grows with a national programme.
ATTENTION = 20
UNITS_PER_PAGE = 50


def _home(request):
    scope = _scope(request)
    context = dashboard.dashboard(scope, shown=ATTENTION)
    context["summary"] = dashboard_summary.summary(scope, context["figures"])
    context["shown_rows"] = context["rows"]
    context["shown_tasks"] = context["tasks"]
    context["units_url"] = scope.url("units")
    context["exports"] = [
        (label, scope.url("export", what, "xlsx"), scope.url("export", what, "csv"))
        for what, (_table, label) in exports.TABLES.items()
    ]
    if scope.department is not None:
        context["department"] = scope.department
        return render(request, "milestones/department_home.html", context)
    return render(request, "milestones/office_home.html", context)


def _units(request):
    """The units behind a number of the dashboard: ?stage=…&state=… or ?owing=…,
    needing attention first; the rows of one page are built."""
    scope = _scope(request)
    stage = request.GET.get("stage", "")
    state = request.GET.get("state", "")
    owing = request.GET.get("owing", "")
    states = dashboard_counts.UnitStates(scope, timezone.localdate())
    units = states.filtered(stage=stage, state=state, owing=owing)
    if units is None:
        # A state the dashboard links to nowhere (?state=in_review…): read from
        # every unit's row.
        rows, _periods, _tasks, _dues = dashboard.matrix(scope)
        units = [
            row.unit for row in dashboard.filter_rows(rows, stage=stage, state=state)
        ]
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    rows, _periods, _tasks, _dues = dashboard.matrix(scope, units=page.object_list)
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "milestones/dashboard_units.html",
        {
            "scope": scope,
            "batch": scope.batch,
            "count": page.paginator.count,
            "rows": rows,
            "page": page,
            "query": kept.urlencode(),
            "stages": dashboard.STAGES,
            "states": list(dashboard.STATES.items()),
            "heading": _filter_heading(stage, state, owing, states.periods),
            "home_url": scope.url("home"),
        },
    )


def _filter_heading(stage, state, owing, periods):
    if owing:
        for period in periods:
            if owing == f"report:{period.key}":
                return _("Units owing the progress report for %(start)s – %(end)s") % {
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                }
        labels = {
            "plan_due": _("Units owing their implementation plan"),
            "midterm_end": _("Units owing their mid-term check material"),
            "acceptance_due": _("Units owing their acceptance material"),
        }
        return labels.get(owing, _("Units"))
    stage_label = dict(dashboard.STAGES).get(stage)
    state_label = dashboard.STATES.get(state)
    if stage_label and state_label:
        return _("%(stage)s: %(state)s") % {"stage": stage_label, "state": state_label}
    return _("Units")


def _export(request, what, fmt):
    """GET: the button that asks for the export; POST: ask, then its page."""
    if what not in exports.TABLES or fmt not in ("xlsx", "csv"):
        raise Http404
    scope = _scope(request)
    _build, label = exports.TABLES[what]
    return export_answer(
        request,
        title=f"{label} ({fmt.upper()})",
        back_url=scope.url("home"),
        request_job=lambda: exports.request(
            scope=scope, what=what, fmt=fmt, user=request.user
        ),
    )


office_home = OFFICE(_home)
office_units = OFFICE(_units)
office_export = OFFICE(_export)
department_home = DEPARTMENT(_home)
department_units = DEPARTMENT(_units)
department_export = DEPARTMENT(_export)


urlpatterns = [
    path("office/", office_home, name="office_home"),
    path("office/units/", office_units, name="office_units"),
    path("office/export/<slug:what>.<slug:fmt>", office_export, name="office_export"),
    path("department/", department_home, name="department_home"),
    path("department/units/", department_units, name="department_units"),
    path(
        "department/export/<slug:what>.<slug:fmt>",
        department_export,
        name="department_export",
    ),
]
