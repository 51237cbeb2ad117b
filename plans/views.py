import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.models import Batch, PilotUnit
from pilots.permissions import supervises

from . import pdfjobs, services
from .forms import (
    AnswerForm,
    AttachmentForm,
    CommentForm,
    ContactForm,
    DecisionForm,
    DeliverableForm,
    ExtensionForm,
    ScheduleItemForm,
    SectionForm,
)
from .models import (
    Anchor,
    Attachment,
    Contact,
    Deliverable,
    Plan,
    PlanComment,
    PlanPdf,
    ScheduleItem,
    SectionKey,
    Status,
)
from .permissions import (
    can_answer_comment,
    can_comment_plan,
    can_decide_plan,
    can_edit_plan,
    can_submit_plan,
    can_view_plan,
)

# The outline of 附件2, in order; "needs" groups its three sub-texts.
OUTLINE = [
    "status_quo",
    "needs",
    "objectives",
    "content",
    "technical",
    "schedule",
    "deliverables",
    "safeguards",
    "highlights",
    "contacts",
]

DECISIONS = {
    "review": services.start_review,
    "return": services.return_plan,
    "approve": services.approve_plan,
    "reject": services.reject_plan,
}


def _get_plan(request, slug):
    """The current batch's plan of unit `slug`; 404 for anyone who may not read it."""
    unit = get_object_or_404(PilotUnit, slug=slug)
    batch = Batch.objects.current()
    if batch is None:
        raise Http404
    plan = Plan(batch=batch, unit=unit)
    if not can_view_plan(request.user, plan):
        raise Http404
    plan = services.plan_for(batch=batch, unit=unit)
    plan.unit, plan.batch = unit, batch
    return plan


@contextlib.contextmanager
def _frozen_refused(request, plan):
    """Turn NotEditable (the plan was submitted meanwhile) into a message; the
    caller checks `plan.refused` and redirects."""
    plan.refused = False
    try:
        yield
    except services.NotEditable as refused:
        plan.refused = True
        messages.error(request, str(refused))


def _require(allowed):
    if not allowed:
        raise PermissionDenied


@login_required
def plan_list(request):
    user = request.user
    if not (user.is_office or user.is_department):
        raise PermissionDenied
    batch = Batch.objects.current()
    units = list(PilotUnit.objects.all())
    if user.is_department:
        units = [unit for unit in units if supervises(user, unit)]
    plans = {
        plan.unit_id: plan
        for plan in Plan.objects.filter(batch=batch).prefetch_related("versions")
    }
    rows = []
    for unit in units:
        plan = plans.get(unit.pk)
        versions = list(plan.versions.all()) if plan else []
        last = versions[-1] if versions else None
        rows.append({"unit": unit, "plan": plan, "last": last})
    return render(request, "plans/plan_list.html", {"batch": batch, "rows": rows})


@login_required
def my_plan(request):
    """A unit member's shortcut (the navbar's link) to their unit's plan."""
    if not request.user.is_unit_member:
        raise Http404
    return redirect("plans:detail", request.user.unit.slug)


@login_required
def plan_detail(request, slug):
    plan = _get_plan(request, slug)
    return render(request, "plans/plan_detail.html", _detail_context(request, plan))


def _detail_context(request, plan, *, comment_form=None, answer_form=None):
    """The plan page. A comment or answer form with errors comes back bound, so
    the page shows the errors next to what the user typed."""
    rows = services.load_plan(plan)
    result = services.completeness(plan=plan, **rows)
    texts = {s.key: s for s in rows["sections"]}
    comments = list(
        plan.comments.select_related("author", "answered_by").order_by("created_at")
    )
    by_section = {}
    for comment in comments:
        by_section.setdefault(comment.section, []).append(comment)
        if answer_form is not None and answer_form.comment_pk == comment.pk:
            comment.answer_form = answer_form
    sections = [
        {
            "key": key.value,
            "label": key.label,
            "text": texts[key.value].text if key.value in texts else "",
            "comments": by_section.get(key.value, []),
        }
        for key in SectionKey
    ]
    by_key = {s["key"]: s for s in sections}
    outline = []
    for key in OUTLINE:
        if key == "needs":
            block = {
                "id": key,
                "label": _("Requirements analysis"),
                "sections": [by_key[k.value] for k in services.NEEDS_KEYS],
            }
        elif key in SectionKey.values:
            block = {
                "id": key,
                "label": SectionKey(key).label,
                "sections": [by_key[key]],
            }
        else:
            block = {"id": key, "label": Anchor(key).label, "sections": []}
        block["state"] = result.states[key]
        block["comments"] = [] if block["sections"] else by_section.get(key, [])
        outline.append(block)
    user = request.user
    due = services.plan_due(plan)
    context = {
        "plan": plan,
        "outline": outline,
        "unit": plan.unit,
        "batch": plan.batch,
        "rows": rows,
        "sections": sections,
        "open_comments": [c for c in comments if not c.is_addressed],
        "result": result,
        "due": due,
        "is_extended": due != plan.batch.plan_due,
        "versions": list(plan.versions.select_related("submitted_by")),
        "history": list(plan.history.select_related("by")),
        "attachments": list(plan.attachments.filter(is_removed=False)),
        "can_edit": can_edit_plan(user, plan),
        "can_submit": can_submit_plan(user, plan)
        and plan.status in (Status.DRAFT, Status.RETURNED),
        "can_decide": can_decide_plan(user, plan),
        "can_comment": can_comment_plan(user, plan),
        "can_answer": can_answer_comment(user, plan) and plan.is_editable,
        "comment_form": comment_form or CommentForm(),
        "attachment_form": AttachmentForm(),
        "extension_form": ExtensionForm(),
        "decisions": [
            verb
            for verb, status in (
                ("review", Status.UNDER_REVIEW),
                ("return", Status.RETURNED),
                ("approve", Status.APPROVED),
                ("reject", Status.REJECTED),
            )
            if status in services.TRANSITIONS[Status(plan.status)]
        ],
    }
    return context


