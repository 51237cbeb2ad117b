"""Who may open what. Every view asks here; nothing decides access elsewhere.

Anonymous visitors are sent to the login page; a signed-in user of the wrong role
gets 403. Object-level predicates are plain functions, `can_<verb>_<thing>`.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Let through signed-in users whose role is one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_member_of(user, unit):
    return user.is_authenticated and user.is_unit_member and user.unit_id == unit.pk


def supervising_department(user):
    """The id of the department `user` works for, whose supervision limits what
    they read; None for every other role."""
    if user.is_authenticated and user.is_department:
        return user.department_id
    return None


def supervises(user, unit):
    """A department supervises a unit when it supervises one of the unit's tasks
    (a task in one of its business domains: TaskQuerySet.supervised_by)."""
    department = supervising_department(user)
    if department is None:
        return False
    return unit.tasks.supervised_by(department).exists()


def supervised_task_ids(department, unit):
    """The ids of `unit`'s tasks that `department` (or its id) supervises."""
    return set(unit.tasks.supervised_by(department).values_list("pk", flat=True))


def readable_tasks(user, unit, batch=None):
    """The tasks of `unit` (in `batch`, if given) whose own parts `user` may read
    (per-task contacts, schedule items, deliverables, progress, checklist
    entries, task acceptance): a department reads only the tasks it supervises;
    the office, the unit and an assigned expert read every task. The caller has
    already checked that `user` may read the unit at all. A queryset, not run
    yet."""
    tasks = unit.tasks.all() if batch is None else batch.tasks_of(unit)
    department = supervising_department(user)
    if department is None:
        return tasks
    return tasks.supervised_by(department)


def readable_task_ids(user, unit):
    """readable_tasks as ids, or None when that is all of the unit's tasks. One
    query for a department, none for anyone else."""
    department = supervising_department(user)
    if department is None:
        return None
    return supervised_task_ids(department, unit)


def is_readable(task_id, task_ids):
    """Whether a row of task `task_id` is shown to a reader of `task_ids`
    (readable_task_ids). A row of no task (the unit's overall contacts) is."""
    return task_ids is None or task_id is None or task_id in task_ids


def can_view_unit_private(user, unit):
    """Drafts, contacts, reports of a unit: its members, its department, the office."""
    if not user.is_authenticated:
        return False
    return user.is_office or is_member_of(user, unit) or supervises(user, unit)


def can_open_notification(user, notification):
    return user.is_authenticated and notification.recipient_id == user.pk


def can_open_export(user, job):
    """An export is for those who may ask for it: the role it was built for and,
    a department's, the members of that department (active accounts only)."""
    if not user.is_authenticated or not user.is_active or user.role != job.role:
        return False
    return job.department_id is None or job.department_id == user.department_id
