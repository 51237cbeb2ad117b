"""Programme-wide context the pilots pages share: tasks with domains, key dates."""

from django.db.models import Prefetch
from django.shortcuts import render
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


class AnswerInstead(Exception):  # noqa: N818 - not an error: another answer
    """A page that finds it has nothing to show raises this with the page that
    explains why; AnswerInsteadMiddleware renders it. Like Http404, it stops
    the view wherever it is, so every view that fetches through one helper
    (plans.views.access.get_plan, ...) explains the same way."""

    def __init__(self, template, context, status=200):
        super().__init__(template)
        self.template, self.context, self.status = template, context, status


class NotInBatch(AnswerInstead):
    """`unit` takes no part in the current batch: it has no plan, report period,
    check window or reminder in it."""

    def __init__(self, unit, batch):
        super().__init__(
            "pilots/not_in_batch.html", {"unit": unit, "batch": batch}, status=404
        )


def require_in_batch(unit, batch):
    if batch is None or not batch.includes(unit):
        raise NotInBatch(unit, batch)


class AnswerInsteadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AnswerInstead):
            return render(
                request, exception.template, exception.context, status=exception.status
            )
        return None
