import io

from milestones import demo
from pilots.models import Batch, Notification, OutboxEmail, User
from tests.conftest import make_user


def test_demo_seed_is_idempotent_and_marked_demo(zhejiang):
    user = make_user("unit-zhejiang", User.Role.UNIT, unit=zhejiang)
    make_user("office", User.Role.OFFICE)
    batch = Batch.objects.get(slug="2020")
    demo.seed(batch, io.StringIO())
    demo.seed(batch, io.StringIO())
    titles = sorted(Notification.objects.values_list("title", flat=True))
    assert len(titles) == 3
    assert all("演示" in title for title in titles)
    assert list(OutboxEmail.objects.values_list("to", "status")) == [
        (user.email, OutboxEmail.Status.PENDING)
    ]
