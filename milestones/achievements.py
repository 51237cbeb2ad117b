"""Achievements (成果, notice 一 and 六.4): a unit registers the results of its tasks;
the office publishes them to the public column and recommends some for promotion
(可推广可复制).

An achievement's state is read from its fields (one constraint keeps them honest:
recommended implies published):

    draft        published_at is null
    published    published_at set, recommended false
    recommended  published_at set, recommended true

The functions below are the only writers of those fields. Each does a conditional
UPDATE on the state it expects; zero rows means someone else got there first.
Each writes a history row, whose save also drops the public page cache (the
`update()` itself sends no signal).
"""

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.files import stored_upload
from pilots.history import record
from pilots.permissions import can_view_unit_private, is_member_of

from . import messages
from .models import Achievement, AchievementFile


class State:
    DRAFT = "draft"
    PUBLISHED = "published"
    RECOMMENDED = "recommended"


STATE_LABELS = {
    State.DRAFT: gettext_lazy("Not published"),
    State.PUBLISHED: gettext_lazy("Published"),
    State.RECOMMENDED: gettext_lazy("Recommended for promotion"),
}

STATE_FILTERS = {
    State.DRAFT: Q(published_at__isnull=True),
    State.PUBLISHED: Q(published_at__isnull=False, recommended=False),
    State.RECOMMENDED: Q(published_at__isnull=False, recommended=True),
}

# action: the states it may start from.
TRANSITIONS = {
    "publish": {State.DRAFT},
    "unpublish": {State.PUBLISHED, State.RECOMMENDED},
    "recommend": {State.DRAFT, State.PUBLISHED},
    "withdraw_recommendation": {State.RECOMMENDED},
}


class AchievementError(Exception):
    """A refused change; the message is for the user."""


def state_of(achievement):
    if achievement.published_at is None:
        return State.DRAFT
    return State.RECOMMENDED if achievement.recommended else State.PUBLISHED


def allowed_actions(achievement):
    state = state_of(achievement)
    return {action for action, sources in TRANSITIONS.items() if state in sources}


# ------------------------------------------------------------------ access


def can_view_achievement(user, achievement):
    """The unit, its supervising department and the office; the public sees the
    published ones in the column, not here."""
    return can_view_unit_private(user, achievement.unit)


def can_edit_achievement(user, achievement):
    """The unit's members, while the office has not published it."""
    return is_member_of(user, achievement.unit) and achievement.published_at is None


def can_download_file(user, achievement_file):
    achievement = achievement_file.achievement
    if Achievement.objects.public().filter(pk=achievement.pk).exists():
        return True
    return can_view_achievement(user, achievement)


# ------------------------------------------------------------------ the unit


def _check_task(unit, task):
    if task.unit_id != unit.pk:
        raise AchievementError(
            _("This task belongs to another unit: choose one of your own unit's tasks.")
        )


@transaction.atomic
def register_achievement(*, unit, task, kind, title, description, user):
    """A unit member registers a result of one of the unit's own tasks."""
    _check_task(unit, task)
    return Achievement.objects.create(
        unit=unit,
        task=task,
        kind=kind,
        title=title,
        description=description,
        created_by=user,
    )


def _refuse_published():
    raise AchievementError(
        _("The office has published this achievement: it can no longer be changed.")
    )


@transaction.atomic
def update_achievement(*, achievement, task, kind, title, description):
    """Edit while unpublished; refused once the office has published it."""
    _check_task(achievement.unit, task)
    changed = Achievement.objects.filter(
        pk=achievement.pk, published_at__isnull=True
    ).update(
        task=task,
        kind=kind,
        title=title,
        description=description,
        updated_at=timezone.now(),
    )
    if not changed:
        _refuse_published()


@transaction.atomic
def add_file(*, achievement, upload, user):
    """Attach a checked upload (plans.forms.AttachmentForm) while unpublished."""
    if not Achievement.objects.select_for_update().filter(
        pk=achievement.pk, published_at__isnull=True
    ):
        _refuse_published()
    return AchievementFile.objects.create(
        achievement=achievement, **stored_upload(upload, user)
    )


@transaction.atomic
def remove_file(*, achievement_file):
    achievement = achievement_file.achievement
    if not Achievement.objects.select_for_update().filter(
        pk=achievement.pk, published_at__isnull=True
    ):
        _refuse_published()
    achievement_file.file.delete(save=False)
    achievement_file.delete()


# ------------------------------------------------------------------ the office


def _transition(achievement, action, *, user, **values):
    before = state_of(achievement)
    sources = Q()
    for state in TRANSITIONS[action]:
        sources |= STATE_FILTERS[state]
    changed = Achievement.objects.filter(sources, pk=achievement.pk).update(
        **values, updated_at=timezone.now()
    )
    if not changed:
        raise AchievementError(
            _(
                "This achievement was changed by someone else meanwhile; "
                "look at it again and repeat if still needed."
            )
        )
    achievement.refresh_from_db()
    record(achievement, from_state=before, to_state=state_of(achievement), by=user)


@transaction.atomic
def publish(*, achievement, user):
    """Show it in the public column. Side effects: the public pages' cache is
    dropped; the unit's members are notified."""
    _transition(achievement, "publish", user=user, published_at=timezone.now())
    messages.achievement_published(achievement=achievement)


@transaction.atomic
def unpublish(*, achievement, user):
    """Take it out of the public column (a recommendation goes with it)."""
    _transition(
        achievement,
        "unpublish",
        user=user,
        published_at=None,
        recommended=False,
        recommended_at=None,
    )


@transaction.atomic
def recommend(*, achievement, recommendation, user):
    """Mark it 可推广可复制 with the office's reasons; publishes it if needed.
    Side effects: cache dropped, the unit's members notified."""
    now = timezone.now()
    _transition(
        achievement,
        "recommend",
        user=user,
        published_at=Coalesce("published_at", Value(now)),
        recommended=True,
        recommended_at=now,
        recommendation=recommendation,
    )
    messages.achievement_recommended(achievement=achievement)


@transaction.atomic
def withdraw_recommendation(*, achievement, user):
    """It stays published, no longer recommended."""
    _transition(
        achievement,
        "withdraw_recommendation",
        user=user,
        recommended=False,
        recommended_at=None,
    )
