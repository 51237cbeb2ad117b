"""The verbs of expert reviews. Only this module writes sheet status and decisions.

Plan state changes go through plans.services (initial check returning a plan,
decisions); notifications through pilots.messaging.notify, on commit.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.history import record
from pilots.models import User
from plans import services as plan_services
from plans.models import Plan, PlanVersion
from plans.models import Status as PlanStatus

from . import aggregation, messages, workflow
from .models import (
    Assignment,
    ConflictDeclaration,
    Criterion,
    Decision,
    Round,
    Score,
    ScoreSheet,
    SheetStatus,
    Stage,
    StageRecord,
    Submission,
)


class ReviewError(Exception):
    """A verb refused; the message is for the user."""


# The 2020 criteria for implementation plans: (name, weight, max score).
PLAN_CRITERIA = [
    ("目标任务明确", 15, 10),
    ("总体框架符合智慧水利总体方案", 20, 10),
    ("建设内容创新先进", 20, 10),
    ("技术路线可行", 20, 10),
    ("组织和保障措施可行", 15, 10),
    ("预期成果可推广", 10, 10),
]


# ---------------------------------------------------------------- rounds


@transaction.atomic
def create_round(*, user, **fields):
    round_ = Round.objects.create(created_by=user, **fields)
    if round_.kind == Round.Kind.PLAN:
        Criterion.objects.bulk_create(
            Criterion(
                round=round_,
                name=name,
                weight=weight,
                max_score=max_score,
                order=n,
            )
            for n, (name, weight, max_score) in enumerate(PLAN_CRITERIA)
        )
    return round_


def rubric_frozen(round_):
    """The rubric is frozen once any score has been written in the round."""
    return Score.objects.filter(sheet__assignment__submission__round=round_).exists()


def round_is_open(round_, today=None):
    today = today or timezone.localdate()
    return round_.opens_on <= today <= round_.closes_on


@transaction.atomic
def add_plan_submissions(*, round_):
    """Put the latest submitted version of each plan of the batch before the round,
    once it has passed 初审 and 预审 (reviews/workflow.py; 预审 may be skipped).

    A plan resubmitted since gets a new Submission; the old one is kept, no longer
    current (its sheets are locked), and its experts are carried over."""
    plans = Plan.objects.filter(
        batch=round_.batch,
        status__in=[PlanStatus.SUBMITTED, PlanStatus.UNDER_REVIEW],
    )
    pre_reviewed = StageRecord.objects.filter(
        version=OuterRef("pk"), stage=Stage.PRE_REVIEW
    )
    latest = {}
    for version in PlanVersion.objects.filter(plan__in=plans).select_related("plan"):
        if (
            version.plan.unit_id not in latest
            or version.number > latest[version.plan.unit_id].number
        ):
            latest[version.plan.unit_id] = version
    ready = set(
        PlanVersion.objects.filter(pk__in=[v.pk for v in latest.values()])
        .filter(Exists(pre_reviewed))
        .values_list("pk", flat=True)
    )
    current = {s.unit_id: s for s in round_.submissions.filter(is_current=True)}
    added = 0
    for unit_id, version in latest.items():
        if version.pk not in ready:
            continue
        old = current.get(unit_id)
        if old and old.plan_version_id == version.pk:
            continue
        if old:
            Submission.objects.filter(pk=old.pk).update(is_current=False)
        new = Submission.objects.create(
            round=round_, unit_id=unit_id, plan_version=version
        )
        if old:
            Assignment.objects.bulk_create(
                Assignment(
                    submission=new,
                    expert_id=a.expert_id,
                    assigned_by_id=a.assigned_by_id,
                )
                for a in old.assignments.all()
            )
        added += 1
    return added


# ---------------------------------------------------------------- assigning


@transaction.atomic
def assign(*, submission, expert, user):
    if not expert.is_expert:
        raise ReviewError(_("Only experts can be assigned."))
    if expert.affiliation_id == submission.unit_id:
        raise ReviewError(
            _(
                "%(expert)s is tied to %(unit)s and can never review it: "
                "the assignment was refused."
            )
            % {"expert": expert, "unit": submission.unit.label}
        )
    if not submission.is_current:
        raise ReviewError(_("This submission has been replaced by a newer version."))
    if not _experts_may_score(submission):
        raise ReviewError(str(EXPERTS_WAIT))
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                submission=submission, expert=expert, assigned_by=user
            )
    except IntegrityError:
        raise ReviewError(_("This expert is already assigned.")) from None
    messages.review_assigned(assignment=assignment)
    return assignment


def unavailable_experts(submission):
    """{expert id: why not} for the experts who may not review `submission`: tied
    to the unit, or having declared a conflict of interest on it."""
    unavailable = {
        pk: _("tied to the unit")
        for pk in User.objects.experts()
        .filter(affiliation=submission.unit_id)
        .values_list("pk", flat=True)
    }
    for expert_id, reason in submission.conflicts.values_list("expert_id", "reason"):
        unavailable[expert_id] = _("declared a conflict of interest: %(reason)s") % {
            "reason": reason
        }
    return unavailable


def suggest_experts(*, submission, responsible, count=3):
    """Whom to assign: the unit's eligible responsible experts first (`responsible`:
    UnitReviewers.responsible_experts), then the least-loaded eligible experts,
    covering business and IT expertise."""
    taken = set(submission.assignments.values_list("expert_id", flat=True))
    conflicted = set(submission.conflicts.values_list("expert_id", flat=True))
    load = {}
    for expert_id in Assignment.objects.filter(
        submission__round=submission.round
    ).values_list("expert_id", flat=True):
        load[expert_id] = load.get(expert_id, 0) + 1
    candidates = [
        e
        for e in User.objects.experts()
        if e.pk not in taken
        and e.pk not in conflicted
        and e.affiliation_id != submission.unit_id
    ]
    named = {e.pk for e in responsible}
    candidates.sort(key=lambda e: (e.pk not in named, load.get(e.pk, 0), e.pk))
    chosen = [e for e in candidates if e.pk in named][:count]
    for kind in (User.Expertise.BUSINESS, User.Expertise.IT):
        if not any(e.expertise == kind for e in chosen):
            for e in candidates:
                if e.expertise == kind:
                    chosen.append(e)
                    break
    for e in candidates:
        if len(chosen) >= count:
            break
        if e not in chosen:
            chosen.append(e)
    return chosen[:count]


@transaction.atomic
def declare_conflict(*, assignment, reason):
    """The expert declines (conflict of interest): assignment removed, office told."""
    if ScoreSheet.objects.filter(
        assignment=assignment, status=SheetStatus.SUBMITTED
    ).exists():
        raise ReviewError(_("Your scores are already submitted."))
    submission, expert = assignment.submission, assignment.expert
    ConflictDeclaration.objects.create(
        submission=submission, expert=expert, reason=reason
    )
    assignment.delete()
    messages.review_conflict(submission=submission, expert=expert, reason=reason)


# ---------------------------------------------------------------- scoring


def sheet_for(assignment):
    sheet, _created = ScoreSheet.objects.get_or_create(assignment=assignment)
    return sheet


EXPERTS_WAIT = gettext_lazy(
    "The expert review opens once the preliminary check has passed and the "
    "pre-review is done or skipped."
)


def _experts_may_score(submission):
    """A plan version comes before a round only after 预审 (add_plan_submissions);
    check material comes at once and waits there for 初审 and 预审."""
    if submission.check_material_id is None:
        return True
    return workflow.experts_may_score(workflow.progress(submission=submission))


def sheet_locked_reason(sheet):
    submission = sheet.assignment.submission
    if not submission.is_current:
        return _("A newer version of this plan was submitted: this sheet is locked.")
    if not _experts_may_score(submission):
        return str(EXPERTS_WAIT)
    if sheet.status == SheetStatus.SUBMITTED:
        return _("Your scores are submitted and final unless the office reopens them.")
    if not round_is_open(submission.round):
        return _("The round is not open for scoring (it runs %(a)s – %(b)s).") % {
            "a": submission.round.opens_on,
            "b": submission.round.closes_on,
        }
    return ""


@transaction.atomic
def save_sheet(*, sheet, values, reasons, comments, confidential, submit):
    """Write the expert's scores (validated by the form); submit makes them final."""
    locked = sheet_locked_reason(sheet)
    if locked:
        raise ReviewError(locked)
    for criterion_id, value in values.items():
        if value is None:
            Score.objects.filter(sheet=sheet, criterion_id=criterion_id).delete()
            continue
        Score.objects.update_or_create(
            sheet=sheet,
            criterion_id=criterion_id,
            defaults={"value": value, "reason": reasons.get(criterion_id, "")},
        )
    fields = {"comments": comments, "confidential": confidential}
    if submit:
        fields.update(status=SheetStatus.SUBMITTED, submitted_at=timezone.now())
    updated = ScoreSheet.objects.filter(pk=sheet.pk, status=SheetStatus.DRAFT).update(
        **fields, updated_at=timezone.now()
    )
    if not updated:
        raise ReviewError(_("Your scores are already submitted."))


