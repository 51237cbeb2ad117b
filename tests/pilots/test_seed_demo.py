import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pilots.models import Batch, User


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_accounts_for_every_role_and_a_live_batch(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    names = set(User.objects.values_list("username", flat=True))
    assert {"office", "department", "expert1", "expert2", "expert3"} <= names
    assert {f"unit-{s}" for s in ("zhejiang", "shenzhen", "suzhou")} <= names
    assert User.objects.filter(role=User.Role.UNIT).count() == 11
    assert User.objects.get(username="office").check_password("demo12345")
    assert User.objects.get(username="expert3").affiliation.slug == "shenzhen"

    demo = Batch.objects.current()
    assert demo.is_demo and demo.slug == "demo"
    today = timezone.localdate()
    # The implementation phase: plans long due, the mid-term window open now.
    assert demo.plan_due == today - datetime.timedelta(days=240)
    assert demo.implementation_start < today < demo.implementation_end
    assert demo.midterm_start < today < demo.midterm_end
    assert demo.acceptance_due == today + datetime.timedelta(days=400)
    assert demo.units.count() == 11


def test_seed_demo_twice_keeps_the_data(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    office = User.objects.get(username="office")
    office.set_password("changed-by-the-user-1")
    office.save()
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.filter(username="office").count() == 1
    assert Batch.objects.filter(slug="demo").count() == 1
    assert User.objects.get(username="office").check_password("changed-by-the-user-1")
