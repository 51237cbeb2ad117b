"""The one history of every workflow: who moved what from which state to which.

Each workflow's service calls `record` inside its own transaction, right after its
conditional update succeeded, so a change and its history row commit together.
"""

from django.contrib.contenttypes.models import ContentType

from .models import History


def record(subject, *, from_state, to_state, by=None, note=""):
    """One history row for `subject` (any model instance)."""
    return History.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        from_state=from_state or "",
        to_state=to_state,
        by=by,
        note=note,
    )


def history_of(subject):
    """`subject`'s rows, oldest first, with who made them."""
    return History.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
    ).select_related("by")
