from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from .models import Batch, PilotUnit, Task, User
from .permissions import HOME_VIEW_BY_ROLE, role_required


def _tasks_with_domains():
    return Task.objects.select_related("business_domain").prefetch_related(
        "technology_domains"
    )


def _units_with_tasks():
    return PilotUnit.objects.prefetch_related(
        Prefetch("tasks", queryset=_tasks_with_domains())
    )


def _timeline(**context):
    """Context for pages that show the current batch's key dates."""
    return {"batch": Batch.objects.current(), "today": timezone.localdate(), **context}


def _group_by_level(units):
    groups = {level: [] for level in PilotUnit.Level}
    for unit in units:
        groups[PilotUnit.Level(unit.level)].append(unit)
    return [(level.label, members) for level, members in groups.items() if members]


def index(request):
    units = PilotUnit.objects.all()
    return render(
        request,
        "pilots/index.html",
        _timeline(groups=_group_by_level(units)),
    )


def unit_list(request):
    return render(
        request,
        "pilots/unit_list.html",
        {"groups": _group_by_level(_units_with_tasks())},
    )


def unit_detail(request, slug):
    unit = get_object_or_404(_units_with_tasks(), slug=slug)
    return render(request, "pilots/unit_detail.html", {"unit": unit})


def home(request):
    """After login: each role lands on its own page."""
    if not request.user.is_authenticated:
        return redirect("login")
    view_name = HOME_VIEW_BY_ROLE.get(request.user.role)
    if view_name is None:
        return render(request, "pilots/home_no_role.html")
    return redirect(view_name)


@role_required(User.Role.OFFICE)
def office_home(request):
    units = PilotUnit.objects.annotate(task_count=Count("tasks")).order_by("order")
    return render(
        request,
        "pilots/office_home.html",
        _timeline(units=units),
    )


@role_required(User.Role.DEPARTMENT)
def department_home(request):
    department = request.user.department
    tasks = (
        _tasks_with_domains()
        .select_related("unit")
        .filter(business_domain__departments=department)
    )
    return render(
        request,
        "pilots/department_home.html",
        _timeline(department=department, tasks=tasks),
    )


@role_required(User.Role.UNIT)
def unit_home(request):
    unit = get_object_or_404(_units_with_tasks(), pk=request.user.unit_id)
    return render(
        request,
        "pilots/unit_home.html",
        _timeline(unit=unit),
    )


@role_required(User.Role.EXPERT)
def expert_home(request):
    return render(
        request,
        "pilots/expert_home.html",
        _timeline(expert=request.user),
    )
