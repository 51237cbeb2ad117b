"""The public column's page cache.

Anonymous GETs of public pages (decorated with `public_page`) are cached under a
key that carries a content version. Saving or deleting anything a public page
shows bumps the version (signals connected in `connect_signals`, called from
the column's app config), so every cached page is stale at once and no list of
keys has to be kept. Two things change what the public sees without a save: a
scheduled news post reaching its time, and a bulk `QuerySet.update()` that sends
no signal (workflows write a History row with theirs, which does). A page is
therefore never kept past the next scheduled publication, and never longer than
PUBLIC_CACHE_SECONDS; code that changes public content with `update()` should
call `invalidate()` itself.

Pages for signed-in users are never cached: they carry names, badges and tokens.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from milestones.models import (
    Achievement,
    AchievementFile,
    CheckResult,
    Plaque,
    ProgressReport,
    TaskAcceptance,
    TaskProgress,
)
from pilots.models import (
    Batch,
    BusinessDomain,
    History,
    PilotUnit,
    Task,
    TechnologyDomain,
)
from plans.models import Plan

from .models import NewsImage, NewsPost, PublicMessage, PublicNotice

VERSION_KEY = "public-column:version"

# What the public column shows; a change to any of these drops the cached pages.
# History rows are written by every workflow's state change, including the ones
# made with a conditional `update()` that sends no signal of its own.
PUBLIC_MODELS = [
    PilotUnit,
    Task,
    Batch,
    BusinessDomain,
    TechnologyDomain,
    History,
    NewsPost,
    NewsImage,
    PublicNotice,
    PublicMessage,
    Plan,
    ProgressReport,
    TaskProgress,
    CheckResult,
    TaskAcceptance,
    Plaque,
    Achievement,
    AchievementFile,
]


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache starts from the clock, so it never reuses an old version's keys.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def invalidate():
    """Make every cached public page stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)


def _invalidate_now_and_on_commit(**kwargs):
    # Now, so this request's own redirect shows the change; again on commit, so a
    # page cached by another request between the save and the commit is dropped too.
    invalidate()
    transaction.on_commit(invalidate)


def connect_signals():
    for model in PUBLIC_MODELS:
        post_save.connect(_invalidate_now_and_on_commit, sender=model, weak=False)
        post_delete.connect(_invalidate_now_and_on_commit, sender=model, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _invalidate_now_and_on_commit,
                sender=field.remote_field.through,
                weak=False,
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
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-column:{content_version()}:{get_language()}:{path}"
        response = cache.get(key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        # Never cache a page that sets a cookie (a CSRF token, a session).
        cacheable = response.status_code == 200 and not response.streaming
        if cacheable and not response.cookies:
            cache.set(key, response, _seconds_to_keep(timezone.now()))
        return response

    return wrapper
