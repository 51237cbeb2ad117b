"""Plan PDFs: requested here, rendered by the worker, served when ready."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.files import file_response
from pilots.permissions import supervising_department

from .. import pdfjobs
from ..models import PlanPdf
from .access import get_plan


def _pdf_or_status(request, plan, version=None):
    """Serve the PDF of what the plan (or version) shows now if it is rendered;
    else request it and show its progress."""
    pdf = pdfjobs.request_pdf(plan=plan, version=version, user=request.user)
    if pdf.status == PlanPdf.Status.READY:
        return _pdf_file(pdf)
    return redirect("plans:pdf_status", plan.unit.slug, pdf.pk)


def _pdf_file(pdf):
    return file_response(pdf.file, name=pdf.filename, kind="pdf")


def _get_pdf(request, slug, pk):
    """A PDF of the plan as `request.user` may read it: a department gets only
    its own view (pdfjobs.request_pdf), never the whole plan's."""
    plan = get_plan(request, slug)
    return get_object_or_404(
        PlanPdf.objects.select_related("version"),
        plan=plan,
        pk=pk,
        department=supervising_department(request.user),
    )


@login_required
def version_pdf(request, slug, number):
    plan = get_plan(request, slug)
    version = get_object_or_404(plan.versions, number=number)
    return _pdf_or_status(request, plan, version)


@login_required
def draft_pdf(request, slug):
    """The plan as it stands now, watermarked 草稿."""
    return _pdf_or_status(request, get_plan(request, slug))


@login_required
def pdf_status(request, slug, pk):
    pdf = _get_pdf(request, slug, pk)
    return render(
        request,
        "plans/pdf_status.html",
        {"pdf": pdf, "plan": pdf.plan, "unit": pdf.plan.unit},
    )


@login_required
def pdf_download(request, slug, pk):
    pdf = _get_pdf(request, slug, pk)
    if pdf.status != PlanPdf.Status.READY:
        # The status page refreshes to this address: it becomes the file when ready.
        return redirect("plans:pdf_status", slug, pdf.pk)
    return _pdf_file(pdf)


@login_required
@require_POST
def pdf_retry(request, slug, pk):
    pdf = _get_pdf(request, slug, pk)
    if not pdfjobs.retry_pdf(pdf):
        messages.info(request, _("This PDF is not failed; nothing to retry."))
    return redirect("plans:pdf_status", slug, pdf.pk)
