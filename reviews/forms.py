from decimal import Decimal

from django import forms
from django.db.models import Case, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.forms import LabelledChoiceField
from pilots.models import User

from .models import (
    Criterion,
    Decision,
    Round,
    StageRecord,
    Submission,
    UnitReviewers,
)


class DateInput(forms.DateInput):
    input_type = "date"


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "kind",
            "title",
            "opens_on",
            "closes_on",
            "method",
            "disagreement",
            "grade_excellent",
            "grade_good",
            "grade_pass",
            "quorum",
            "show_expert_names",
        ]
        widgets = {"opens_on": DateInput, "closes_on": DateInput}

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The round cannot close before it opens."))
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "max_score", "minimum", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        for name in ("weight", "max_score"):
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, _("Must be greater than zero."))
        minimum, top = data.get("minimum"), data.get("max_score")
        if minimum is not None and top is not None and not 0 <= minimum <= top:
            self.add_error(
                "minimum", _("The minimum must lie between 0 and the maximum score.")
            )
        return data


def expert_choices():
    return User.objects.experts().order_by("full_name", "username")


class ExpertSelect(forms.Select):
    """Experts who may not review this unit stay in the list, greyed out."""

    unavailable = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if getattr(value, "value", None) in self.unavailable:
            option["attrs"]["disabled"] = True
        return option


class ExpertChoiceField(forms.ModelChoiceField):
    """Experts, the unit's responsible experts (`responsible`: their ids) marked,
    those who may not take it (`unavailable`: id → why) shown with the reason."""

    widget = ExpertSelect
    responsible = frozenset()
    unavailable = {}

    def label_from_instance(self, obj):
        if obj.pk in self.unavailable:
            return _("%(expert)s (unavailable: %(reason)s)") % {
                "expert": obj,
                "reason": self.unavailable[obj.pk],
            }
        if obj.pk in self.responsible:
            return _("%(expert)s (responsible expert)") % {"expert": obj}
        return str(obj)

    def clean(self, value):
        expert = super().clean(value)
        if expert is not None and expert.pk in self.unavailable:
            raise forms.ValidationError(self.label_from_instance(expert))
        return expert


class AssignForm(forms.Form):
    expert = ExpertChoiceField(
        label=gettext_lazy("Expert"), queryset=User.objects.none()
    )

    def __init__(self, *args, responsible=(), unavailable=None, **kwargs):
        """`responsible`: the unit's responsible experts, offered first;
        `unavailable`: {expert id: why not} (services.unavailable_experts)."""
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        field.responsible = frozenset(e.pk for e in responsible)
        field.unavailable = field.widget.unavailable = dict(unavailable or {})
        choices = expert_choices()
        if field.responsible:
            first = Case(When(pk__in=field.responsible, then=0), default=1)
            choices = choices.order_by(first, "full_name", "username")
        field.queryset = choices


class MaterialForm(forms.ModelForm):
    """Mid-term or acceptance material of a unit put before a round."""

    class Meta:
        model = Submission
        fields = ["unit", "material_title", "material_text"]
        field_classes = {"unit": LabelledChoiceField}

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.fields["material_title"].required = True

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if Submission.objects.filter(
            round=self.round, unit=unit, is_current=True
        ).exists():
            raise forms.ValidationError(
                _("This unit already has material in this round.")
            )
        return unit


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Conflict of interest"), widget=forms.Textarea
    )


