"""The public column's page cache.

Anonymous GETs of public pages (decorated with `public_page`) are cached under a
key that carries a content version. Saving or deleting a row a public page shows
bumps the version (signals connected in `connect_signals`, called from the
column's app config; `PUBLIC_ROWS` says which rows the public sees), so every
cached page is stale at once and no list of keys has to be kept. A unit's draft,
an unpublished post or a pending message changes nothing the public sees and
keeps the cache. Two things change what the public sees without a save: a
scheduled news post reaching its time, and a bulk `QuerySet.update()` that sends
no signal (workflows write a History row with theirs, which does). A page is
therefore never kept past the next scheduled publication, and never longer than
PUBLIC_CACHE_SECONDS; code that changes public content with `update()` should
call `invalidate()` itself.

Pages for signed-in users are never cached: they carry names, badges and tokens.

The cache is a help, never a need. Django's Redis backend has no setting to
ignore a server that is down (django-redis has; it is not used here), so every
call goes through `_guarded`: with the cache unreachable a page is made from the
database and a save goes through. The outage is logged once, when it starts and
when it ends; at its end the version is bumped, because what changed meanwhile
could not be announced.
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import get_language
from redis.exceptions import RedisError

from milestones.models import (
    Achievement,
    AchievementFile,
    CheckResult,
    Plaque,
    TaskAcceptance,
)
from pilots.models import (
    Batch,
    BusinessDomain,
    History,
    PilotUnit,
    Task,
    TechnologyDomain,
)

from .models import NewsImage, NewsPost, PublicMessage, PublicNotice

logger = logging.getLogger(__name__)

VERSION_KEY = "public-column:version"
# What a cache that cannot be reached raises: the server's refusals, the socket's.
UNREACHABLE = (RedisError, OSError)
_outage = {"down": False}


def _always(instance):
    return True


# What the public column shows, and of each model which rows the public sees: a
# save or delete of such a row (or one that was such a row before the save)
# drops the cached pages; a draft nobody outside sees does not. A workflow's
# state change writes a History row (a plan submitted, a report submitted, a
# check decided, a message published), also with a conditional `update()` that
# sends no signal of its own, so the drafts' own models (Plan, ProgressReport,
# TaskProgress, CheckMaterial) need no signal: their content reaches the public
# only through such a change.
PUBLIC_ROWS = {
    PilotUnit: _always,
    Task: _always,
    Batch: _always,
    BusinessDomain: _always,
    TechnologyDomain: _always,
    History: _always,
    CheckResult: _always,
    TaskAcceptance: _always,
    Plaque: _always,
    # Scheduled or published (a scheduled post also shortens how long pages keep).
    NewsPost: lambda post: post.publish_at is not None,
    NewsImage: lambda image: image.post.publish_at is not None,
    PublicNotice: lambda notice: notice.published,
    PublicMessage: lambda message: message.status == PublicMessage.Status.PUBLISHED,
    Achievement: lambda achievement: achievement.published_at is not None,
    AchievementFile: lambda file: file.achievement.published_at is not None,
}
# Rows whose public state a save may take away: their state before the save is read.
_STATE_BEFORE = (NewsPost, PublicNotice, PublicMessage, Achievement)


def _guarded(call, default=None):
    """call() against the cache; `default` when the cache cannot be reached."""
    try:
        result = call()
    except UNREACHABLE:
        if not _outage["down"]:
            _outage["down"] = True
            logger.warning(
                "The page cache is unreachable: public pages are made uncached "
                "until it is back.",
                exc_info=True,
            )
        return default
    if _outage["down"]:
        _outage["down"] = False
        logger.warning("The page cache is back; its pages are made anew.")
        _guarded(_bump)
        # Asked again: the answer may be of before the bump (a version, a page).
        return _guarded(call, default)
    return result


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache starts from the clock, so it never reuses an old version's keys.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def content_version():
    """The current version, or None when the cache cannot be reached."""
    return _guarded(_version)


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)


def invalidate():
    """Make every cached public page stale (nothing to do when the cache is down:
    it is bumped again once it is back)."""
    _guarded(_bump)


def _invalidate_now_and_on_commit():
    # Now, so this request's own redirect shows the change; again on commit, so a
    # page cached by another request between the save and the commit is dropped too.
    invalidate()
    transaction.on_commit(invalidate)


def _note_state_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender._base_manager.filter(pk=instance.pk).first()
    instance._public_before = before is not None and PUBLIC_ROWS[sender](before)


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: no page shows it yet
        return
    if getattr(instance, "_public_before", False) or PUBLIC_ROWS[sender](instance):
        _invalidate_now_and_on_commit()


def _deleted(sender, instance, **kwargs):
    try:
        public = PUBLIC_ROWS[sender](instance)
    except ObjectDoesNotExist:  # its parent went first, in the same cascade
        public = True
    if public:
        _invalidate_now_and_on_commit()


def _relation_changed(instance, action, **kwargs):
    if action.startswith("post_") and PUBLIC_ROWS.get(type(instance), _always)(
        instance
    ):
        _invalidate_now_and_on_commit()


def connect_signals():
    for model in PUBLIC_ROWS:
        if model in _STATE_BEFORE:
            pre_save.connect(_note_state_before, sender=model, weak=False)
        post_save.connect(_saved, sender=model, weak=False)
        post_delete.connect(_deleted, sender=model, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _relation_changed, sender=field.remote_field.through, weak=False
            )


def _seconds_to_keep(now):
    keep = settings.PUBLIC_CACHE_SECONDS
    next_publication = (
        NewsPost.objects.filter(publish_at__gt=now, withdrawn_at__isnull=True)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    if next_publication is not None:
        keep = min(keep, max(1, int((next_publication - now).total_seconds())))
    return keep


def public_page(view):
    """Serve an anonymous GET of a public page from the cache."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or settings.PUBLIC_CACHE_SECONDS <= 0
        ):
            return view(request, *args, **kwargs)
        version = content_version()
        if version is None:  # the cache is down: made from the database
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-column:{version}:{get_language()}:{path}"
        response = _guarded(lambda: cache.get(key))
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        # Never cache a page that sets a cookie (a CSRF token, a session).
        cacheable = response.status_code == 200 and not response.streaming
        if cacheable and not response.cookies:
            keep = _seconds_to_keep(timezone.now())
            _guarded(lambda: cache.set(key, response, keep))
        return response

    return wrapper
