"""Celery tasks of the plans app: thin wrappers around plans/pdfjobs.py."""

from celery import shared_task

from . import pdfjobs


@shared_task(name="plans.render_pdf")
def render_pdf_task(pdf_id):
    pdfjobs.render_pdf(pdf_id)
