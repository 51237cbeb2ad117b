import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from pilots.deadlines import due_date
from pilots.models import DeadlineKind, Extension
from plans import services
from plans.models import Plan, PlanComment, PlanVersion, Status


def test_seed_demo_creates_plans_in_several_states_and_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    states = dict(Plan.objects.values_list("unit__slug", "status"))
    approved = ["changjiang", "fujian", "guizhou", "huanghe", "ningbo", "suzhou"]
    assert states == {
        "zhejiang": Status.UNDER_REVIEW,
        "shenzhen": Status.RETURNED,
        "guangdong": Status.DRAFT,
        **{slug: Status.APPROVED for slug in [*approved, "taihu"]},
    }
    assert Plan.objects.filter(is_demo=True).count() == 10
    assert PlanVersion.objects.count() == 9
    assert PlanComment.objects.get().plan.unit.slug == "shenzhen"
    zhejiang = Plan.objects.get(unit__slug="zhejiang")
    assert services.plan_completeness(zhejiang).blockers == []


def test_seed_demo_late_plans_have_extensions_approved_ones_are_on_time(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    today = timezone.localdate()
    extended = {
        e.unit.slug: (e.due - today).days
        for e in Extension.objects.filter(kind=DeadlineKind.PLAN)
    }
    assert extended == {"zhejiang": 10, "shenzhen": 10, "guangdong": 5}
    assert set(Extension.objects.values_list("reason", flat=True)) == {"演示：延期"}
    zhejiang = Plan.objects.get(unit__slug="zhejiang")
    assert due_date(
        batch=zhejiang.batch, unit=zhejiang.unit, kind=DeadlineKind.PLAN
    ) == today + datetime.timedelta(days=10)
    assert not PlanVersion.objects.filter(is_late=True).exists()
    fujian = PlanVersion.objects.get(plan__unit__slug="fujian")
    assert fujian.submitted_at.date() < fujian.plan.batch.plan_due
