from django import forms

from .models import User


class MessageLanguageForm(forms.ModelForm):
    """The language a user's notifications and e-mails come in."""

    class Meta:
        model = User
        fields = ["language"]
