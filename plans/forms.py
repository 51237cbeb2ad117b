"""Forms validate and clean; the views and services write."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.forms import LabelledChoiceField

from .models import (
    SECTION_MAX_CHARS,
    Anchor,
    Contact,
    Deliverable,
    ScheduleItem,
    Status,
)

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-\d{7,8}(-\d{1,6})?)$")


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_text(self):
        # Browsers send CRLF; store plain newlines so versions compare line by line.
        text = self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")
        # Checked here, not with max_length: a maxlength attribute would make the
        # browser cut a pasted text silently.
        if len(text) > SECTION_MAX_CHARS:
            raise ValidationError(
                _(
                    "This section has %(n)s characters; a section may have at most "
                    "%(max)s. Shorten it: your text is kept below, nothing was saved."
                )
                % {"n": len(text), "max": SECTION_MAX_CHARS}
            )
        return text

    def clean(self):
        cleaned = super().clean()
        # The revision is hidden: an error on it would show nowhere.
        if self.has_error("revision"):
            self.errors.pop("revision")
            raise ValidationError(
                _(
                    "This page's record of the section is damaged or out of date: "
                    "nothing was saved. Your text is kept below; open the section "
                    "again from the plan and paste it there."
                )
            )
        return cleaned


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "post", "phone", "email"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "")
        if not PHONE.match(phone):
            raise ValidationError(
                _(
                    "Enter a mobile number (11 digits starting 13–19) or a landline "
                    "with its area code, e.g. 010-12345678 or 0571-8888888-123."
                )
            )
        return phone


class TaskChoiceMixin:
    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["task"].queryset = plan.batch.tasks_of(plan.unit)


class ScheduleItemForm(TaskChoiceMixin, forms.ModelForm):
    class Meta:
        model = ScheduleItem
        fields = ["task", "title", "start", "end"]
        field_classes = {"task": LabelledChoiceField}
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        batch = self.plan.batch
        window = {"start": batch.implementation_start, "end": batch.implementation_end}
        for name in ("start", "end"):
            value = cleaned.get(name)
            if value and not (window["start"] <= value <= window["end"]):
                self.add_error(
                    name,
                    _("Must lie inside the implementation period %(start)s – %(end)s.")
                    % window,
                )
        if start and end and end <= start:
            self.add_error("end", _("The end must come after the start."))
        return cleaned


class DeliverableForm(TaskChoiceMixin, forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["task", "title", "kind", "due"]
        field_classes = {"task": LabelledChoiceField}
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}

    def clean_due(self):
        due = self.cleaned_data["due"]
        batch = self.plan.batch
        window = {"start": batch.implementation_start, "end": batch.implementation_end}
        if not (window["start"] <= due <= window["end"]):
            raise ValidationError(
                _("Must lie inside the implementation period %(start)s – %(end)s.")
                % window
            )
        return due


class CommentForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Section"),
        choices=Anchor.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=5000,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    addressed = forms.BooleanField(label=_("Addressed"), required=False)


class DecisionForm(forms.Form):
    """Every transition form names the status the user saw (stale check)."""

    expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class ExtensionForm(forms.Form):
    due = forms.DateField(
        label=_("Extended until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, current_due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_due = current_due

    def clean_due(self):
        """An extension gives more time: later than the deadline in force (the
        programme's, or an earlier extension) and not already past."""
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise ValidationError(_("The new deadline is in the past."))
        if self.current_due is not None and due <= self.current_due:
            raise ValidationError(
                _("The new deadline must be later than the current one (%(date)s).")
                % {"date": self.current_due.isoformat()}
            )
        return due
