"""The plan list and the plan page."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.files import AttachmentForm
from pilots.forms import UnitFilterForm
from pilots.history import history_for_page
from pilots.models import Batch, PilotUnit
from pilots.permissions import readable_tasks

from .. import services
from ..forms import CommentForm, ExtensionForm
from ..gantt import GanttRow, page_gantt
from ..models import OUTLINE, Anchor, Plan, PlanVersion, SectionKey, Status
from ..permissions import (
    can_answer_comment,
    can_comment_plan,
    can_decide_plan,
    can_edit_plan,
    can_submit_plan,
)
from .access import get_plan

# A page at a time: a national programme has thousands of units.
PLANS_PER_PAGE = 50
NOT_STARTED = "not_started"


class PlanFilterForm(UnitFilterForm):
    """The plan list's filters: the units' and the plan's state."""

    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("All")),
            *Status.choices,
            (NOT_STARTED, _("Not started")),
        ]

    def filter_state(self, units, batch):
        state = self.value("state")
        if not state:
            return units
        plans = Plan.objects.filter(batch=batch, unit=OuterRef("pk"))
        if state == NOT_STARTED:
            return units.filter(~Exists(plans))
        return units.filter(Exists(plans.filter(status=state)))


@login_required
def plan_list(request):
    user = request.user
    if not (user.is_office or user.is_department):
        raise PermissionDenied
    batch = Batch.objects.current()
    units = batch.units.order_by("order", "pk") if batch else PilotUnit.objects.none()
    if user.is_department:
        units = units.supervised_by(user.department_id)
    form = PlanFilterForm(request.GET or None)
    units = form.filter_state(form.filter(units), batch)
    page = Paginator(units, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    # The plans and their last versions of this page's units only, without the
    # versions' content.
    plans = {
        plan.unit_id: plan
        for plan in Plan.objects.filter(batch=batch, unit__in=page.object_list)
    }
    last = {}
    for version in (
        PlanVersion.objects.filter(plan__in=plans.values())
        .order_by("plan", "number")
        .only("plan_id", "number", "submitted_at", "is_late", "days_late")
    ):
        last[version.plan_id] = version
    rows = []
    for unit in page.object_list:
        plan = plans.get(unit.pk)
        rows.append(
            {"unit": unit, "plan": plan, "last": last.get(plan.pk) if plan else None}
        )
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "plans/plan_list.html",
        {
            "batch": batch,
            "rows": rows,
            "form": form,
            "page": page,
            "query": kept.urlencode(),
        },
    )


@login_required
def my_plan(request):
    """A unit member's shortcut (the navbar's link) to their unit's plan."""
    if not request.user.is_unit_member:
        raise Http404
    return redirect("plans:detail", request.user.unit.slug)


@login_required
def plan_detail(request, slug):
    plan = get_plan(request, slug)
    return render(request, "plans/plan_detail.html", detail_context(request, plan))


def detail_context(
    request, plan, *, comment_form=None, answer_form=None, extension_form=None
):
    """The plan page. A comment or answer form with errors comes back bound, so
    the page shows the errors next to what the user typed. A department sees the
    tasks it supervises only (their contacts, schedule items, deliverables and
    what is missing of them)."""
    rows = services.load_plan(
        plan, tasks=readable_tasks(request.user, plan.unit, plan.batch)
    )
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
        "gantt": _schedule_gantt(rows, plan.batch),
        "sections": sections,
        "open_comments": [c for c in comments if not c.is_addressed],
        "result": result,
        "due": due,
        "is_extended": due != plan.batch.plan_due,
        "versions": list(plan.versions.select_related("submitted_by")),
        "history": history_for_page(plan, labels=Status.choices),
        "attachments": list(plan.attachments.filter(is_removed=False)),
        "can_edit": can_edit_plan(user, plan),
        "can_submit": can_submit_plan(user, plan)
        and plan.status in (Status.DRAFT, Status.RETURNED),
        "can_decide": can_decide_plan(user, plan),
        "can_comment": can_comment_plan(user, plan),
        "can_answer": can_answer_comment(user, plan) and plan.is_editable,
        "comment_form": comment_form or CommentForm(),
        "attachment_form": AttachmentForm(),
        "extension_form": extension_form or ExtensionForm(),
        # The review (初审 … decision) is recorded on the reviews' stages page.
        "in_review": plan.status in (Status.SUBMITTED, Status.UNDER_REVIEW),
    }
    return context


def _schedule_gantt(rows, batch):
    """The draft's schedule as a Gantt chart over the batch's implementation
    window, drawn as in the PDF: grouped by task in the tasks' order, then by
    date. From the rows already loaded: no query."""
    task_order = {task.pk: index for index, task in enumerate(rows["tasks"])}
    items = sorted(
        rows["schedule"],
        key=lambda item: (
            task_order.get(item.task_id, len(task_order)),
            item.start,
            item.end,
        ),
    )
    return page_gantt(
        [GanttRow(item.task.label, item.title, item.start, item.end) for item in items],
        batch.implementation_start,
        batch.implementation_end,
        chart_id="plan-gantt",
    )
