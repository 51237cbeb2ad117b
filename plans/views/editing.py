"""Editing a draft: sections, contacts, schedule, deliverables, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed
from pilots.files import AttachmentForm, stored_upload

from .. import services
from ..forms import (
    ContactForm,
    DeliverableForm,
    ScheduleItemForm,
    SectionForm,
)
from ..models import Attachment, Contact, Deliverable, ScheduleItem, SectionKey
from ..permissions import can_edit_plan
from .access import frozen_refused, get_plan, require


@login_required
def section_edit(request, slug, key):
    plan = get_plan(request, slug)
    if key not in SectionKey.values:
        raise Http404
    require(can_edit_plan(request.user, plan))
    section = services.section_for(plan=plan, key=key)
    theirs, status = None, 200
    if request.method == "POST":
        form = SectionForm(request.POST)
        if not form.is_valid():
            status = 400
        else:
            try:
                services.save_section(
                    plan=plan,
                    key=key,
                    text=form.cleaned_data["text"],
                    revision=form.cleaned_data["revision"],
                    user=request.user,
                )
            except services.EditConflict as conflict:
                section.refresh_from_db()
                theirs = section
                messages.error(request, str(conflict))
                status = 409
                # The user's text stays in the box; the new revision lets them save
                # again once they have merged.
                form = SectionForm(
                    initial={
                        "text": form.cleaned_data["text"],
                        "revision": section.revision,
                    }
                )
            except services.NotEditable as refused:
                messages.error(request, str(refused))
                return redirect(plan)
            else:
                messages.success(request, _("Section saved."))
                return redirect(f"{plan.get_absolute_url()}#section-{key}")
    else:
        form = SectionForm(initial={"text": section.text, "revision": section.revision})
    return render(
        request,
        "plans/section_form.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "form": form,
            "label": SectionKey(key).label,
            "theirs": theirs,
        },
        status=status,
    )


def _contact_slots(plan):
    slots = [(None, role) for role in Contact.Role]
    for task in plan.batch.tasks_of(plan.unit):
        slots += [(task, role) for role in Contact.Role]
    return slots


@login_required
def contacts_edit(request, slug):
    plan = get_plan(request, slug)
    require(can_edit_plan(request.user, plan))
    existing = {(c.task_id, c.role): c for c in plan.contacts.all()}
    forms = []
    for task, role in _contact_slots(plan):
        prefix = f"{task.pk if task else 'unit'}-{role}"
        instance = existing.get((task.pk if task else None, role))
        data = request.POST if request.method == "POST" else None
        form = ContactForm(data, instance=instance, prefix=prefix)
        blank = data is not None and not any(
            data.get(f"{prefix}-{name}", "").strip() for name in form.fields
        )
        if blank:
            # Emptying every field of a filled slot removes that contact.
            form = ContactForm(prefix=prefix)
        forms.append(
            {
                "task": task,
                "role": role,
                "form": form,
                "blank": blank,
                "cleared": instance if blank else None,
            }
        )
    status, conflict = 200, False
    revision = plan.contacts_revision
    if request.method == "POST":
        revision = _posted_revision(request)
        if all(f["blank"] or f["form"].is_valid() for f in forms):
            try:
                with frozen_refused(request, plan), transaction.atomic():
                    services.lock_editable(plan)
                    services.claim_contacts(plan=plan, revision=revision)
                    _save_contacts(plan, forms)
            except services.EditConflict as refused:
                messages.error(request, str(refused))
                conflict, status = True, 409
            else:
                if plan.refused:
                    return redirect(plan)
                messages.success(request, _("Contacts saved."))
                return redirect(f"{plan.get_absolute_url()}#contacts")
        else:
            messages.error(request, _("Please correct the errors below."))
            status = 400
    if conflict:
        # The other member's values, beside each slot; the form keeps ours.
        saved = {(c.task_id, c.role): c for c in plan.contacts.all()}
        for slot in forms:
            slot["theirs"] = saved.get(
                (slot["task"].pk if slot["task"] else None, slot["role"])
            )
        plan.refresh_from_db(fields=["contacts_revision"])
        revision = plan.contacts_revision
    return render(
        request,
        "plans/contacts_form.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "slots": forms,
            "revision": revision,
            "conflict": conflict,
        },
        status=status,
    )


def _posted_revision(request):
    """The revision the form was read at; a tampered one never matches."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _save_contacts(plan, forms):
    for slot in forms:
        if slot["cleared"] is not None:
            slot["cleared"].delete()
        if slot["blank"]:
            continue
        contact = slot["form"].save(commit=False)
        contact.plan, contact.task, contact.role = plan, slot["task"], slot["role"]
        contact.save()


