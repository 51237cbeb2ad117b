"""The verbs of implementation plans. Only these functions write `Plan.status`.

Each transition checks TRANSITIONS, updates conditionally on the status the caller
saw (zero rows: someone else got there first, StaleTransition), and writes one
history row (pilots.history) in the same transaction.
"""

import dataclasses
import difflib

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pilots.deadlines import days_late, due_date, extend
from pilots.history import record
from pilots.models import DeadlineKind
from pilots.permissions import is_readable

from . import archive, messages
from .models import (
    EDITABLE,
    TRANSITIONS,
    Anchor,
    Contact,
    Deliverable,
    Plan,
    PlanComment,
    PlanSection,
    PlanVersion,
    SectionKey,
    Status,
    choice_label,
)

NEEDS_KEYS = [
    SectionKey.BUSINESS_GOALS,
    SectionKey.FUNCTIONAL_NEEDS,
    SectionKey.DATA_NEEDS,
]


class PlanError(Exception):
    """A verb refused; the message is for the user."""


class StaleTransition(PlanError):
    pass


class NotEditable(PlanError):
    pass


class EditConflict(PlanError):
    pass


class Incomplete(PlanError):
    def __init__(self, blockers):
        super().__init__(_("The plan is not complete yet."))
        self.blockers = blockers


# ---------------------------------------------------------------- reading


def plan_for(*, batch, unit):
    plan, _created = Plan.objects.get_or_create(batch=batch, unit=unit)
    return plan


def section_for(*, plan, key):
    section, _created = PlanSection.objects.get_or_create(plan=plan, key=key)
    return section


class State:
    EMPTY = "empty"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


@dataclasses.dataclass
class Completeness:
    states: dict  # outline key -> State
    blockers: list  # human-readable reasons submission is refused

    @property
    def is_complete(self):
        return not self.blockers


def completeness(*, plan, tasks, sections, contacts, schedule, deliverables):
    """Each section's state and what still blocks submission, in the active
    language (a task named by its label). No queries: the caller passes the
    plan's rows (so a page costs the same at 1 or 30 items)."""
    texts = {s.key: s.text.strip() for s in sections}
    states, blockers = {}, []
    batch = plan.batch

    for key in SectionKey:
        if key in NEEDS_KEYS:
            continue
        states[key.value] = State.COMPLETE if texts.get(key) else State.EMPTY
        if not texts.get(key):
            blockers.append(_("Section “%(s)s” is empty.") % {"s": key.label})
    filled = [k for k in NEEDS_KEYS if texts.get(k)]
    states["needs"] = (
        State.COMPLETE
        if len(filled) == len(NEEDS_KEYS)
        else State.IN_PROGRESS
        if filled
        else State.EMPTY
    )
    for key in NEEDS_KEYS:
        if not texts.get(key):
            blockers.append(_("Section “%(s)s” is empty.") % {"s": key.label})

    by_role = {(c.task_id, c.role) for c in contacts}
    contact_blockers = []
    if (None, Contact.Role.RESPONSIBLE) not in by_role:
        contact_blockers.append(_("The overall responsible person is missing."))
    if (None, Contact.Role.CONTACT) not in by_role:
        contact_blockers.append(_("The overall contact is missing."))
    for task in tasks:
        if (task.pk, Contact.Role.RESPONSIBLE) not in by_role:
            contact_blockers.append(
                _("Task “%(t)s” has no responsible person.") % {"t": task.label}
            )
        if (task.pk, Contact.Role.CONTACT) not in by_role:
            contact_blockers.append(
                _("Task “%(t)s” has no contact.") % {"t": task.label}
            )
    states["contacts"] = _state(contacts, contact_blockers)
    blockers += contact_blockers

    schedule_blockers = []
    scheduled = {item.task_id for item in schedule}
    for item in schedule:
        if not (
            batch.implementation_start <= item.start
            and item.end <= batch.implementation_end
        ):
            schedule_blockers.append(
                _("Schedule item “%(i)s” lies outside the implementation period.")
                % {"i": item.title}
            )
    for task in tasks:
        if task.pk not in scheduled:
            schedule_blockers.append(
                _("Task “%(t)s” has no schedule item.") % {"t": task.label}
            )
    states["schedule"] = _state(schedule, schedule_blockers)
    blockers += schedule_blockers

    delivered = {d.task_id for d in deliverables}
    deliverable_blockers = [
        _("Task “%(t)s” has no deliverable.") % {"t": task.label}
        for task in tasks
        if task.pk not in delivered
    ]
    states["deliverables"] = _state(deliverables, deliverable_blockers)
    blockers += deliverable_blockers
    return Completeness(states=states, blockers=blockers)


