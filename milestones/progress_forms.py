"""Forms of progress reports: validation and cleaning only (progress.py writes)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ItemState, ReportingSchedule
from .progress import NEEDS_REASON, ItemInput, TaskInput

PERCENT_ERROR = _("Enter a whole number from 0 to 100.")
TASK_FIELD = re.compile(r"^task_(\d+)_")
ITEM_FIELD = re.compile(r"^item_([sd]\d+)_")


def foreign_rows(data, *, tasks, items):
    """True when the POST names a task or plan item that is not the unit's:
    a forged or stale form, refused whole rather than partly saved."""
    task_ids = {str(task.pk) for task in tasks}
    item_keys = {item.key for item in items}
    for name in data:
        task = TASK_FIELD.match(name)
        if task and task.group(1) not in task_ids:
            return True
        item = ITEM_FIELD.match(name)
        if item and item.group(1) not in item_keys:
            return True
    return False


class ReportForm(forms.Form):
    """One report: a summary, a block per task, a row per item of the approved
    plan. Submitting asks for the state of every item; a draft may leave some."""

    summary = forms.CharField(
        label=_("Overall summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, tasks, items, submitting=False, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks, self.items, self.submitting = list(tasks), list(items), submitting
        for task in self.tasks:
            prefix = f"task_{task.pk}_"
            self.fields[prefix + "percent"] = forms.IntegerField(
                label=_("Percent complete"),
                min_value=0,
                max_value=100,
                error_messages={
                    "required": PERCENT_ERROR,
                    "invalid": PERCENT_ERROR,
                    "min_value": PERCENT_ERROR,
                    "max_value": PERCENT_ERROR,
                },
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            )
            for name, label in (
                ("done", _("Work done")),
                ("problems", _("Problems met")),
                ("next_steps", _("Next steps")),
            ):
                self.fields[prefix + name] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
        for item in self.items:
            prefix = f"item_{item.key}_"
            self.fields[prefix + "state"] = forms.ChoiceField(
                label=_("State"),
                choices=[("", "—"), *ItemState.choices],
                required=False,
            )
            self.fields[prefix + "reason"] = forms.CharField(
                label=_("Reason"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if report is not None and not self.is_bound:
            self.initial.update(initial_from(report))

    def clean(self):
        data = super().clean()
        for item in self.items:
            prefix = f"item_{item.key}_"
            state = data.get(prefix + "state")
            if state in NEEDS_REASON and not data.get(prefix + "reason", "").strip():
                self.add_error(
                    prefix + "reason",
                    _("Give the reason why this item is late or dropped."),
                )
            if self.submitting and not state and prefix + "state" not in self.errors:
                self.add_error(
                    prefix + "state",
                    _("Give the state of this item before submitting."),
                )
        return data

    def task_rows(self):
        """[(task, percent, done, problems, next_steps)] bound fields."""
        return [
            (
                task,
                *(
                    self[f"task_{task.pk}_{name}"]
                    for name in ("percent", "done", "problems", "next_steps")
                ),
            )
            for task in self.tasks
        ]

    def item_rows(self):
        return [
            (item, self[f"item_{item.key}_state"], self[f"item_{item.key}_reason"])
            for item in self.items
        ]

    def task_inputs(self):
        data = self.cleaned_data
        return [
            TaskInput(
                task=task,
                percent=data[f"task_{task.pk}_percent"],
                done=data[f"task_{task.pk}_done"],
                problems=data[f"task_{task.pk}_problems"],
                next_steps=data[f"task_{task.pk}_next_steps"],
            )
            for task in self.tasks
        ]

    def item_inputs(self):
        data = self.cleaned_data
        return [
            ItemInput(
                item=item,
                state=data[f"item_{item.key}_state"],
                reason=data[f"item_{item.key}_reason"],
            )
            for item in self.items
        ]


def initial_from(report):
    """The saved draft, as the form's initial values."""
    initial = {"summary": report.summary}
    for row in report.task_progress.all():
        prefix = f"task_{row.task_id}_"
        initial[prefix + "percent"] = row.percent
        initial[prefix + "done"] = row.done
        initial[prefix + "problems"] = row.problems
        initial[prefix + "next_steps"] = row.next_steps
    for entry in report.checklist.all():
        key = (
            f"s{entry.schedule_item_id}"
            if entry.schedule_item_id
            else f"d{entry.deliverable_id}"
        )
        initial[f"item_{key}_state"] = entry.state
        initial[f"item_{key}_reason"] = entry.reason
    return initial


class ScheduleForm(forms.ModelForm):
    grace_days = forms.IntegerField(
        label=_("Days after the period to report"),
        min_value=0,
        max_value=90,
        error_messages={
            "invalid": _("Enter a whole number of days from 0 to 90."),
            "min_value": _("Enter a whole number of days from 0 to 90."),
            "max_value": _("Enter a whole number of days from 0 to 90."),
        },
    )

    class Meta:
        model = ReportingSchedule
        fields = ["cadence", "grace_days"]
