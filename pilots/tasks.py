"""Thin Celery wrappers; the work is in messaging.py."""

import logging

from celery import shared_task

from . import messaging

logger = logging.getLogger(__name__)


@shared_task(name=messaging.DRAIN_TASK)
def drain_outbox_task():
    sent, failed = messaging.drain_outbox()
    if sent or failed:
        logger.info("Outbox drained: %s sent, %s failed", sent, failed)
