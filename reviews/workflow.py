"""The review of one submitted version, in one place: where it stands, what may
come next (the plan review as reported in 2020, DOMAIN.md "Reviews").

    初审 preliminary check   the office                  → the version is complete
    预审 pre-review          the supervising department  → business guidance
    专家评审 expert review    the round's assigned experts → score sheets, up to the
                                                          round's quorum
    会审 joint meeting       the office records it        → conclusions
    决定 decision            the office                   → approve, approve with
                                                          revisions, return, reject

A step can be taken only when the step before it is done for the same version.
The office may skip 预审 or 会审, and may go on with fewer sheets than the quorum,
only with a written reason; the reason is kept as a stage record (outcome
"skipped") and shows in the history. Mid-term and acceptance material goes
through the same steps; its records name its submission (the unit's material
before the round), a plan's name the version.

Readers only: reviews/services.py holds the verbs, which ask `refusal` first.
"""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Decision, SheetStatus, Stage, StageRecord, Submission

DECISION = "decision"

# step: the step that must be done before it, for the same version.
STAGE_MAP = {
    Stage.PRELIMINARY: None,
    Stage.PRE_REVIEW: Stage.PRELIMINARY,
    Stage.REVIEW: Stage.PRE_REVIEW,
    Stage.MEETING: Stage.REVIEW,
    DECISION: Stage.MEETING,
}
SKIPPABLE = {Stage.PRE_REVIEW, Stage.MEETING}

STEP_LABELS = {
    Stage.PRELIMINARY: gettext_lazy("Preliminary check"),
    Stage.PRE_REVIEW: gettext_lazy("Pre-review"),
    Stage.REVIEW: gettext_lazy("Expert review"),
    Stage.MEETING: gettext_lazy("Joint review meeting"),
    DECISION: gettext_lazy("Office's decision"),
}


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of one version: done, and how (a record, a skip with a reason)."""

    key: str
    done: bool
    record: StageRecord | None = None
    skipped: bool = False
    detail: str = ""
    # The expert review only: before a round, sheets missing; the office may go on
    # with a written reason.
    waivable: bool = False

    @property
    def label(self):
        return STEP_LABELS[self.key]


def quorum_of(submission):
    """Sheets needed before a decision: the round's quorum, else every expert
    assigned to the submission."""
    if submission.round.quorum:
        return submission.round.quorum
    return submission.assignments.count()


def submitted_sheets(submission):
    return submission.assignments.filter(sheet__status=SheetStatus.SUBMITTED).count()


def current_submission(version):
    """The version's current submission before a round, or None."""
    return (
        Submission.objects.filter(plan_version=version, is_current=True)
        .select_related("round")
        .order_by("-pk")
        .first()
    )


def _review_step(submission, waiver):
    if submission is None:
        return Step(
            Stage.REVIEW, False, detail=_("Not yet before an expert review round.")
        )
    sheets, quorum = submitted_sheets(submission), quorum_of(submission)
    detail = _("%(sheets)s of %(quorum)s score sheets submitted") % {
        "sheets": sheets,
        "quorum": quorum,
    }
    if waiver is not None:
        return Step(Stage.REVIEW, True, waiver, skipped=True, detail=detail)
    done = quorum > 0 and sheets >= quorum
    return Step(Stage.REVIEW, done, detail=detail, waivable=not done)


def progress(*, version=None, submission=None):
    """{step: Step} for a plan version, or for check material's submission."""
    if version is not None:
        records = list(StageRecord.objects.filter(version=version).order_by("at", "pk"))
        submission = submission or current_submission(version)
    else:
        records = list(
            StageRecord.objects.filter(submission=submission).order_by("at", "pk")
        )
    latest = {}
    for record in records:
        latest[record.stage] = record
    steps = {}
    for key in STAGE_MAP:
        record = latest.get(key)
        if key == Stage.REVIEW:
            waiver = record if record and record.is_skip else None
            steps[key] = _review_step(submission, waiver)
        elif key == DECISION:
            decision = (
                Decision.objects.filter(submission=submission).first()
                if submission
                else None
            )
            steps[key] = Step(DECISION, decision is not None)
        elif key == Stage.PRELIMINARY:
            passed = record is not None and record.outcome == StageRecord.Outcome.PASS
            steps[key] = Step(key, passed, record)
        else:
            steps[key] = Step(
                key, record is not None, record, skipped=bool(record and record.is_skip)
            )
    return steps


def next_step(steps):
    """The first step not done, or None when the review is complete."""
    return next((step.key for step in steps.values() if not step.done), None)


def experts_may_score(steps):
    """The expert review opens once 初审 has passed and 预审 is done or skipped."""
    return steps[STAGE_MAP[Stage.REVIEW]].done


def open_with_a_reason(steps, key):
    """会审 may be taken (held or skipped) before the quorum is reached, once the
    office says why: its form is offered with the reason field."""
    return (
        key == Stage.MEETING
        and steps[Stage.PRE_REVIEW].done
        and steps[Stage.REVIEW].waivable
        and not steps[key].done
    )


def refusal(steps, key, *, skipping=False):
    """Why step `key` cannot be taken (or skipped) now, in the user's language;
    None when it can."""
    if skipping and key not in SKIPPABLE:
        return _("%(step)s cannot be skipped.") % {"step": STEP_LABELS[key]}
    if steps[key].done:
        return _("%(step)s is already done for this version.") % {
            "step": STEP_LABELS[key]
        }
    before = STAGE_MAP[key]
    if before is not None and not steps[before].done:
        return _("%(step)s comes after %(before)s, which is not done yet.") % {
            "step": STEP_LABELS[key],
            "before": STEP_LABELS[before],
        }
    return None
