"""Mid-term check and acceptance material, results and plaques."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed, late_consequence
from pilots.files import AttachmentForm
from pilots.history import history_for_page
from pilots.models import Batch, PilotUnit, User
from pilots.permissions import readable_task_ids, role_required
from pilots.programme import require_in_batch
from reviews import views as review_views
from reviews import workflow
from reviews.forms import DecisionForm
from reviews.models import Round, StageRecord, Submission

from .. import checks, progress
from ..checks_forms import MaterialForm, PlaqueForm, TaskAcceptanceForm
from ..models import CheckEvidence, CheckKind, ChecklistEntry, Plaque

OFFICE = role_required(User.Role.OFFICE)
READERS = role_required(User.Role.OFFICE, User.Role.DEPARTMENT, User.Role.UNIT)


def _kind(kind):
    if kind not in CheckKind.values:
        raise Http404
    return CheckKind(kind)


def _batch():
    batch = Batch.objects.current()
    if batch is None:
        raise Http404
    return batch


def _get_material_for_user(request, kind, slug):
    """(unit, batch, material) of unit `slug`; 404 to those who may not read it."""
    kind = _kind(kind)
    unit = get_object_or_404(PilotUnit, slug=slug)
    if not checks.can_view_material(request.user, unit):
        raise Http404
    batch = _batch()
    # A unit outside the current batch has no check window in it.
    require_in_batch(unit, batch)
    return unit, batch, checks.material_for(batch=batch, unit=unit, kind=kind)


def _edit_context(material, plan, form, evidence_form=None):
    opens, due = checks.window(
        batch=material.batch, unit=material.unit, kind=material.kind
    )
    return {
        "material": material,
        "unit": material.unit,
        "kind": CheckKind(material.kind),
        "plan": plan,
        "form": form,
        "evidence": list(material.evidence.all()) if material.pk else [],
        "evidence_form": evidence_form or AttachmentForm(),
        "refused": checks.refusal(material=material, plan=plan),
        "opens": opens,
        "due": due,
    }


def _initial(material, items):
    """The saved texts and checklist states; items the material does not give yet
    start from their latest state in the unit's progress reports."""
    initial = {
        "self_assessment": material.self_assessment,
        "goals_met": material.goals_met,
    }
    for key, _label, item in items:
        initial[f"state_{key}"], initial[f"reason_{key}"] = item.state, item.reason
    if material.pk:
        for entry in ChecklistEntry.objects.filter(material=material):
            key = checks.entry_key(entry)
            initial[f"state_{key}"], initial[f"reason_{key}"] = (
                entry.state,
                entry.reason,
            )
    return initial


def _waiting_for(user, batch, unit, opens):
    """Why the unit cannot write its material yet, or None: the material builds
    on the approved plan, and the window must have opened (the same conditions
    as its to-do and reminders, outstanding.owed_by_units)."""
    if not checks.can_edit_material(user, unit):
        return None
    if progress.approved_plan(batch=batch, unit=unit) is None:
        return _(
            "The material can be written once your implementation plan is approved."
        )
    if opens > timezone.localdate():
        return _("The material can be written from %(date)s.") % {
            "date": date_format(opens, "Y-m-d")
        }
    return None


def _detail_context(request, unit, batch, material, **extra):
    kind = CheckKind(material.kind)
    opens, due = checks.window(batch=batch, unit=unit, kind=kind)
    task_ids = readable_task_ids(request.user, unit)
    result = getattr(material, "result", None) if material.pk else None
    tasks = checks.task_acceptances(result, task_ids)
    context = {
        "unit": unit,
        "kind": kind,
        **checks.material_view(material, task_ids),
        "opens": opens,
        "due": due,
        "submission": checks.current_submission(material),
        "result": result,
        "tasks": tasks,
        "plaque": Plaque.objects.filter(batch=batch, unit=unit).first(),
        "can_edit": checks.can_edit_material(request.user, unit),
        "waiting_for": _waiting_for(request.user, batch, unit, opens),
        "plaque_form": PlaqueForm(),
        "history": history_for_page(material, labels=checks.Status.choices),
    }
    if request.user.is_office:
        context["task_forms"] = [
            (
                t,
                TaskAcceptanceForm(
                    initial={"passed": "yes" if t.passed else "no", "remark": t.remark},
                    prefix=f"t{t.task_id}",
                ),
            )
            for t in tasks
        ]
    context.update(extra)
    return context


