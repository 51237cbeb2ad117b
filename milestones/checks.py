"""Mid-term check (中期检查) and acceptance (验收): the verbs, and who may do what.

A unit writes its `CheckMaterial` inside the batch's window: a self-assessment
against its approved plan, the plan's schedule items and deliverables as a
checklist (done / late / dropped / on time, with reasons), evidence files.
Submitting puts it before the batch's open reviews.Round of the same kind as a
reviews.Submission. It then goes through the review's steps as a plan does
(reviews/workflow.py: 初审, 预审, the experts' sheets, 会审), and the office
decides with reviews.services.decide, which calls `record_result` here; a 初审
return calls `_return_after_preliminary`. Only this module
writes a material's status, always by a conditional update.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.deadlines import days_late, due_date, due_dates
from pilots.files import stored_upload
from pilots.history import record
from pilots.models import DeadlineKind
from pilots.permissions import can_view_unit_private, is_member_of, is_readable
from reviews import services as review_services
from reviews.models import Assignment, Decision, Round, Submission

from . import messages, progress
from .models import (
    CheckEvidence,
    CheckKind,
    ChecklistEntry,
    CheckMaterial,
    CheckResult,
    ItemState,
    Plaque,
    TaskAcceptance,
)

Status = CheckMaterial.Status

# The whole workflow at a glance; `_move` enforces it.
TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.PASSED, Status.RETURNED, Status.FAILED},
    Status.RETURNED: {Status.SUBMITTED},
    Status.PASSED: set(),
    Status.FAILED: set(),
}
EDITABLE = {Status.DRAFT, Status.RETURNED}

DEADLINE = {
    CheckKind.MIDTERM: DeadlineKind.MIDTERM,
    CheckKind.ACCEPTANCE: DeadlineKind.ACCEPTANCE,
}
ROUND_KIND = {
    CheckKind.MIDTERM: Round.Kind.MIDTERM,
    CheckKind.ACCEPTANCE: Round.Kind.ACCEPTANCE,
}
OUTCOME_STATUS = {
    Decision.Outcome.APPROVE: Status.PASSED,
    Decision.Outcome.APPROVE_WITH_REVISIONS: Status.PASSED,
    Decision.Outcome.RETURN: Status.RETURNED,
    Decision.Outcome.REJECT: Status.FAILED,
}
NEEDS_REASON = {ItemState.LATE, ItemState.DROPPED}


class CheckError(Exception):
    """A verb refused; the message is for the user."""


# ---------------------------------------------------------------- permissions


def can_view_material(user, unit):
    """The unit itself, its supervising department, the office. Experts read the
    material only through their assignment pages in reviews."""
    return can_view_unit_private(user, unit)


def can_edit_material(user, unit):
    return is_member_of(user, unit)


def can_download_evidence(user, material):
    if can_view_material(user, material.unit):
        return True
    return (
        user.is_authenticated
        and user.is_expert
        and Assignment.objects.filter(
            expert=user, submission__check_material=material
        ).exists()
    )


# ---------------------------------------------------------------- reading


def window_opens(*, batch, kind):
    """The first day material of `kind` is taken, the same for every unit.

    The mid-term window is the batch's; acceptance material is taken from the
    day after the mid-term window closes."""
    if kind == CheckKind.MIDTERM:
        return batch.midterm_start
    return batch.midterm_end + datetime.timedelta(days=1)


def window(*, batch, unit, kind):
    """(opens, due) of the unit's material; due includes an extension."""
    due = due_date(batch=batch, unit=unit, kind=DEADLINE[kind])
    return window_opens(batch=batch, kind=kind), due


def material_for(*, batch, unit, kind):
    """The unit's material, or an unsaved draft when it has written nothing yet."""
    material = (
        CheckMaterial.objects.filter(batch=batch, unit=unit, kind=kind)
        .select_related("result")
        .first()
    )
    return material or CheckMaterial(batch=batch, unit=unit, kind=kind)


def item_label(item):
    """A progress.ChecklistItem as one line: task · title (dates or kind, due)."""
    row = item.item
    if item.kind == "schedule":
        when = f"{row.start:%Y-%m-%d} – {row.end:%Y-%m-%d}"
    else:
        when = f"{row.get_kind_display()}, {row.due:%Y-%m-%d}"
    return f"{item.task.title} · {row.title} ({when})"


def checklist_items(plan):
    """The approved plan's schedule items and deliverables, each with its latest
    reported state (progress.checklist_items): [(key, label, ChecklistItem)]."""
    items = progress.checklist_items(plan)
    return [(item.key, item_label(item), item) for item in items]


def entry_key(entry):
    if entry.schedule_item_id:
        return f"s{entry.schedule_item_id}"
    return f"d{entry.deliverable_id}"


