"""Celery tasks of the plans app: thin wrappers around plans/pdfjobs.py."""

import logging

from celery import shared_task

from . import pdfjobs

logger = logging.getLogger(__name__)


@shared_task(name=pdfjobs.RENDER_TASK)
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