@login_required
def section_edit(request, slug, key):
    plan = _get_plan(request, slug)
    if key not in SectionKey.values:
        raise Http404
    _require(can_edit_plan(request.user, plan))
    section = services.section_for(plan=plan, key=key)
    theirs = None
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
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
    )


def _contact_slots(plan):
    slots = [(None, role) for role in Contact.Role]
    for task in plan.unit.tasks.all():
        slots += [(task, role) for role in Contact.Role]
    return slots


@login_required
def contacts_edit(request, slug):
    plan = _get_plan(request, slug)
    _require(can_edit_plan(request.user, plan))
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
    if request.method == "POST":
        if all(f["blank"] or f["form"].is_valid() for f in forms):
            with _frozen_refused(request, plan), transaction.atomic():
                services.lock_editable(plan)
                for slot in forms:
                    if slot["cleared"] is not None:
                        slot["cleared"].delete()
                    if slot["blank"]:
                        continue
                    contact = slot["form"].save(commit=False)
                    contact.plan, contact.task, contact.role = (
                        plan,
                        slot["task"],
                        slot["role"],
                    )
                    contact.save()
            if plan.refused:
                return redirect(plan)
            messages.success(request, _("Contacts saved."))
            return redirect(f"{plan.get_absolute_url()}#contacts")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "plans/contacts_form.html",
        {"plan": plan, "unit": plan.unit, "slots": forms},
    )


def _rows_page(request, slug, form_class, model, template, anchor):
    plan = _get_plan(request, slug)
    _require(can_edit_plan(request.user, plan))
    if request.method == "POST":
        form = form_class(request.POST, plan=plan)
        if form.is_valid():
            with _frozen_refused(request, plan), transaction.atomic():
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
    plan = _get_plan(request, slug)
    _require(can_edit_plan(request.user, plan))
    model = {
        "schedule": ScheduleItem,
        "deliverables": Deliverable,
        "attachments": Attachment,
    }.get(what)
    if model is None:
        raise Http404
    row = get_object_or_404(model, plan=plan, pk=pk)
    with _frozen_refused(request, plan), transaction.atomic():
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


@login_required
@require_POST
def attachment_add(request, slug):
    plan = _get_plan(request, slug)
    _require(can_edit_plan(request.user, plan))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with _frozen_refused(request, plan), transaction.atomic():
            services.lock_editable(plan)
            Attachment.objects.create(
                plan=plan,
                file=upload,
                name=upload.name[:200],
                kind=upload.kind,
                size=upload.size,
                uploaded_by=request.user,
            )
        if plan.refused:
            return redirect(plan)
        messages.success(request, _("File uploaded."))
    else:
        for error in form.errors["file"]:
            messages.error(request, error)
    return redirect(f"{plan.get_absolute_url()}#attachments")


@login_required
def attachment_download(request, slug, pk):
    plan = _get_plan(request, slug)
    attachment = get_object_or_404(Attachment, plan=plan, pk=pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name
    )


@login_required
@require_POST
def submit(request, slug):
    plan = _get_plan(request, slug)
    _require(can_submit_plan(request.user, plan))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        version = services.submit_plan(
            plan=plan, expected=form.cleaned_data["expected"], user=request.user
        )
    except services.Incomplete as refused:
        messages.error(request, str(refused))
        for blocker in refused.blockers:
            messages.warning(request, blocker)
    except services.PlanError as refused:
        messages.error(request, str(refused))
    else:
        if version.is_late:
            messages.warning(
                request,
                _("Plan submitted, %(days)s day(s) after the deadline.")
                % {"days": version.days_late},
            )
        else:
            messages.success(request, _("Plan submitted."))
    return redirect(plan)


