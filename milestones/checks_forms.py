"""Forms of the mid-term check and acceptance: they validate, the services write."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ItemState

NEEDS_REASON = {ItemState.LATE, ItemState.DROPPED}


class DateInput(forms.DateInput):
    input_type = "date"


class MaterialForm(forms.Form):
    """The self-assessment texts and one state + reason per checklist item.

    A draft may leave states empty; a state of late or dropped always needs a
    reason (the yardstick is the approved plan: a deviation is explained)."""

    self_assessment = forms.CharField(
        label=gettext_lazy("Self-assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    goals_met = forms.CharField(
        label=gettext_lazy(
            "Goals and deliverables of the approved plan: how they were met"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        choices = [("", gettext_lazy("— choose —")), *ItemState.choices]
        for key, label, _row in items:
            self.fields[f"state_{key}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"reason_{key}"] = forms.CharField(
                label=gettext_lazy("Reason"),
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def clean(self):
        data = super().clean()
        for key, _label, _row in self.items:
            state = data.get(f"state_{key}")
            if state in NEEDS_REASON and not data.get(f"reason_{key}", "").strip():
                self.add_error(
                    f"reason_{key}",
                    _("Give the reason when an item is late or dropped."),
                )
        return data

    def rows(self):
        """(label, state field, reason field) per item, for the template."""
        return [
            (label, self[f"state_{key}"], self[f"reason_{key}"])
            for key, label, _row in self.items
        ]

    def states(self):
        return {
            key: (
                self.cleaned_data.get(f"state_{key}", ""),
                self.cleaned_data.get(f"reason_{key}", "").strip(),
            )
            for key, _label, _row in self.items
        }


class TaskAcceptanceForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=gettext_lazy("Accepted"),
        choices=[
            ("yes", gettext_lazy("Accepted")),
            ("no", gettext_lazy("Not accepted")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    remark = forms.CharField(
        label=gettext_lazy("Remark"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("passed") is False and not data.get("remark", "").strip():
            self.add_error("remark", _("Say why the task is not accepted."))
        return data


class PlaqueForm(forms.Form):
    awarded_on = forms.DateField(
        label=gettext_lazy("Awarded on"),
        widget=DateInput(attrs={"class": "form-control"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