# ---------------------------------------------------------------- pages


@role_required(User.Role.OFFICE, User.Role.UNIT)
def check_home(request, kind):
    """The office's overview of all units; a unit member goes to its own page."""
    kind = _kind(kind)
    if request.user.is_unit_member:
        return redirect("milestones:check_detail", kind, request.user.unit.slug)
    batch = _batch()
    return render(
        request,
        "milestones/checks_overview.html",
        {"kind": kind, "batch": batch, "rows": checks.overview(batch=batch, kind=kind)},
    )


@READERS
def check_detail(request, kind, slug):
    unit, batch, material = _get_material_for_user(request, kind, slug)
    return render(
        request,
        "milestones/checks_detail.html",
        _detail_context(request, unit, batch, material),
    )


@role_required(User.Role.UNIT)
def check_edit(request, kind, slug):
    unit, batch, material = _get_material_for_user(request, kind, slug)
    if not checks.can_edit_material(request.user, unit):
        raise Http404
    plan = progress.approved_plan(batch=batch, unit=unit)
    items = checks.checklist_items(plan) if plan else []
    if request.method != "POST":
        form = MaterialForm(initial=_initial(material, items), items=items)
        return render(
            request, "milestones/checks_edit.html", _edit_context(material, plan, form)
        )
    form = MaterialForm(request.POST, items=items)
    if not form.is_valid():
        context = _edit_context(material, plan, form)
        return render(request, "milestones/checks_edit.html", context, status=400)
    # Material that may not be submitted now is refused at once, unasked.
    refused = checks.refusal(material=material, plan=plan)
    if "submit" in request.POST and not is_confirmed(request) and not refused:
        return _submit_question(request, material)
    try:
        # A refused submission keeps nothing of the post: the draft saved before
        # stays as it was, and the form below still shows what was typed.
        with transaction.atomic():
            checks.save_material(
                material=material,
                plan=plan,
                self_assessment=form.cleaned_data["self_assessment"].strip(),
                goals_met=form.cleaned_data["goals_met"].strip(),
                states=form.states(),
            )
            if "submit" in request.POST:
                checks.submit_material(material=material, plan=plan, user=request.user)
    except checks.CheckError as error:
        form.add_error(None, str(error))
        material = checks.material_for(batch=batch, unit=unit, kind=material.kind)
        context = _edit_context(material, plan, form)
        return render(request, "milestones/checks_edit.html", context, status=409)
    messages.success(
        request,
        _("Your material was submitted.")
        if "submit" in request.POST
        else _("Your draft was saved."),
    )
    if "submit" in request.POST:
        return redirect("milestones:check_detail", kind, slug)
    return redirect("milestones:check_edit", kind, slug)


def _submit_question(request, material):
    """Nothing is saved yet: the question carries what was typed, and offers to
    keep it as a draft instead. What still blocks the submission is told by the
    submission itself: it depends on what was typed, which is not saved yet."""
    _opens, due = checks.window(
        batch=material.batch, unit=material.unit, kind=material.kind
    )
    return confirm_page(
        request,
        title=_("Submit the material?"),
        consequences=[
            _(
                "After submitting, the material and its evidence can no longer be "
                "changed unless the office returns it; the office is told."
            ),
            late_consequence(due),
        ],
        action_label=_("Submit the material"),
        cancel_url=reverse(
            "milestones:check_edit", args=[material.kind, material.unit.slug]
        ),
        hidden=request.POST,
        button_name="submit",
        draft_label=_("Save as a draft instead"),
    )


