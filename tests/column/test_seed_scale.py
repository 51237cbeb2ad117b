"""seed_scale: the synthetic national-scale programme, built here at 11 units.

Time is frozen on 2026-11-20 (Beijing): the batch's implementation started 230
days before (2026-04-04), so three quarterly report periods have begun, two of
them past their due dates.
"""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count

from column.models import NewsPost, PublicMessage, PublicNotice
from milestones.models import Achievement, CheckMaterial, ProgressReport
from pilots.history import history_of
from pilots.models import Batch, Department, PilotUnit, Task, User
from plans.models import Plan, PlanSection, PlanVersion, Status
from plans.services import snapshot
from reviews.models import Assignment, Decision, Round, ScoreSheet, Submission
from tests.conftest import client_for

MARK = "（合成数据）"
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture
def scaled(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("seed_scale", units=11, stdout=out)
        yield out.getvalue()


def synthetic_units():
    return PilotUnit.objects.filter(slug__startswith="scale-")


def test_seed_scale_builds_units_tasks_and_a_current_batch_of_them(scaled):
    batch = Batch.objects.current()
    assert batch.slug == "scale"
    assert batch.is_demo
    assert list(synthetic_units().values_list("slug", flat=True)) == [
        f"scale-{n:04d}" for n in range(1, 12)
    ]
    assert set(batch.units.all()) == set(synthetic_units())
    assert Task.objects.filter(unit__in=synthetic_units()).count() == 110
    assert batch.tasks.count() == 110
    assert User.objects.members_of(synthetic_units()[0]).count() == 1
    assert User.objects.experts().filter(username__startswith="scale-").count() == 6
    assert "Synthetic programme of 11 units built in" in scaled


def test_seed_scale_makes_plans_in_every_state_with_versions_and_history(scaled):
    per_status = dict(
        Plan.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    assert per_status == {
        Status.APPROVED: 5,
        Status.UNDER_REVIEW: 1,
        Status.SUBMITTED: 1,
        Status.RETURNED: 1,
        Status.DRAFT: 1,
        Status.REJECTED: 1,
    }
    # A tenth of the units has not started its plan.
    assert not Plan.objects.filter(unit__slug="scale-0010").exists()
    assert PlanSection.objects.count() == 10 * 9
    # Every plan but the draft has version 1; two reviewed plans also version 2.
    assert PlanVersion.objects.filter(number=1).count() == 9
    assert PlanVersion.objects.filter(number=2).count() == 2
    approved = Plan.objects.get(unit__slug="scale-0001")
    assert [(h.from_state, h.to_state) for h in history_of(approved)] == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "approved"),
    ]
    assert approved.status_changed_at == history_of(approved).last().at
    resubmitted = Plan.objects.get(unit__slug="scale-0011")
    assert [h.to_state for h in history_of(resubmitted)] == [
        "submitted",
        "returned",
        "submitted",
        "under_review",
        "approved",
    ]
    assert resubmitted.versions.get(number=2).days_late == 20


def test_seed_scale_version_content_is_the_plan_snapshot(scaled):
    plan = Plan.objects.get(unit__slug="scale-0001")

    def normal(content):
        return {
            key: sorted(json.dumps(row, sort_keys=True) for row in value)
            if isinstance(value, list)
            else value
            for key, value in content.items()
        }

    version = plan.versions.get()
    assert normal(version.content) == normal(snapshot(plan))


def test_seed_scale_makes_a_review_round_with_sheets_and_decisions(scaled):
    round_ = Round.objects.get(batch__slug="scale")
    assert round_.is_demo
    assert round_.criteria.count() == 6
    # Approved, rejected and under review: 7 plans, 3 experts each.
    assert Submission.objects.filter(round=round_).count() == 7
    assert Assignment.objects.count() == 21
    assert ScoreSheet.objects.filter(status="submitted").count() == 20
    assert ScoreSheet.objects.filter(status="draft").count() == 1
    assert dict(Decision.objects.values_list("outcome").annotate(n=Count("pk"))) == {
        "approve": 5,
        "reject": 1,
    }
    for assignment in Assignment.objects.select_related("expert", "submission"):
        assert assignment.expert.affiliation_id != assignment.submission.unit_id


def test_seed_scale_follows_the_approved_plans(scaled):
    reports = ProgressReport.objects.filter(batch__slug="scale")
    # 5 approved units × 3 begun periods, less the first one's last past report.
    assert reports.count() == 14
    assert reports.filter(status="submitted").count() == 9
    assert reports.filter(status="draft").count() == 5
    assert all(report.task_progress.count() == 10 for report in reports)
    assert CheckMaterial.objects.filter(status="submitted").count() == 2
    assert CheckMaterial.objects.filter(status="draft").count() == 3
    assert Achievement.objects.public().count() == 4
    assert Achievement.objects.recommended().count() == 2


def test_seed_scale_fills_the_public_column(scaled):
    assert NewsPost.objects.published().count() == 11
    assert NewsPost.objects.filter(publish_at__isnull=True).count() == 1
    assert PublicNotice.objects.filter(published=True).count() == 3
    assert set(PublicMessage.objects.values_list("status", flat=True)) == set(
        PublicMessage.Status
    )


def test_seed_scale_marks_everything_synthetic(scaled):
    for model in (
        Plan,
        Round,
        ProgressReport,
        CheckMaterial,
        Achievement,
        NewsPost,
        PublicNotice,
        PublicMessage,
    ):
        assert model.objects.exists()
        assert not model.objects.filter(is_demo=False).exists(), model
    assert all(p.title.endswith(MARK) for p in NewsPost.objects.all())
    synthetic = User.objects.filter(username__startswith="scale-")
    # Members, experts, one per department, the office; nobody else.
    departments = Department.objects.count()
    assert synthetic.count() == User.objects.count() == 11 + 6 + departments + 1
    assert not any(user.has_usable_password() for user in synthetic)


def test_seed_scale_pages_answer_afterwards(scaled, client, office_user):
    home = client.get("/")
    units = client.get("/units/")
    assert home.status_code == units.status_code == 200
    # The home names the first units of the current batch, the synthetic one.
    assert "/units/scale-0001/" in home.content.decode()
    assert "/units/scale-0011/" in units.content.decode()
    office = client_for(client, office_user).get("/office/")
    assert office.status_code == 200
    assert '<a href="/units/scale-0001/">合成0001</a>' in office.content.decode()


def test_seed_scale_refuses_a_second_run(scaled):
    with pytest.raises(CommandError, match="exists already"):
        call_command("seed_scale", units=11)
    assert synthetic_units().count() == 11


def test_seed_scale_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_scale", units=2)
    assert not Batch.objects.filter(slug="scale").exists()
    call_command("seed_scale", units=2, force=True, stdout=io.StringIO())
    assert synthetic_units().count() == 2


def test_seed_scale_leaves_a_searchable_index(scaled, client):
    """Its rows come by bulk_create (no signals): the index is built in bulk."""
    news = client.get("/search/", {"q": "先行先试工作进展"}).context["page"]
    # The eleven published posts; the draft is not in the index.
    assert [result.kind for result in news].count("工作动态") == 11
    messages = client.get("/search/", {"q": "先行先试工作的建议"}).context
    # Every fourth message is published with its answer; the rest never show.
    assert messages["total"] == PublicMessage.objects.filter(status="published").count()
    unit = client.get("/search/", {"q": "合成单位0007"}).context["page"]
    assert [result.url for result in unit][0] == "/units/scale-0007/"
