"""Plan PDFs rendered in the background: request, render (in the Celery worker),
retry. A PDF is cached by the content it shows: the same unchanged version or
draft is never rendered twice. Only this module writes PlanPdf.status, with
conditional UPDATEs (0 rows: someone else got there first).
"""

import datetime
import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from pilots.permissions import supervised_task_ids, supervising_department

from . import archive, services
from .models import PlanPdf
from .pdf import document_from_snapshot, render_plan_pdf
from .pdfqueue import enqueue, send_render

logger = logging.getLogger(__name__)

# A 30-page plan renders in about 2 s: a render older than its lease has lost its
# worker (killed, its machine gone) and is queued again, at most MAX_ATTEMPTS
# renders in all. recover_stalled() runs every minute, so a lost render starts
# again within LEASE + 1 minute.
LEASE = datetime.timedelta(minutes=2)
MAX_ATTEMPTS = 3
# Draft PDFs show a moment of a moving text: after this long they are deleted,
# file and row (a new request renders the draft again). Version PDFs are kept.
DRAFT_PDFS_KEPT = datetime.timedelta(days=7)
# A pending PDF whose task message was lost is sent again after this long; one the
# broker could not take (queued_at null) at the next recovery.
REQUEUE_AFTER = datetime.timedelta(minutes=2)

Status = PlanPdf.Status


def content_hash(content, *, number, is_draft, department=None):
    """sha256 of what the PDF shows: the snapshot, its number, the watermark and,
    for a department's view, the department (never the whole plan's PDF)."""
    payload = {"content": content, "number": number, "draft": is_draft}
    if department is not None:
        payload["department"] = department
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(text.encode()).hexdigest()


def shown_content(content, *, department, unit):
    """What a PDF for `department` (an id; None: the whole plan) shows of the
    snapshot `content`: a department, only the tasks it supervises."""
    if department is None:
        return content
    return services.readable_content(content, supervised_task_ids(department, unit))


def _what_is_shown(*, plan, version, user):
    """(department, number, shown content, its hash) of the PDF `user` gets of
    the plan's current draft (version None) or of `version`."""
    department = supervising_department(user)
    if version is None:
        last = plan.versions.order_by("-number").values_list("number", flat=True)
        number = (last.first() or 0) + 1
        content = services.snapshot(plan)
    else:
        number = version.number
        content = version.content
    # The hash covers what is shown: when a department's tasks change, so does
    # its PDF.
    shown = shown_content(content, department=department, unit=plan.unit)
    digest = content_hash(
        shown, number=number, is_draft=version is None, department=department
    )
    return department, number, shown, digest


def find_pdf(*, plan, version=None, user):
    """The PlanPdf of what `user` would get, if it was asked for already; None
    otherwise. Reads only: what a GET may do."""
    _department, _number, _shown, digest = _what_is_shown(
        plan=plan, version=version, user=user
    )
    return PlanPdf.objects.filter(plan=plan, content_hash=digest).first()


def request_pdf(*, plan, version=None, user):
    """The PlanPdf for the plan's current draft (or `version`) as `user` may read
    it: the existing one for the same content when there is one, else a new
    pending one, enqueued."""
    department, number, shown, digest = _what_is_shown(
        plan=plan, version=version, user=user
    )
    existing = PlanPdf.objects.filter(plan=plan, content_hash=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            pdf = PlanPdf.objects.create(
                plan=plan,
                version=version,
                number=number,
                draft_content=shown if version is None else None,
                department_id=department,
                content_hash=digest,
                requested_by=user if user.is_authenticated else None,
            )
    except IntegrityError:
        # Another request created it between our look and our insert.
        return PlanPdf.objects.get(plan=plan, content_hash=digest)
    enqueue(pdf)
    return pdf


def retry_pdf(pdf):
    """Send a failed PDF back to the queue; False if it was not failed (any more)."""
    moved = PlanPdf.objects.filter(pk=pdf.pk, status=Status.FAILED).update(
        status=Status.PENDING, error="", finished_at=None
    )
    if not moved:
        return False
    pdf.refresh_from_db()
    enqueue(pdf)
    return True


def _document(pdf):
    plan = pdf.plan
    if pdf.version_id is None:
        content = pdf.draft_content
        date = timezone.localdate(pdf.created_at)
    else:
        content = pdf.version.content
        date = timezone.localdate(pdf.version.submitted_at)
    return document_from_snapshot(
        shown_content(content, department=pdf.department_id, unit=plan.unit),
        version_number=pdf.number,
        date=date,
        is_draft=pdf.is_draft,
        window_start=plan.batch.implementation_start,
        window_end=plan.batch.implementation_end,
    )


def render_pdf(pdf_id):
    """Render one pending PDF (the Celery task's body). Claims the row first, so
    two workers never render the same one, and a made PDF (an archival copy
    above all) is never made again; a failure is recorded, not raised."""
    claimed = PlanPdf.objects.filter(pk=pdf_id, status=Status.PENDING).update(
        status=Status.RENDERING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return
    pdf = PlanPdf.objects.select_related("plan__unit", "plan__batch", "version").get(
        pk=pdf_id
    )
    try:
        info = archive.archive_info(pdf) if pdf.archive else None
        data = render_plan_pdf(_document(pdf), archive=info)
        digest = hashlib.sha256(data).hexdigest()
        pdf.file.save(pdf.filename, ContentFile(data), save=False)
    except Exception as exc:
        logger.exception("Rendering plan PDF %s failed", pdf_id)
        PlanPdf.objects.filter(pk=pdf_id, status=Status.RENDERING).update(
            status=Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return
    made = PlanPdf.objects.filter(pk=pdf_id, status=Status.RENDERING).update(
        status=Status.READY,
        file=pdf.file.name,
        file_sha256=digest,
        finished_at=timezone.now(),
    )
    if not made:
        # This render outlived its lease: the row went back to the queue, or
        # another render finished first. Only the recorded file stays (the
        # storage gave this one a name of its own).
        pdf.file.storage.delete(pdf.file.name)


def recover_stalled(*, now=None):
    """Run every minute (Celery beat). A render older than its LEASE has lost its
    worker: it is queued again, or marked failed (its page offers Retry) after
    MAX_ATTEMPTS renders. A pending PDF the broker never took, or whose task
    message was lost (pending REQUEUE_AFTER since it was queued), is sent again;
    rendering claims the row, so a duplicate message is harmless.
    Returns (failed, requeued)."""
    now = now or timezone.now()
    lost = PlanPdf.objects.filter(status=Status.RENDERING, started_at__lt=now - LEASE)
    failed = lost.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        error=(f"The rendering worker stopped before finishing, {MAX_ATTEMPTS} times."),
        finished_at=now,
    )
    lost.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Status.PENDING, started_at=None, queued_at=None
    )
    waiting = list(
        PlanPdf.objects.filter(status=Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .values_list("pk", flat=True)
    )
    for pk in waiting:
        send_render(pk)
    return failed, len(waiting)


def delete_old_drafts(*, now=None):
    """Delete finished draft PDFs older than DRAFT_PDFS_KEPT with their files.
    Returns how many were deleted."""
    now = now or timezone.now()
    old = PlanPdf.objects.filter(
        version__isnull=True,
        status__in=[Status.READY, Status.FAILED],
        created_at__lt=now - DRAFT_PDFS_KEPT,
    )
    deleted = 0
    for pdf in old:
        if pdf.file:
            pdf.file.delete(save=False)
        pdf.delete()
        deleted += 1
    return deleted
