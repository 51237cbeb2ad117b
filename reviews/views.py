from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import modelformset_factory
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed
from pilots.forms import UnitFilterForm
from pilots.models import Batch, PilotUnit, User
from pilots.permissions import role_required
from pilots.views.exports import export_answer
from plans import pdfjobs
from plans import services as plan_services
from plans.models import Attachment, Plan, PlanPdf
from plans.reading import version_attachment_ids, version_reading
from plans.views import pdf as pdf_views
from plans.views import word as word_views

from . import aggregation, exports, services, workflow
from .forms import (
    AssignForm,
    ConflictForm,
    CriterionForm,
    DecisionForm,
    MaterialForm,
    MeetingForm,
    PreliminaryForm,
    PreReviewForm,
    RoundForm,
    ScoreSheetForm,
    SkipForm,
    UnitReviewersForm,
)
from .models import (
    Assignment,
    Criterion,
    Decision,
    Round,
    ScoreSheet,
    Stage,
    StageRecord,
    Submission,
    UnitReviewers,
)
from .permissions import (
    can_pre_review,
    can_read_feedback,
    can_score,
    can_view_stages,
)

OFFICE = role_required(User.Role.OFFICE)


def _to_checks(view_name, pk):
    """Mid-term and acceptance material is the floor above's (milestones.checks):
    its pages wrap the reviews machinery. This app's addresses keep working: 307
    keeps a POST a POST, with its body."""
    return HttpResponseRedirect(reverse(view_name, args=[pk]), status=307)


def _current_batch():
    batch = Batch.objects.current()
    if batch is None:
        raise Http404
    return batch


# ---------------------------------------------------------------- home

# The office's and a department's lists of units, a page at a time: a national
# programme has thousands.
UNITS_PER_PAGE = 50


@role_required(*User.Role.values)
def home(request):
    user = request.user
    if user.is_office:
        rounds = Round.objects.filter(batch=_current_batch())
        form = UnitFilterForm(request.GET or None)
        units = form.filter(PilotUnit.objects.order_by("order", "pk"))
        page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
        kept = request.GET.copy()
        kept.pop("page", None)
        return render(
            request,
            "reviews/office_home.html",
            {
                "rounds": rounds,
                "units": page.object_list,
                "form": form,
                "page": page,
                "query": kept.urlencode(),
            },
        )
    if user.is_expert:
        assignments = (
            Assignment.objects.filter(expert=user)
            .select_related("submission__unit", "submission__round", "sheet")
            .order_by("-submission__round__opens_on", "submission__unit__order")
        )
        return render(request, "reviews/expert_home.html", {"assignments": assignments})
    if user.is_unit_member:
        decided = Submission.objects.filter(
            unit=user.unit, decision__isnull=False
        ).select_related("round", "decision")
        return render(
            request,
            "reviews/unit_home.html",
            {"submissions": decided, "unit": user.unit},
        )
    form = UnitFilterForm(request.GET or None)
    units = form.filter(
        PilotUnit.objects.supervised_by(user.department_id).order_by("order", "pk")
    )
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "reviews/department_home.html",
        {
            "units": page.object_list,
            "form": form,
            "page": page,
            "query": kept.urlencode(),
        },
    )


# ---------------------------------------------------------------- rounds


