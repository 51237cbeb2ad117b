"""Handing a plan PDF's render to the broker, after the commit that asked for it.

Its own module so that plans/services.py (which queues a version's archival
copies) and plans/pdfjobs.py (which imports services) can both use it. A broker
that cannot take the message never fails the caller: the PDF stays pending with
`queued_at` null and pdfjobs.recover_stalled() sends it again.
"""

import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import PlanPdf

logger = logging.getLogger(__name__)

RENDER_TASK = "plans.render_pdf"


def enqueue(pdf):
    """Send the render of `pdf` once the caller's transaction commits."""
    pk = pdf.pk

    def send_render_on_commit():
        send_render(pk)

    transaction.on_commit(send_render_on_commit)


def send_render(pk):
    """Hand the render to the broker; with the broker down the PDF stays pending,
    its page says so, and recover_stalled() sends it once the broker is back."""
    try:
        # By name: plans/tasks.py wraps plans/pdfjobs.py, which imports this.
        current_app.send_task(RENDER_TASK, args=[pk])
    except Exception:
        logger.warning("Could not queue the render of plan PDF %s", pk, exc_info=True)
        PlanPdf.objects.filter(pk=pk, status=PlanPdf.Status.PENDING).update(
            queued_at=None
        )
        return False
    PlanPdf.objects.filter(pk=pk).update(queued_at=timezone.now())
    return True
