"""Achievements (成果): units register them, the office publishes and recommends."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed
from pilots.files import AttachmentForm
from pilots.history import history_for_page
from pilots.models import PilotUnit, User
from pilots.permissions import role_required

from .. import achievements as services
from ..achievement_forms import AchievementFilterForm, AchievementForm, RecommendForm
from ..models import Achievement, AchievementFile


def _get_achievement(request, pk):
    """The achievement, for those who may see it privately; 404 for anyone else."""
    achievement = get_object_or_404(
        Achievement.objects.select_related("unit", "task", "created_by"), pk=pk
    )
    if not services.can_view_achievement(request.user, achievement):
        raise Http404
    return achievement


def _visible_units(user):
    if user.is_office:
        return PilotUnit.objects.all()
    if user.is_department:
        return PilotUnit.objects.supervised_by(user.department_id)
    return PilotUnit.objects.filter(pk=user.unit_id)


@role_required(User.Role.OFFICE, User.Role.DEPARTMENT, User.Role.UNIT)
def achievement_list(request):
    user = request.user
    form = AchievementFilterForm(request.GET or None)
    form.fields["unit"].queryset = _visible_units(user)
    rows = (
        Achievement.objects.filter(unit__in=_visible_units(user))
        .select_related("unit", "task")
        .annotate(file_count=Count("files"))
        .order_by("unit__order", "-created_at", "-pk")
    )
    if form.is_valid():
        if form.cleaned_data["unit"]:
            rows = rows.filter(unit=form.cleaned_data["unit"])
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["state"]:
            rows = rows.filter(services.STATE_FILTERS[form.cleaned_data["state"]])
    rows = list(rows)
    for row in rows:
        row.state = services.state_of(row)
        row.state_label = services.STATE_LABELS[row.state]
    return render(
        request,
        "milestones/achievement_list.html",
        {"form": form, "rows": rows, "can_register": user.is_unit_member},
    )


@role_required(User.Role.UNIT)
def achievement_create(request):
    unit = request.user.unit
    form = AchievementForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        achievement = services.register_achievement(
            unit=unit,
            task=data["task"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            user=request.user,
        )
        if data["file"]:
            services.add_file(
                achievement=achievement, upload=data["file"], user=request.user
            )
        messages.success(request, _("Achievement registered."))
        return redirect("milestones:achievement_detail", achievement.pk)
    return render(
        request, "milestones/achievement_form.html", {"form": form, "unit": unit}
    )


@login_required
def achievement_detail(request, pk, recommend_form=None):
    achievement = _get_achievement(request, pk)
    user = request.user
    context = {
        "achievement": achievement,
        "files": list(achievement.files.all()),
        "state": services.state_of(achievement),
        "state_label": services.STATE_LABELS[services.state_of(achievement)],
        "can_edit": services.can_edit_achievement(user, achievement),
        "actions": services.allowed_actions(achievement) if user.is_office else (),
        "attachment_form": AttachmentForm(),
        "recommend_form": recommend_form
        or RecommendForm(initial={"recommendation": achievement.recommendation}),
        "history": history_for_page(achievement, labels=services.STATE_LABELS),
    }
    return render(request, "milestones/achievement_detail.html", context)


@login_required
def achievement_edit(request, pk):
    achievement = _get_achievement(request, pk)
    if not services.can_edit_achievement(request.user, achievement):
        raise PermissionDenied
    form = AchievementForm(
        request.POST or None,
        instance=achievement,
        unit=achievement.unit,
        with_file=False,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_achievement(
                achievement=achievement,
                task=data["task"],
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
            )
        except services.AchievementError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Saved."))
            return redirect("milestones:achievement_detail", achievement.pk)
    return render(
        request,
        "milestones/achievement_form.html",
        {"form": form, "unit": achievement.unit, "achievement": achievement},
    )


@login_required
@require_POST
def achievement_file_add(request, pk):
    achievement = _get_achievement(request, pk)
    if not services.can_edit_achievement(request.user, achievement):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_file(
                achievement=achievement,
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except services.AchievementError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("File uploaded."))
    else:
        for error in form.errors["file"]:
            messages.error(request, error)
    return redirect("milestones:achievement_detail", achievement.pk)


@login_required
@require_POST
def achievement_file_remove(request, pk):
    achievement_file = get_object_or_404(AchievementFile, pk=pk)
    achievement = _get_achievement(request, achievement_file.achievement_id)
    if not services.can_edit_achievement(request.user, achievement):
        raise PermissionDenied
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove the file?"),
            consequences=_(
                "The file “%(name)s” is deleted from the achievement; to have it "
                "back it must be uploaded again."
            )
            % {"name": achievement_file.name},
            action_label=_("Remove the file"),
            cancel_url=reverse("milestones:achievement_detail", args=[achievement.pk]),
            danger=True,
        )
    try:
        services.remove_file(achievement_file=achievement_file)
    except services.AchievementError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Removed."))
    return redirect("milestones:achievement_detail", achievement.pk)


def achievement_file(request, pk):
    """Anyone for a published achievement; otherwise only who may see it (404)."""
    achievement_file = get_object_or_404(
        AchievementFile.objects.select_related("achievement__unit"), pk=pk
    )
    if not services.can_download_file(request.user, achievement_file):
        raise Http404
    return achievement_file.download()


OFFICE_ACTIONS = {
    "publish": (services.publish, gettext_lazy("Published in the progress column.")),
    "unpublish": (
        services.unpublish,
        gettext_lazy("Taken out of the progress column."),
    ),
    "withdraw_recommendation": (
        services.withdraw_recommendation,
        gettext_lazy("No longer recommended; it stays published."),
    ),
}


@role_required(User.Role.OFFICE)
@require_POST
def achievement_action(request, pk, action):
    achievement = _get_achievement(request, pk)
    if action == "recommend":
        form = RecommendForm(request.POST)
        if not form.is_valid():
            return achievement_detail(request, pk, recommend_form=form)
        service, done = services.recommend, _("Recommended for promotion.")
        extra = {"recommendation": form.cleaned_data["recommendation"]}
    elif action in OFFICE_ACTIONS:
        (service, done), extra = OFFICE_ACTIONS[action], {}
    else:
        raise Http404
    try:
        service(achievement=achievement, user=request.user, **extra)
    except services.AchievementError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("milestones:achievement_detail", achievement.pk)


urlpatterns = [
    path("achievements/manage/", achievement_list, name="achievement_list"),
    path("achievements/manage/new/", achievement_create, name="achievement_create"),
    path(
        "achievements/manage/<int:pk>/",
        achievement_detail,
        name="achievement_detail",
    ),
    path(
        "achievements/manage/<int:pk>/edit/", achievement_edit, name="achievement_edit"
    ),
    path(
        "achievements/manage/<int:pk>/files/",
        achievement_file_add,
        name="achievement_file_add",
    ),
    path(
        "achievements/manage/<int:pk>/<slug:action>/",
        achievement_action,
        name="achievement_action",
    ),
    path(
        "achievements/files/<int:pk>/remove/",
        achievement_file_remove,
        name="achievement_file_remove",
    ),
    path("achievements/files/<int:pk>/", achievement_file, name="achievement_file"),
]