@OFFICE
def round_create(request):
    form = RoundForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        round_ = services.create_round(
            user=request.user, batch=_current_batch(), **form.cleaned_data
        )
        messages.success(request, _("The round was created."))
        return redirect("reviews:round", round_.pk)
    return render(
        request,
        "reviews/round_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@OFFICE
def round_detail(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    criteria, rows = services.round_results(round_)
    return render(
        request,
        "reviews/round_detail.html",
        {
            "round": round_,
            "criteria": criteria,
            "rows": rows,
            "frozen": services.rubric_frozen(round_),
        },
    )


@OFFICE
@require_POST
def round_add_submissions(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    if round_.kind != Round.Kind.PLAN:
        return _to_checks("milestones:check_round_add", pk)
    added = services.add_plan_submissions(round_=round_)
    messages.success(request, _("%(n)s submission(s) added.") % {"n": added})
    return redirect("reviews:round", round_.pk)


@OFFICE
def round_add_material(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    form = MaterialForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        submission = form.save(commit=False)
        submission.round = round_
        submission.save()
        messages.success(request, _("The material was added."))
        return redirect("reviews:round", round_.pk)
    return render(
        request,
        "reviews/material_form.html",
        {"round": round_, "form": form},
        status=400 if form.errors else 200,
    )


CriterionFormSet = modelformset_factory(
    Criterion, form=CriterionForm, extra=1, can_delete=True
)


@OFFICE
def round_criteria(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    frozen = services.rubric_frozen(round_)
    formset = CriterionFormSet(
        request.POST or None, queryset=round_.criteria.all(), prefix="c"
    )
    if request.method == "POST":
        if frozen:
            messages.error(
                request,
                _(
                    "Scoring has started in this round: its criteria can no "
                    "longer change."
                ),
            )
        elif formset.is_valid():
            for form in formset.forms:
                if not form.has_changed() and not form.instance.pk:
                    continue
                if form in formset.deleted_forms:
                    if form.instance.pk:
                        form.instance.delete()
                    continue
                criterion = form.save(commit=False)
                criterion.round = round_
                criterion.save()
            messages.success(request, _("The criteria were saved."))
            return redirect("reviews:round", round_.pk)
    return render(
        request,
        "reviews/criteria_form.html",
        {"round": round_, "formset": formset, "frozen": frozen},
        status=409 if frozen and request.method == "POST" else 200,
    )


@OFFICE
def round_export(request, pk, fmt):
    """GET: the button that asks for the ranking's export; POST: ask, then its
    page (pilots/exportjobs.py builds it in the worker)."""
    round_ = get_object_or_404(Round, pk=pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    back_url = reverse("reviews:round", args=[round_.pk])
    return export_answer(
        request,
        title=f"{round_.title} · {_('Ranking')} ({fmt.upper()})",
        back_url=back_url,
        request_job=lambda: exports.request(
            round_=round_, fmt=fmt, user=request.user, back_url=back_url
        ),
    )


# ---------------------------------------------------------------- submissions


def submission_page(request, submission, *, decision_form=None, status=200):
    criteria, rows = services.round_results(submission.round, [submission])
    reviewers = UnitReviewers.objects.named_for(
        unit=submission.unit, batch=submission.round.batch_id
    )
    responsible = reviewers.responsible_experts if reviewers else []
    version = submission.plan_version
    steps = workflow.progress(version=version, submission=submission)
    if decision_form is None:
        decision_form = DecisionForm(
            initial={"expected": version.plan.status if version else ""}
        )
    return render(
        request,
        "reviews/submission_detail.html",
        {
            "submission": submission,
            "unit": submission.unit,
            "round": submission.round,
            "criteria": criteria,
            "row": rows[0],
            "reviewers": reviewers,
            "responsible": responsible,
            "steps": steps.values(),
            "decision_refused": workflow.refusal(steps, workflow.DECISION)
            if steps[Stage.REVIEW].done
            else None,
            "assign_form": AssignForm(
                responsible=responsible,
                unavailable=services.unavailable_experts(submission),
            ),
            "decision_form": decision_form,
            "suggested": services.suggest_experts(
                submission=submission, responsible=responsible
            ),
            "conflicts": submission.conflicts.select_related("expert"),
        },
        status=status,
    )


def submission_for(pk):
    return get_object_or_404(
        Submission.objects.select_related("round", "unit", "plan_version__plan"),
        pk=pk,
    )


@OFFICE
def submission_detail(request, pk):
    return submission_page(request, submission_for(pk))


@OFFICE
@require_POST
def submission_assign(request, pk):
    submission = get_object_or_404(Submission, pk=pk)
    form = AssignForm(
        request.POST, unavailable=services.unavailable_experts(submission)
    )
    if not form.is_valid():
        messages.error(request, form.errors["expert"][0])
        return redirect("reviews:submission", pk)
    try:
        services.assign(
            submission=submission, expert=form.cleaned_data["expert"], user=request.user
        )
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The expert was assigned."))
    return redirect("reviews:submission", pk)


@OFFICE
@require_POST
def submission_decide(request, pk):
    submission = submission_for(pk)
    if submission.round.kind != Round.Kind.PLAN:
        return _to_checks("milestones:check_decide", pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return submission_page(request, submission, decision_form=form, status=400)
    if not is_confirmed(request):
        return decision_question(request, submission, form)
    try:
        services.decide(
            submission=submission,
            outcome=form.cleaned_data["outcome"],
            opinion=form.cleaned_data["opinion"],
            expected=form.cleaned_data["expected"] or None,
            quorum_reason=form.cleaned_data["quorum_reason"],
            user=request.user,
        )
    except services.ReviewError as error:
        form.add_error(None, str(error))
        return submission_page(request, submission, decision_form=form, status=409)
    messages.success(request, _("The decision was recorded."))
    return redirect("reviews:submission", pk)


def decision_question(request, submission, form):
    """Asked before a decision on a plan or on check material (milestones.checks),
    carrying the validated form's data."""
    return confirm_page(
        request,
        title=_("Record the decision?"),
        consequences=[
            _(
                "“%(outcome)s” is recorded as the decision on the submission of "
                "%(unit)s to “%(round)s”; a decision cannot be changed or "
                "withdrawn afterwards."
            )
            % {
                "outcome": Decision.Outcome(form.cleaned_data["outcome"]).label,
                "unit": submission.unit.label,
                "round": submission.round.title,
            },
            _("The unit is told at once, with the opinion."),
        ],
        action_label=_("Record the decision"),
        cancel_url=reverse("reviews:submission", args=[submission.pk]),
        hidden=request.POST,
    )


@OFFICE
@require_POST
def sheet_reopen(request, pk):
    sheet = get_object_or_404(ScoreSheet.objects.select_related("assignment"), pk=pk)
    try:
        services.reopen_sheet(sheet=sheet)
    except services.ReviewError as error:
        messages.error(request, str(error))
    return redirect("reviews:submission", sheet.assignment.submission_id)


# ---------------------------------------------------------------- experts


def assignment_for(request, pk):
    """The expert's own assignment; 404 to anyone else (an expert who declared a
    conflict has none: declaring deletes the assignment)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "submission__round",
            "submission__unit",
            "submission__plan_version__plan__batch",
            "submission__plan_version__plan__unit",
        ),
        pk=pk,
    )
    if not can_score(request.user, assignment):
        raise Http404
    return assignment


def _version_scored(request, pk):
    """The plan version the requester's own assignment `pk` scores; 404 to anyone
    else and for mid-term or acceptance material."""
    version = assignment_for(request, pk).submission.plan_version
    if version is None:
        raise Http404
    return version


# Anyone signed in may ask; the assignment decides (404 to all but its expert).
@login_required
def assignment_detail(request, pk):
    assignment = assignment_for(request, pk)
    if assignment.submission.round.kind != Round.Kind.PLAN:
        return _to_checks("milestones:check_assignment", pk)
    return sheet_page(request, assignment)


def sheet_page(request, assignment, **context):
    """The expert's score sheet beside what it scores (the whole plan version, as
    submitted); `context` adds what the floor above shows of mid-term or
    acceptance material."""
    submission = assignment.submission
    criteria = list(submission.round.criteria.all())
    # Neither a GET nor a refused post writes: an unsaved sheet until the first
    # save that is allowed.
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    sheet = sheet or ScoreSheet(assignment=assignment)
    locked = services.sheet_locked_reason(sheet)
    submit = "submit" in request.POST
    if request.method == "POST":
        form = ScoreSheetForm(request.POST, criteria=criteria, submit=submit)
        if locked:
            messages.error(request, locked)
            status = 409
        elif form.is_valid():
            if submit and not is_confirmed(request):
                return _submit_sheet_question(request)
            if sheet.pk is None:
                sheet = services.sheet_for(assignment)
            try:
                services.save_sheet(
                    sheet=sheet,
                    values=form.values(),
                    reasons=form.reasons(),
                    comments=form.cleaned_data["comments"],
                    confidential=form.cleaned_data["confidential"],
                    submit=submit,
                )
            except services.ReviewError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Your scores were submitted.")
                    if submit
                    else _("Your draft was saved."),
                )
                return redirect(request.path)
            status = 409
        else:
            status = 400
    saved = {s.criterion_id: s for s in sheet.scores.all()} if sheet.pk else {}
    if request.method != "POST":
        initial = {"comments": sheet.comments, "confidential": sheet.confidential}
        for c in criteria:
            if c.pk in saved:
                initial[f"score_{c.pk}"] = saved[c.pk].value
                initial[f"reason_{c.pk}"] = saved[c.pk].reason
        form = ScoreSheetForm(initial=initial, criteria=criteria)
        status = 200
    version = submission.plan_version
    return render(
        request,
        "reviews/sheet.html",
        {
            "assignment": assignment,
            "submission": submission,
            "sheet": sheet,
            "form": form,
            "locked": locked,
            # The figure that counts: what the server computes from the saved scores.
            "saved_total": aggregation.weighted_total(
                [(c.pk, c.weight, c.max_score) for c in criteria],
                {pk: score.value for pk, score in saved.items()},
            ),
            "version": version,
            "reading": version_reading(version) if version else None,
            "conflict_form": ConflictForm(),
            "stages": _stages_of(submission),
            **context,
        },
        status=status,
    )


def _submit_sheet_question(request):
    """Nothing is saved yet: the question carries the scores as typed, and
    offers to keep them as a draft instead."""
    return confirm_page(
        request,
        title=_("Submit your scores?"),
        consequences=_(
            "After submitting, your scores and remarks are final: they can be "
            "changed only if the office reopens the sheet. The office sees them at "
            "once."
        ),
        action_label=_("Submit scores"),
        cancel_url=request.path,
        hidden=request.POST,
        button_name="submit",
        draft_label=_("Save as a draft instead"),
    )


@login_required
def assignment_attachment(request, pk, attachment_pk):
    """A file the scored version was submitted with."""
    version = _version_scored(request, pk)
    if attachment_pk not in version_attachment_ids(version):
        raise Http404
    attachment = get_object_or_404(
        Attachment, plan_id=version.plan_id, pk=attachment_pk
    )
    return attachment.download()


@login_required
def assignment_pdf(request, pk):
    """The scored version as PDF (plans makes it), as on the plan's own PDF page:
    served when made, else asked for by a button and its progress shown."""
    version = _version_scored(request, pk)
    return pdf_views.pdf_answer(
        request,
        plan=version.plan,
        version=version,
        status_url=lambda pdf: reverse("reviews:assignment_pdf_status", args=[pk]),
        back_url=reverse("reviews:assignment", args=[pk]),
    )


@login_required
def assignment_docx(request, pk):
    """The scored version as a Word file, made on the spot."""
    return word_views.version_docx_answer(request, _version_scored(request, pk))


@login_required
def assignment_pdf_status(request, pk):
    version = _version_scored(request, pk)
    # The version as read, not its archival copies (which plans keeps).
    pdf = get_object_or_404(PlanPdf, version=version, archive="")
    return render(
        request,
        "reviews/assignment_pdf_status.html",
        {"pk": pk, "version": version, "unit": version.plan.unit, "pdf": pdf},
    )


@login_required
@require_POST
def assignment_pdf_retry(request, pk):
    version = _version_scored(request, pk)
    pdf = get_object_or_404(PlanPdf, version=version, archive="")
    if not pdfjobs.retry_pdf(pdf):
        messages.info(request, _("This PDF is not failed; nothing to retry."))
    return redirect("reviews:assignment_pdf_status", pk)


@role_required(User.Role.EXPERT)
@require_POST
def assignment_conflict(request, pk):
    assignment = assignment_for(request, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you have a conflict of interest."))
        return redirect("reviews:assignment", pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Declare a conflict of interest?"),
            consequences=[
                _(
                    "You are taken off the review of %(unit)s for good: you can no "
                    "longer open this submission or score it, and it cannot be "
                    "assigned to you again."
                )
                % {"unit": assignment.submission.unit.label},
                _("The office is told, with your reason."),
            ],
            action_label=_("Declare the conflict"),
            cancel_url=reverse("reviews:assignment", args=[pk]),
            hidden=request.POST,
            danger=True,
        )
    try:
        services.declare_conflict(
            assignment=assignment, reason=form.cleaned_data["reason"]
        )
    except services.ReviewError as error:
        messages.error(request, str(error))
        return redirect("reviews:assignment", pk)
    messages.success(request, _("The office has been told of your conflict."))
    return redirect("reviews:home")


def _stages_of(submission):
    """The 初审 and 预审 records the expert reads beside the sheet."""
    if submission.plan_version is None:
        records = StageRecord.objects.filter(submission=submission)
    else:
        records = StageRecord.objects.filter(plan_id=submission.plan_version.plan_id)
    return list(records.exclude(stage=Stage.MEETING).select_related("by"))


# ---------------------------------------------------------------- unit


@role_required(User.Role.UNIT, User.Role.OFFICE)
def feedback(request, pk):
    submission = get_object_or_404(
        Submission.objects.select_related("round", "unit"), pk=pk
    )
    if not can_read_feedback(request.user, submission):
        raise Http404
    if not Decision.objects.filter(submission=submission).exists():
        raise Http404
    decision, comments = services.feedback(submission)
    return render(
        request,
        "reviews/feedback.html",
        {"submission": submission, "decision": decision, "comments": comments},
    )


# ---------------------------------------------------------------- stages


def _plan_for_stages(request, slug):
    if not request.user.is_authenticated:
        raise PermissionDenied
    unit = get_object_or_404(PilotUnit, slug=slug)
    if not can_view_stages(request.user, unit):
        raise Http404
    plan = Plan.objects.filter(batch=_current_batch(), unit=unit).first()
    if plan is None:
        raise Http404
    return unit, plan


STAGE_FORMS = {
    Stage.PRELIMINARY: PreliminaryForm,
    Stage.PRE_REVIEW: PreReviewForm,
    Stage.MEETING: MeetingForm,
}


def _may_take(user, unit, key):
    """Who takes which step: the office, and the supervising department for 预审."""
    if key == Stage.PRE_REVIEW:
        return can_pre_review(user, unit)
    return user.is_office


def _stage_forms(user, unit, steps, data, posted):
    """The forms of the steps this user may take now (the stage map decides)."""
    forms, skips = {}, {}
    if not steps:  # nothing submitted yet: no step to take
        return forms, skips
    for key, form_class in STAGE_FORMS.items():
        if not _may_take(user, unit, key):
            continue
        possible = workflow.refusal(steps, key) is None
        if not (possible or workflow.open_with_a_reason(steps, key)):
            continue
        bound = data if posted == key else None
        # Own ids per form: the three forms share field names.
        forms[key] = form_class(bound, auto_id=f"{key}-%s")
        if user.is_office and key in workflow.SKIPPABLE:
            skips[key] = SkipForm(
                data if posted == f"skip-{key}" else None, auto_id=f"skip-{key}-%s"
            )
            if key != Stage.MEETING:
                del skips[key].fields["quorum_reason"]
    return forms, skips


def take_step(request, unit, steps, posted, forms, skips, **subject):
    """Record the posted step on `subject` (plan= or submission=, as
    services.record_stage takes it); returns None, or (message, status) when
    refused: 400 for a form to correct, 409 for a step the stage map does not
    allow. Check material's 初审 return goes through milestones.checks, which
    passes its own `record_stage` in `subject`."""
    record_stage = subject.pop("record_stage", services.record_stage)
    try:
        if posted.startswith("skip-"):
            key = posted.removeprefix("skip-")
            form = skips.get(key)
            if form is None:
                return _refused(request.user, unit, steps, key, skipping=True)
            if not form.is_valid():
                return _("Say why the stage is skipped."), 400
            services.skip_stage(
                stage=key,
                reason=form.cleaned_data["reason"],
                quorum_reason=form.cleaned_data.get("quorum_reason", ""),
                user=request.user,
                **subject,
            )
            return None
        form = forms.get(posted)
        if form is None:
            return _refused(request.user, unit, steps, posted)
        if not form.is_valid():
            return _("Check the highlighted fields."), 400
        data = dict(form.cleaned_data)
        record_stage(
            stage=posted,
            outcome=data.pop("outcome", StageRecord.Outcome.CONCLUDED),
            user=request.user,
            experts_present=data.pop("experts_present", ()),
            quorum_reason=data.pop("quorum_reason", ""),
            **data,
            **subject,
        )
    except services.ReviewError as error:
        return str(error), 409
    return None


def _refused(user, unit, steps, key, *, skipping=False):
    """A step posted that has no form now: not this user's (403), or not possible
    now (409, with the stage map's reason)."""
    if not can_pre_review(user, unit):  # takes no step at all
        raise PermissionDenied
    if key not in STAGE_FORMS:
        return _("Choose the step to record."), 400
    if not _may_take(user, unit, key):
        raise PermissionDenied
    if skipping and not user.is_office:
        raise PermissionDenied
    if not steps:
        return _("Nothing has been submitted for review yet."), 409
    return workflow.refusal(steps, key, skipping=skipping), 409


def _stage_question(request, unit, posted, forms, skips):
    """The question before a step is recorded: a record stays as it is written.
    None once confirmed, or for a post that is refused anyway (take_step says
    why, and the question is never asked of those it refuses)."""
    if is_confirmed(request):
        return None
    skipping = posted.startswith("skip-")
    key = posted.removeprefix("skip-")
    form = (skips if skipping else forms).get(key)
    if form is None or not form.is_valid():
        return None
    names = {"stage": Stage(key).label, "unit": unit.label}
    if skipping:
        title = _("Skip “%(stage)s” for %(unit)s?") % names
        what = _("“%(stage)s” is recorded as skipped, with your reason.") % names
        action = _("Skip the stage")
    else:
        outcome = form.cleaned_data.get("outcome") or StageRecord.Outcome.CONCLUDED
        title = _("Record “%(stage)s” for %(unit)s?") % names
        what = _("“%(stage)s” is recorded with the outcome “%(outcome)s”.") % {
            **names,
            "outcome": StageRecord.Outcome(outcome).label,
        }
        action = _("Record the step")
    returned = (
        key == Stage.PRELIMINARY
        and form.cleaned_data.get("outcome") == StageRecord.Outcome.RETURN
    )
    return confirm_page(
        request,
        title=title,
        consequences=[
            what,
            _("A recorded step cannot be changed or taken back afterwards."),
            _("The submission goes back to the unit, which is told at once.")
            if returned
            else None,
        ],
        action_label=action,
        cancel_url=request.path,
        hidden=request.POST,
        danger=returned or skipping,
    )


def stages_page(request, *, unit, steps, records, reviews, take, context):
    """The stages page of a plan or of check material: where it stands step by
    step (reviews/workflow.py) and, for those who may take one, the forms of the
    steps possible now. `take(posted, forms, skips)` records a posted step
    (take_step); a success redirects to the same page."""
    user = request.user
    posted = request.POST.get("stage", "") if request.method == "POST" else ""
    forms, skips = _stage_forms(user, unit, steps, request.POST, posted)
    status = 200
    # A post without a step (or with an empty one) is refused like an unknown step,
    # never answered as if it were a visit.
    if request.method == "POST":
        question = _stage_question(request, unit, posted, forms, skips)
        if question is not None:
            return question
        refused = take(posted, forms, skips)
        if refused is None:
            messages.success(request, _("The stage was recorded."))
            return HttpResponseRedirect(request.path)
        message, status = refused
        messages.error(request, message)
    # Who attended the meeting and the minority view are not the unit's to read.
    sees_names = user.is_office or can_pre_review(user, unit) or user.is_expert
    if sees_names:
        records = records.prefetch_related("experts_present")
    rows = []
    if user.is_office or can_pre_review(user, unit):
        for candidate in reviews:
            _criteria, results = services.round_results(candidate.round, [candidate])
            rows.append(results[0])
    return render(
        request,
        "reviews/stages.html",
        {
            "unit": unit,
            "steps": steps.values(),
            "next_step": workflow.next_step(steps) if steps else None,
            "records": records,
            "sees_names": sees_names,
            "forms": forms,
            "skips": skips,
            "reviews": rows,
            **context,
        },
        status=status,
    )


@role_required(*User.Role.values)
def stages(request, slug):
    """The review of the plan's latest version (stages_page)."""
    unit, plan = _plan_for_stages(request, slug)
    version = services.latest_version(plan)
    steps = workflow.progress(version=version) if version else {}
    reviewers = None
    if request.user.is_office:
        reviewers = UnitReviewers.objects.named_for(unit=unit, batch=plan.batch_id)
    return stages_page(
        request,
        unit=unit,
        steps=steps,
        records=StageRecord.objects.filter(plan=plan).select_related("by", "version"),
        reviews=Submission.objects.filter(plan_version__plan=plan).select_related(
            "round", "plan_version", "unit"
        ),
        take=lambda posted, forms, skips: take_step(
            request, unit, steps, posted, forms, skips, plan=plan
        ),
        context={
            "back_url": plan.get_absolute_url(),
            "back_label": _("Implementation plan"),
            "status_label": plan.get_status_display(),
            "version": version,
            "submission": workflow.current_submission(version) if version else None,
            "completeness": plan_services.plan_completeness(plan),
            "show_reviewers": True,
            "reviewers": reviewers,
            "responsible": reviewers.responsible_experts if reviewers else [],
        },
    )


@OFFICE
def unit_reviewers(request, slug):
    unit = get_object_or_404(PilotUnit, slug=slug)
    batch = _current_batch()
    # A GET never writes: until the first save the form shows an unsaved setup.
    setup = UnitReviewers.objects.filter(batch=batch, unit=unit).first()
    setup = setup or UnitReviewers(batch=batch, unit=unit)
    form = UnitReviewersForm(request.POST or None, instance=setup)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The unit's reviewers were saved."))
        return redirect("reviews:home")
    return render(
        request,
        "reviews/unit_reviewers.html",
        {"unit": unit, "form": form},
        status=400 if form.errors else 200,
    )
