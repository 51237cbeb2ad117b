"""Thin Celery wrappers; the work is in exports.py (built through
pilots/exportjobs.py)."""

from celery import shared_task

from pilots import exportjobs

from . import exports


@shared_task(name=exports.BUILD_TASK)
def build_export_task(job_id):
    exportjobs.build_export(job_id, exports.table_for)
