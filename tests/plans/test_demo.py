import io

from django.core.management import call_command

from plans import services
from plans.models import Plan, PlanComment, PlanVersion, Status


def test_seed_demo_creates_plans_in_several_states_and_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    states = dict(Plan.objects.values_list("unit__slug", "status"))
    assert states == {
        "zhejiang": Status.SUBMITTED,
        "fujian": Status.APPROVED,
        "shenzhen": Status.RETURNED,
        "guangdong": Status.DRAFT,
    }
    assert Plan.objects.filter(is_demo=True).count() == 4
    assert PlanVersion.objects.count() == 3
    assert PlanComment.objects.get().plan.unit.slug == "shenzhen"
    zhejiang = Plan.objects.get(unit__slug="zhejiang")
    assert services.plan_completeness(zhejiang).blockers == []
