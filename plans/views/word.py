"""Plans in and out of Word: the .docx of a version or of the draft, and a
unit's .docx read into its draft (upload, preview, confirm).

Between the preview and the confirmation the upload waits in the private
storage under a random name that only this session knows (no model); the
confirmation reads it again, so what is saved is what the preview showed.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pilots.confirm import is_confirmed
from pilots.files import file_response, private_storage
from pilots.permissions import supervising_department

from .. import services, word_import
from ..models import SECTION_MAX_CHARS
from ..pdfjobs import shown_content
from ..permissions import can_edit_plan
from ..word_export import plan_docx
from .access import get_plan, require

SESSION_KEY = "plan_word_import"


def _docx_answer(request, plan, content, *, number, date, is_draft):
    """The .docx of `content` as `request.user` may read it: a department, the
    tasks it supervises only (the same rule as the plan's PDF)."""
    shown = shown_content(
        content, department=supervising_department(request.user), unit=plan.unit
    )
    data = plan_docx(
        shown,
        number=number,
        date=date,
        is_draft=is_draft,
        window_start=plan.batch.implementation_start,
        window_end=plan.batch.implementation_end,
    )
    suffix = "draft" if is_draft else f"v{number}"
    return file_response(
        ContentFile(data), name=f"plan-{plan.unit.slug}-{suffix}.docx", kind="docx"
    )


@login_required
def draft_docx(request, slug):
    """The plan as it stands now, marked 草稿 on its cover."""
    plan = get_plan(request, slug)
    last = plan.versions.order_by("-number").values_list("number", flat=True).first()
    return _docx_answer(
        request,
        plan,
        services.snapshot(plan),
        number=(last or 0) + 1,
        date=timezone.localdate(),
        is_draft=True,
    )


def version_docx_answer(request, version):
    """The .docx of a submitted version, for whoever the caller let read it (the
    plan's readers here, the assigned expert in reviews)."""
    return _docx_answer(
        request,
        version.plan,
        version.content,
        number=version.number,
        date=timezone.localdate(version.submitted_at),
        is_draft=False,
    )


@login_required
def version_docx(request, slug, number):
    plan = get_plan(request, slug)
    version = get_object_or_404(plan.versions, number=number)
    version.plan = plan
    return version_docx_answer(request, version)


# ------------------------------------------------------------------ import


def _pending(request, plan):
    """The upload this session is importing into `plan`, or None."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("plan") != plan.pk:
        return None
    return pending


def _forget(request):
    """Drop the session's pending upload and its file."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        private_storage().delete(pending["file"])


@login_required
def import_upload(request, slug):
    """The unit's .docx: checked, kept for the preview, never read into the
    plan here."""
    plan = get_plan(request, slug)
    require(can_edit_plan(request.user, plan))
    form = word_import.WordUploadForm()
    if request.method == "POST":
        form = word_import.WordUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            _forget(request)
            name = private_storage().save(
                f"{word_import.UPLOAD_FOLDER}/{secrets.token_hex(16)}.docx", upload
            )
            request.session[SESSION_KEY] = {
                "plan": plan.pk,
                "file": name,
                "name": upload.name[:200],
            }
            return redirect("plans:import_preview", slug)
    return render(
        request,
        "plans/import_upload.html",
        {"plan": plan, "unit": plan.unit, "form": form},
        status=400 if form.errors else 200,
    )


def _read_pending(pending, plan):
    with private_storage().open(pending["file"], "rb") as stored:
        return word_import.preview(word_import.read_docx(stored), plan)


@login_required
def import_preview(request, slug):
    """What the upload would change, section by section (GET, or a POST not
    confirmed); on confirmation, the import; or the upload dropped (cancel)."""
    plan = get_plan(request, slug)
    require(can_edit_plan(request.user, plan))
    pending = _pending(request, plan)
    if pending is None or not private_storage().exists(pending["file"]):
        messages.info(request, _("Upload the Word file to import first."))
        return redirect("plans:import", slug)
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request)
        messages.info(request, _("The import was cancelled; nothing was changed."))
        return redirect(plan)
    result, status = _read_pending(pending, plan), 200
    if is_confirmed(request):
        keys = set(request.POST.getlist("section"))
        revisions = {}
        for key in keys:
            try:
                revisions[key] = int(request.POST.get(f"revision-{key}", ""))
            except ValueError:
                revisions[key] = -1
        try:
            saved, added = word_import.apply_import(
                plan=plan,
                preview=result,
                keys=keys,
                revisions=revisions,
                rows=request.POST.get("rows") == "1",
                user=request.user,
            )
        except services.NotEditable as refused:
            messages.error(request, str(refused))
            return redirect(plan)
        except services.EditConflict as conflict:
            messages.error(request, str(conflict))
            result, status = _read_pending(pending, plan), 409
        else:
            _forget(request)
            messages.success(
                request,
                ngettext(
                    "Imported %(n)s section",
                    "Imported %(n)s sections",
                    saved,
                )
                % {"n": saved}
                + " · "
                + ngettext("%(n)s row added.", "%(n)s rows added.", added)
                % {"n": added},
            )
            return redirect(plan)
    return render(
        request,
        "plans/import_preview.html",
        {
            "plan": plan,
            "unit": plan.unit,
            "preview": result,
            "file_name": pending["name"],
            "max_chars": SECTION_MAX_CHARS,
        },
        status=status,
    )