def _rows_page(request, slug, form_class, model, template, anchor):
    plan = get_plan(request, slug)
    require(can_edit_plan(request.user, plan))
    if request.method == "POST":
        form = form_class(request.POST, plan=plan)
        if form.is_valid():
            with frozen_refused(request, plan), transaction.atomic():
                services.lock_editable(plan)
                row = form.save(commit=False)
                row.plan = plan
                row.save()
            if plan.refused:
                return redirect(plan)
            messages.success(request, _("Added."))
            return redirect(request.path)
        messages.error(request, _("Please correct the errors below."))
    else:
        form = form_class(plan=plan)
    items = model.objects.filter(plan=plan).select_related("task")
    return render(
        request,
        template,
        {"plan": plan, "unit": plan.unit, "form": form, "items": items},
    )


@login_required
def schedule_edit(request, slug):
    return _rows_page(
        request,
        slug,
        ScheduleItemForm,
        ScheduleItem,
        "plans/schedule_form.html",
        "schedule",
    )


@login_required
def deliverables_edit(request, slug):
    return _rows_page(
        request,
        slug,
        DeliverableForm,
        Deliverable,
        "plans/deliverables_form.html",
        "deliverables",
    )


@login_required
@require_POST
def row_delete(request, slug, what, pk):
    plan = get_plan(request, slug)
    require(can_edit_plan(request.user, plan))
    model = {
        "schedule": ScheduleItem,
        "deliverables": Deliverable,
        "attachments": Attachment,
    }.get(what)
    if model is None:
        raise Http404
    row = get_object_or_404(model, plan=plan, pk=pk)
    if not is_confirmed(request):
        return _row_delete_question(request, plan, what, row)
    with frozen_refused(request, plan), transaction.atomic():
        services.lock_editable(plan)
        if what == "attachments":
            row.is_removed = True
            row.save(update_fields=["is_removed"])
        else:
            row.delete()
    if plan.refused:
        return redirect(plan)
    messages.success(request, _("Removed."))
    if what == "attachments":
        return redirect(f"{plan.get_absolute_url()}#attachments")
    return redirect("plans:" + what, slug)


def _row_delete_question(request, plan, what, row):
    if what == "attachments":
        consequences = _(
            "The file “%(name)s” is removed from the draft. Versions already "
            "submitted keep it; the unit can upload it again."
        ) % {"name": row.name}
        cancel_url = f"{plan.get_absolute_url()}#attachments"
    else:
        consequences = _(
            "“%(title)s” is deleted from the draft plan; to have it back it must be "
            "entered again."
        ) % {"title": row.title}
        cancel_url = reverse("plans:" + what, args=[plan.unit.slug])
    return confirm_page(
        request,
        title=_("Remove from the plan?"),
        consequences=consequences,
        action_label=_("Remove"),
        cancel_url=cancel_url,
        danger=True,
    )


@login_required
@require_POST
def attachment_add(request, slug):
    plan = get_plan(request, slug)
    require(can_edit_plan(request.user, plan))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with frozen_refused(request, plan), transaction.atomic():
            services.lock_editable(plan)
            Attachment.objects.create(plan=plan, **stored_upload(upload, request.user))
        if plan.refused:
            return redirect(plan)
        messages.success(request, _("File uploaded."))
    else:
        for error in form.errors["file"]:
            messages.error(request, error)
    return redirect(f"{plan.get_absolute_url()}#attachments")


@login_required
def attachment_download(request, slug, pk):
    plan = get_plan(request, slug)
    attachment = get_object_or_404(Attachment, plan=plan, pk=pk)
    return attachment.download()
