from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import BusinessDomain, PilotUnit, Task, User


class LabelledChoiceField(forms.ModelChoiceField):
    """A choice of units, tasks or domains named by their `label`, which follows
    the reader's language (their str() is the Chinese name, for the admin and logs)."""

    def label_from_instance(self, obj):
        return obj.label


class LabelledMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several of them, named the same way as LabelledChoiceField."""

    def label_from_instance(self, obj):
        return obj.label


class MessageLanguageForm(forms.ModelForm):
    """The language a user's notifications and e-mails come in."""

    class Meta:
        model = User
        fields = ["language"]


class UnitFilterForm(forms.Form):
    """The filters of an office list of units, as GET parameters
    (?q=…&level=…&domain=…): a few choices each, where a select of every unit
    would have thousands. A value it does not know is reported and not applied."""

    q = forms.CharField(label=_("Unit name contains"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), required=False)
    domain = LabelledChoiceField(
        label=_("Business domain"),
        queryset=BusinessDomain.objects.all(),
        to_field_name="slug",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All")), *PilotUnit.Level.choices]
        self.fields["domain"].empty_label = _("All")

    def value(self, name):
        """The valid value of the field `name`, else empty."""
        if not self.is_bound:
            return None
        self.is_valid()  # an invalid field is left out of cleaned_data
        return self.cleaned_data.get(name)

    def filter(self, units):
        """`units` (a PilotUnit queryset) narrowed by the valid filters."""
        if text := (self.value("q") or "").strip():
            units = units.filter(
                Q(name__icontains=text)
                | Q(short_name__icontains=text)
                | Q(name_en__icontains=text)
                | Q(short_name_en__icontains=text)
            )
        if level := self.value("level"):
            units = units.filter(level=level)
        if domain := self.value("domain"):
            tasks = Task.objects.filter(unit=OuterRef("pk"), business_domain=domain)
            units = units.filter(Exists(tasks))
        return units