@role_required(User.Role.UNIT)
@require_POST
def check_evidence_add(request, kind, slug):
    unit, batch, material = _get_material_for_user(request, kind, slug)
    if not checks.can_edit_material(request.user, unit):
        raise Http404
    plan = progress.approved_plan(batch=batch, unit=unit)
    evidence_form = AttachmentForm(request.POST, request.FILES)
    if evidence_form.is_valid():
        try:
            checks.add_evidence(
                material=material,
                plan=plan,
                upload=evidence_form.cleaned_data["file"],
                user=request.user,
            )
        except checks.CheckError as error:
            evidence_form.add_error(None, str(error))
        else:
            messages.success(request, _("File uploaded."))
            return redirect("milestones:check_edit", kind, slug)
    items = checks.checklist_items(plan) if plan else []
    form = MaterialForm(initial=_initial(material, items), items=items)
    context = _edit_context(material, plan, form, evidence_form)
    return render(request, "milestones/checks_edit.html", context, status=400)


@role_required(User.Role.UNIT)
@require_POST
def check_evidence_remove(request, kind, slug, pk):
    unit, batch, material = _get_material_for_user(request, kind, slug)
    if not checks.can_edit_material(request.user, unit) or material.pk is None:
        raise Http404
    evidence = get_object_or_404(CheckEvidence, material=material, pk=pk)
    plan = progress.approved_plan(batch=batch, unit=unit)
    # Material that can no longer change is refused at once, without a question.
    if not is_confirmed(request) and not checks.refusal(material=material, plan=plan):
        return confirm_page(
            request,
            title=_("Remove the evidence file?"),
            consequences=_(
                "The file “%(name)s” is deleted from the material; to have it back "
                "it must be uploaded again."
            )
            % {"name": evidence.name},
            action_label=_("Remove the file"),
            cancel_url=reverse("milestones:check_edit", args=[kind, slug]),
            danger=True,
        )
    try:
        checks.remove_evidence(evidence=evidence, plan=plan)
    except checks.CheckError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("File removed."))
    return redirect("milestones:check_edit", kind, slug)


@login_required
def check_evidence_download(request, pk):
    """Evidence for those who may read the material, and the experts assigned to it."""
    evidence = get_object_or_404(
        CheckEvidence.objects.select_related("material__unit"), pk=pk
    )
    if not checks.can_download_evidence(request.user, evidence.material):
        raise Http404
    return evidence.download()


# ---------------------------------------------------------------- the office


@OFFICE
@require_POST
def check_task_acceptance(request, kind, slug):
    unit, batch, material = _get_material_for_user(request, kind, slug)
    result = getattr(material, "result", None) if material.pk else None
    if result is None or material.kind != CheckKind.ACCEPTANCE:
        raise Http404
    task_id = request.POST.get("task", "")
    # ASCII digits only: "²".isdigit() is true, yet no id.
    valid_id = task_id.isascii() and task_id.isdigit()
    if not valid_id or not result.tasks.filter(task_id=task_id).exists():
        raise Http404
    form = TaskAcceptanceForm(request.POST, prefix=f"t{task_id}")
    if form.is_valid():
        try:
            checks.set_task_acceptance(
                result=result,
                task_id=int(task_id),
                passed=form.cleaned_data["passed"],
                remark=form.cleaned_data["remark"].strip(),
            )
        except checks.CheckError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The task's acceptance was saved."))
            return redirect("milestones:check_detail", kind, slug)
    context = _detail_context(request, unit, batch, material)
    context["task_forms"] = [
        (t, form if str(t.task_id) == task_id else f) for t, f in context["task_forms"]
    ]
    return render(request, "milestones/checks_detail.html", context, status=400)


@OFFICE
@require_POST
def check_plaque(request, kind, slug):
    unit, batch, material = _get_material_for_user(request, kind, slug)
    if CheckKind(material.kind) != CheckKind.ACCEPTANCE:
        raise Http404
    form = PlaqueForm(request.POST)
    if form.is_valid():
        try:
            checks.record_plaque(
                batch=batch, unit=unit, user=request.user, **form.cleaned_data
            )
        except checks.CheckError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The plaque was recorded."))
            return redirect("milestones:check_detail", kind, slug)
    context = _detail_context(request, unit, batch, material, plaque_form=form)
    return render(request, "milestones/checks_detail.html", context, status=400)


# ---------------------------------------------------------------- in a review round
# The review of material is reviews' (rounds, experts, sheets); what the material
# is and what a decision does to it are this app's, so these pages are here.


