"""Plan PDFs: requested here, rendered by the worker, served when ready."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.files import file_response
from pilots.permissions import supervising_department

from .. import pdfjobs
from ..models import PlanPdf
from .access import get_plan


def pdf_answer(request, *, plan, version=None, status_url, back_url):
    """The PDF of what the plan (or version) shows now, as `request.user` may read
    it. GET: the file when it is made, its progress page (`status_url(pdf)`)
    while it is made, else a page with the button that asks for it: a GET
    writes nothing. POST: ask for it (the same content is never made twice)."""
    if request.method == "POST":
        pdf = pdfjobs.request_pdf(plan=plan, version=version, user=request.user)
    else:
        pdf = pdfjobs.find_pdf(plan=plan, version=version, user=request.user)
        if pdf is None:
            return render(
                request,
                "plans/pdf_request.html",
                {"unit": plan.unit, "version": version, "back_url": back_url},
            )
    if pdf.status == PlanPdf.Status.READY:
        return _pdf_file(pdf)
    return redirect(status_url(pdf))


def _pdf_or_status(request, plan, version=None):
    return pdf_answer(
        request,
        plan=plan,
        version=version,
        status_url=lambda pdf: reverse(
            "plans:pdf_status", args=[plan.unit.slug, pdf.pk]
        ),
        back_url=plan.get_absolute_url(),
    )


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
