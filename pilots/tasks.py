"""Thin Celery wrappers; the work is in messaging.py and exportjobs.py."""

import logging

from celery import shared_task

from . import exportjobs, messaging

logger = logging.getLogger(__name__)


@shared_task(name=messaging.DRAIN_TASK)
def drain_outbox_task():
    sent, failed = messaging.drain_outbox()
    if sent or failed:
        logger.info("Outbox drained: %s sent, %s failed", sent, failed)


@shared_task(name="pilots.recover_stalled_exports")
def recover_stalled_exports_task():
    """Every minute: unstick exports (every app's), drop those past their days."""
    failed, requeued = exportjobs.recover_stalled()
    if failed or requeued:
        logger.warning(
            "Exports: %s stalled marked failed, %s requeued", failed, requeued
        )
    deleted = exportjobs.delete_old()
    if deleted:
        logger.info("Exports: %s older than %s deleted", deleted, exportjobs.KEPT)
