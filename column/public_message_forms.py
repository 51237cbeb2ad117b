"""Forms of the public's messages and the public notices. Validation only: the
views and pilots.public_messages write."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.forms import LabelledChoiceField, LabelledMultipleChoiceField
from pilots.models import Batch, PilotUnit

from . import public_messages as services
from .models import PublicMessage, PublicNotice

BODY_MIN = 10
BODY_MAX = 3000

Kind = PublicMessage.Kind


class PublicMessageForm(forms.ModelForm):
    # The honeypot: hidden from people by CSS and from screen readers by
    # aria-hidden on its wrapper (see the template); bots fill every field.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = PublicMessage
        fields = ["kind", "notice", "unit", "subject", "body", "name", "email"]
        field_classes = {"unit": LabelledChoiceField}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        labels = {"name": gettext_lazy("Your name")}
        help_texts = {
            "name": gettext_lazy("Never shown on the portal."),
            "email": gettext_lazy(
                "Only for our answer; never shown on the portal or passed on."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = PublicNotice.objects.filter(published=True)
        self.fields["notice"].label = _("Public notice (for an objection)")
        self.fields["unit"].queryset = PilotUnit.objects.all()
        self.fields["unit"].label = _("About a pilot unit (optional)")
        self.fields["body"].widget.attrs["maxlength"] = BODY_MAX
        self.fields["body"].help_text = _(
            "%(min)s to %(max)s characters, at most %(links)s links."
        ) % {"min": BODY_MIN, "max": BODY_MAX, "links": services.MAX_LINKS}
        for name in ("name", "email", "subject", "body"):
            self.fields[name].required = True

    def is_bot(self):
        """The honeypot was filled in: answer generically, keep nothing."""
        return bool(self.data.get("website"))

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < BODY_MIN:
            raise forms.ValidationError(
                _("Please write at least %(min)s characters.") % {"min": BODY_MIN}
            )
        if len(body) > BODY_MAX:
            raise forms.ValidationError(
                _("Please keep to %(max)s characters; this text has %(count)s.")
                % {"max": BODY_MAX, "count": len(body)}
            )
        return body

    def clean(self):
        cleaned = super().clean()
        links = services.count_links(cleaned.get("subject"), cleaned.get("body"))
        if links > services.MAX_LINKS:
            self.add_error(
                "body",
                _(
                    "Your message contains %(count)s links; we accept at most "
                    "%(max)s, as many links are the mark of spam."
                )
                % {"count": links, "max": services.MAX_LINKS},
            )
        kind, notice = cleaned.get("kind"), cleaned.get("notice")
        if kind == Kind.OBJECTION and notice is None and "notice" not in self.errors:
            self.add_error(
                "notice", _("Choose the public notice your objection is about.")
            )
        if notice is not None and kind != Kind.OBJECTION:
            self.add_error(
                "kind",
                _(
                    "A message about a public notice is an objection: choose "
                    "“Objection to a public notice”, or leave the notice empty."
                ),
            )
        if notice is not None and not notice.is_open(timezone.localdate()):
            self.add_error("notice", _period_refusal(notice))
        return cleaned


def _period_refusal(notice):
    dates = {"start": notice.starts_on.isoformat(), "end": notice.ends_on.isoformat()}
    if timezone.localdate() < notice.starts_on:
        return (
            _(
                "The notice period of this public notice starts on %(start)s; "
                "objections are accepted from %(start)s to %(end)s."
            )
            % dates
        )
    return (
        _(
            "The notice period of this public notice ended on %(end)s; objections are "
            "accepted only during the period (%(start)s to %(end)s)."
        )
        % dates
    )


class ModerationForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Needed to publish or to answer privately; not needed to reject."
        ),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PublicNoticeForm(forms.ModelForm):
    class Meta:
        model = PublicNotice
        fields = ["title", "body", "units", "starts_on", "ends_on", "published"]
        field_classes = {"units": LabelledMultipleChoiceField}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "units": forms.CheckboxSelectMultiple,
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
        help_texts = {
            "published": gettext_lazy(
                "Shown on the public notices page; objections are accepted "
                "during the period."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                _("The notice period cannot end before it starts (%(start)s).")
                % {"start": starts.isoformat()},
            )
        batch = Batch.objects.current()
        if batch is not None:
            first, last = notice_window(batch)
            for name in ("starts_on", "ends_on"):
                day = cleaned.get(name)
                if day and not first <= day <= last:
                    self.add_error(
                        name,
                        _(
                            "A notice of %(batch)s falls within its programme, "
                            "from %(first)s to %(last)s."
                        )
                        % {
                            "batch": batch.label,
                            "first": first.isoformat(),
                            "last": last.isoformat(),
                        },
                    )
        return cleaned


def notice_window(batch):
    """The days a notice of `batch` may cover: from the launch to a year after
    acceptance (results are announced after it)."""
    end = max(filter(None, [batch.acceptance_due, batch.promotion_from]))
    return batch.launch_date, end + datetime.timedelta(days=365)
