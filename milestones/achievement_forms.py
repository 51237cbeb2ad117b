"""Forms for achievements: they validate; milestones.achievements writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.files import AttachmentForm
from pilots.forms import LabelledChoiceField
from pilots.models import PilotUnit

from .achievements import STATE_LABELS
from .models import Achievement, AchievementKind


class AchievementForm(forms.ModelForm):
    """A unit's achievement; the task must be one of the unit's own. An optional
    first file goes through the same checks as every upload (AttachmentForm)."""

    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("Word, PDF, image (PNG, JPEG) or spreadsheet; more files later."),
    )

    class Meta:
        model = Achievement
        fields = ["task", "kind", "title", "description"]
        field_classes = {"task": LabelledChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, unit, with_file=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = unit.tasks.all()
        self.fields["task"].error_messages["invalid_choice"] = _(
            "This task belongs to another unit: choose one of your own unit's tasks."
        )
        self.fields["kind"].error_messages["required"] = _(
            "Choose the kind of result: scheme, model, method, product or technology."
        )
        if not with_file:
            del self.fields["file"]

    def clean_file(self):
        if not self.cleaned_data.get("file"):
            return None
        return AttachmentForm.clean_file(self)


class RecommendForm(forms.Form):
    recommendation = forms.CharField(
        label=_("Why it can be copied and promoted"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a short recommendation: why others should copy it.")
        },
    )


class AchievementFilterForm(forms.Form):
    unit = LabelledChoiceField(
        label=_("Unit"), queryset=PilotUnit.objects.all(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *AchievementKind.choices],
        required=False,
    )
    state = forms.ChoiceField(
        label=_("Publication"),
        choices=[("", _("All")), *STATE_LABELS.items()],
        required=False,
    )
