"""Demo progress reports: marked, shaped as promised, safe to run twice."""

import datetime
import io

import pytest
from django.utils import timezone

from milestones import demo_progress
from milestones.models import ProgressReport
from milestones.progress import ReportStatus, period_rows
from pilots.models import Batch, PilotUnit
from tests.conftest import make_user
from tests.milestones.progress_builders import approved_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_batch():
    """A batch whose implementation started about 230 days ago, like seed_demo's."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    Batch.objects.update(is_current=False)
    batch = Batch.objects.create(
        slug="demo-test",
        name="演示批次",
        is_current=True,
        is_demo=True,
        launch_date=today - 260 * day,
        plan_due=today - 240 * day,
        implementation_start=today - 230 * day,
        implementation_end=today + 400 * day,
        midterm_start=today + 10 * day,
        midterm_end=today + 100 * day,
        acceptance_due=today + 400 * day,
    )
    batch.units.set(PilotUnit.objects.all())
    return batch


def test_demo_progress_shapes_and_idempotent(live_batch, zhejiang, fujian):
    make_user("unit-zhejiang", "unit", unit=zhejiang)
    approved_plan(zhejiang)
    approved_plan(fujian)

    demo_progress.seed(live_batch, io.StringIO())
    count = ProgressReport.objects.count()
    demo_progress.seed(live_batch, io.StringIO())

    assert ProgressReport.objects.count() == count > 0
    assert not ProgressReport.objects.filter(is_demo=False).exists()
    rows = period_rows(
        batch=live_batch, units=[zhejiang, fujian], today=timezone.localdate()
    )
    statuses = {(row.unit.slug, row.status) for row in rows}
    assert ("zhejiang", ReportStatus.OVERDUE) in statuses
    assert ("fujian", ReportStatus.LATE) in statuses
    assert ("fujian", ReportStatus.OVERDUE) not in statuses
    drafts = [row for row in rows if row.is_draft]
    assert {row.unit.slug for row in drafts} == {"zhejiang", "fujian"}
    submitted = ProgressReport.objects.filter(unit=fujian, status="submitted")
    percents = [
        report.task_progress.first().percent
        for report in submitted.order_by("period_start")
    ]
    assert percents == sorted(percents) and percents[0] < percents[-1]
    assert ProgressReport.objects.filter(unit=zhejiang, status="submitted").exists()


def test_demo_progress_skips_units_without_approved_plan(live_batch, zhejiang):
    demo_progress.seed(live_batch, io.StringIO())

    assert not ProgressReport.objects.exists()