def entry_task_id(entry):
    """The task of the plan item whose state `entry` gives."""
    return (entry.schedule_item or entry.deliverable).task_id


def material_view(material, task_ids=None):
    """What a reader sees of the material: texts, checklist with labels, evidence.
    Of the checklist, the entries of the tasks in `task_ids` only (None: all;
    pilots.permissions.readable_task_ids): a department reads the tasks it
    supervises; the texts and evidence are the unit's as a whole."""
    plan = progress.approved_plan(batch=material.batch, unit=material.unit)
    labels = {key: label for key, label, _row in checklist_items(plan)} if plan else {}
    entries = (
        ChecklistEntry.objects.filter(material=material).select_related(
            "schedule_item", "deliverable"
        )
        if material.pk
        else []
    )
    return {
        "material": material,
        "entries": [
            (labels.get(entry_key(e), str(e)), e)
            for e in entries
            if is_readable(entry_task_id(e), task_ids)
        ],
        "evidence": list(material.evidence.all()) if material.pk else [],
    }


def task_acceptances(result, task_ids=None):
    """The acceptance per task of `result` (a CheckResult or None), of the tasks in
    `task_ids` only (None: all), as material_view."""
    if result is None:
        return []
    rows = result.tasks.select_related("task")
    return [row for row in rows if is_readable(row.task_id, task_ids)]


def current_submission(material):
    if material.pk is None:
        return None
    return (
        Submission.objects.filter(check_material=material, is_current=True)
        .select_related("round", "decision")
        .order_by("-pk")
        .first()
    )


def refusal(*, material, plan, today=None):
    """Why the unit may not change or submit its material now ("" when it may)."""
    today = today or timezone.localdate()
    if plan is None:
        return _(
            "The material is written against the approved implementation plan: "
            "your unit has no approved plan yet."
        )
    if material.pk and material.status not in EDITABLE:
        return _("The material has been submitted and can no longer be changed.")
    opens, due = window(batch=material.batch, unit=material.unit, kind=material.kind)
    # A returned material may be revised after the due date: the office asked for it.
    if today < opens or (today > due and material.status != Status.RETURNED):
        return _(
            "%(kind)s material is taken from %(opens)s to %(due)s; today is %(today)s."
        ) % {
            "kind": CheckKind(material.kind).label,
            "opens": f"{opens:%Y-%m-%d}",
            "due": f"{due:%Y-%m-%d}",
            "today": f"{today:%Y-%m-%d}",
        }
    return ""


# ---------------------------------------------------------------- writing


def _check_writable(material, plan):
    reason = refusal(material=material, plan=plan)
    if reason:
        raise CheckError(reason)


def _ensure_saved(material):
    if material.pk is None:
        saved, _created = CheckMaterial.objects.get_or_create(
            batch=material.batch, unit=material.unit, kind=material.kind
        )
        material.pk, material.status = saved.pk, saved.status
    return material


@transaction.atomic
def save_material(*, material, plan, self_assessment, goals_met, states):
    """Write the unit's texts and checklist (states: {key: (state, reason)}).

    Refused outside the window, without an approved plan, or once submitted
    (conditional update: a submission that got there first wins)."""
    _check_writable(material, plan)
    _ensure_saved(material)
    updated = CheckMaterial.objects.filter(pk=material.pk, status__in=EDITABLE).update(
        self_assessment=self_assessment,
        goals_met=goals_met,
        updated_at=timezone.now(),
    )
    if not updated:
        raise CheckError(_("The material was submitted meanwhile; reload the page."))
    material.self_assessment, material.goals_met = self_assessment, goals_met
    rows = {key: item.item for key, _label, item in checklist_items(plan)}
    ChecklistEntry.objects.filter(material=material).delete()
    entries = []
    for key, (state, reason) in states.items():
        row = rows.get(key)
        if row is None or not state:
            continue
        entries.append(
            ChecklistEntry(
                material=material,
                schedule_item=row if key.startswith("s") else None,
                deliverable=row if key.startswith("d") else None,
                state=state,
                reason=reason,
            )
        )
    ChecklistEntry.objects.bulk_create(entries)
    return material


def blockers(material, plan):
    """What still keeps the material from being submitted."""
    problems = []
    if not material.self_assessment.strip():
        problems.append(_("Write the self-assessment."))
    if not material.goals_met.strip():
        problems.append(_("Say how the plan's goals and deliverables were met."))
    given = {entry_key(e): e for e in ChecklistEntry.objects.filter(material=material)}
    for key, label, _row in checklist_items(plan):
        entry = given.get(key)
        if entry is None:
            problems.append(_("Give the state of “%(item)s”.") % {"item": label})
        elif entry.state in NEEDS_REASON and not entry.reason.strip():
            problems.append(
                _("Give the reason why “%(item)s” is late or dropped.")
                % {"item": label}
            )
    return problems


