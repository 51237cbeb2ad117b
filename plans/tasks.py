"""Celery tasks of the plans app: thin wrappers around plans/pdfjobs.py (the
archival copies of versions are plan PDFs too, rendered by the same task) and
plans/word_import.py."""

import logging

from celery import shared_task

from . import pdfjobs, pdfqueue, word_import

logger = logging.getLogger(__name__)


@shared_task(name=pdfqueue.RENDER_TASK)
def render_pdf_task(pdf_id):
    pdfjobs.render_pdf(pdf_id)


@shared_task(name="plans.recover_stalled_pdfs")
def recover_stalled_pdfs_task():
    """Every minute: unstick PDFs, drop old draft renders."""
    failed, requeued = pdfjobs.recover_stalled()
    if failed or requeued:
        logger.warning(
            "Plan PDFs: %s stalled marked failed, %s requeued", failed, requeued
        )
    deleted = pdfjobs.delete_old_drafts()
    if deleted:
        logger.info("Plan PDFs: %s old draft renders deleted", deleted)


@shared_task(name="plans.delete_stale_imports")
def delete_stale_imports_task():
    """Hourly: drop Word uploads never confirmed nor cancelled."""
    deleted = word_import.delete_stale_uploads()
    if deleted:
        logger.info("Plan imports: %s unconfirmed uploads deleted", deleted)
