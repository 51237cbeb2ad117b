"""Exports built in the background: request, build (in the Celery worker), retry,
recovery, clean-up. Every app's exports go through here (pilots.ExportJob).

An app asks with `request_export(kind=…, params=…, task=…)`, naming the Celery
task of its own that builds its exports; that task calls
`build_export(job_id, table_for)` with the app's function that turns a job into a
`pilots.sheets.Table`. So the app passes its builder down and this floor never
imports it; the beat's `recover_stalled` sends a job again by its task's name.
Only this module writes ExportJob.status, with conditional UPDATEs (0 rows:
someone else got there first).
"""

import datetime
import hashlib
import json
import logging
import tempfile

from celery import current_app
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from . import messages, sheets
from .models import ExportJob

logger = logging.getLogger(__name__)

Status = ExportJob.Status
UNFINISHED = [Status.PENDING, Status.BUILDING]
# A build writes its progress every PROGRESS_EVERY rows; one silent for LEASE has
# lost its worker (killed, its machine gone) and is queued again, at most
# MAX_ATTEMPTS builds in all. The national stages export takes seconds.
PROGRESS_EVERY = 500
LEASE = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 3
# A pending job whose task message was lost is sent again after this long; one the
# broker could not take (queued_at null) at the next recovery.
REQUEUE_AFTER = datetime.timedelta(minutes=2)
# Exports show a moment of moving data: after this long, file and row are deleted.
KEPT = datetime.timedelta(days=7)
# The file is written here before it is stored; past this size on disk, not memory.
SPOOL_BYTES = 2 * 1024 * 1024


def job_key(*, kind, fmt, params, language, role, department_id):
    """sha256 of what is built and for whom: the same export asked again while
    one is waiting or being built is that one."""
    payload = [kind, fmt, params, language, role, department_id]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def request_export(*, kind, fmt, params, user, task, filename, back_url=""):
    """The export `kind` (with `params`) as `fmt` for `user`, in the active
    language: the one waiting or being built for the same people, else a new
    pending one, sent to the Celery task named `task` once the caller commits.
    Whoever may ask for it may download it: the user's role and, for a
    department, its department (pilots.permissions.can_open_export)."""
    if fmt not in sheets.FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    fields = {
        "kind": kind,
        "fmt": fmt,
        "params": params,
        "language": translation.get_language(),
        "role": user.role,
        "department_id": user.department_id if user.is_department else None,
    }
    key = job_key(**fields)
    waiting = ExportJob.objects.filter(key=key, status__in=UNFINISHED)
    existing = waiting.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                **fields,
                key=key,
                task=task,
                filename=filename,
                back_url=back_url,
                requested_by=user,
            )
    except IntegrityError:
        # Another request created it between our look and our insert.
        return waiting.get()
    _enqueue(job)
    return job


def _enqueue(job):
    pk, task = job.pk, job.task
    transaction.on_commit(lambda: _send(pk, task))


def _send(pk, task):
    """Hand the build to the broker; with the broker down the job stays pending,
    its page says so, and recover_stalled() sends it once the broker is back."""
    try:
        current_app.send_task(task, args=[pk])
    except Exception:
        logger.warning("Could not queue export %s", pk, exc_info=True)
        ExportJob.objects.filter(pk=pk, status=Status.PENDING).update(queued_at=None)
        return False
    ExportJob.objects.filter(pk=pk).update(queued_at=timezone.now())
    return True


def retry_export(job):
    """Send a failed export back to the queue; False if it was not failed (any
    more) or the same export is already waiting again."""
    try:
        with transaction.atomic():
            moved = ExportJob.objects.filter(pk=job.pk, status=Status.FAILED).update(
                status=Status.PENDING, error="", finished_at=None, rows_done=0
            )
    except IntegrityError:
        return False
    if not moved:
        return False
    job.refresh_from_db()
    _enqueue(job)
    return True


def build_export(job_id, table_for):
    """Build one pending export (the body of an app's Celery task): claim the
    row, so two workers never build the same one; `table_for(job)` gives the
    Table, in the language it was asked in; write it row by row into a spooled
    file, store it, tell the person who asked. A failure is recorded, not raised."""
    claimed = ExportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.BUILDING,
        progressed_at=timezone.now(),
        attempts=F("attempts") + 1,
        rows_done=0,
    )
    if not claimed:
        return
    job = ExportJob.objects.get(pk=job_id)
    building = ExportJob.objects.filter(pk=job_id, status=Status.BUILDING)

    def progress(count):
        if count % PROGRESS_EVERY == 0:
            building.update(rows_done=count, progressed_at=timezone.now())

    try:
        with translation.override(job.language):
            table = table_for(job)
            if table.total is not None:
                building.update(rows_total=table.total)
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
                rows = sheets.write(table, job.fmt, out, on_row=progress)
                out.seek(0)
                job.file.save(job.filename, File(out), save=False)
    except Exception as exc:
        logger.exception("Building export %s failed", job_id)
        building.update(
            status=Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return
    with transaction.atomic():
        done = building.update(
            status=Status.READY,
            file=job.file.name,
            rows_done=rows,
            rows_total=rows,
            finished_at=timezone.now(),
        )
        if done:
            messages.export_ready(job=job)
    if not done:
        # The recovery gave this build up as lost meanwhile: another one is coming.
        job.file.delete(save=False)


def recover_stalled(*, now=None):
    """Run every minute (Celery beat). A build silent for LEASE has lost its
    worker: it is queued again, or marked failed (its page offers Retry) after
    MAX_ATTEMPTS builds. A pending export the broker never took, or whose task
    message was lost (pending REQUEUE_AFTER since it was queued), is sent again;
    building claims the row, so a duplicate message is harmless.
    Returns (failed, requeued)."""
    now = now or timezone.now()
    lost = ExportJob.objects.filter(
        status=Status.BUILDING, progressed_at__lt=now - LEASE
    )
    failed = lost.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        error=f"The worker stopped before finishing, {MAX_ATTEMPTS} times.",
        finished_at=now,
    )
    lost.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Status.PENDING, progressed_at=None, queued_at=None
    )
    waiting = list(
        ExportJob.objects.filter(status=Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .values_list("pk", "task")
    )
    for pk, task in waiting:
        _send(pk, task)
    return failed, len(waiting)


def delete_old(*, now=None):
    """Delete finished exports older than KEPT with their files. Returns how many
    were deleted."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(
        status__in=[Status.READY, Status.FAILED], created_at__lt=now - KEPT
    )
    deleted = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
