"""A PDF is never stuck: a render whose worker died is queued again (failed, with
Retry offered, after MAX_ATTEMPTS), a pending one the broker never took or whose
task message was lost is sent again."""

import datetime
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from pilots.models import PilotUnit, User
from plans import pdfjobs, services
from plans.models import PlanPdf, Status
from tests.conftest import make_user

from .builders import complete_plan, current_plan


def _submitted_version(slug="zhejiang"):
    unit = PilotUnit.objects.get(slug=slug)
    user = make_user(f"{slug}-pdf", User.Role.UNIT, unit=unit)
    plan = complete_plan(current_plan(unit))
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=user)
    # These tests make their renders by hand; the archival copy the submission
    # queued has tests of its own (test_archive.py).
    version.pdfs.exclude(archive="").delete()
    return plan, version


def _pdf(plan, version, status, **fields):
    return PlanPdf.objects.create(
        plan=plan,
        version=version,
        number=version.number if version else 9,
        content_hash=f"{PlanPdf.objects.count():064d}",
        status=status,
        **fields,
    )


@pytest.mark.django_db
def test_a_render_past_its_lease_is_queued_again_up_to_the_attempt_cap(
    django_capture_on_commit_callbacks,
):
    plan, version = _submitted_version()
    now = timezone.now()
    past_lease = now - pdfjobs.LEASE - datetime.timedelta(seconds=1)
    lost = _pdf(
        plan, version, PlanPdf.Status.RENDERING, started_at=past_lease, attempts=1
    )
    exhausted = _pdf(
        plan,
        version,
        PlanPdf.Status.RENDERING,
        started_at=past_lease,
        attempts=pdfjobs.MAX_ATTEMPTS,
    )
    running = _pdf(
        plan,
        version,
        PlanPdf.Status.RENDERING,
        started_at=now - datetime.timedelta(seconds=30),
        attempts=1,
    )

    assert pdfjobs.recover_stalled(now=now) == (1, 1)

    lost.refresh_from_db()
    exhausted.refresh_from_db()
    running.refresh_from_db()
    assert (lost.status, lost.started_at) == (PlanPdf.Status.PENDING, None)
    assert lost.queued_at is not None  # handed to the broker again
    assert exhausted.status == PlanPdf.Status.FAILED
    assert exhausted.error == (
        "The rendering worker stopped before finishing, 3 times."
    )
    assert running.status == PlanPdf.Status.RENDERING
    # Failed is a state the user can leave: Retry puts it back in the queue.
    with django_capture_on_commit_callbacks(execute=True):
        assert pdfjobs.retry_pdf(exhausted) is True
    exhausted.refresh_from_db()
    assert (exhausted.status, exhausted.error) == (PlanPdf.Status.PENDING, "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pending_pdf_the_broker_never_took_is_rendered_after_recovery(
    celery_worker,
):
    plan, version = _submitted_version("fujian")
    # As if the broker was down when it was requested: a row, no task message.
    pdf = _pdf(plan, version, PlanPdf.Status.PENDING)
    time.sleep(1)
    pdf.refresh_from_db()
    assert pdf.status == PlanPdf.Status.PENDING  # nothing picks it up by itself

    assert pdfjobs.recover_stalled() == (0, 1)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pdf.refresh_from_db()
        if pdf.status in (PlanPdf.Status.READY, PlanPdf.Status.FAILED):
            break
        time.sleep(0.2)
    assert pdf.status == PlanPdf.Status.READY, pdf.error
    assert (pdf.attempts, pdf.queued_at is not None) == (1, True)
    assert pdf.file.name.endswith(".pdf")
    # Sent once: a second recovery finds nothing to do.
    assert pdfjobs.recover_stalled() == (0, 0)


@pytest.mark.django_db
def test_old_draft_pdfs_are_deleted_with_their_files_and_versions_kept(
    settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    plan, version = _submitted_version()
    now = timezone.now()
    old_draft = _pdf(plan, None, PlanPdf.Status.READY, draft_content={})
    old_draft.file.save("old.pdf", ContentFile(b"%PDF-1.4 old"))
    name = old_draft.file.name
    assert old_draft.file.storage.exists(name)
    recent_draft = _pdf(plan, None, PlanPdf.Status.READY, draft_content={})
    old_version = _pdf(plan, version, PlanPdf.Status.READY)
    PlanPdf.objects.filter(pk__in=[old_draft.pk, old_version.pk]).update(
        created_at=now - datetime.timedelta(days=8)
    )
    assert pdfjobs.delete_old_drafts(now=now) == 1
    assert set(PlanPdf.objects.values_list("pk", flat=True)) == {
        recent_draft.pk,
        old_version.pk,
    }
    assert not old_draft.file.storage.exists(name)
