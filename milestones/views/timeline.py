"""The timeline and the private calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed
from pilots.models import Batch, User

from .. import calendar
from ..models import CalendarToken


@login_required
def timeline(request):
    batch = Batch.objects.current()
    unit = request.user.unit if request.user.role == User.Role.UNIT else None
    if unit is not None and not (batch and batch.includes(unit)):
        unit = None  # no deadline of its own in a batch it takes no part in
    today = timezone.localdate()
    deadlines = (
        calendar.unit_deadlines(batch=batch, unit=unit) if batch and unit else []
    )
    next_report = calendar.next_report(batch=batch, today=today) if unit else None
    return render(
        request,
        "milestones/timeline.html",
        {
            "batch": batch,
            "today": today,
            "unit": unit,
            "deadlines": deadlines,
            "next_report": next_report,
        },
    )


@login_required
def calendar_settings(request):
    # A GET writes nothing: the address is made by the button (a POST).
    token = CalendarToken.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(
            reverse("milestones:calendar_feed", args=[token.token])
        )
        if token
        else ""
    )
    return render(request, "milestones/calendar_settings.html", {"feed_url": feed_url})


@login_required
@require_POST
def calendar_regenerate(request):
    had_one = CalendarToken.objects.filter(user=request.user).exists()
    # Making the first address loses nothing; replacing one cannot be undone.
    if had_one and not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Make a new calendar address?"),
            consequences=_(
                "The old address stops working at once: calendar applications "
                "subscribed to it no longer update until they are given the new "
                "one."
            ),
            action_label=_("Make a new address"),
            cancel_url=reverse("milestones:calendar_settings"),
            danger=True,
        )
    calendar.regenerate_token(user=request.user)
    messages.success(
        request,
        _("A new calendar address was made; the old one no longer works.")
        if had_one
        else _("Your calendar address was made."),
    )
    return redirect("milestones:calendar_settings")


def calendar_feed(request, token):
    """The private feed: the secret in the URL is the only credential."""
    token = get_object_or_404(
        CalendarToken.objects.select_related("user__unit"),
        token=token,
        user__is_active=True,
    )
    body = calendar.feed(user=token.user, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [
    path("timeline/", timeline, name="timeline"),
    path("calendar/", calendar_settings, name="calendar_settings"),
    path(
        "calendar/regenerate/",
        calendar_regenerate,
        name="calendar_regenerate",
    ),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
]
