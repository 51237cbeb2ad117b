from django import forms

from .models import User


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
