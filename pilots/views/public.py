"""The public column (no login): the programme's home, the units and their tasks."""

from django.shortcuts import get_object_or_404, render
from django.urls import path

from ..models import PilotUnit
from .programme import timeline_context, units_with_tasks


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
        timeline_context(groups=_group_by_level(units)),
    )


def unit_list(request):
    return render(
        request,
        "pilots/unit_list.html",
        {"groups": _group_by_level(units_with_tasks())},
    )


def unit_detail(request, slug):
    unit = get_object_or_404(units_with_tasks(), slug=slug)
    return render(request, "pilots/unit_detail.html", {"unit": unit})


urlpatterns = [
    path("", index, name="index"),
    path("units/", unit_list, name="unit_list"),
    path("units/<slug:slug>/", unit_detail, name="unit_detail"),
]
