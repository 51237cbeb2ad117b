"""Each signed-in role's landing page."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from pilots.models import User
from pilots.permissions import role_required
from pilots.programme import timeline_context, units_with_tasks

HOME_VIEW_BY_ROLE = {
    User.Role.OFFICE: "milestones:office_home",
    User.Role.DEPARTMENT: "milestones:department_home",
    User.Role.UNIT: "milestones:unit_home",
    User.Role.EXPERT: "milestones:expert_home",
}


def home(request):
    """After login: each role lands on its own page."""
    if not request.user.is_authenticated:
        return redirect("login")
    view_name = HOME_VIEW_BY_ROLE.get(request.user.role)
    if view_name is None:
        return render(request, "milestones/home_no_role.html")
    return redirect(view_name)


@role_required(User.Role.UNIT)
def unit_home(request):
    unit = get_object_or_404(units_with_tasks(), pk=request.user.unit_id)
    context = timeline_context(unit=unit)
    batch = context["batch"]
    in_batch = batch is not None and batch.includes(unit)
    # The tasks the unit carries out in the current batch, with their domains.
    ids = set(batch.tasks_of(unit).values_list("pk", flat=True)) if in_batch else set()
    tasks = [task for task in unit.tasks.all() if task.pk in ids]
    return render(
        request,
        "milestones/unit_home.html",
        {**context, "in_batch": in_batch, "tasks": tasks},
    )


@role_required(User.Role.EXPERT)
def expert_home(request):
    return render(
        request,
        "milestones/expert_home.html",
        timeline_context(expert=request.user),
    )


urlpatterns = [
    path("home/", home, name="home"),
    path("my-unit/", unit_home, name="unit_home"),
    path("expert/", expert_home, name="expert_home"),
]
