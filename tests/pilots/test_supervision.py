"""The one supervision rule: a department supervises a task when the task's
business domain is one of the department's (TaskQuerySet.supervised_by), and
everything else about supervision is derived from it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pilots.models import BusinessDomain, Department, PilotUnit, Task, User
from pilots.permissions import (
    is_readable,
    readable_task_ids,
    readable_tasks,
    supervises,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# Zhejiang's tasks (pilots/migrations/0002): one 水旱灾害, two 水工程, one 水资源.
ENGINEERING = ["水利工程运行管理数字化平台", "农村水电站管理数字化平台"]


def _titles(tasks):
    return sorted(tasks.values_list("title", flat=True))


def test_tasks_supervised_by_a_department_are_those_of_its_domains(zhejiang):
    operation = Department.objects.get(slug="operation")

    assert _titles(zhejiang.tasks.supervised_by(operation)) == sorted(ENGINEERING)
    assert _titles(zhejiang.tasks.supervised_by(operation.pk)) == sorted(ENGINEERING)


def test_tasks_supervised_by_follow_a_domain_given_to_the_department(zhejiang):
    operation = Department.objects.get(slug="operation")
    operation.business_domains.add(BusinessDomain.objects.get(slug="resources"))

    assert _titles(zhejiang.tasks.supervised_by(operation)) == sorted(
        [*ENGINEERING, "城乡清洁供水数字化管理系统"]
    )


def test_tasks_supervised_by_a_department_without_domains_are_none():
    department = Department.objects.create(slug="new", name="新司局")

    assert not Task.objects.supervised_by(department).exists()


def test_units_supervised_by_a_department_have_one_of_its_tasks():
    operation = Department.objects.get(slug="operation")

    units = PilotUnit.objects.supervised_by(operation)

    # 水工程 tasks: Shenzhen's, Zhejiang's two, Guangdong's; each unit once.
    assert sorted(units.values_list("slug", flat=True)) == [
        "guangdong",
        "shenzhen",
        "zhejiang",
    ]


def test_supervises_a_unit_only_a_department_with_one_of_its_tasks(
    zhejiang, fujian, department_user, office_user, unit_user, expert_user
):
    assert supervises(department_user, zhejiang) is True
    assert supervises(department_user, fujian) is False
    for user in (office_user, unit_user, expert_user, AnonymousUser()):
        assert supervises(user, zhejiang) is False


def test_readable_tasks_of_a_department_are_those_it_supervises(
    zhejiang, department_user, office_user, unit_user, expert_user
):
    supervised = set(
        zhejiang.tasks.filter(title__in=ENGINEERING).values_list("pk", flat=True)
    )

    assert readable_task_ids(department_user, zhejiang) == supervised
    assert _titles(readable_tasks(department_user, zhejiang)) == sorted(ENGINEERING)
    for user in (office_user, unit_user, expert_user):
        assert readable_task_ids(user, zhejiang) is None
        assert readable_tasks(user, zhejiang).count() == 4


def test_is_readable_keeps_unit_wide_rows_and_the_readers_tasks():
    assert is_readable(None, set()) is True
    assert is_readable(7, {7}) is True
    assert is_readable(8, {7}) is False
    assert is_readable(8, None) is True


def test_users_supervising_a_unit_are_its_departments_active_members(
    zhejiang, fujian, department_user, office_user
):
    operation = Department.objects.get(slug="operation")
    make_user(
        "operation-left",
        User.Role.DEPARTMENT,
        department=operation,
        is_active=False,
    )
    supervision = make_user(
        "supervision-persona",
        User.Role.DEPARTMENT,
        department=Department.objects.get(slug="supervision"),
    )

    # Zhejiang has two 水工程 tasks: the member is listed once.
    assert list(User.objects.supervising(zhejiang)) == [department_user]
    assert list(User.objects.supervising(fujian.pk)) == [supervision]
