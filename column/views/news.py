"""News of the progress column: the office writes, the public reads; Atom feed."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed
from pilots.history import history_for_page
from pilots.models import User
from pilots.permissions import role_required

from .. import news
from ..cache import public_page
from ..feeds import NewsFeed
from ..models import NewsImage, NewsPost
from ..news_forms import NewsFilterForm, NewsImageForm, NewsPostForm, ScheduleForm

PAGE_SIZE = 10

office_only = role_required(User.Role.OFFICE)


def _post_for_office(pk):
    return get_object_or_404(
        NewsPost.objects.prefetch_related("units", "tasks__unit", "images"), pk=pk
    )


# ------------------------------------------------------------------ the office


@office_only
def office_news_list(request):
    posts = list(news.office_news())
    for post in posts:
        post.state = news.state(post)
        post.state_label = news.STATE_LABELS[post.state]
    return render(request, "column/news_office_list.html", {"posts": posts})


@office_only
def news_create(request):
    return _edit(request, NewsPost())


@office_only
def news_edit(request, pk):
    return _edit(request, _post_for_office(pk))


def _edit(request, post):
    form = NewsPostForm(request.POST or None, instance=post)
    image_form = NewsImageForm(
        request.POST or None, request.FILES or None, prefix="image"
    )
    # Both validated, so every mistake is reported at once.
    valid = all([form.is_valid(), image_form.is_valid()])
    if request.method == "POST" and valid:
        news.save_post(
            post=form.save(commit=False),
            by=request.user,
            units=form.cleaned_data["units"],
            tasks=form.cleaned_data["tasks"],
            image=image_form.image_to_add(),
        )
        messages.success(request, _("The post is saved."))
        if "preview" in request.POST:
            return redirect("column:news_preview", pk=post.pk)
        return redirect("column:news_edit", pk=post.pk)
    images = list(post.images.all()) if post.pk else []
    return render(
        request,
        "column/news_edit.html",
        {
            "post": post,
            "form": form,
            "image_form": image_form,
            "images": images,
            "history": history_for_page(post, labels=news.STATE_LABELS),
        },
    )


@office_only
@require_POST
def news_image_remove(request, pk, image_pk):
    image = get_object_or_404(NewsImage, pk=image_pk, post_id=pk)
    if not is_confirmed(request):
        return _image_remove_question(request, image)
    news.remove_image(image=image)
    messages.success(
        request,
        _("The image is removed. Images are numbered in order: check the markers."),
    )
    return redirect("column:news_edit", pk=pk)


def _image_remove_question(request, image):
    # Images are numbered in upload order (news.render_body), as on the edit page.
    number = NewsImage.objects.filter(post_id=image.post_id, pk__lte=image.pk).count()
    consequences = [
        _("Image %(number)s (“%(alt)s”) and its file are deleted.")
        % {"number": number, "alt": image.alt}
    ]
    if NewsImage.objects.filter(post_id=image.post_id, pk__gt=image.pk).exists():
        consequences.append(
            _(
                "The images after it move up by one: the marker [image %(number)s] "
                "then shows what is now image %(later)s. Check the markers in the "
                "text."
            )
            % {"number": number, "later": number + 1}
        )
    if news.state(image.post) == news.PUBLISHED:
        consequences.append(_("The post is published: the public sees this at once."))
    return confirm_page(
        request,
        title=_("Remove the image?"),
        consequences=consequences,
        action_label=_("Remove the image"),
        cancel_url=reverse("column:news_edit", args=[image.post_id]),
        danger=True,
    )


@office_only
def news_preview(request, pk):
    return _preview(request, _post_for_office(pk))


def _preview(request, post, schedule_form=None):
    """The post exactly as the public will see it, marked 预览, with the actions."""
    images = list(post.images.all())
    state = news.state(post)
    return render(
        request,
        "column/news_detail.html",
        {
            "post": post,
            "body": news.render_body(post, images),
            "images": images,
            "preview": True,
            "state": state,
            "state_label": news.STATE_LABELS[state],
            "actions": {a for a, states in news.TRANSITIONS.items() if state in states},
            "schedule_form": schedule_form
            or ScheduleForm(initial={"publish_at": post.publish_at}),
        },
    )


@office_only
@require_POST
def news_action(request, pk, action):
    if action not in ACTION_DONE:
        raise Http404
    post = _post_for_office(pk)
    try:
        if action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                return _preview(request, post, schedule_form=form)
            news.schedule(
                post=post, at=form.cleaned_data["publish_at"], by=request.user
            )
        else:
            ACTIONS[action](post=post, by=request.user)
    except news.NewsStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ACTION_DONE[action])
    return redirect("column:news_preview", pk=pk)


ACTIONS = {
    "publish": news.publish_now,
    "unschedule": news.unschedule,
    "withdraw": news.withdraw,
    "republish": news.republish,
}
ACTION_DONE = {
    "publish": gettext_lazy("Published."),
    "schedule": gettext_lazy("Scheduled."),
    "unschedule": gettext_lazy("Back to draft: it will not be published."),
    "withdraw": gettext_lazy("Withdrawn: the public no longer sees the post."),
    "republish": gettext_lazy("Published again."),
}


# ------------------------------------------------------------------ the public


@public_page
def news_list(request):
    filter_form = NewsFilterForm(request.GET or None)
    filters = filter_form.filters()
    page = Paginator(news.public_news(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "column/news_list.html",
        {
            "filter_form": filter_form,
            "filtered": any(filters.values()),
            "page": page,
            "query": query.urlencode(),
        },
    )


@public_page
def news_detail(request, year, month, slug):
    post = get_object_or_404(
        NewsPost.objects.published().prefetch_related("units", "tasks__unit", "images"),
        slug=slug,
    )
    if post.get_absolute_url() != request.path:
        return redirect(post.get_absolute_url(), permanent=True)
    images = list(post.images.all())
    return render(
        request,
        "column/news_detail.html",
        {
            "post": post,
            "body": news.render_body(post, images),
            "images": images,
            "portal_url": settings.PORTAL_URL,
        },
    )


def news_image(request, pk):
    """Media files are not served by whitenoise: an image leaves only with its
    published post (or to the office, for the preview)."""
    image = get_object_or_404(NewsImage.objects.select_related("post"), pk=pk)
    is_public = news.state(image.post) == news.PUBLISHED
    if not is_public and not (request.user.is_authenticated and request.user.is_office):
        raise Http404
    kind = "image/jpeg" if image.image.name.endswith(".jpg") else "image/png"
    response = FileResponse(image.image.open("rb"), content_type=kind)
    # An upload is a new row with a new address: the bytes behind one never change.
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if is_public else "private, no-store"
    )
    return response


urlpatterns = [
    path("news/", news_list, name="news_list"),
    path("news/<int:year>/<str:month>/<slug:slug>/", news_detail, name="news_detail"),
    path("news/images/<int:pk>/", news_image, name="news_image"),
    path("feed/", public_page(NewsFeed()), name="news_feed"),
    path("office/news/", office_news_list, name="office_news_list"),
    path("office/news/new/", news_create, name="news_create"),
    path("office/news/<int:pk>/", news_edit, name="news_edit"),
    path("office/news/<int:pk>/preview/", news_preview, name="news_preview"),
    path(
        "office/news/<int:pk>/images/<int:image_pk>/remove/",
        news_image_remove,
        name="news_image_remove",
    ),
    path(
        "office/news/<int:pk>/<str:action>/",
        news_action,
        name="news_action",
    ),
]
