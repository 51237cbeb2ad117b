import datetime

from pilots.deadlines import due_date
from pilots.models import Batch, DeadlineKind, Extension


def test_plan_due_is_the_batchs_date_until_the_office_extends_it(
    zhejiang, fujian, office_user
):
    batch = Batch.objects.get(slug="2020")
    assert due_date(batch=batch, unit=zhejiang, kind=DeadlineKind.PLAN) == (
        datetime.date(2020, 4, 15)
    )
    Extension.objects.create(
        batch=batch,
        unit=zhejiang,
        kind=DeadlineKind.PLAN,
        due=datetime.date(2020, 4, 30),
        granted_by=office_user,
    )
    assert due_date(batch=batch, unit=zhejiang, kind=DeadlineKind.PLAN) == (
        datetime.date(2020, 4, 30)
    )
    # Another unit keeps the programme-wide date.
    assert due_date(batch=batch, unit=fujian, kind=DeadlineKind.PLAN) == (
        datetime.date(2020, 4, 15)
    )