@transaction.atomic
def reopen_sheet(*, sheet):
    updated = ScoreSheet.objects.filter(
        pk=sheet.pk, status=SheetStatus.SUBMITTED
    ).update(status=SheetStatus.DRAFT, submitted_at=None)
    if not updated:
        raise ReviewError(_("This sheet is not submitted."))
    messages.review_reopened(sheet=sheet)


# ---------------------------------------------------------------- results


def round_results(round_, submissions=None):
    """Per submission: expert totals, aggregate, spread, flags, decision — in a
    fixed number of queries whatever the number of submissions."""
    criteria = list(round_.criteria.all())
    if submissions is None:
        submissions = list(
            round_.submissions.filter(is_current=True).select_related(
                "unit", "plan_version", "decision"
            )
        )
    ids = [s.pk for s in submissions]
    sheets = {}  # submission id -> {sheet id: {"expert":, "values": {}}}
    assigned = {}
    for a in Assignment.objects.filter(submission_id__in=ids).select_related(
        "expert", "sheet"
    ):
        assigned.setdefault(a.submission_id, []).append(a)
    for score in Score.objects.filter(
        sheet__assignment__submission_id__in=ids,
        sheet__status=SheetStatus.SUBMITTED,
    ).values("sheet_id", "sheet__assignment__submission_id", "criterion_id", "value"):
        per = sheets.setdefault(score["sheet__assignment__submission_id"], {})
        per.setdefault(score["sheet_id"], {})[score["criterion_id"]] = score["value"]
    rows = []
    for s in submissions:
        per_sheet = sheets.get(s.pk, {})
        result = aggregation.summarise(
            criteria=criteria,
            sheets=list(per_sheet.values()),
            method=round_.method,
            disagreement=round_.disagreement,
        )
        experts = []
        for a in assigned.get(s.pk, []):
            sheet = getattr(a, "sheet", None)
            values = per_sheet.get(sheet.pk, {}) if sheet else {}
            experts.append(
                {
                    "assignment": a,
                    "expert": a.expert,
                    "sheet": sheet,
                    "scores": [values.get(c.pk) for c in criteria],
                    "total": aggregation.weighted_total(
                        [(c.pk, c.weight, c.max_score) for c in criteria], values
                    )
                    if values
                    else None,
                }
            )
        grade = ""
        if round_.kind == Round.Kind.ACCEPTANCE:
            grade = aggregation.grade(
                result.value,
                excellent=round_.grade_excellent,
                good=round_.grade_good,
                passing=round_.grade_pass,
            )
        rows.append(
            {
                "submission": s,
                "result": result,
                "experts": experts,
                "grade": grade,
                "decision": getattr(s, "decision", None),
            }
        )
    ranked = sorted(
        rows,
        key=lambda r: (r["result"].value is None, -(r["result"].value or Decimal(0))),
    )
    for n, row in enumerate(ranked, 1):
        row["rank"] = n if row["result"].value is not None else None
    return criteria, ranked


