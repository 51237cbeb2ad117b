"""Progress reports and the approved plan as checklist."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.confirm import confirm_page, is_confirmed, late_consequence
from pilots.history import history_for_page
from pilots.models import Batch, PilotUnit, User
from pilots.permissions import (
    is_member_of,
    readable_task_ids,
    role_required,
    supervises,
)
from pilots.programme import require_in_batch

from .. import progress, progress_charts
from ..models import ProgressReport
from ..progress_forms import ReportForm, ScheduleForm, foreign_rows

READERS = (User.Role.OFFICE, User.Role.DEPARTMENT, User.Role.UNIT)
# Overdue first, then what is still open; what needs nobody's attention last.
STATUS_RANK = {
    progress.ReportStatus.OVERDUE: 0,
    progress.ReportStatus.OPEN: 1,
    progress.ReportStatus.LATE: 2,
    progress.ReportStatus.SUBMITTED: 3,
    progress.ReportStatus.NOT_STARTED: 4,
}


def _current_batch():
    batch = Batch.objects.current()
    if batch is None:
        raise Http404
    return batch


def _get_unit(request, slug, batch):
    """The unit, for its members, the office and its supervising departments;
    404 for everyone else (another unit's member learns nothing). A unit outside
    `batch` has no report periods in it: the page says so."""
    unit = get_object_or_404(PilotUnit, slug=slug)
    user = request.user
    if not (user.is_office or is_member_of(user, unit) or supervises(user, unit)):
        raise Http404
    require_in_batch(unit, batch)
    return unit


def _units_for(user, batch):
    units = batch.units.order_by("order", "slug")
    if user.is_department:
        units = units.supervised_by(user.department_id)
    return list(units)


# A page at a time: a national programme has thousands of unit × period rows.
ROWS_PER_PAGE = 100


@role_required(*READERS)
def progress_overview(request):
    """All units × periods, overdue first (office; a department: its units)."""
    if request.user.is_unit_member:
        return redirect("milestones:progress_unit", request.user.unit.slug)
    batch = _current_batch()
    schedule = progress.schedule_for(batch)
    rows = progress.period_rows(
        batch=batch,
        units=_units_for(request.user, batch),
        today=timezone.localdate(),
        periods=progress.report_periods(batch, schedule),
    )
    rows.sort(key=lambda row: (STATUS_RANK[row.status], row.period.start))
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "milestones/progress_overview.html",
        {
            "batch": batch,
            "rows": page.object_list,
            "page": page,
            "schedule": schedule,
        },
    )


@role_required(*READERS)
def progress_unit(request, slug):
    """One unit's periods with their status, and its progress chart."""
    batch = _current_batch()
    unit = _get_unit(request, slug, batch)
    rows = progress.period_rows(batch=batch, units=[unit], today=timezone.localdate())
    return render(
        request,
        "milestones/progress_unit.html",
        {
            "batch": batch,
            "unit": unit,
            "rows": rows,
            "is_member": is_member_of(request.user, unit),
            "chart": progress_charts.progress_series(unit, batch),
        },
    )


def _report_context(request, *, batch, unit, period):
    report = (
        ProgressReport.objects.filter(batch=batch, unit=unit, period_start=period.start)
        .prefetch_related("task_progress__task", "checklist")
        .first()
    )
    if report is not None and not progress.can_view_report(request.user, report):
        raise Http404
    if report is None and not is_member_of(request.user, unit):
        raise Http404
    plan = progress.approved_plan(batch=batch, unit=unit)
    task_ids = readable_task_ids(request.user, unit)
    items = progress.plan_items(plan, task_ids) if plan else []
    return {
        "batch": batch,
        "unit": unit,
        "period": period,
        "report": report,
        "plan": plan,
        "items": items,
        "task_ids": task_ids,
        "status": progress.report_status(period, report, timezone.localdate()),
        "history": history_for_page(report, labels=ProgressReport.Status.choices),
    }


@role_required(*READERS)
def progress_report(request, slug, period):
    """The unit writes its report (save, submit); everyone else reads it."""
    batch = _current_batch()
    unit = _get_unit(request, slug, batch)
    period = progress.period_for(batch, period)
    if period is None:
        raise Http404
    context = _report_context(request, batch=batch, unit=unit, period=period)
    report, items = context["report"], context["items"]
    if not progress.can_edit_report(request.user, unit, report):
        return _report_read(request, context)
    if not period.has_started(timezone.localdate()):
        context["not_started"] = True
        return render(request, "milestones/progress_report.html", context, status=400)
    tasks = list(batch.tasks_of(unit))
    if request.method != "POST":
        initial = {}
        if report is None:
            previous = progress.previous_percents(
                batch=batch, unit=unit, before=period.start
            )
            initial = {f"task_{pk}_percent": p for pk, p in previous.items()}
        context["form"] = ReportForm(
            tasks=tasks, items=items, report=report, initial=initial
        )
        return render(request, "milestones/progress_report.html", context)
    submitting = "submit" in request.POST
    form = ReportForm(request.POST, tasks=tasks, items=items, submitting=submitting)
    context["form"] = form
    if foreign_rows(request.POST, tasks=tasks, items=items):
        form.is_valid()
        form.add_error(None, _("The form names a task or plan item of another unit."))
        return render(request, "milestones/progress_report.html", context, status=400)
    if form.is_valid():
        if submitting and not is_confirmed(request):
            return _submit_question(request, unit, period)
        try:
            report = progress.save_report(
                batch=batch,
                unit=unit,
                period=period,
                user=request.user,
                summary=form.cleaned_data["summary"],
                tasks=form.task_inputs(),
                items=form.item_inputs(),
            )
            if submitting:
                progress.submit_report(report=report, user=request.user)
        except progress.ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Report submitted.") if submitting else _("Draft saved.")
            )
            return redirect("milestones:progress_report", unit.slug, period.key)
    return render(request, "milestones/progress_report.html", context, status=400)


