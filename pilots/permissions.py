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


def supervises(user, unit):
    """A department supervises a unit when one of the unit's tasks is in its domains."""
    if not (user.is_authenticated and user.is_department):
        return False
    return unit.tasks.filter(business_domain__departments=user.department_id).exists()


def can_view_unit_private(user, unit):
    """Drafts, contacts, reports of a unit: its members, its department, the office."""
    if not user.is_authenticated:
        return False
    return user.is_office or is_member_of(user, unit) or supervises(user, unit)


def can_open_notification(user, notification):
    return user.is_authenticated and notification.recipient_id == user.pk
