"""News of the progress column (工作进展 / 成效成果, notice 六.4): the only writers.

A post's state is derived from two dates, never stored:

    draft       publish_at is None
    scheduled   publish_at in the future
    published   publish_at reached, withdrawn_at is None
    withdrawn   withdrawn_at set (kept, never shown to the public)

TRANSITIONS lists which action may start from which state. Each action is one
conditional UPDATE that re-checks the state in the database; zero rows means
someone else changed the post first; then a history row (pilots.history) says
who did it (a scheduled post reaching its time writes none: its row said when).
`update()` sends no signal, so every action drops the public page cache itself
(now and again on commit, like the signals).
"""

import re

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from pilots.history import record
from plans.textformat import render_text

from . import cache
from .models import NewsImage, NewsPost

DRAFT, SCHEDULED, PUBLISHED, WITHDRAWN = "draft", "scheduled", "published", "withdrawn"
STATE_LABELS = {
    DRAFT: _("Draft"),
    SCHEDULED: _("Scheduled"),
    PUBLISHED: _("Published"),
    WITHDRAWN: _("Withdrawn"),
}
TRANSITIONS = {
    "publish": {DRAFT, SCHEDULED},
    "schedule": {DRAFT, SCHEDULED},
    "unschedule": {SCHEDULED},
    "withdraw": {PUBLISHED},
    "republish": {WITHDRAWN},
}


EDITABLE_FIELDS = ["title", "slug", "summary", "body", "category"]


class NewsStateError(Exception):
    pass


def state(post, now=None):
    now = now or timezone.now()
    if post.withdrawn_at is not None:
        return WITHDRAWN
    if post.publish_at is None:
        return DRAFT
    if post.publish_at > now:
        return SCHEDULED
    return PUBLISHED


def _state_filter(states, now):
    """The states as a database condition, for the conditional updates."""
    conditions = {
        DRAFT: Q(publish_at__isnull=True, withdrawn_at__isnull=True),
        SCHEDULED: Q(publish_at__gt=now, withdrawn_at__isnull=True),
        PUBLISHED: Q(publish_at__lte=now, withdrawn_at__isnull=True),
        WITHDRAWN: Q(withdrawn_at__isnull=False),
    }
    combined = Q(pk__in=[])
    for name in states:
        combined |= conditions[name]
    return combined


def _changed():
    cache.invalidate()
    transaction.on_commit(cache.invalidate)


def _transition(post, action, now, by, **fields):
    before = state(post, now)
    if before not in TRANSITIONS[action]:
        raise NewsStateError(_("This action is not possible for the post's state."))
    updated = NewsPost.objects.filter(
        _state_filter(TRANSITIONS[action], now), pk=post.pk
    ).update(updated_at=now, **fields)
    if not updated:
        raise NewsStateError(
            _("Someone else changed this post first; look at it again.")
        )
    for name, value in fields.items():
        setattr(post, name, value)
    record(post, from_state=before, to_state=state(post, now), by=by)
    _changed()


# ------------------------------------------------------------------ writers


@transaction.atomic
def save_post(*, post, by, units=(), tasks=(), image=None):
    """Create or update a post from a validated form's instance and its tags;
    `image` is a validated dict (file, alt, caption) to add, or None."""
    if post.pk is None:
        post.created_by = by
        post.save()
    else:
        # Never the dates: they belong to the workflow, and this instance may be
        # older than a withdrawal made while the form was open.
        post.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    post.units.set(units)
    post.tasks.set(tasks)
    if image is not None:
        add_image(post=post, **image)
    return post


def add_image(*, post, file, alt, caption="", kind="png"):
    extension = "jpg" if kind == "jpeg" else "png"
    # The stored name carries the sniffed type, never the uploader's name.
    file.name = f"{post.slug}.{extension}"
    return NewsImage.objects.create(post=post, image=file, alt=alt, caption=caption)


def remove_image(*, image):
    """Delete an image and its file; the later images' markers move up by one."""
    image.delete()
    # The row is gone either way; a file left behind costs only disk space.
    transaction.on_commit(lambda: image.image.storage.delete(image.image.name))


@transaction.atomic
def publish_now(*, post, by, now=None):
    now = now or timezone.now()
    _transition(post, "publish", now, by, publish_at=now)


@transaction.atomic
def schedule(*, post, at, by, now=None):
    now = now or timezone.now()
    if at <= now:
        raise NewsStateError(_("Choose a time in the future, or publish now."))
    _transition(post, "schedule", now, by, publish_at=at)


