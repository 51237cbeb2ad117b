"""The office's dashboard and the business department's view of its tasks.

Both read the same figures (pilots/dashboard.py); a department's scope is the
tasks in its business domains and the units that have them.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from pilots.models import User
from pilots.permissions import role_required
from pilots.views.exports import export_answer

from .. import dashboard, dashboard_summary, exports

OFFICE = role_required(User.Role.OFFICE)
DEPARTMENT = role_required(User.Role.DEPARTMENT)


def _scope(request):
    scope = dashboard.Scope.for_user(request.user)
    if scope.batch is None:
        raise Http404
    return scope


# The dashboard shows the units that need attention first (overdue items first, the
# matrix's order) and their tasks; every unit is on the units pages, UNITS_PER_PAGE
# at a time, so neither page grows with a national programme.
ATTENTION = 20
UNITS_PER_PAGE = 50


def _home(request):
    scope = _scope(request)
    context = dashboard.dashboard(scope)
    context["summary"] = dashboard_summary.summary(scope, context["rows"])
    shown = context["rows"][:ATTENTION]
    shown_units = {row.unit.pk for row in shown}
    context["shown_rows"] = shown
    context["shown_tasks"] = [
        task for task in context["tasks"] if task.unit_id in shown_units
    ]
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
    """The units behind a number of the dashboard: ?stage=…&state=… or ?owing=…"""
    scope = _scope(request)
    rows, periods, _tasks, _extended = dashboard.matrix(scope)
    stage = request.GET.get("stage", "")
    state = request.GET.get("state", "")
    owing = request.GET.get("owing", "")
    rows = dashboard.filter_rows(rows, stage=stage, state=state, owing=owing)
    page = Paginator(rows, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "milestones/dashboard_units.html",
        {
            "scope": scope,
            "batch": scope.batch,
            "count": len(rows),
            "rows": page.object_list,
            "page": page,
            "query": kept.urlencode(),
            "stages": dashboard.STAGES,
            "states": list(dashboard.STATES.items()),
            "heading": _filter_heading(stage, state, owing, periods),
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