@login_required
@require_POST
def decide(request, slug, verb):
    plan = _get_plan(request, slug)
    _require(can_decide_plan(request.user, plan))
    if verb not in DECISIONS:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        DECISIONS[verb](
            plan=plan,
            expected=form.cleaned_data["expected"],
            user=request.user,
            comment=form.cleaned_data["comment"],
        )
    except services.PlanError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("The plan is now “%(s)s”.") % {"s": Status(plan.status).label},
        )
    return redirect(plan)


@login_required
@require_POST
def comment_add(request, slug):
    plan = _get_plan(request, slug)
    _require(can_comment_plan(request.user, plan))
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(
            plan=plan,
            section=form.cleaned_data["section"],
            body=form.cleaned_data["body"],
            user=request.user,
        )
        messages.success(request, _("Comment added."))
        return redirect(plan)
    messages.error(request, _("A comment needs a section and a text."))
    context = _detail_context(request, plan, comment_form=form)
    return render(request, "plans/plan_detail.html", context, status=400)


@login_required
@require_POST
def comment_answer(request, slug, pk):
    plan = _get_plan(request, slug)
    _require(can_answer_comment(request.user, plan) and plan.is_editable)
    comment = get_object_or_404(PlanComment, plan=plan, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.answer_comment(
            comment=comment,
            answer=form.cleaned_data["answer"],
            addressed=form.cleaned_data["addressed"],
            user=request.user,
        )
        messages.success(request, _("Answer saved."))
        return redirect(f"{plan.get_absolute_url()}#comment-{comment.pk}")
    messages.error(request, _("Write an answer first."))
    form.comment_pk = comment.pk
    context = _detail_context(request, plan, answer_form=form)
    return render(request, "plans/plan_detail.html", context, status=400)


@login_required
@require_POST
def extension(request, slug):
    plan = _get_plan(request, slug)
    _require(can_decide_plan(request.user, plan))
    form = ExtensionForm(request.POST)
    if form.is_valid():
        services.grant_extension(
            plan=plan,
            due=form.cleaned_data["due"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        messages.success(request, _("Deadline extended."))
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect(plan)


@login_required
def version_detail(request, slug, number):
    plan = _get_plan(request, slug)
    version = get_object_or_404(plan.versions, number=number)
    sections = [
        {"label": key.label, "text": version.content["sections"].get(key.value, "")}
        for key in SectionKey
    ]
    return render(
        request,
        "plans/version_detail.html",
        {"plan": plan, "unit": plan.unit, "version": version, "sections": sections},
    )


@login_required
def compare(request, slug):
    plan = _get_plan(request, slug)
    versions = list(plan.versions.all())
    numbers = [v.number for v in versions]
    try:
        a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else 0))
        b = int(request.GET.get("b", numbers[-1] if numbers else 0))
    except ValueError:
        raise Http404 from None
    by_number = {v.number: v for v in versions}
    if a not in by_number or b not in by_number:
        raise Http404
    return render(
        request,
        "plans/compare.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "old": by_number[a],
            "new": by_number[b],
            "versions": versions,
            "diff": services.compare_versions(by_number[a], by_number[b]),
            "anchors": Anchor,
        },
    )


def _pdf_or_status(request, plan, version=None):
    """Serve the PDF of what the plan (or version) shows now if it is rendered;
    else request it and show its progress."""
    pdf = pdfjobs.request_pdf(plan=plan, version=version, user=request.user)
    if pdf.status == PlanPdf.Status.READY:
        return _pdf_file(pdf)
    return redirect("plans:pdf_status", plan.unit.slug, pdf.pk)


def _pdf_file(pdf):
    return FileResponse(
        pdf.file.open("rb"),
        as_attachment=True,
        filename=pdf.filename,
        content_type="application/pdf",
    )


def _get_pdf(request, slug, pk):
    plan = _get_plan(request, slug)
    return get_object_or_404(
        PlanPdf.objects.select_related("version"), plan=plan, pk=pk
    )


@login_required
def version_pdf(request, slug, number):
    plan = _get_plan(request, slug)
    version = get_object_or_404(plan.versions, number=number)
    return _pdf_or_status(request, plan, version)


@login_required
def draft_pdf(request, slug):
    """The plan as it stands now, watermarked 草稿."""
    return _pdf_or_status(request, _get_plan(request, slug))


@login_required
def pdf_status(request, slug, pk):
    pdf = _get_pdf(request, slug, pk)
    return render(
        request,
        "plans/pdf_status.html",
        {"pdf": pdf, "plan": pdf.plan, "unit": pdf.plan.unit},
    )


@login_required
def pdf_download(request, slug, pk):
    pdf = _get_pdf(request, slug, pk)
    if pdf.status != PlanPdf.Status.READY:
        raise Http404
    return _pdf_file(pdf)


@login_required
@require_POST
def pdf_retry(request, slug, pk):
    pdf = _get_pdf(request, slug, pk)
    if not pdfjobs.retry_pdf(pdf):
        messages.info(request, _("This PDF is not failed; nothing to retry."))
    return redirect("plans:pdf_status", slug, pdf.pk)
