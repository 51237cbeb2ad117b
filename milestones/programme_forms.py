"""Forms of the office's programme settings: they validate; programme.py writes."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Exists, OuterRef
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from pilots.forms import LabelledChoiceField
from pilots.models import Batch, BusinessDomain, DeadlineKind, PilotUnit, Task

from . import programme
from .models import ReminderRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# (earlier, later, strictly): the order of notice 五's milestones.
DATE_ORDER = [
    ("launch_date", "plan_due", False),
    ("launch_date", "implementation_start", False),
    ("implementation_start", "implementation_end", True),
    ("implementation_start", "midterm_start", False),
    ("midterm_start", "midterm_end", False),
    ("midterm_end", "implementation_end", False),
    ("midterm_end", "acceptance_due", False),
    ("acceptance_due", "promotion_from", False),
]


class DateOrderMixin:
    """The dates of a batch in notice 五's order, each error on the later date."""

    def clean(self):
        cleaned = super().clean()
        for earlier, later, strictly in DATE_ORDER:
            first, second = cleaned.get(earlier), cleaned.get(later)
            if first is None or second is None or later in self.errors:
                continue
            if second < first or (strictly and second == first):
                message = (
                    _("“%(this)s” must come after “%(other)s” (%(date)s).")
                    if strictly
                    else _("“%(this)s” cannot be earlier than “%(other)s” (%(date)s).")
                )
                self.add_error(
                    later,
                    message
                    % {
                        "this": self.fields[later].label,
                        "other": self.fields[earlier].label,
                        "date": date_format(first, "Y-m-d"),
                    },
                )
        return cleaned


class TimelineForm(DateOrderMixin, forms.ModelForm):
    class Meta:
        model = Batch
        fields = programme.TIMELINE_FIELDS
        widgets = dict.fromkeys(programme.TIMELINE_FIELDS, DATE)


class BatchMembersMixin:
    """The units a new batch starts with, chosen by level and business domain
    (a national programme has thousands: no list of every unit), with all their
    tasks; each unit's tasks are then chosen on the batch's units page
    (batch_members). cleaned_data gets "units" and "tasks"."""

    def _members_fields(self):
        self.fields["level"] = forms.ChoiceField(
            label=_("Units of the level"),
            choices=[("", _("All levels")), *PilotUnit.Level.choices],
            required=False,
        )
        self.fields["domain"] = LabelledChoiceField(
            label=_("With a task in the business domain"),
            queryset=BusinessDomain.objects.all(),
            empty_label=_("Any domain"),
            required=False,
        )

    def unit_pool(self):
        """The units to choose from: every unit."""
        return PilotUnit.objects.all()

    def task_pool(self):
        return Task.objects.all()

    def clean(self):
        cleaned = super().clean()
        units = self.unit_pool()
        if level := cleaned.get("level"):
            units = units.filter(level=level)
        if domain := cleaned.get("domain"):
            units = units.filter(
                Exists(Task.objects.filter(unit=OuterRef("pk"), business_domain=domain))
            )
        if not units.exists():
            self.add_error("level", _("Choose at least one unit."))
        cleaned["units"] = units
        cleaned["tasks"] = self.task_pool().filter(unit__in=units)
        return cleaned


class BatchMembersForm(forms.Form):
    """One page of a batch's units page: of the units `listed` on it, those
    ticked take part with their tasks ticked; the others leave."""

    listed = forms.ModelMultipleChoiceField(
        queryset=PilotUnit.objects.all(), widget=forms.MultipleHiddenInput
    )
    units = forms.ModelMultipleChoiceField(
        queryset=PilotUnit.objects.all(), required=False
    )
    tasks = forms.ModelMultipleChoiceField(queryset=Task.objects.all(), required=False)


