"""The inbox: a signed-in user's notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import messaging
from ..forms import MessageLanguageForm
from ..models import Notification
from ..permissions import can_open_notification


def _get_notification_for_user(request, pk):
    notification = get_object_or_404(Notification, pk=pk)
    if not can_open_notification(request.user, notification):
        raise Http404
    return notification


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    form = MessageLanguageForm(instance=request.user)
    return render(
        request, "pilots/notification_list.html", {"page": page, "form": form}
    )


@login_required
def notification_open(request, pk):
    """Follow a notification's link. The list opens it with a POST, which also
    marks it read; a GET (a bookmarked address) only follows it: a GET never
    writes."""
    notification = _get_notification_for_user(request, pk)
    if request.method == "POST":
        messaging.mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("pilots:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = messaging.mark_all_read(user=request.user)
    messages.success(
        request, _("Marked %(count)s notifications as read.") % {"count": count}
    )
    return redirect("pilots:notification_list")


@login_required
@require_POST
def message_language(request):
    form = MessageLanguageForm(request.POST, instance=request.user)
    if form.is_valid():
        language = form.cleaned_data["language"]
        messaging.set_language(user=request.user, language=language)
        messages.success(
            request,
            _("From now on your notifications and e-mails are in %(language)s.")
            % {"language": request.user.get_language_display()},
        )
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect("pilots:notification_list")


urlpatterns = [
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/<int:pk>/", notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/language/",
        message_language,
        name="message_language",
    ),
]
