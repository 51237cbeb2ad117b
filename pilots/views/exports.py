"""Exports: asked for on the page that offers them, built by the worker, fetched
from their status page. Each app's export address answers with `export_answer`;
the status, download and retry pages are the same for every app's export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import exportjobs
from ..files import file_response
from ..models import ExportJob
from ..permissions import can_open_export


def export_answer(request, *, title, back_url, request_job):
    """GET: a page with the button that asks for the export (a GET writes
    nothing). POST: ask for it (`request_job()` gives the job; the same export
    waiting already is that one), then its status page."""
    if request.method == "POST":
        job = request_job()
        return redirect("pilots:export_status", job.pk)
    return render(
        request, "pilots/export_request.html", {"title": title, "back_url": back_url}
    )


def _get_export_for_user(request, pk):
    job = get_object_or_404(ExportJob, pk=pk)
    if not can_open_export(request.user, job):
        raise Http404
    return job


@login_required
def export_status(request, pk):
    job = _get_export_for_user(request, pk)
    return render(request, "pilots/export_status.html", {"job": job})


@login_required
def export_download(request, pk):
    job = _get_export_for_user(request, pk)
    if job.status != ExportJob.Status.READY:
        # The status page refreshes to this address: it becomes the file when ready.
        return redirect("pilots:export_status", job.pk)
    return file_response(job.file, name=job.filename, kind=job.fmt)


@login_required
@require_POST
def export_retry(request, pk):
    job = _get_export_for_user(request, pk)
    if not exportjobs.retry_export(job):
        messages.info(request, _("This export is not failed; nothing to retry."))
    return redirect("pilots:export_status", job.pk)


urlpatterns = [
    path("exports/<int:pk>/", export_status, name="export_status"),
    path("exports/<int:pk>/download/", export_download, name="export_download"),
    path("exports/<int:pk>/retry/", export_retry, name="export_retry"),
]
