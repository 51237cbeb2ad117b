"""Deadlines. The batch's dates (pilots.Batch) are the programme-wide deadlines; an
extension granted to one unit overrides one of them for that unit. Every due date in
the portal is read through `deadlines.due_date`, never from the batch directly.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    # Values name the Batch field that holds the programme-wide date.
    PLAN = "plan_due", _("Implementation plan")
    MIDTERM = "midterm_end", _("Mid-term check material")
    ACCEPTANCE = "acceptance_due", _("Acceptance material")


class Extension(models.Model):
    """The office grants one unit more time for one deadline of a batch."""

    batch = models.ForeignKey(
        "pilots.Batch", on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(
        "pilots.PilotUnit",
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("deadline"), max_length=20, choices=DeadlineKind.choices)
    due = models.DateField(_("extended until"))
    reason = models.TextField(_("reason"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit", "kind"], name="one_extension_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} → {self.due}"
