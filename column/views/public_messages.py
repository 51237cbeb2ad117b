"""The public's messages (意见建议), their moderation, and public notices (公示)."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pilots.history import history_for_page
from pilots.models import User
from pilots.permissions import role_required

from .. import public_messages as services
from ..cache import public_page
from ..models import PublicMessage, PublicNotice
from ..public_message_forms import ModerationForm, PublicMessageForm, PublicNoticeForm

PUBLIC_PAGE_SIZE = 20
OFFICE_PAGE_SIZE = 50
Check = services.TokenCheck
Status = PublicMessage.Status

ACTIONS = {
    "publish": Status.PUBLISHED,
    "answer": Status.ANSWERED,
    "reject": Status.REJECTED,
}


def is_id(value):
    """ASCII digits only: "²".isdigit() is true, yet int("²") fails."""
    return value.isascii() and value.isdigit()


# ------------------------------------------------------------------ public


def _form_initial(request):
    """`?notice=<pk>` (the link on a notice's page) preselects an objection."""
    notice_pk = request.GET.get("notice", "")
    if is_id(notice_pk):
        notice = PublicNotice.objects.filter(pk=notice_pk, published=True).first()
        if notice is not None:
            return {"notice": notice, "kind": PublicMessage.Kind.OBJECTION}
    return {}


def _timing_refusal(check):
    if check == Check.TOO_FAST:
        return _(
            "The form was sent within seconds of opening it. Please check your "
            "message and send it again."
        )
    if check == Check.EXPIRED:
        return _(
            "The form was open for a long time and has expired. Please send it "
            "again; what you typed is kept below."
        )
    return None


# Never cached, here or by a proxy: the page carries the visitor's own CSRF and
# form tokens. (public_page could not see the CSRF cookie: the middleware sets it
# after the view returns.)
@never_cache
def message_new(request):
    refusal = None
    if request.method == "POST":
        form = PublicMessageForm(request.POST)
        check = services.check_token(request.POST.get("token"))
        if (
            form.is_bot()
            or check == Check.FORGED
            or services.token_used(request.POST.get("token"))
        ):
            # The same answer as a success: nothing tells a bot what gave it away,
            # and a second click on "send" finds its message received once.
            return redirect("column:message_thanks")
        token = request.POST["token"] if check == Check.TOO_FAST else None
        client = services.client_hash(request.META.get("REMOTE_ADDR"))
        refusal = _timing_refusal(check)
        if refusal is None and form.is_valid():
            refusal = services.flood_refusal(client=client)
            if refusal is None:
                services.submit_message(
                    data=form.cleaned_data,
                    client=client,
                    token=request.POST.get("token"),
                )
                return redirect("column:message_thanks")
    else:
        form, token = PublicMessageForm(initial=_form_initial(request)), None
    context = {
        "form": form,
        "token": token or services.form_token(),
        "refusal": refusal,
    }
    return render(request, "column/messages_form.html", context)


@public_page
def message_thanks(request):
    return render(request, "column/messages_thanks.html")


@public_page
def message_list(request):
    published = PublicMessage.objects.filter(status=Status.PUBLISHED).select_related(
        "unit", "notice"
    )
    page = Paginator(published, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "column/messages_list.html", {"page": page})


@public_page
def notice_list(request):
    today = timezone.localdate()
    notices = PublicNotice.objects.filter(published=True).prefetch_related("units")
    groups = {"open": [], "upcoming": [], "past": []}
    for notice in notices:
        if notice.starts_on > today:
            groups["upcoming"].append(notice)
        elif notice.ends_on < today:
            groups["past"].append(notice)
        else:
            groups["open"].append(notice)
    return render(request, "column/notice_list.html", groups)


@public_page
def notice_detail(request, pk):
    notice = get_object_or_404(
        PublicNotice.objects.prefetch_related("units"), pk=pk, published=True
    )
    today = timezone.localdate()
    context = {
        "notice": notice,
        "is_open": notice.is_open(today),
        "is_upcoming": today < notice.starts_on,
    }
    return render(request, "column/notice_detail.html", context)


# ------------------------------------------------------------------ office


@role_required(User.Role.OFFICE)
def message_moderation(request):
    rows = PublicMessage.objects.select_related("unit", "notice")
    filters = {
        "status": request.GET.get("status", ""),
        "kind": request.GET.get("kind", ""),
        "notice": request.GET.get("notice", ""),
    }
    if filters["status"] in Status.values:
        rows = rows.filter(status=filters["status"])
    if filters["kind"] in PublicMessage.Kind.values:
        rows = rows.filter(kind=filters["kind"])
    if is_id(filters["notice"]):
        rows = rows.filter(notice_id=filters["notice"])
    page = Paginator(rows, OFFICE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "statuses": Status.choices,
        "kinds": PublicMessage.Kind.choices,
    }
    return render(request, "column/messages_moderation.html", context)


@role_required(User.Role.OFFICE)
def message_moderate(request, pk):
    message = get_object_or_404(
        PublicMessage.objects.select_related("unit", "notice", "answered_by"), pk=pk
    )
    form = ModerationForm(request.POST or None, initial={"answer": message.answer})
    if request.method == "POST" and form.is_valid():
        action = ACTIONS.get(request.POST.get("action"))
        try:
            if action is None:
                raise services.ModerationError(_("Choose what to do."))
            services.moderate(
                message=message,
                to_status=action,
                answer=form.cleaned_data["answer"],
                by=request.user,
            )
        except services.StaleModeration as error:
            form.add_error(None, str(error))
            message.refresh_from_db()
        except services.ModerationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Saved: %(status)s.") % {"status": action.label}
            )
            return redirect("column:message_moderation")
    context = {
        "message": message,
        "form": form,
        "can_moderate": message.status == Status.PENDING,
        "history": history_for_page(message, labels=Status.choices),
    }
    return render(request, "column/messages_moderate.html", context)