@transaction.atomic
def unschedule(*, post, by, now=None):
    """Back to a draft: the scheduled time is dropped."""
    now = now or timezone.now()
    _transition(post, "unschedule", now, by, publish_at=None)


@transaction.atomic
def withdraw(*, post, by, now=None):
    now = now or timezone.now()
    _transition(post, "withdraw", now, by, withdrawn_at=now)


@transaction.atomic
def republish(*, post, by, now=None):
    """Shown again at its first publication date, so its address does not change."""
    now = now or timezone.now()
    _transition(post, "republish", now, by, withdrawn_at=None)


# ------------------------------------------------------------------ readers


def latest_news(limit):
    """The newest published posts with their units: two queries whatever `limit`."""
    return list(
        NewsPost.objects.published()
        .prefetch_related("units")
        .order_by("-publish_at", "-pk")[:limit]
    )


def public_news(*, unit=None, category=None, domain=None):
    """Published posts, filtered. A post is in a business domain when one of its
    tasks is; a post tagged with units only (no task) is in the domains of those
    units' tasks. A post is about a unit when tagged with it or one of its tasks."""
    posts = NewsPost.objects.published().prefetch_related("units")
    if unit is not None:
        posts = posts.filter(
            Exists(
                NewsPost.units.through.objects.filter(
                    newspost=OuterRef("pk"), pilotunit=unit
                )
            )
            | Exists(
                NewsPost.tasks.through.objects.filter(
                    newspost=OuterRef("pk"), task__unit=unit
                )
            )
        )
    if category:
        posts = posts.filter(category=category)
    if domain is not None:
        tagged_tasks = NewsPost.tasks.through.objects.filter(newspost=OuterRef("pk"))
        posts = posts.filter(
            Exists(tagged_tasks.filter(task__business_domain=domain))
            | (
                ~Exists(tagged_tasks)
                & Exists(
                    NewsPost.units.through.objects.filter(
                        newspost=OuterRef("pk"),
                        pilotunit__tasks__business_domain=domain,
                    )
                )
            )
        )
    return posts


def office_news():
    """Every post for the office's list, with its tags: three queries."""
    return (
        NewsPost.objects.select_related("created_by")
        .prefetch_related("units", "images")
        .order_by("-created_at", "-pk")
    )


# The slug field holds 80: the date (10), a hyphen, these, and "-NN" for a twin.
SLUG_WORDS_LENGTH = 60


def suggest_slug(title, today=None):
    """The date and the title in toneless pinyin, one syllable a word, e.g.
    2026-03-05-zhi-hui-shui-ku-shang-xian; Latin words are kept as they are.
    Cut at a whole syllable; the date alone when the title has no letter left.
    Only a new post gets one (news_forms): a post keeps its address for good."""
    today = today or timezone.localdate()
    words = slugify(" ".join(lazy_pinyin(title))).split("-")
    kept = []
    for word in filter(None, words):
        if len("-".join([*kept, word])) > SLUG_WORDS_LENGTH:
            break
        kept.append(word)
    base = f"{today:%Y-%m-%d}" + (f"-{'-'.join(kept)}" if kept else "")
    candidate, number = base, 2
    while NewsPost.objects.filter(slug=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


# ------------------------------------------------------------------ rendering

IMAGE_MARKER = re.compile(
    r"^[ \t]*\[(?:图片|image)[ \t]*(\d+)\][ \t]*$", re.IGNORECASE | re.MULTILINE
)


def render_body(post, images):
    """The body as HTML: paragraphs and lists by plans.textformat (escaped), and a
    line holding only [图片2] or [image 2] replaced by the post's second image."""
    parts = []
    pieces = IMAGE_MARKER.split(post.body or "")
    # split() alternates text, number, text, number, ...
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            parts.append(render_text(piece))
            continue
        number = int(piece)
        if 1 <= number <= len(images):
            parts.append(_figure(images[number - 1]))
    return mark_safe("\n".join(p for p in parts if p))  # noqa: S308 - escaped parts


def _figure(image):
    caption = (
        format_html("<figcaption>{}</figcaption>", image.caption)
        if image.caption
        else ""
    )
    return format_html(
        '<figure class="news-figure"><img src="{}" alt="{}" class="img-fluid">'
        "{}</figure>",
        reverse("column:news_image", args=[image.pk]),
        image.alt,
        caption,
    )