# ---------------------------------------------------------------- decision

PLAN_VERBS = {
    Decision.Outcome.APPROVE: plan_services.approve_plan,
    Decision.Outcome.APPROVE_WITH_REVISIONS: plan_services.approve_plan,
    Decision.Outcome.RETURN: plan_services.return_plan,
    Decision.Outcome.REJECT: plan_services.reject_plan,
}


def _waive_quorum_if_asked(steps, *, version, submission, reason, user):
    """Close the expert review with fewer sheets than the quorum when the office
    says why (a stage record with the reason); refuse without a reason."""
    review = steps[Stage.REVIEW]
    if review.done:
        return steps
    if submission is None or not reason.strip():
        raise ReviewError(
            _(
                "The expert review is not done (%(detail)s): wait for the experts' "
                "score sheets, or say why you go on without them."
            )
            % {"detail": review.detail}
        )
    refused = workflow.refusal(steps, Stage.REVIEW)
    if refused:
        raise ReviewError(refused)
    StageRecord.objects.create(
        plan=version.plan if version else None,
        version=version,
        submission=None if version else submission,
        stage=Stage.REVIEW,
        outcome=StageRecord.Outcome.SKIPPED,
        comments=reason.strip(),
        by=user,
    )
    return workflow.progress(version=version, submission=submission)


