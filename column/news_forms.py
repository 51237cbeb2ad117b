"""Forms of the news: validation and cleaning only; pilots.news writes."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.files import sniff
from pilots.forms import LabelledMultipleChoiceField
from pilots.models import BusinessDomain, PilotUnit, Task

from .models import NewsPost
from .news import suggest_slug


class TaskChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.unit.short_label} · {obj.label}"


class NewsPostForm(forms.ModelForm):
    units = LabelledMultipleChoiceField(
        label=_("Units"),
        queryset=PilotUnit.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tasks = TaskChoiceField(
        label=_("Pilot tasks"),
        queryset=Task.objects.select_related("unit"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = NewsPost
        fields = ["title", "slug", "category", "summary", "body", "units", "tasks"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "slug": _(
                "The end of the post's web address: lower-case Latin letters, digits "
                "and hyphens. Left empty, it is made from the date and the title in "
                "pinyin. It cannot change once the post is published."
            ),
            "summary": _(
                "One or two sentences, shown in lists, the feed and shared links."
            ),
            "body": _(
                "Blank lines separate paragraphs; lines starting with “- ” make a "
                "list, “1. ” a numbered one. A line holding only [图片1] or "
                "[image 1] shows the post's first image there."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        # A published address is shared and bookmarked: it never changes.
        if self.instance.publish_at is not None:
            self.fields["slug"].disabled = True

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if not slug:
            return slug
        taken = NewsPost.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("Another post already has the address “%(slug)s”; choose another."),
                params={"slug": slug},
                code="unique",
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title") and not self.errors:
            cleaned["slug"] = suggest_slug(cleaned["title"])
            self.instance.slug = cleaned["slug"]
        return cleaned

    def validate_unique(self):
        # clean_slug says it in words the office understands.
        exclude = self._get_validation_exclusions()
        exclude.add("slug")
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class NewsImageForm(forms.Form):
    """An optional image added with a save; alt text required with it."""

    image = forms.FileField(label=_("Image (PNG or JPEG)"), required=False)
    alt = forms.CharField(
        label=_("Description for screen readers"),
        max_length=200,
        required=False,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB}
            )
        upload.seek(0)
        kind = sniff(upload.read(8), upload)
        upload.seek(0)
        if kind not in ("png", "jpeg"):
            raise ValidationError(_("This file is not a PNG or JPEG image."))
        self.kind = kind
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not cleaned.get("alt", "").strip():
            self.add_error(
                "alt",
                _(
                    "Describe the image for readers who cannot see it; then choose "
                    "the file again."
                ),
            )
        return cleaned

    def image_to_add(self):
        """The validated image as add_image's arguments, or None."""
        if not self.cleaned_data.get("image"):
            return None
        return {
            "file": self.cleaned_data["image"],
            "alt": self.cleaned_data["alt"].strip(),
            "caption": self.cleaned_data["caption"].strip(),
            "kind": self.kind,
        }


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at (Beijing time)"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value <= timezone.now():
            raise ValidationError(_("Choose a time in the future, or publish now."))
        return value


class NewsFilterForm(forms.Form):
    """The public list's filters, as readable GET parameters (?unit=zhejiang)."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=PilotUnit.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All units"),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *NewsPost.Category.choices],
        required=False,
    )
    domain = forms.ModelChoiceField(
        label=_("Business domain"),
        queryset=BusinessDomain.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All business domains"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label_from_instance = lambda unit: unit.short_label
        self.fields["domain"].label_from_instance = lambda domain: domain.label

    def filters(self):
        """The valid filters; an unknown value is dropped rather than failing."""
        if self.is_bound:
            self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "unit": cleaned.get("unit"),
            "category": cleaned.get("category") or None,
            "domain": cleaned.get("domain"),
        }
