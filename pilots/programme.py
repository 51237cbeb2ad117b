"""Programme-wide context the pilots pages share: tasks with domains, key dates."""

from django.db.models import Prefetch
from django.utils import timezone

from .models import Batch, PilotUnit, Task


def tasks_with_domains():
    return Task.objects.select_related("business_domain").prefetch_related(
        "technology_domains"
    )


def units_with_tasks():
    return PilotUnit.objects.prefetch_related(
        Prefetch("tasks", queryset=tasks_with_domains())
    )


def timeline_context(**context):
    """Context for pages that show the current batch's key dates."""
    return {"batch": Batch.objects.current(), "today": timezone.localdate(), **context}