@transaction.atomic
def decide(
    *,
    submission,
    outcome,
    opinion,
    user,
    expected=None,
    quorum_reason="",
    record_result=None,
):
    """The office's decision on a submission: the only writer of decisions, with
    a history row of the submission (the outcome as its state, the opinion as the
    note).

    Refused unless the stage map allows it (reviews/workflow.py: the joint meeting
    is done or skipped, for a plan version as for check material),
    unless the round's quorum of submitted sheets is met or `quorum_reason` says
    why not (kept as a stage record), and when stale: another decision, a newer
    submission, or a plan no longer in `expected`, the status the decider saw.

    A plan version: the plan moves (approved, returned, rejected), which writes
    its history and tells the unit once (plans.services). Mid-term or acceptance
    material belongs to the floor above: its caller (milestones.checks.decide)
    passes `record_result(submission=, decision=)`, which writes the material's
    status and result and tells the unit; an error it raises undoes it all."""
    is_plan = submission.round.kind == Round.Kind.PLAN
    if not is_plan and record_result is None:
        raise ReviewError(
            _("Mid-term and acceptance material is decided on its check page.")
        )
    # One decision per submission, even when two office users click at once.
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if Decision.objects.filter(submission=submission).exists():
        raise ReviewError(_("A decision has already been recorded."))
    if not submission.is_current:
        raise ReviewError(_("This submission has been replaced by a newer version."))
    version = submission.plan_version
    if version is not None and expected is not None:
        if version.plan.status != expected:
            raise ReviewError(
                _("The plan's state changed meanwhile; reload the page and try again.")
            )
    steps = _waive_quorum_if_asked(
        workflow.progress(version=version, submission=submission),
        version=version,
        submission=submission,
        reason=quorum_reason,
        user=user,
    )
    refused = workflow.refusal(steps, workflow.DECISION)
    if refused:
        raise ReviewError(refused)
    decision = Decision.objects.create(
        submission=submission, outcome=outcome, opinion=opinion, by=user
    )
    record(submission, from_state="", to_state=outcome, by=user, note=opinion)
    if version is not None:
        plan = version.plan
        try:
            # The opinion alone: the plan's own row already says where it went.
            PLAN_VERBS[outcome](
                plan=plan, expected=plan.status, user=user, comment=opinion
            )
        except plan_services.PlanError as error:
            raise ReviewError(str(error)) from None
    if record_result is not None:
        record_result(submission=submission, decision=decision)
    return decision


def feedback(submission):
    """What the unit reads: decision, opinion, experts' comments (no confidential
    remarks, names only when the office chose to show them)."""
    decision = submission.decision
    sheets = ScoreSheet.objects.filter(
        assignment__submission=submission, status=SheetStatus.SUBMITTED
    ).select_related("assignment__expert")
    comments = [
        {
            "name": str(s.assignment.expert)
            if submission.round.show_expert_names
            else "",
            "comments": s.comments,
        }
        for s in sheets
    ]
    return decision, comments


# ---------------------------------------------------------------- stages


def latest_version(plan):
    return plan.versions.order_by("-number").first()


def _material_under_review(submission):
    """Check material's submission, locked: refused once replaced or decided."""
    submission = (
        Submission.objects.select_for_update()
        .select_related("round")
        .get(pk=submission.pk)
    )
    if (
        not submission.is_current
        or Decision.objects.filter(submission=submission).exists()
    ):
        raise ReviewError(
            _("This material is no longer under review; reload the page.")
        )
    return submission


