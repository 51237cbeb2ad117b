"""Forms for notices to units (通知): they validate; milestones.circulars writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.files import AttachmentForm
from pilots.forms import LabelledChoiceField, LabelledMultipleChoiceField
from pilots.models import BusinessDomain, Department, PilotUnit

from .circulars import FILTERS
from .models import Circular

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CircularForm(forms.ModelForm):
    """The office's notice: what it says, to whom, what it asks and by when.
    One attachment per save (more by saving the draft again)."""

    file = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_(
            "Word, PDF, image (PNG, JPEG) or spreadsheet; save the draft to add more."
        ),
    )

    class Meta:
        model = Circular
        fields = [
            "title",
            "body",
            "response",
            "reply_by",
            "audience",
            "units",
            "domain",
            "departments",
            "to_experts",
        ]
        field_classes = {
            "units": LabelledMultipleChoiceField,
            "domain": LabelledChoiceField,
            "departments": LabelledMultipleChoiceField,
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "reply_by": DATE,
            "audience": forms.RadioSelect,
            "response": forms.RadioSelect,
            "units": forms.CheckboxSelectMultiple,
            "departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give the notice a title.")
        self.fields["body"].error_messages["required"] = _(
            "Write the text of the notice."
        )
        self.fields["units"].queryset = PilotUnit.objects.filter(batches=batch)
        self.fields["units"].help_text = _("For “Chosen units”.")
        self.fields["domain"].queryset = BusinessDomain.objects.all()
        self.fields["domain"].help_text = _(
            "For “The units of one business domain”: the units with a task in it."
        )
        self.fields["departments"].queryset = Department.objects.all()
        self.fields["departments"].required = False
        self.fields["units"].required = False

    def clean_reply_by(self):
        reply_by = self.cleaned_data.get("reply_by")
        if reply_by and reply_by < timezone.localdate():
            raise forms.ValidationError(
                _("The reply-by date has passed: choose today or a later day.")
            )
        return reply_by

    def clean_file(self):
        if not self.cleaned_data.get("file"):
            return None
        return AttachmentForm.clean_file(self)

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == Circular.Audience.CHOSEN_UNITS and not data.get("units"):
            self.add_error("units", _("Choose at least one unit."))
        if audience == Circular.Audience.DOMAIN and not data.get("domain"):
            self.add_error("domain", _("Choose the business domain."))
        if data.get("reply_by") and data.get("response") == Circular.Response.NONE:
            self.add_error(
                "reply_by",
                _("A reply-by date needs the units to be asked to confirm or reply."),
            )
        return data


class ReplyForm(forms.Form):
    """A unit's reply: text, and one more file per save."""

    text = forms.CharField(
        label=_("Your unit's reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your unit's reply.")},
    )
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("Word, PDF, image (PNG, JPEG) or spreadsheet; one per save."),
    )

    def clean_file(self):
        if not self.cleaned_data.get("file"):
            return None
        return AttachmentForm.clean_file(self)


class RemindForm(forms.Form):
    """Whom to remind: the units of one filter of the receipt table. `token`
    names the reminder action (made when the table was shown)."""

    show = forms.ChoiceField(choices=list(FILTERS.items()))
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$")
