"""The office's batches: a new one from scratch or copied from an earlier one,
changed, and made the current one (pilots/batches.py holds the rules)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from pilots import batches
from pilots.forms import UnitFilterForm
from pilots.models import Batch, PilotUnit, Task, User
from pilots.permissions import role_required

from .. import programme
from ..programme_forms import BatchCopyForm, BatchForm, BatchMembersForm

office_only = role_required(User.Role.OFFICE)


@office_only
def batch_list(request):
    rows = Batch.objects.order_by("-launch_date", "-pk").annotate_members()
    return render(request, "milestones/programme_batches.html", {"batches": rows})


@office_only
def batch_create(request):
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = batches.save_batch(
            batch=form.save(commit=False),
            units=form.cleaned_data["units"],
            tasks=form.cleaned_data["tasks"],
        )
        messages.success(
            request,
            _("%(name)s was created. It is not the current batch yet.")
            % {"name": batch.label},
        )
        return redirect("milestones:batch_members", batch.slug)
    return render(
        request, "milestones/programme_batch_form.html", {"form": form, "batch": None}
    )


@office_only
def batch_edit(request, slug):
    batch = get_object_or_404(Batch, slug=slug)
    form = BatchForm(request.POST or None, instance=batch)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if batch.is_current:
                # The units are told of each deadline that moves, once.
                programme.update_timeline(batch=batch, dates=form.cleaned_data)
            form.save()
        messages.success(request, _("%(name)s was saved.") % {"name": batch.label})
        return redirect("milestones:batch_list")
    return render(
        request, "milestones/programme_batch_form.html", {"form": form, "batch": batch}
    )


@office_only
def batch_copy(request, slug):
    source = get_object_or_404(Batch, slug=slug)
    form = BatchCopyForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        names = {key: form.cleaned_data[key] for key in ("name", "name_en", "slug")}
        batch = batches.copy_batch(
            source=source,
            launch_date=form.cleaned_data["launch_date"],
            units=form.cleaned_data["units"],
            tasks=form.cleaned_data["tasks"],
            **names,
        )
        messages.success(
            request,
            _(
                "%(name)s was created from %(source)s: launched on %(launch)s, "
                "plans due %(plans)s, acceptance due %(acceptance)s. Check the "
                "dates below; it is not the current batch yet."
            )
            % {
                "name": batch.label,
                "source": source.label,
                "launch": date_format(batch.launch_date, "Y-m-d"),
                "plans": date_format(batch.plan_due, "Y-m-d"),
                "acceptance": date_format(batch.acceptance_due, "Y-m-d"),
            },
        )
        return redirect("milestones:batch_edit", batch.slug)
    return render(
        request,
        "milestones/programme_batch_copy.html",
        {"form": form, "source": source},
    )


# The batch's units page, a page at a time: a national programme has thousands
# of units and ten times as many tasks.
MEMBERS_PER_PAGE = 30


@office_only
def batch_members(request, slug):
    """A page of units (filtered by name, level, domain): whether each takes
    part in the batch, and which of its tasks. A save changes the units of the
    page only; pilots.batches.save_members keeps a task only with its unit."""
    batch = get_object_or_404(Batch, slug=slug)
    filters = UnitFilterForm(request.GET or None)
    units = filters.filter(PilotUnit.objects.order_by("order", "pk"))
    page = Paginator(units, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.urlencode()
    if request.method == "POST":
        form = BatchMembersForm(request.POST)
        if form.is_valid():
            batches.save_members(batch=batch, **form.cleaned_data)
            messages.success(
                request, _("The units of %(name)s were saved.") % {"name": batch.label}
            )
            return redirect(f"{request.path}?{query}" if query else request.path)
        messages.error(request, _("Nothing was saved: reload the page and try again."))
    listed = list(page.object_list)
    members = set(
        batch.units.filter(pk__in=[unit.pk for unit in listed]).values_list(
            "pk", flat=True
        )
    )
    taking_part = set(batch.tasks.filter(unit__in=listed).values_list("pk", flat=True))
    tasks = {}
    for task in Task.objects.filter(unit__in=listed).order_by("order", "pk"):
        task.taking_part = task.pk in taking_part
        tasks.setdefault(task.unit_id, []).append(task)
    rows = [
        {"unit": unit, "member": unit.pk in members, "tasks": tasks.get(unit.pk, [])}
        for unit in listed
    ]
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "milestones/programme_batch_members.html",
        {
            "batch": batch,
            "form": filters,
            "rows": rows,
            "page": page,
            "query": kept.urlencode(),
            "unit_count": batch.units.count(),
            "task_count": batch.tasks.count(),
        },
    )


def _unit_names(units):
    # Chinese lists names with 、, English with a comma.
    return pgettext("between names in a list", ", ").join(unit.label for unit in units)


@office_only
def batch_make_current(request, slug):
    """A page of its own: what switching changes, then one POST that does it."""
    batch = get_object_or_404(Batch, slug=slug)
    if request.method == "POST" and not batch.is_current:
        switch = batches.make_current(batch)
        messages.success(request, _switch_message(switch))
        return redirect("milestones:batch_list")
    return render(
        request,
        "milestones/programme_batch_switch.html",
        {"batch": batch, "switch": batches.switch_preview(batch)},
    )


def _switch_message(switch):
    parts = [
        _("%(name)s is now the current batch.") % {"name": switch.current.label}
        if switch.previous is None
        else _("%(name)s is now the current batch, in place of %(previous)s.")
        % {"name": switch.current.label, "previous": switch.previous.label}
    ]
    if switch.joined:
        parts.append(
            ngettext(
                "%(count)s unit joined: %(names)s.",
                "%(count)s units joined: %(names)s.",
                len(switch.joined),
            )
            % {"count": len(switch.joined), "names": _unit_names(switch.joined)}
        )
    if switch.left:
        parts.append(
            ngettext(
                "%(count)s unit is no longer in the current batch: %(names)s.",
                "%(count)s units are no longer in the current batch: %(names)s.",
                len(switch.left),
            )
            % {"count": len(switch.left), "names": _unit_names(switch.left)}
        )
    return " ".join(parts)


urlpatterns = [
    path("programme/batches/", batch_list, name="batch_list"),
    path("programme/batches/new/", batch_create, name="batch_create"),
    path("programme/batches/<slug:slug>/", batch_edit, name="batch_edit"),
    path("programme/batches/<slug:slug>/copy/", batch_copy, name="batch_copy"),
    path("programme/batches/<slug:slug>/units/", batch_members, name="batch_members"),
    path(
        "programme/batches/<slug:slug>/make-current/",
        batch_make_current,
        name="batch_make_current",
    ),
]