def _move(material, *, to, by, note="", **fields):
    """Move `material` from its status to `to` or raise CheckError; a history
    row says who did it (`by`) and why (`note`)."""
    current = Status(material.status)
    if to not in TRANSITIONS[current]:
        raise CheckError(
            _("Material in state “%(s)s” cannot go to “%(t)s”.")
            % {"s": current.label, "t": Status(to).label}
        )
    updated = CheckMaterial.objects.filter(pk=material.pk, status=current).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise CheckError(
            _("Someone else changed this material meanwhile; reload the page.")
        )
    record(material, from_state=current, to_state=to, by=by, note=note)
    material.status = to
    for name, value in fields.items():
        setattr(material, name, value)


def open_round(*, batch, kind, today=None):
    today = today or timezone.localdate()
    return (
        Round.objects.filter(
            batch=batch,
            kind=ROUND_KIND[kind],
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


def material_title(material):
    return _("%(unit)s · %(kind)s material") % {
        "unit": material.unit.label,
        "kind": CheckKind(material.kind).label,
    }


def _put_before_round(material, round_):
    """A new current Submission for the material; the unit's old one (a returned
    version) stays, no longer current, and its experts are carried over."""
    old = (
        Submission.objects.select_for_update()
        .filter(round=round_, unit=material.unit, is_current=True)
        .first()
    )
    if old:
        Submission.objects.filter(pk=old.pk).update(is_current=False)
    new = Submission.objects.create(
        round=round_,
        unit=material.unit,
        check_material=material,
        material_title=material_title(material),
        material_text=material.self_assessment,
    )
    if old:
        Assignment.objects.bulk_create(
            Assignment(
                submission=new, expert_id=a.expert_id, assigned_by_id=a.assigned_by_id
            )
            for a in old.assignments.all()
        )
    return new


@transaction.atomic
def submit_material(*, material, plan, user):
    """The unit submits. Side effects: status → submitted (late days counted
    against the due date, extensions included); a reviews.Submission in the
    batch's open round of the same kind (none open: the office adds it later,
    `add_check_submissions`); the office is notified."""
    _check_writable(material, plan)
    CheckMaterial.objects.select_for_update().filter(pk=material.pk).exists()
    problems = blockers(material, plan)
    if problems:
        raise CheckError(" ".join(problems))
    now = timezone.now()
    today = timezone.localdate(now)
    _opens, due = window(batch=material.batch, unit=material.unit, kind=material.kind)
    late = days_late(due, now)
    _move(
        material,
        to=Status.SUBMITTED,
        by=user,
        submitted_at=now,
        submitted_by=user,
        is_late=late > 0,
        days_late=late,
    )
    round_ = open_round(batch=material.batch, kind=material.kind, today=today)
    submission = _put_before_round(material, round_) if round_ else None
    messages.check_submitted(material=material, round_=round_)
    return submission


@transaction.atomic
def add_check_submissions(*, round_):
    """Put every submitted material of the round's kind that is not yet before
    it (or whose submission there was returned and since resubmitted)."""
    kind = {v: k for k, v in ROUND_KIND.items()}[round_.kind]
    materials = CheckMaterial.objects.filter(
        batch=round_.batch, kind=kind, status=Status.SUBMITTED
    ).select_related("unit")
    current = {
        s.unit_id: s
        for s in round_.submissions.filter(is_current=True).select_related("decision")
    }
    added = 0
    for material in materials:
        old = current.get(material.unit_id)
        if (
            old
            and old.check_material_id == material.pk
            and not hasattr(old, "decision")
        ):
            continue
        _put_before_round(material, round_)
        added += 1
    return added


@transaction.atomic
def add_evidence(*, material, plan, upload, user):
    _check_writable(material, plan)
    _ensure_saved(material)
    if not CheckMaterial.objects.filter(pk=material.pk, status__in=EDITABLE).exists():
        raise CheckError(_("The material was submitted meanwhile; reload the page."))
    return CheckEvidence.objects.create(
        material=material, **stored_upload(upload, user)
    )


@transaction.atomic
def remove_evidence(*, evidence, plan):
    _check_writable(evidence.material, plan)
    evidence.file.delete(save=False)
    evidence.delete()


def _return_after_preliminary(*, submission, stage_record):
    """初审 found the material incomplete: back to the unit, editable again."""
    material = submission.check_material
    _move(material, to=Status.RETURNED, by=stage_record.by, note=stage_record.comments)
    messages.check_returned(material=material, comments=stage_record.comments)


def record_stage(*, submission, **fields):
    """初审, 预审 or 会审 of the material before its round: reviews.services'
    (whose ReviewError it raises), with what a 初审 return does to the material.
    A skip is reviews.services.skip_stage's alone."""
    return review_services.record_stage(
        submission=submission, on_return=_return_after_preliminary, **fields
    )


@transaction.atomic
def decide(*, submission, outcome, opinion, user, quorum_reason=""):
    """The office decides on material before a round: the review decision
    (reviews.services.decide) and, in the same transaction, `record_result`."""
    try:
        return review_services.decide(
            submission=submission,
            outcome=outcome,
            opinion=opinion,
            user=user,
            quorum_reason=quorum_reason,
            record_result=record_result,
        )
    except review_services.ReviewError as error:
        raise CheckError(str(error)) from None


def record_result(*, submission, decision):
    """Called by reviews.services.decide inside its transaction (see `decide`).

    approve / approve with revisions → passed, return → returned (editable
    again), reject → failed. Passed or failed writes the CheckResult (for
    acceptance with the grade the round's thresholds give the aggregate) and,
    for acceptance, one TaskAcceptance per task of the unit, accepted as the
    unit is (the office can then mark single tasks not accepted). A return
    writes no result: the material comes back and will be decided again.
    The unit's members are notified."""
    material = submission.check_material
    to = OUTCOME_STATUS[Decision.Outcome(decision.outcome)]
    _move(material, to=to, by=decision.by, note=decision.opinion)
    if to != Status.RETURNED:
        grade = ""
        if material.kind == CheckKind.ACCEPTANCE:
            _criteria, rows = review_services.round_results(
                submission.round, [submission]
            )
            grade = rows[0]["grade"]
        result, _created = CheckResult.objects.update_or_create(
            material=material,
            defaults={
                "passed": to == Status.PASSED,
                "grade": grade,
                "decided_on": timezone.localdate(),
                "decision": decision,
                "opinion": decision.opinion,
            },
        )
        if material.kind == CheckKind.ACCEPTANCE:
            TaskAcceptance.objects.filter(result=result).delete()
            TaskAcceptance.objects.bulk_create(
                TaskAcceptance(result=result, task=task, passed=result.passed)
                for task in material.batch.tasks_of(material.unit)
            )
    messages.check_decision(material=material, decision=decision)


@transaction.atomic
def set_task_acceptance(*, result, task_id, passed, remark):
    """The office marks one task of an accepted unit (not) accepted."""
    if not passed and not remark.strip():
        raise CheckError(_("Say why the task is not accepted."))
    updated = TaskAcceptance.objects.filter(result=result, task_id=task_id).update(
        passed=passed, remark=remark
    )
    if not updated:
        raise CheckError(_("This task is not part of the acceptance."))


@transaction.atomic
def record_plaque(*, batch, unit, awarded_on, note, user):
    """授牌: only a unit that passed acceptance; one plaque per unit and batch
    (recording again corrects the date). The unit's members are notified."""
    if not CheckMaterial.objects.filter(
        batch=batch, unit=unit, kind=CheckKind.ACCEPTANCE, status=Status.PASSED
    ).exists():
        raise CheckError(_("Only a unit that passed acceptance receives the plaque."))
    try:
        plaque, _created = Plaque.objects.update_or_create(
            batch=batch,
            unit=unit,
            defaults={"awarded_on": awarded_on, "note": note, "recorded_by": user},
        )
    except IntegrityError:
        raise CheckError(
            _("The plaque was recorded meanwhile; reload the page.")
        ) from None
    messages.check_plaque(plaque=plaque, unit=unit)
    return plaque


# ---------------------------------------------------------------- lists


def overview(*, batch, kind):
    """Per unit of the batch: material, due date, overdue, result, plaque — in a
    fixed number of queries whatever the number of units."""
    today = timezone.localdate()
    units = list(batch.units.order_by("order", "pk"))
    materials = {
        m.unit_id: m
        for m in CheckMaterial.objects.filter(batch=batch, kind=kind).select_related(
            "result"
        )
    }
    plaques = {p.unit_id: p for p in Plaque.objects.filter(batch=batch)}
    dues = due_dates(batch=batch, kind=DEADLINE[kind], units=units)
    rows = []
    for unit in units:
        material = materials.get(unit.pk)
        submitted = material is not None and material.status != Status.DRAFT
        rows.append(
            {
                "unit": unit,
                "material": material,
                "due": dues[unit.pk],
                "overdue": not submitted and today > dues[unit.pk],
                "result": getattr(material, "result", None) if material else None,
                "plaque": plaques.get(unit.pk),
            }
        )
    return rows
