"""A real plan PDF rendered by a real Celery worker over Redis, read by poppler."""

import time

import pytest

from pilots.models import PilotUnit, User
from plans import services
from plans.models import PlanPdf, Status
from plans.pdfjobs import request_pdf
from tests.conftest import make_user

from .builders import complete_plan, current_plan
from .test_pdf import flat, poppler


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_celery_worker_renders_a_real_plan_pdf(celery_worker, tmp_path):
    unit = PilotUnit.objects.get(slug="zhejiang")
    user = make_user("zhejiang-pdf", User.Role.UNIT, unit=unit)
    plan = complete_plan(current_plan(unit))
    version = services.submit_plan(plan=plan, expected=Status.DRAFT, user=user)
    pdf = request_pdf(plan=plan, version=version, user=user)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pdf.refresh_from_db()
        if pdf.status in (PlanPdf.Status.READY, PlanPdf.Status.FAILED):
            break
        time.sleep(0.2)
    assert pdf.status == PlanPdf.Status.READY, pdf.error
    assert pdf.finished_at is not None
    path = tmp_path / "plan.pdf"
    with pdf.file.open("rb") as stored:
        path.write_bytes(stored.read())
    text = flat(poppler("pdftotext", path))
    assert "浙江省水利厅" in text
    for title in ("现状与问题", "需求分析", "技术方案", "保障措施"):
        assert title in text
    fonts = [line.split()[0] for line in poppler("pdffonts", path).splitlines()[2:]]
    assert any("Noto-Sans-CJK-SC" in name for name in fonts)
    # The same version again: the ready file, no second render.
    assert request_pdf(plan=plan, version=version, user=user) == pdf
    assert PlanPdf.objects.filter(archive="").count() == 1
