"""The office's dashboard and the business department's view of its tasks."""

from django.db.models import Count
from django.shortcuts import render
from django.urls import path

from ..models import PilotUnit, User
from ..permissions import role_required
from .programme import tasks_with_domains, timeline_context


@role_required(User.Role.OFFICE)
def office_home(request):
    units = PilotUnit.objects.annotate(task_count=Count("tasks")).order_by("order")
    return render(
        request,
        "pilots/office_home.html",
        timeline_context(units=units),
    )


@role_required(User.Role.DEPARTMENT)
def department_home(request):
    department = request.user.department
    tasks = (
        tasks_with_domains()
        .select_related("unit")
        .filter(business_domain__departments=department)
    )
    return render(
        request,
        "pilots/department_home.html",
        timeline_context(department=department, tasks=tasks),
    )


urlpatterns = [
    path("office/", office_home, name="office_home"),
    path("department/", department_home, name="department_home"),
]