@OFFICE
@require_POST
def check_round_add(request, pk):
    round_ = get_object_or_404(Round.objects.exclude(kind=Round.Kind.PLAN), pk=pk)
    added = checks.add_check_submissions(round_=round_)
    messages.success(request, _("%(n)s submission(s) added.") % {"n": added})
    return redirect("reviews:round", round_.pk)


@OFFICE
@require_POST
def check_decide(request, pk):
    submission = review_views.submission_for(pk)
    if submission.round.kind == Round.Kind.PLAN:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return review_views.submission_page(
            request, submission, decision_form=form, status=400
        )
    if not is_confirmed(request):
        return review_views.decision_question(request, submission, form)
    try:
        checks.decide(
            submission=submission,
            outcome=form.cleaned_data["outcome"],
            opinion=form.cleaned_data["opinion"],
            quorum_reason=form.cleaned_data["quorum_reason"],
            user=request.user,
        )
    except checks.CheckError as error:
        form.add_error(None, str(error))
        return review_views.submission_page(
            request, submission, decision_form=form, status=409
        )
    messages.success(request, _("The decision was recorded."))
    return redirect("reviews:submission", pk)


@READERS
def check_stages(request, kind, slug):
    """The review of the material, step by step, as a plan's (reviews.views)."""
    unit, _batch_, material = _get_material_for_user(request, kind, slug)
    submission = checks.current_submission(material)
    steps = workflow.progress(submission=submission) if submission else {}
    return review_views.stages_page(
        request,
        unit=unit,
        steps=steps,
        records=StageRecord.objects.filter(
            submission__check_material=material.pk
        ).select_related("by"),
        reviews=Submission.objects.filter(check_material=material.pk).select_related(
            "round", "unit"
        ),
        take=lambda posted, forms, skips: review_views.take_step(
            request,
            unit,
            steps,
            posted,
            forms,
            skips,
            submission=submission,
            record_stage=checks.record_stage,
        ),
        context={
            "back_url": reverse("milestones:check_detail", args=[kind, unit.slug]),
            "back_label": CheckKind(kind).label,
            "status_label": material.get_status_display()
            if material.pk
            else _("Not started"),
            "submission": submission,
            "not_yet": _("The material is not before a review round yet."),
        },
    )


@role_required(User.Role.EXPERT)
def check_assignment(request, pk):
    """The expert's score sheet beside the unit's material."""
    assignment = review_views.assignment_for(request, pk)
    submission = assignment.submission
    if submission.round.kind == Round.Kind.PLAN:
        raise Http404
    material = submission.check_material
    check = checks.material_view(material) if material else None
    return review_views.sheet_page(request, assignment, check=check)


urlpatterns = [
    path("checks/review/rounds/<int:pk>/add/", check_round_add, name="check_round_add"),
    path("checks/review/<int:pk>/decide/", check_decide, name="check_decide"),
    path(
        "checks/review/assignments/<int:pk>/",
        check_assignment,
        name="check_assignment",
    ),
    # Before the <kind>/<slug>/ patterns, which would otherwise take "evidence".
    path("checks/evidence/<int:pk>/", check_evidence_download, name="check_evidence"),
    path("checks/<str:kind>/", check_home, name="check_home"),
    path("checks/<str:kind>/<slug:slug>/", check_detail, name="check_detail"),
    path("checks/<str:kind>/<slug:slug>/edit/", check_edit, name="check_edit"),
    path(
        "checks/<str:kind>/<slug:slug>/evidence/",
        check_evidence_add,
        name="check_evidence_add",
    ),
    path(
        "checks/<str:kind>/<slug:slug>/evidence/<int:pk>/remove/",
        check_evidence_remove,
        name="check_evidence_remove",
    ),
    path(
        "checks/<str:kind>/<slug:slug>/tasks/",
        check_task_acceptance,
        name="check_task_acceptance",
    ),
    path("checks/<str:kind>/<slug:slug>/plaque/", check_plaque, name="check_plaque"),
    path("checks/<str:kind>/<slug:slug>/stages/", check_stages, name="check_stages"),
]