class ScoreSheetForm(forms.Form):
    """One score and one reason per criterion, comments and confidential remarks.

    A draft may leave scores empty; a submission needs them all. A score at
    either end of a criterion's range needs a written reason."""

    comments = forms.CharField(
        label=gettext_lazy("Comments for the unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    confidential = forms.CharField(
        label=gettext_lazy("Confidential remarks for the office"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, criteria, submit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.submit = submit
        for c in criteria:
            score = forms.DecimalField(
                label=c.name,
                required=False,
                min_value=Decimal(0),
                max_value=c.max_score,
                max_digits=6,
                decimal_places=2,
                help_text=c.description,
            )
            # static/js/sheet_total.js reads these to show the total as one types.
            score.widget.attrs.update(
                {
                    "class": "form-control",
                    "data-weight": f"{c.weight:f}",
                    "data-max": f"{c.max_score:f}",
                }
            )
            self.fields[f"score_{c.pk}"] = score
            self.fields[f"reason_{c.pk}"] = forms.CharField(
                label=gettext_lazy("Reason"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
            )

    def rows(self):
        return [
            (c, self[f"score_{c.pk}"], self[f"reason_{c.pk}"]) for c in self.criteria
        ]

    def clean(self):
        data = super().clean()
        for c in self.criteria:
            key = f"score_{c.pk}"
            if key in self.errors:
                continue
            value = data.get(key)
            if value is None:
                if self.submit:
                    self.add_error(key, _("Give a score for every criterion."))
                continue
            if value in (0, c.max_score) and not data.get(f"reason_{c.pk}", "").strip():
                self.add_error(
                    f"reason_{c.pk}",
                    _("A score at either end of the range needs a written reason."),
                )
        return data

    def values(self):
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def reasons(self):
        return {
            c.pk: self.cleaned_data.get(f"reason_{c.pk}", "") for c in self.criteria
        }


QUORUM_REASON_LABEL = gettext_lazy(
    "If fewer experts than the quorum have submitted: why go on without them"
)


class DecisionForm(forms.ModelForm):
    # The state the office saw: a decision on a plan that moved since is refused.
    expected = forms.CharField(widget=forms.HiddenInput, required=False)
    quorum_reason = forms.CharField(
        label=QUORUM_REASON_LABEL,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Decision
        fields = ["outcome", "opinion"]


class SkipForm(forms.Form):
    """The office skips 预审 or 会审, saying why."""

    reason = forms.CharField(
        label=gettext_lazy("Why this stage is skipped"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    quorum_reason = forms.CharField(
        label=QUORUM_REASON_LABEL,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PreliminaryForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (StageRecord.Outcome.PASS, StageRecord.Outcome.PASS.label),
            (StageRecord.Outcome.RETURN, StageRecord.Outcome.RETURN.label),
        ],
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments (what is missing)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "return" and not data.get("comments", "").strip():
            self.add_error("comments", _("Say what is missing."))
        return data


class PreReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Recommendation"),
        choices=[
            (o.value, o.label)
            for o in (
                StageRecord.Outcome.RECOMMEND,
                StageRecord.Outcome.RECOMMEND_CHANGES,
                StageRecord.Outcome.NOT_RECOMMEND,
            )
        ],
    )
    comments = forms.CharField(
        label=gettext_lazy("Guidance comments"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = StageRecord
        fields = [
            "meeting_date",
            "experts_present",
            "contact_comments",
            "department_comments",
            "expert_comments",
            "comments",
            "minority_view",
        ]
        labels = {"comments": gettext_lazy("Conclusions agreed")}
        widgets = {"meeting_date": DateInput}

    quorum_reason = forms.CharField(
        label=QUORUM_REASON_LABEL,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts_present"].queryset = expert_choices()
        self.fields["meeting_date"].required = True
        self.fields["comments"].required = True


class UnitReviewersForm(forms.ModelForm):
    class Meta:
        model = UnitReviewers
        fields = ["contact", "department", "guide", "experts"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = User.objects.office()
        self.fields["guide"].queryset = User.objects.department_members()
        self.fields["experts"].queryset = expert_choices()

    def clean_experts(self):
        experts = self.cleaned_data["experts"]
        unit = self.instance.unit
        tied = [str(e) for e in experts if e.affiliation_id == unit.pk]
        if tied:
            raise forms.ValidationError(
                _("Tied to this unit, never its expert: %(names)s")
                % {"names": ", ".join(tied)}
            )
        return experts
