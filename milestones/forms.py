from django import forms
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext as _

from .models import ReminderRule


class ReminderRuleForm(forms.ModelForm):
    """The office edits reminder texts; a broken template must not reach the daily
    scan, so the texts are compiled here."""

    class Meta:
        model = ReminderRule
        fields = ["kind", "days_before", "subject", "body", "active"]

    def clean_subject(self):
        return self._compiled(self.cleaned_data["subject"])

    def clean_body(self):
        return self._compiled(self.cleaned_data["body"])

    def _compiled(self, text):
        try:
            Template(text)
        except TemplateSyntaxError as error:
            raise forms.ValidationError(
                _("The text is not a valid template: %(error)s"),
                params={"error": error},
            ) from error
        return text