def _state(rows, blockers):
    if not rows:
        return State.EMPTY
    return State.IN_PROGRESS if blockers else State.COMPLETE


def load_plan(plan, *, tasks=None):
    """The plan's rows in a fixed number of queries, for pages and snapshots.

    `tasks` (a queryset of the unit's tasks, pilots.permissions.readable_tasks;
    None: all) keeps only those tasks and their contacts, schedule items and
    deliverables: what a department reads of a plan. The texts and the unit's
    overall contacts always stay."""
    tasks = list(plan.batch.tasks_of(plan.unit) if tasks is None else tasks)
    task_ids = {task.pk for task in tasks}

    def readable(rows):
        return [row for row in rows if is_readable(row.task_id, task_ids)]

    return {
        "tasks": tasks,
        "sections": list(plan.sections.all()),
        "contacts": readable(plan.contacts.select_related("task")),
        "schedule": readable(plan.schedule.select_related("task")),
        "deliverables": readable(plan.deliverables.select_related("task")),
    }


def readable_content(content, task_ids):
    """A snapshot (a version's content) as a reader of `task_ids` sees it: the
    same rule as load_plan, for the frozen JSON of the version pages, the
    comparison and the PDF. Returns `content` itself when `task_ids` is None."""
    if task_ids is None:
        return content

    def readable(name, task_key="task"):
        rows = content.get(name, [])
        return [row for row in rows if is_readable(row[task_key], task_ids)]

    return {
        **content,
        "tasks": readable("tasks", task_key="id"),
        "contacts": readable("contacts"),
        "schedule": readable("schedule"),
        "deliverables": readable("deliverables"),
    }


def plan_completeness(plan):
    return completeness(plan=plan, **load_plan(plan))


def snapshot(plan):
    """The plan's whole content as JSON, as frozen in a PlanVersion."""
    rows = load_plan(plan)
    return content_of(
        unit=plan.unit,
        batch=plan.batch,
        texts={s.key: s.text for s in rows["sections"]},
        tasks=rows["tasks"],
        contacts=rows["contacts"],
        schedule=rows["schedule"],
        deliverables=rows["deliverables"],
        attachments=plan.attachments.filter(is_removed=False),
        comments=plan.comments.select_related("author"),
    )


def content_of(
    *,
    unit,
    batch,
    texts,
    tasks,
    contacts,
    schedule,
    deliverables,
    attachments=(),
    comments=(),
):
    """A version's frozen JSON from the plan's rows: `snapshot` reads them from
    the database; a bulk builder (column/scale.py) passes rows it has not saved
    one by one. Rows with a task carry it (`row.task`), so no query is made."""
    return {
        "unit": unit.name,
        "batch": batch.name,
        "sections": {key.value: texts.get(key.value, "") for key in SectionKey},
        "tasks": [{"id": t.pk, "title": t.title} for t in tasks],
        "contacts": [
            {
                "task": c.task_id,
                "task_title": c.task.title if c.task else "",
                "role": c.role,
                "name": c.name,
                "post": c.post,
                "phone": c.phone,
                "email": c.email,
            }
            for c in contacts
        ],
        "schedule": [
            {
                "task": i.task_id,
                "task_title": i.task.title,
                "title": i.title,
                "start": i.start.isoformat(),
                "end": i.end.isoformat(),
            }
            for i in schedule
        ],
        "deliverables": [
            {
                "task": d.task_id,
                "task_title": d.task.title,
                "title": d.title,
                "kind": d.kind,
                "due": d.due.isoformat(),
            }
            for d in deliverables
        ],
        "attachments": [
            {"name": a.name, "kind": a.kind, "size": a.size, "id": a.pk}
            for a in attachments
        ],
        # The comments as they stood when this version was submitted.
        "comments": [
            {
                "id": c.pk,
                "section": c.section,
                "author": str(c.author),
                "body": c.body,
                "answer": c.answer,
                "addressed": c.is_addressed,
            }
            for c in comments
        ],
    }


# ---------------------------------------------------------------- editing


@transaction.atomic
def save_section(*, plan, key, text, revision, user):
    """Save one section's text if nobody saved it since `revision` was read.

    Raises NotEditable when the plan is frozen, EditConflict when another member
    saved first (the caller shows the typed text back)."""
    lock_editable(plan)
    section = section_for(plan=plan, key=key)
    updated = PlanSection.objects.filter(pk=section.pk, revision=revision).update(
        text=text,
        revision=F("revision") + 1,
        updated_by=user,
        updated_at=timezone.now(),
    )
    if not updated:
        raise EditConflict(
            _(
                "Someone else saved this section while you were editing it. Your "
                "text was not saved: it is shown below beside theirs."
            )
        )


