"""Notices to units (通知): the office writes and sends them and reads the
receipts; recipients read them, and units confirm or reply."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pilots.confirm import confirm_page, is_confirmed
from pilots.history import history_for_page
from pilots.models import Batch, User
from pilots.permissions import role_required
from pilots.views.exports import export_answer

from .. import circulars as services
from .. import exports
from ..circular_forms import CircularForm, RemindForm, ReplyForm
from ..models import Circular, CircularFile, CircularRead, CircularReplyFile

EVERY_ROLE = (
    User.Role.OFFICE,
    User.Role.DEPARTMENT,
    User.Role.UNIT,
    User.Role.EXPERT,
)
OFFICE = role_required(User.Role.OFFICE)
# The notice page's script posts the read with this header and wants no page.
BEACON_HEADER = "X-Circular-Read"


def _get_circular(request, pk):
    """The notice, for the office or one it is addressed to; 404 otherwise."""
    circular = services.visible_to(request.user).filter(pk=pk).first()
    if circular is None:
        raise Http404
    return circular


def _get_draft(request, pk):
    """A draft for the office to change; a sent notice goes back to its page."""
    circular = get_object_or_404(Circular, pk=pk)
    if circular.is_sent:
        messages.error(
            request, _("This notice has been sent: it can no longer change.")
        )
        return circular, redirect("milestones:circular_detail", circular.pk)
    return circular, None


@role_required(*EVERY_ROLE)
def circular_list(request):
    """The office: every notice with its receipts so far. Anyone else: the
    notices addressed to them, the unread ones marked."""
    user = request.user
    rows = services.visible_to(user).select_related("batch")
    if user.is_office:
        rows = rows.annotate(
            unit_count=Count("units", distinct=True),
            read_units=Count("reads__unit", distinct=True),
        )
    else:
        rows = rows.annotate(
            is_read=Exists(
                CircularRead.objects.filter(circular=OuterRef("pk"), user=user)
            )
        ).order_by("-sent_at", "-pk")
    return render(request, "milestones/circular_list.html", {"rows": list(rows)})


def _form_page(request, form, circular=None):
    return render(
        request,
        "milestones/circular_form.html",
        {"form": form, "circular": circular},
    )


def _save(request, form, circular):
    data = form.cleaned_data
    try:
        circular = services.save_draft(
            circular=form.save(commit=False),
            user=request.user,
            units=data["units"],
            departments=data["departments"],
            files=[data["file"]] if data.get("file") else [],
        )
    except services.CircularError as refused:
        messages.error(request, str(refused))
        return _form_page(request, form, circular)
    messages.success(request, _("Draft saved. Check it, then send it."))
    return redirect("milestones:circular_detail", circular.pk)


@OFFICE
def circular_create(request):
    batch = Batch.objects.current()
    if batch is None:
        raise Http404
    form = CircularForm(
        request.POST or None,
        request.FILES or None,
        instance=Circular(batch=batch),
        batch=batch,
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, form, None)
    return _form_page(request, form)


@OFFICE
def circular_edit(request, pk):
    circular, sent = _get_draft(request, pk)
    if sent:
        return sent
    form = CircularForm(
        request.POST or None,
        request.FILES or None,
        instance=circular,
        batch=circular.batch,
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, form, circular)
    return _form_page(request, form, circular)


@OFFICE
@require_POST
def circular_send(request, pk):
    circular, sent = _get_draft(request, pk)
    if sent:
        return sent
    units = list(services.audience_units(circular))
    people = services.recipients(circular, units)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Send the notice “%(title)s”?") % {"title": circular.title},
            consequences=[
                ngettext(
                    "It goes to %(units)s unit and %(people)s person in all, in the "
                    "portal and by e-mail.",
                    "It goes to %(units)s units and %(people)s people in all, in the "
                    "portal and by e-mail.",
                    len(people),
                )
                % {"units": len(units), "people": len(people)},
                _("Once sent it can no longer be changed or withdrawn."),
            ],
            action_label=_("Send the notice"),
            cancel_url=reverse("milestones:circular_detail", args=[circular.pk]),
        )
    try:
        count = services.send(circular=circular, user=request.user)
    except services.CircularError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            ngettext("Sent to %(count)s person.", "Sent to %(count)s people.", count)
            % {"count": count},
        )
    return redirect("milestones:circular_detail", circular.pk)


@OFFICE
@require_POST
def circular_file_remove(request, pk):
    attachment = get_object_or_404(CircularFile, pk=pk)
    circular, sent = _get_draft(request, attachment.circular_id)
    if sent:
        return sent
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove the attachment?"),
            consequences=_(
                "The file “%(name)s” is deleted from the draft; to have it back it "
                "must be uploaded again."
            )
            % {"name": attachment.name},
            action_label=_("Remove the attachment"),
            cancel_url=reverse("milestones:circular_detail", args=[circular.pk]),
            danger=True,
        )
    services.remove_file(attachment=attachment)
    messages.success(request, _("Removed."))
    return redirect("milestones:circular_detail", circular.pk)


@role_required(*EVERY_ROLE)
def circular_detail(request, pk, reply_form=None):
    """The notice. For a recipient who has not read it yet, the page carries a
    form that records the read: its script posts it as soon as the page is
    shown; without script the reader presses its button."""
    circular = _get_circular(request, pk)
    user = request.user
    context = {
        "circular": circular,
        "files": list(circular.files.all()),
        "history": history_for_page(circular, labels=services.STATE_LABELS),
    }
    if user.is_office:
        context["units"] = list(
            circular.units.all()
            if circular.is_sent
            else services.audience_units(circular)
        )
        context["departments"] = list(circular.departments.all())
        if circular.is_sent:
            rows = services.receipt_rows(circular)
            context["read_units"] = sum(1 for row in rows if row.reads)
            context["answered_units"] = sum(1 for row in rows if row.answered(circular))
    else:
        context["read"] = CircularRead.objects.filter(
            circular=circular, user=user
        ).first()
    unit = services.answering_unit(user, circular)
    if unit is not None:
        reply = services.reply_of(circular, unit)
        context["answering"] = True
        context["reply"] = reply
        context["reply_files"] = list(reply.files.all()) if reply else []
        context["can_change_reply"] = services.can_change_reply(circular, reply)
        if circular.response == Circular.Response.REPLY:
            context["reply_form"] = reply_form or ReplyForm(
                initial={"text": reply.text if reply else ""}
            )
    return render(request, "milestones/circular_detail.html", context)


@role_required(*EVERY_ROLE)
@require_POST
def circular_read(request, pk):
    """Records the recipient's read (the notice page's beacon, or its button)."""
    circular = _get_circular(request, pk)
    services.record_read(circular=circular, user=request.user)
    if request.headers.get(BEACON_HEADER):
        return HttpResponse(status=204)
    return redirect("milestones:circular_detail", circular.pk)


@role_required(*EVERY_ROLE)
@require_POST
def circular_reply(request, pk):
    """A unit confirms receipt or saves its reply."""
    circular = _get_circular(request, pk)
    if services.answering_unit(request.user, circular) is None:
        raise PermissionDenied
    try:
        if circular.response == Circular.Response.CONFIRM:
            services.confirm_receipt(circular=circular, user=request.user)
            messages.success(request, _("Receipt confirmed."))
        else:
            form = ReplyForm(request.POST, request.FILES)
            if not form.is_valid():
                return circular_detail(request, pk, reply_form=form)
            services.save_reply(
                circular=circular,
                user=request.user,
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["file"],
            )
            messages.success(request, _("Reply saved."))
    except services.CircularError as refused:
        messages.error(request, str(refused))
    return redirect("milestones:circular_detail", circular.pk)


@role_required(*EVERY_ROLE)
@require_POST
def circular_reply_file_remove(request, pk):
    reply_file = get_object_or_404(
        CircularReplyFile.objects.select_related("reply"), pk=pk
    )
    circular = _get_circular(request, reply_file.reply.circular_id)
    unit = services.answering_unit(request.user, circular)
    if unit is None or unit.pk != reply_file.reply.unit_id:
        raise Http404
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove the file?"),
            consequences=_(
                "The file “%(name)s” is deleted from your reply; to have it back it "
                "must be uploaded again."
            )
            % {"name": reply_file.name},
            action_label=_("Remove the file"),
            cancel_url=reverse("milestones:circular_detail", args=[circular.pk]),
            danger=True,
        )
    try:
        services.remove_reply_file(reply_file=reply_file)
    except services.CircularError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Removed."))
    return redirect("milestones:circular_detail", circular.pk)


@role_required(*EVERY_ROLE)
def circular_file(request, pk):
    attachment = get_object_or_404(CircularFile, pk=pk)
    _get_circular(request, attachment.circular_id)
    return attachment.download()


@role_required(*EVERY_ROLE)
def circular_reply_file(request, pk):
    """The office and the unit that replied; 404 for anyone else."""
    reply_file = get_object_or_404(
        CircularReplyFile.objects.select_related("reply"), pk=pk
    )
    reply = reply_file.reply
    user = request.user
    if not (
        user.is_office
        or (
            user.is_unit_member
            and user.unit_id == reply.unit_id
            and services.visible_to(user).filter(pk=reply.circular_id).exists()
        )
    ):
        raise Http404
    return reply_file.download()


def _show(request):
    show = request.GET.get("show", "")
    return show if show in services.FILTERS else ""


@OFFICE
def circular_receipts(request, pk):
    circular = get_object_or_404(Circular, pk=pk, sent_at__isnull=False)
    show = _show(request)
    return render(
        request,
        "milestones/circular_receipts.html",
        {
            "circular": circular,
            "rows": services.receipt_rows(circular, show=show),
            "others": services.other_reads(circular),
            "show": show,
            "filters": services.FILTERS,
            # Names this reminder action: posting its form twice reminds once.
            "token": uuid.uuid4().hex,
            "today": timezone.localdate(),
        },
    )


@OFFICE
@require_POST
def circular_remind(request, pk):
    circular = get_object_or_404(Circular, pk=pk, sent_at__isnull=False)
    form = RemindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whom to remind from the receipt table."))
        return redirect("milestones:circular_receipts", circular.pk)
    show = form.cleaned_data["show"]
    back = reverse("milestones:circular_receipts", args=[circular.pk]) + f"?show={show}"
    units = services.units_to_remind(circular, show)
    if not units:
        messages.info(request, _("No unit to remind."))
        return redirect(back)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remind %(count)s units?") % {"count": len(units)},
            consequences=[
                _("Their members are reminded in the portal and by e-mail: %(units)s.")
                % {"units": "、".join(unit.label for unit in units)},
                _("The reminder is recorded in the receipt table."),
            ],
            action_label=_("Send the reminder"),
            cancel_url=back,
            hidden=request.POST,
        )
    try:
        count = services.remind(
            circular=circular, show=show, token=form.cleaned_data["token"]
        )
    except services.CircularError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            ngettext("%(count)s person reminded.", "%(count)s people reminded.", count)
            % {"count": count},
        )
    return redirect(back)


@OFFICE
def circular_export(request, pk):
    """GET: the button that asks for the receipt table; POST: ask (a background
    export job, as every export), then its status page."""
    circular = get_object_or_404(Circular, pk=pk, sent_at__isnull=False)
    show = _show(request)
    return export_answer(
        request,
        title=_("Receipts of “%(title)s”") % {"title": circular.title},
        back_url=reverse("milestones:circular_receipts", args=[circular.pk]),
        request_job=lambda: exports.request_receipts(
            circular=circular, show=show, user=request.user
        ),
    )


urlpatterns = [
    path("notices-to-units/", circular_list, name="circular_list"),
    path("notices-to-units/new/", circular_create, name="circular_create"),
    path("notices-to-units/<int:pk>/", circular_detail, name="circular_detail"),
    path("notices-to-units/<int:pk>/edit/", circular_edit, name="circular_edit"),
    path("notices-to-units/<int:pk>/send/", circular_send, name="circular_send"),
    path("notices-to-units/<int:pk>/read/", circular_read, name="circular_read"),
    path("notices-to-units/<int:pk>/reply/", circular_reply, name="circular_reply"),
    path(
        "notices-to-units/<int:pk>/receipts/",
        circular_receipts,
        name="circular_receipts",
    ),
    path(
        "notices-to-units/<int:pk>/receipts/remind/",
        circular_remind,
        name="circular_remind",
    ),
    path(
        "notices-to-units/<int:pk>/receipts.xlsx",
        circular_export,
        name="circular_export",
    ),
    path("notices-to-units/files/<int:pk>/", circular_file, name="circular_file"),
    path(
        "notices-to-units/files/<int:pk>/remove/",
        circular_file_remove,
        name="circular_file_remove",
    ),
    path(
        "notices-to-units/replies/files/<int:pk>/",
        circular_reply_file,
        name="circular_reply_file",
    ),
    path(
        "notices-to-units/replies/files/<int:pk>/remove/",
        circular_reply_file_remove,
        name="circular_reply_file_remove",
    ),
]
