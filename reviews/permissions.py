"""Who may open what in reviews (pilots.permissions style: plain predicates)."""

from pilots.permissions import can_view_unit_private, is_member_of, supervises


def can_score(user, assignment):
    return user.is_authenticated and user.is_expert and assignment.expert_id == user.pk


def can_read_feedback(user, submission):
    """The unit reads its own decided submission; the office reads all."""
    if not user.is_authenticated:
        return False
    return user.is_office or is_member_of(user, submission.unit)


def can_view_stages(user, unit):
    return can_view_unit_private(user, unit)


def can_pre_review(user, unit):
    return user.is_authenticated and (user.is_office or supervises(user, unit))
