"""Thin Celery wrappers; the work is in services.py and reminders.py."""

import logging

from celery import shared_task

from . import digest, progress, reminders, scoring_reminders, services

logger = logging.getLogger(__name__)


@shared_task(name="milestones.drain_outbox")
def drain_outbox_task():
    sent, failed = services.drain_outbox()
    if sent or failed:
        logger.info("Outbox drained: %s sent, %s failed", sent, failed)


@shared_task(name="milestones.send_due_reminders")
def send_due_reminders_task():
    count = reminders.send_due_reminders()
    logger.info("Deadline reminders sent: %s", count)
    scoring = scoring_reminders.send_scoring_reminders()
    logger.info("Scoring reminders sent: %s", scoring)
    reports = progress.send_report_reminders()
    logger.info("Progress report reminders sent: %s", reports)


@shared_task(name="milestones.send_weekly_digest")
def send_weekly_digest_task():
    count = digest.send_weekly_digest()
    logger.info("Weekly digest sent to %s office users", count)
