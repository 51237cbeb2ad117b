"""Who may read, edit and judge a plan (pilots.permissions style: plain predicates).

Outsiders (another unit, experts, the public) never learn a draft exists: the
views answer 404 to them; anonymous visitors are sent to log in.
"""

from pilots.permissions import can_view_unit_private, is_member_of, supervises


def can_view_plan(user, plan):
    return can_view_unit_private(user, plan.unit)


def can_edit_plan(user, plan):
    return is_member_of(user, plan.unit) and plan.is_editable


def can_submit_plan(user, plan):
    return is_member_of(user, plan.unit)


def can_decide_plan(user, plan):
    """Return, approve, start review, grant extensions: the programme office."""
    return user.is_authenticated and user.is_office


def can_comment_plan(user, plan):
    return user.is_authenticated and (user.is_office or supervises(user, plan.unit))


def can_answer_comment(user, plan):
    return is_member_of(user, plan.unit)
