"""The office edits the timeline, the deadline extensions and the reminders."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed
from pilots.history import histories_for_list
from pilots.models import Batch, DeadlineKind, Extension, User
from pilots.permissions import role_required

from .. import programme
from ..models import ReminderRule
from ..programme_forms import ExtensionForm, ReminderRuleForm, TimelineForm

office_only = role_required(User.Role.OFFICE)


def _current_batch():
    batch = Batch.objects.current()
    if batch is None:
        raise Http404
    return batch


@office_only
def programme_home(request):
    batch = _current_batch()
    return render(
        request,
        "milestones/programme_home.html",
        {
            "batch": batch,
            "batch_count": Batch.objects.count(),
            "extension_count": Extension.objects.filter(batch=batch).count(),
            "rule_count": ReminderRule.objects.filter(active=True).count(),
        },
    )


@office_only
def programme_timeline(request):
    batch = _current_batch()
    form = TimelineForm(request.POST or None, instance=batch)
    if request.method == "POST" and form.is_valid():
        programme.update_timeline(batch=batch, dates=form.cleaned_data)
        messages.success(request, _("The timeline was saved."))
        return redirect("milestones:programme_timeline")
    return render(
        request, "milestones/programme_timeline.html", {"form": form, "batch": batch}
    )


@office_only
def programme_extensions(request):
    batch = _current_batch()
    form = ExtensionForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        programme.grant_extension(batch=batch, user=request.user, **form.cleaned_data)
        messages.success(request, _("Deadline extended."))
        return redirect("milestones:programme_extensions")
    extensions = list(
        Extension.objects.filter(batch=batch)
        .select_related("unit", "granted_by")
        .order_by("unit__order")
    )
    # The states of an extension's history are its due dates: no labels.
    histories = histories_for_list(extensions, labels={})
    for extension in extensions:
        extension.history = histories[extension.pk]
    return render(
        request,
        "milestones/programme_extensions.html",
        {"form": form, "batch": batch, "extensions": extensions},
    )


@office_only
def programme_extension_edit(request, pk):
    batch = _current_batch()
    extension = get_object_or_404(
        Extension.objects.select_related("unit"), pk=pk, batch=batch
    )
    initial = {
        "unit": extension.unit,
        "kind": extension.kind,
        "due": extension.due,
        "reason": extension.reason,
    }
    form = ExtensionForm(request.POST or None, initial=initial, batch=batch, fixed=True)
    if request.method == "POST" and form.is_valid():
        programme.grant_extension(batch=batch, user=request.user, **form.cleaned_data)
        messages.success(request, _("The extension was changed."))
        return redirect("milestones:programme_extensions")
    return render(
        request,
        "milestones/programme_extension_form.html",
        {"form": form, "extension": extension},
    )


@office_only
@require_POST
def programme_extension_remove(request, pk):
    batch = _current_batch()
    extension = get_object_or_404(
        Extension.objects.select_related("unit"), pk=pk, batch=batch
    )
    if not is_confirmed(request):
        # The unit is told at once: ask first, with the dates it will be told.
        programme_date = getattr(batch, DeadlineKind(extension.kind).value)
        return confirm_page(
            request,
            title=_("Remove the extension?"),
            consequences=_(
                "The unit %(unit)s will be told that its extension of "
                "“%(deadline)s” to %(due)s is cancelled; its due date goes back "
                "to %(programme_date)s."
            )
            % {
                "unit": extension.unit.label,
                "deadline": extension.get_kind_display(),
                "due": extension.due.isoformat(),
                "programme_date": programme_date.isoformat(),
            },
            action_label=_("Remove the extension"),
            cancel_url=reverse("milestones:programme_extensions"),
            danger=True,
        )
    programme.remove_extension(extension=extension)
    messages.success(request, _("The extension was removed."))
    return redirect("milestones:programme_extensions")


def _when(days):
    if days > 0:
        return ngettext("%(count)s day before", "%(count)s days before", days) % {
            "count": days
        }
    if days == 0:
        return _("on the day")
    return ngettext("%(count)s day overdue", "%(count)s days overdue", -days) % {
        "count": -days
    }


@office_only
def programme_rules(request):
    rules = list(ReminderRule.objects.order_by("kind", "-days_before"))
    # Each subject as it is sent, for the same sample unit as the edit form's
    # preview; the template itself shows in the edit form.
    batch = Batch.objects.current()
    unit = batch.units.order_by("order").first() if batch else None
    for rule in rules:
        rule.when = _when(rule.days_before)
        rule.example = programme.example_of(rule, batch=batch, unit=unit)
    return render(
        request,
        "milestones/programme_rules.html",
        {"rules": rules, "example_unit": unit},
    )


def _rule_form(request, rule):
    batch = _current_batch()
    form = ReminderRuleForm(
        request.POST or None,
        instance=rule,
        batch=batch,
        unit=batch.units.order_by("order").first(),
    )
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        programme.save_rule(rule=form.save(commit=False))
        messages.success(request, _("The reminder rule was saved."))
        return redirect("milestones:programme_rules")
    return render(
        request, "milestones/programme_rule_form.html", {"form": form, "rule": rule}
    )


@office_only
def programme_rule_create(request):
    return _rule_form(request, None)


@office_only
def programme_rule_edit(request, pk):
    return _rule_form(request, get_object_or_404(ReminderRule, pk=pk))


@office_only
@require_POST
def programme_rule_deactivate(request, pk):
    rule = get_object_or_404(ReminderRule, pk=pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Deactivate the reminder rule?"),
            # The subject is template text ({{ unit }} …): named by what it is.
            consequences=_(
                "From now on nobody is sent the reminder of “%(deadline)s” "
                "(%(when)s); the rule stays in the list and can be made active "
                "again by editing it."
            )
            % {"deadline": rule.get_kind_display(), "when": _when(rule.days_before)},
            action_label=_("Deactivate the rule"),
            cancel_url=reverse("milestones:programme_rules"),
            danger=True,
        )
    programme.deactivate_rule(rule=rule)
    messages.success(request, _("The reminder rule was deactivated."))
    return redirect("milestones:programme_rules")


urlpatterns = [
    path("programme/", programme_home, name="programme_home"),
    path("programme/timeline/", programme_timeline, name="programme_timeline"),
    path("programme/extensions/", programme_extensions, name="programme_extensions"),
    path(
        "programme/extensions/<int:pk>/",
        programme_extension_edit,
        name="programme_extension_edit",
    ),
    path(
        "programme/extensions/<int:pk>/remove/",
        programme_extension_remove,
        name="programme_extension_remove",
    ),
    path("programme/reminders/", programme_rules, name="programme_rules"),
    path(
        "programme/reminders/new/",
        programme_rule_create,
        name="programme_rule_create",
    ),
    path(
        "programme/reminders/<int:pk>/",
        programme_rule_edit,
        name="programme_rule_edit",
    ),
    path(
        "programme/reminders/<int:pk>/deactivate/",
        programme_rule_deactivate,
        name="programme_rule_deactivate",
    ),
]
