"""Submitting, commenting, extending the deadline. Reviewing and deciding are
the reviews app's (its stages page), which moves the plan through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed, late_consequence

from .. import services
from ..forms import AnswerForm, CommentForm, DecisionForm, ExtensionForm
from ..models import PlanComment
from ..permissions import (
    can_answer_comment,
    can_comment_plan,
    can_decide_plan,
    can_submit_plan,
)
from .access import get_plan, require
from .pages import detail_context


@login_required
@require_POST
def start(request, slug):
    """The unit begins its plan: the first row of it (get_plan makes it on a POST)."""
    plan = get_plan(request, slug)
    require(can_submit_plan(request.user, plan))
    return redirect("plans:detail", plan.unit.slug)


@login_required
@require_POST
def submit(request, slug):
    plan = get_plan(request, slug)
    require(can_submit_plan(request.user, plan))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    # An incomplete plan is refused with its blockers at once (writing nothing):
    # asking first would only delay that answer.
    if not is_confirmed(request) and services.plan_completeness(plan).is_complete:
        return _submit_question(request, plan)
    try:
        version = services.submit_plan(
            plan=plan, expected=form.cleaned_data["expected"], user=request.user
        )
    except services.Incomplete as refused:
        # One alert listing every blocker, not one alert per blocker.
        messages.error(
            request,
            render_to_string("plans/_incomplete_message.html", {"refused": refused}),
        )
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


def _submit_question(request, plan):
    consequences = [
        _(
            "The plan is submitted as it is now, as a new version; it can no "
            "longer be changed unless the office returns it."
        ),
        _("The office and the departments supervising the unit's tasks are told."),
        late_consequence(services.plan_due(plan)),
    ]
    return confirm_page(
        request,
        title=_("Submit the plan?"),
        consequences=consequences,
        action_label=_("Submit the plan"),
        cancel_url=plan.get_absolute_url(),
        hidden=request.POST,
    )


@login_required
@require_POST
def comment_add(request, slug):
    plan = get_plan(request, slug)
    require(can_comment_plan(request.user, plan))
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
    context = detail_context(request, plan, comment_form=form)
    return render(request, "plans/plan_detail.html", context, status=400)


@login_required
@require_POST
def comment_answer(request, slug, pk):
    plan = get_plan(request, slug)
    require(can_answer_comment(request.user, plan) and plan.is_editable)
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
    context = detail_context(request, plan, answer_form=form)
    return render(request, "plans/plan_detail.html", context, status=400)


@login_required
@require_POST
def comment_resolve(request, slug, pk):
    """The office closes a comment it is satisfied with, or opens it again."""
    plan = get_plan(request, slug)
    require(can_decide_plan(request.user, plan))
    comment = get_object_or_404(PlanComment, plan=plan, pk=pk)
    if request.POST.get("reopen"):
        services.reopen_comment(comment=comment)
        messages.success(request, _("The comment is open again."))
    else:
        services.resolve_comment(comment=comment, user=request.user)
        messages.success(request, _("The comment is resolved."))
    return redirect(f"{plan.get_absolute_url()}#comment-{comment.pk}")


@login_required
@require_POST
def extension(request, slug):
    plan = get_plan(request, slug)
    require(can_decide_plan(request.user, plan))
    form = ExtensionForm(request.POST, current_due=services.plan_due(plan))
    if not form.is_valid():
        context = detail_context(request, plan, extension_form=form)
        return render(request, "plans/plan_detail.html", context, status=400)
    services.grant_extension(
        plan=plan,
        due=form.cleaned_data["due"],
        reason=form.cleaned_data["reason"],
        user=request.user,
    )
    messages.success(request, _("Deadline extended."))
    return redirect(plan)
