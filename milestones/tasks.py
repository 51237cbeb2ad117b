"""Thin Celery wrappers; the work is in reminders.py, progress.py, digest.py and
exports.py (built through pilots/exportjobs.py)."""

import logging

from celery import shared_task

from pilots import exportjobs

from . import digest, exports, reminders, scoring_reminders

logger = logging.getLogger(__name__)


@shared_task(name="milestones.send_due_reminders")
def send_due_reminders_task():
    count = reminders.send_due_reminders()
    logger.info("Deadline reminders sent: %s", count)
    scoring = scoring_reminders.send_scoring_reminders()
    logger.info("Scoring reminders sent: %s", scoring)
    reports = reminders.send_report_reminders()
    logger.info("Progress report reminders sent: %s", reports)


@shared_task(name="milestones.send_weekly_digest")
def send_weekly_digest_task():
    count = digest.send_weekly_digest()
    logger.info("Weekly digest sent to %s office users", count)


@shared_task(name=exports.BUILD_TASK)
def build_export_task(job_id):
    exportjobs.build_export(job_id, exports.table_for)
