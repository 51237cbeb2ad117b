"""The one history of every workflow: who moved what from which state to which.

Each workflow's service calls `record` inside its own transaction, right after its
conditional update succeeded, so a change and its history row commit together.
Pages show the rows with the include `includes/history.html`, fed by
`history_for_page` (one object) or `histories_for_list` (a list of objects).
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


def histories_for_list(subjects, *, labels):
    """{subject pk: its rows, oldest first} for objects of one model, in one query.

    Each row gets `from_label` and `to_label` for the include: the state's label
    from `labels` (a mapping or choices; a state it lacks, such as a date, is
    shown as it is)."""
    subjects = [subject for subject in subjects if subject.pk is not None]
    if not subjects:
        return {}
    labels = dict(labels)
    rows = History.objects.filter(
        content_type=ContentType.objects.get_for_model(subjects[0]),
        object_id__in=[subject.pk for subject in subjects],
    ).select_related("by")
    histories = {subject.pk: [] for subject in subjects}
    for row in rows:
        row.from_label = labels.get(row.from_state, row.from_state)
        row.to_label = labels.get(row.to_state, row.to_state)
        histories[row.object_id].append(row)
    return histories


def history_for_page(subject, *, labels):
    """`subject`'s rows for the include (see `histories_for_list`); none, and no
    query, for an object that does not exist yet (None or a page's unsaved
    default)."""
    if subject is None:
        return []
    return histories_for_list([subject], labels=labels).get(subject.pk, [])