def _steps_for(*, plan, submission, stage, quorum_reason, user):
    """(version, submission, steps): the plan's latest version, or check material's
    submission, and where it stands; before 会审 (held or skipped) with fewer
    sheets than the quorum, the office's `quorum_reason` closes the review."""
    version = None
    if plan is not None:
        version = latest_version(plan)
        if version is None:
            raise ReviewError(_("Only a submitted plan can be reviewed."))
        submission = workflow.current_submission(version)
    steps = workflow.progress(version=version, submission=submission)
    if stage == Stage.MEETING and steps[Stage.PRE_REVIEW].done:
        steps = _waive_quorum_if_asked(
            steps,
            version=version,
            submission=submission,
            reason=quorum_reason,
            user=user,
        )
    return version, submission, steps


def _lock_subject(plan, submission):
    if plan is not None:
        Plan.objects.select_for_update().filter(pk=plan.pk).exists()
        plan.refresh_from_db()
        if plan.status not in (PlanStatus.SUBMITTED, PlanStatus.UNDER_REVIEW):
            raise ReviewError(_("Only a submitted plan can be reviewed."))
        return None
    return _material_under_review(submission)


@transaction.atomic
def record_stage(
    *,
    stage,
    outcome,
    user,
    plan=None,
    submission=None,
    experts_present=(),
    quorum_reason="",
    on_return=None,
    **fields,
):
    """Record 初审, 预审 or 会审 on the plan's latest version, or on check material's
    `submission`, in the order of reviews/workflow.py. 会审 with fewer sheets than
    the quorum needs `quorum_reason`.

    初审 moves a plan: pass → under review, return → back to the unit
    (plans.services). A 初审 return of check material closes its submission and
    calls `on_return(submission=, stage_record=)`, which its caller
    (milestones.checks) passes to send the material back."""
    submission = _lock_subject(plan, submission)
    returning = stage == Stage.PRELIMINARY and outcome == StageRecord.Outcome.RETURN
    if plan is None and returning and on_return is None:
        raise ReviewError(
            _("Mid-term and acceptance material is returned on its check page.")
        )
    version, submission, steps = _steps_for(
        plan=plan,
        submission=submission,
        stage=stage,
        quorum_reason=quorum_reason,
        user=user,
    )
    refused = workflow.refusal(steps, stage)
    if refused:
        raise ReviewError(refused)
    stage_record = StageRecord.objects.create(
        plan=plan,
        version=version,
        submission=None if plan else submission,
        stage=stage,
        outcome=outcome,
        by=user,
        **fields,
    )
    record(
        stage_record,
        from_state="",
        to_state=stage,
        by=user,
        note=fields.get("comments", ""),
    )
    if experts_present:
        stage_record.experts_present.set(experts_present)
    if plan is None:
        if returning:
            Submission.objects.filter(pk=submission.pk).update(is_current=False)
            on_return(submission=submission, stage_record=stage_record)
        return stage_record
    try:
        if returning:
            plan_services.return_plan(
                plan=plan,
                expected=plan.status,
                user=user,
                comment=fields.get("comments", ""),
            )
        elif stage == Stage.PRELIMINARY and plan.status == PlanStatus.SUBMITTED:
            plan_services.start_review(plan=plan, expected=plan.status, user=user)
    except plan_services.PlanError as error:
        raise ReviewError(str(error)) from None
    return stage_record


@transaction.atomic
def skip_stage(*, stage, reason, user, plan=None, submission=None, quorum_reason=""):
    """The office skips 预审 or 会审 of the plan's latest version or of check
    material's `submission`, saying why (skipping 会审 with fewer sheets than the
    quorum needs `quorum_reason` too)."""
    if not reason.strip():
        raise ReviewError(_("Say why the stage is skipped."))
    submission = _lock_subject(plan, submission)
    version, submission, steps = _steps_for(
        plan=plan,
        submission=submission,
        stage=stage,
        quorum_reason=quorum_reason,
        user=user,
    )
    refused = workflow.refusal(steps, stage, skipping=True)
    if refused:
        raise ReviewError(refused)
    stage_record = StageRecord.objects.create(
        plan=plan,
        version=version,
        submission=None if plan else submission,
        stage=stage,
        outcome=StageRecord.Outcome.SKIPPED,
        comments=reason.strip(),
        by=user,
    )
    record(
        stage_record,
        from_state="",
        to_state=stage,
        by=user,
        note=reason.strip(),
    )
    return stage_record
