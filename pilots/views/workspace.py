"""Each signed-in role's landing page."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from ..models import User
from ..permissions import HOME_VIEW_BY_ROLE, role_required
from .programme import timeline_context, units_with_tasks


def home(request):
    """After login: each role lands on its own page."""
    if not request.user.is_authenticated:
        return redirect("login")
    view_name = HOME_VIEW_BY_ROLE.get(request.user.role)
    if view_name is None:
        return render(request, "pilots/home_no_role.html")
    return redirect(view_name)


@role_required(User.Role.UNIT)
def unit_home(request):
    unit = get_object_or_404(units_with_tasks(), pk=request.user.unit_id)
    return render(
        request,
        "pilots/unit_home.html",
        timeline_context(unit=unit),
    )


@role_required(User.Role.EXPERT)
def expert_home(request):
    return render(
        request,
        "pilots/expert_home.html",
        timeline_context(expert=request.user),
    )


urlpatterns = [
    path("home/", home, name="home"),
    path("my-unit/", unit_home, name="unit_home"),
    path("expert/", expert_home, name="expert_home"),
]