class BatchForm(BatchMembersMixin, DateOrderMixin, forms.ModelForm):
    """A batch from scratch, or an existing one changed."""

    class Meta:
        model = Batch
        fields = ["name", "name_en", "slug", *programme.TIMELINE_FIELDS]
        widgets = dict.fromkeys(programme.TIMELINE_FIELDS, DATE)
        help_texts = {
            "slug": _("Letters, digits and hyphens; used in addresses, e.g. 2023."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A batch that exists changes its units on its units page.
        if not self.instance.pk:
            self._members_fields()

    def clean(self):
        if self.instance.pk:
            return DateOrderMixin.clean(self)
        return super().clean()


class BatchCopyForm(BatchMembersMixin, forms.ModelForm):
    """A new batch like `source`, launched on a chosen day: every date of the
    source moves by the same number of days."""

    launch_date = forms.DateField(
        label=_("Launch of the new batch"),
        widget=DATE,
        help_text=_(
            "Every other date moves as the launch does: by the same number of "
            "months when the launch keeps its day of the month (a month's last "
            "day stays the last day), otherwise by the same number of days."
        ),
    )

    class Meta:
        model = Batch
        fields = ["name", "name_en", "slug"]

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self._members_fields()

    def unit_pool(self):
        """The source's units, with the source's tasks."""
        return self.source.units.all()

    def task_pool(self):
        return self.source.tasks.all()


class ExtensionForm(forms.Form):
    unit = LabelledChoiceField(label=_("Unit"), queryset=None)
    kind = forms.ChoiceField(label=_("Deadline"), choices=DeadlineKind.choices)
    due = forms.DateField(label=_("Extended until"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, batch, fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        self.fields["unit"].queryset = batch.units.all()
        if fixed:
            # Changing an extension: only its date and reason.
            self.fields["unit"].disabled = True
            self.fields["kind"].disabled = True

    def clean(self):
        cleaned = super().clean()
        kind, due = cleaned.get("kind"), cleaned.get("due")
        if due and due < timezone.localdate():
            self.add_error("due", _("The new deadline is in the past."))
        elif kind and due:
            programme_date = getattr(self.batch, DeadlineKind(kind).value)
            if due <= programme_date:
                self.add_error(
                    "due",
                    _(
                        "An extension must be later than the programme's date for "
                        "this deadline (%(date)s)."
                    )
                    % {"date": date_format(programme_date, "Y-m-d")},
                )
        return cleaned


class ReminderRuleForm(forms.ModelForm):
    """The subject and body are rendered once here, as a reminder would render
    them, so a template error shows now and not in tomorrow's scan."""

    class Meta:
        model = ReminderRule
        fields = ["kind", "days_before", "subject", "body", "active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": _(
                    "There is already a rule for this deadline with this lead "
                    "time: edit that one instead."
                )
            }
        }
        help_texts = {
            "body": _(
                "Django template text. Available: {{ unit }}, {{ batch }}, "
                "{{ due|date:'Y-m-d' }}, {{ days }} (days left), {{ overdue_days }} "
                "and {{ deadline }}."
            )
        }

    def __init__(self, *args, batch, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch, self.unit = batch, unit
        self.preview = None
        if not self.is_bound and self.instance.pk:
            self.preview = self._render_saved()

    def _render_saved(self):
        """What the saved rule sends, shown before any change."""
        return programme.example_of(self.instance, batch=self.batch, unit=self.unit)

    def clean(self):
        cleaned = super().clean()
        kind, days = cleaned.get("kind"), cleaned.get("days_before")
        texts = {name: cleaned.get(name) for name in ("subject", "body")}
        if kind is None or days is None or None in texts.values():
            return cleaned
        context = programme.sample_context(
            kind=kind, days_before=days, batch=self.batch, unit=self.unit
        )
        for name, text in texts.items():
            try:
                programme.render_rule(subject=text, body="", context=context)
            except TemplateSyntaxError as error:
                self.add_error(
                    name,
                    _(
                        "This text is not a valid template: %(error)s. Write "
                        "variables as {{ unit }} and check every {%% … %%} tag."
                    )
                    % {"error": error},
                )
        if not self.errors:
            self.preview = programme.render_rule(context=context, **texts)
            if not self.preview[0]:
                self.add_error("subject", _("The subject is empty once filled in."))
        return cleaned