def claim_contacts(*, plan, revision):
    """Take the contacts for a save from the form read at `revision`, inside the
    caller's transaction; EditConflict when another member saved them since."""
    updated = Plan.objects.filter(pk=plan.pk, contacts_revision=revision).update(
        contacts_revision=F("contacts_revision") + 1
    )
    if not updated:
        raise EditConflict(
            _(
                "Someone else saved the contacts while you were editing them. Your "
                "values were not saved: they are shown below, with the saved ones "
                "beside them."
            )
        )


def lock_editable(plan):
    """Inside a transaction: lock the plan row while the unit changes its content,
    so a submission (which takes the same lock) never freezes half an edit.
    Raises NotEditable once the plan is submitted."""
    if (
        not Plan.objects.select_for_update()
        .filter(pk=plan.pk, status__in=EDITABLE)
        .exists()
    ):
        raise NotEditable(_("The plan has been submitted and can no longer be edited."))


# ---------------------------------------------------------------- transitions


def _transition(*, plan, expected, to, user, comment=""):
    """Move `plan` from `expected` to `to` or raise StaleTransition; returns the
    history row."""
    if to not in TRANSITIONS[Status(expected)]:
        raise StaleTransition(
            _("A plan in state “%(s)s” cannot go to “%(t)s”.")
            % {"s": Status(expected).label, "t": Status(to).label}
        )
    now = timezone.now()
    updated = Plan.objects.filter(pk=plan.pk, status=expected).update(
        status=to, status_changed_at=now
    )
    if not updated:
        raise StaleTransition(
            _("The plan's state changed meanwhile; reload the page and try again.")
        )
    transition = record(plan, from_state=expected, to_state=to, by=user, note=comment)
    plan.status, plan.status_changed_at = to, now
    return transition


@transaction.atomic
def submit_plan(*, plan, expected, user):
    """Unit submits: refused (Incomplete) until complete; freezes a PlanVersion
    with lateness against due_date() (extensions included); history row."""
    # The same row lock as lock_editable(): no edit lands between the check,
    # the snapshot and the commit.
    Plan.objects.select_for_update().filter(pk=plan.pk).exists()
    result = plan_completeness(plan)
    if not result.is_complete:
        raise Incomplete(result.blockers)
    if expected not in (Status.DRAFT, Status.RETURNED):
        raise StaleTransition(_("This plan cannot be submitted in its current state."))
    _transition(plan=plan, expected=expected, to=Status.SUBMITTED, user=user)
    due = due_date(batch=plan.batch, unit=plan.unit, kind=DeadlineKind.PLAN)
    now = timezone.now()
    late = days_late(due, now)
    last = plan.versions.order_by("-number").values_list("number", flat=True).first()
    content = snapshot(plan)
    version = PlanVersion.objects.create(
        plan=plan,
        number=(last or 0) + 1,
        content=content,
        content_sha256=archive.content_sha256(content),
        submitted_at=now,
        submitted_by=user,
        due=due,
        is_late=late > 0,
        days_late=late,
    )
    # Rendered by the worker after the commit: a broker outage never fails this.
    archive.queue_archive(version, archive.Archive.SUBMITTED, user=user)
    messages.plan_submitted(plan=plan, version=version)
    return version


@transaction.atomic
def start_review(*, plan, expected, user, comment=""):
    _transition(
        plan=plan, expected=expected, to=Status.UNDER_REVIEW, user=user, comment=comment
    )


@transaction.atomic
def return_plan(*, plan, expected, user, comment=""):
    """Office returns the plan for revision: the unit may edit again."""
    transition = _transition(
        plan=plan, expected=expected, to=Status.RETURNED, user=user, comment=comment
    )
    messages.plan_decided(plan=plan, transition=transition)


@transaction.atomic
def approve_plan(*, plan, expected, user, comment=""):
    """Refused while a review comment is open: the office resolves them first.
    The approved (last) version gets its archival copy as approved."""
    open_comments = plan.comments.filter(resolved_at__isnull=True).count()
    if open_comments:
        raise PlanError(
            ngettext(
                "%(n)s review comment is still open: resolve it before approving.",
                "%(n)s review comments are still open: resolve them before approving.",
                open_comments,
            )
            % {"n": open_comments}
        )
    transition = _transition(
        plan=plan, expected=expected, to=Status.APPROVED, user=user, comment=comment
    )
    approved = plan.versions.order_by("-number").first()
    if approved is not None:  # never None once the plan went through submit_plan
        archive.queue_archive(approved, archive.Archive.APPROVED, user=user)
    messages.plan_decided(plan=plan, transition=transition)