@role_required(User.Role.OFFICE)
def notice_office_list(request):
    notices = services.notices_with_counts().prefetch_related("units")
    return render(request, "column/notice_office_list.html", {"notices": notices})


@role_required(User.Role.OFFICE)
def notice_create(request):
    today = timezone.localdate()
    # 公示 usually runs a week; the office changes the dates as it needs.
    initial = {"starts_on": today, "ends_on": today + datetime.timedelta(days=6)}
    if request.GET.get("prefill") == "acceptance":
        prefill = services.results_notice()
        if prefill is None:
            messages.info(request, _("No unit has passed the acceptance yet."))
        else:
            initial.update(prefill)
    form = PublicNoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notice = form.save(commit=False)
        notice.created_by = request.user
        notice.save()
        form.save_m2m()
        messages.success(request, _("The public notice is saved."))
        return redirect("column:notice_office_list")
    return render(
        request,
        "column/notice_form.html",
        {"form": form, "notice": None},
        status=400 if form.errors else 200,
    )


@role_required(User.Role.OFFICE)
def notice_edit(request, pk):
    notice = get_object_or_404(PublicNotice, pk=pk)
    form = PublicNoticeForm(request.POST or None, instance=notice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The public notice is saved."))
        return redirect("column:notice_office_list")
    return render(
        request,
        "column/notice_form.html",
        {"form": form, "notice": notice},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("messages/", message_list, name="message_list"),
    path("messages/new/", message_new, name="message_new"),
    path("messages/thanks/", message_thanks, name="message_thanks"),
    path("notices/", notice_list, name="notice_list"),
    path("notices/<int:pk>/", notice_detail, name="notice_detail"),
    path("office/messages/", message_moderation, name="message_moderation"),
    path("office/messages/<int:pk>/", message_moderate, name="message_moderate"),
    path("office/notices/", notice_office_list, name="notice_office_list"),
    path("office/notices/new/", notice_create, name="notice_create"),
    path("office/notices/<int:pk>/edit/", notice_edit, name="notice_edit"),
]