def _submit_question(request, unit, period):
    """Nothing is saved yet: the question carries what was typed, and offers to
    keep it as a draft instead."""
    return confirm_page(
        request,
        title=_("Submit the report?"),
        consequences=[
            _(
                "After submitting, the report can no longer be changed; the office "
                "and the departments supervising the unit's tasks are told."
            ),
            late_consequence(period.due),
        ],
        action_label=_("Submit the report"),
        cancel_url=reverse("milestones:progress_report", args=[unit.slug, period.key]),
        hidden=request.POST,
        button_name="submit",
        draft_label=_("Save as a draft instead"),
    )


def _report_read(request, context):
    """Read-only: a department sees only the sections of the tasks it supervises
    (the context's task_ids and items are limited to them)."""
    report = context["report"]
    if report is None:
        raise Http404
    task_rows = progress.readable_progress(report, context["task_ids"])
    states = {
        (f"s{entry.schedule_item_id}" if entry.schedule_item_id else "")
        + (f"d{entry.deliverable_id}" if entry.deliverable_id else ""): entry
        for entry in report.checklist.all()
    }
    item_rows = [(item, states.get(item.key)) for item in context["items"]]
    context.update(task_rows=task_rows, item_rows=item_rows)
    return render(request, "milestones/progress_report.html", context)


@role_required(*READERS)
def progress_checklist(request, slug):
    """The approved plan as checklist, with each item's latest reported state."""
    batch = _current_batch()
    unit = _get_unit(request, slug, batch)
    plan = progress.approved_plan(batch=batch, unit=unit)
    task_ids = readable_task_ids(request.user, unit)
    items = progress.checklist_items(plan, task_ids) if plan else []
    return render(
        request,
        "milestones/progress_checklist.html",
        {"batch": batch, "unit": unit, "plan": plan, "items": items},
    )


@role_required(User.Role.OFFICE)
def progress_schedule(request):
    """The office sets how often the batch's units report."""
    batch = _current_batch()
    schedule = progress.schedule_for(batch)
    form = ScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        try:
            progress.set_schedule(
                batch=batch,
                cadence=form.cleaned_data["cadence"],
                grace_days=form.cleaned_data["grace_days"],
            )
        except progress.ReportError as error:
            form.add_error("cadence", str(error))
        else:
            messages.success(request, _("Reporting schedule saved."))
            return redirect("milestones:progress_schedule")
    # Validation wrote the typed values onto the form's instance: show the
    # periods of the schedule as stored.
    schedule = progress.schedule_for(batch)
    return render(
        request,
        "milestones/progress_schedule.html",
        {
            "batch": batch,
            "form": form,
            "periods": progress.report_periods(batch, schedule),
        },
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("progress/", progress_overview, name="progress_overview"),
    path("progress/cadence/", progress_schedule, name="progress_schedule"),
    path("progress/<slug:slug>/", progress_unit, name="progress_unit"),
    path(
        "progress/<slug:slug>/checklist/",
        progress_checklist,
        name="progress_checklist",
    ),
    path(
        "progress/<slug:slug>/periods/<str:period>/",
        progress_report,
        name="progress_report",
    ),
]
