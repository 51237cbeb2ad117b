from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = _("Milestones")

    def ready(self):
        # Mid-term and acceptance reminders go only to units still owing material.
        from . import checks
        from .models import DeadlineKind
        from .reminders import register_outstanding

        register_outstanding(
            DeadlineKind.MIDTERM, checks.units_without_midterm_material
        )
        register_outstanding(
            DeadlineKind.ACCEPTANCE, checks.units_without_acceptance_material
        )
