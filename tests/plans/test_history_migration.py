"""plans 0007/0008: PlanTransition rows become rows of the shared History, with
their times, and come back on the way down."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pilots.models import History
from plans.models import Plan

BEFORE = [("plans", "0006_attachment_base")]
SUBMITTED_AT = datetime.datetime(2020, 4, 10, 2, 0, tzinfo=datetime.UTC)
RETURNED_AT = datetime.datetime(2020, 4, 20, 8, 30, tzinfo=datetime.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _old_apps(executor):
    """The models at the old plans state, beside today's pilots (its newest
    migrations stay applied while plans goes back)."""
    pilots = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] == "pilots"
    ]
    return executor.loader.project_state(BEFORE + pilots).apps


def _old_transitions(executor):
    """At the old state: a plan with two transitions at known times."""
    apps = _old_apps(executor)
    User = apps.get_model("pilots", "User")
    PilotUnit = apps.get_model("pilots", "PilotUnit")
    Batch = apps.get_model("pilots", "Batch")
    OldPlan = apps.get_model("plans", "Plan")
    PlanTransition = apps.get_model("plans", "PlanTransition")
    zhejiang = PilotUnit.objects.get(slug="zhejiang")
    member = User.objects.create(username="old-member", role="unit", unit=zhejiang)
    office = User.objects.create(username="old-office", role="office")
    plan = OldPlan.objects.create(
        batch=Batch.objects.order_by("pk").first(), unit=zhejiang, status="returned"
    )
    for from_status, to_status, by, at, comment in [
        ("draft", "submitted", member, SUBMITTED_AT, ""),
        ("submitted", "returned", office, RETURNED_AT, "退回修改: 请补充"),
    ]:
        transition = PlanTransition.objects.create(
            plan=plan,
            from_status=from_status,
            to_status=to_status,
            by=by,
            comment=comment,
        )
        # auto_now_add stamped now: back to the time it happened.
        PlanTransition.objects.filter(pk=transition.pk).update(at=at)
    return plan.pk, member.pk, office.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plan_transitions_move_into_history_and_back():
    latest = _latest()
    try:
        executor = _migrate(BEFORE)
        plan_pk, member_pk, office_pk = _old_transitions(executor)

        _migrate(latest)

        history = History.objects.filter(
            content_type=ContentType.objects.get_for_model(Plan), object_id=plan_pk
        )
        assert list(
            history.values_list("from_state", "to_state", "by_id", "at", "note")
        ) == [
            ("draft", "submitted", member_pk, SUBMITTED_AT, ""),
            ("submitted", "returned", office_pk, RETURNED_AT, "退回修改: 请补充"),
        ]
        assert "plans_plantransition" not in connection.introspection.table_names()

        executor = _migrate(BEFORE)
        apps = _old_apps(executor)
        PlanTransition = apps.get_model("plans", "PlanTransition")
        assert list(
            PlanTransition.objects.filter(plan_id=plan_pk)
            .order_by("at")
            .values_list("from_status", "to_status", "by_id", "at", "comment")
        ) == [
            ("draft", "submitted", member_pk, SUBMITTED_AT, ""),
            ("submitted", "returned", office_pk, RETURNED_AT, "退回修改: 请补充"),
        ]
        assert not History.objects.filter(
            content_type=ContentType.objects.get_for_model(Plan), object_id=plan_pk
        ).exists()
    finally:
        # Whatever happened, later tests find the database at the latest state.
        _migrate(latest)
    assert MigrationExecutor(connection).migration_plan(latest) == []