@transaction.atomic
def reject_plan(*, plan, expected, user, comment=""):
    transition = _transition(
        plan=plan, expected=expected, to=Status.REJECTED, user=user, comment=comment
    )
    messages.plan_decided(plan=plan, transition=transition)


# ---------------------------------------------------------------- comments


@transaction.atomic
def add_comment(*, plan, section, body, user):
    number = plan.versions.order_by("-number").values_list("number", flat=True).first()
    comment = PlanComment.objects.create(
        plan=plan,
        section=Anchor(section),
        body=body,
        author=user,
        on_version=number or 0,
    )
    messages.comment_added(plan=plan, comment=comment)
    return comment


def resolve_comment(*, comment, user):
    """The office closes a comment (conditional: a second click changes nothing)."""
    return PlanComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )


def reopen_comment(*, comment):
    return PlanComment.objects.filter(pk=comment.pk, resolved_at__isnull=False).update(
        resolved_at=None, resolved_by=None, is_addressed=False
    )


def answer_comment(*, comment, answer, addressed, user):
    comment.answer = answer
    comment.is_addressed = addressed
    comment.answered_by = user
    comment.answered_at = timezone.now()
    comment.save(update_fields=["answer", "is_addressed", "answered_by", "answered_at"])


# ---------------------------------------------------------------- deadlines


@transaction.atomic
def grant_extension(*, plan, due, reason, user):
    """Office extends this unit's plan deadline (one Extension per deadline,
    its history row written by pilots.deadlines.extend)."""
    extension = extend(
        batch=plan.batch,
        unit=plan.unit,
        kind=DeadlineKind.PLAN,
        due=due,
        reason=reason,
        user=user,
    )
    messages.extension_granted(plan=plan, extension=extension)
    return extension


def plan_due(plan):
    return due_date(batch=plan.batch, unit=plan.unit, kind=DeadlineKind.PLAN)


# ---------------------------------------------------------------- comparing


def _mark(text, spans, tag):
    out, pos = [], 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"<{tag}>{escape(text[start:end])}</{tag}>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped


def _pair(old, new):
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    left, right = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            left.append((i1, i2))
        if op in ("replace", "insert"):
            right.append((j1, j2))
    return _mark(old, left, "del"), _mark(new, right, "ins")


def diff_rows(old, new):
    """Side-by-side rows (kind, left_html, right_html) for two texts, by line."""
    a, b = old.splitlines(), new.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [("equal", escape(line), escape(line)) for line in a[i1:i2]]
            continue
        left, right = a[i1:i2], b[j1:j2]
        for n in range(max(len(left), len(right))):
            old_line = left[n] if n < len(left) else ""
            new_line = right[n] if n < len(right) else ""
            rows.append(("changed", *_pair(old_line, new_line)))
    return rows


def compare_versions(old, new, *, task_ids=None):
    """For each text section: its label, whether it changed, and the rows; the
    rows of the tasks in `task_ids` only (readable_content)."""
    old_content = readable_content(old.content, task_ids)
    new_content = readable_content(new.content, task_ids)
    result = []
    for key in SectionKey:
        a = old_content["sections"].get(key.value, "")
        b = new_content["sections"].get(key.value, "")
        result.append({"label": key.label, "changed": a != b, "rows": diff_rows(a, b)})
    for name, label in (
        ("schedule", _("Schedule")),
        ("deliverables", _("Main deliverables")),
        ("contacts", _("Contacts")),
    ):
        a = _rows_text(name, old_content.get(name, []))
        b = _rows_text(name, new_content.get(name, []))
        result.append({"label": label, "changed": a != b, "rows": diff_rows(a, b)})
    return result


def _rows_text(name, rows):
    if name == "schedule":
        lines = [
            f"{r['start']} – {r['end']} {r['task_title']}: {r['title']}" for r in rows
        ]
    elif name == "deliverables":
        lines = [
            f"{r['due']} [{choice_label(Deliverable.Kind, r['kind'])}] "
            f"{r['task_title']}: {r['title']}"
            for r in rows
        ]
    else:
        lines = [
            f"{r['task_title'] or '*'} {choice_label(Contact.Role, r['role'])}: "
            f"{r['name']}, {r['post']}, "
            f"{r['phone']}, {r['email']}"
            for r in rows
        ]
    return "\n".join(lines)
