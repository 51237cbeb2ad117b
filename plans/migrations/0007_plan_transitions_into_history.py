"""Plan transitions join the one history every workflow shares (pilots.History):
each PlanTransition row becomes a History row of its plan, with its from, to, who,
when (the timestamp kept) and its comment as the note. 0007 then drops the old
table. Reversible: the rows go back where they came from."""

from django.db import migrations


def into_history(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    History = apps.get_model("pilots", "History")
    PlanTransition = apps.get_model("plans", "PlanTransition")
    plan_type, _created = ContentType.objects.get_or_create(
        app_label="plans", model="plan"
    )
    History.objects.bulk_create(
        (
            History(
                content_type=plan_type,
                object_id=transition.plan_id,
                from_state=transition.from_status,
                to_state=transition.to_status,
                by_id=transition.by_id,
                at=transition.at,
                note=transition.comment,
            )
            for transition in PlanTransition.objects.order_by("at", "pk").iterator()
        ),
        batch_size=1000,
    )


def back_to_transitions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    History = apps.get_model("pilots", "History")
    PlanTransition = apps.get_model("plans", "PlanTransition")
    plan_type = ContentType.objects.filter(app_label="plans", model="plan").first()
    if plan_type is None:
        return
    rows = History.objects.filter(content_type=plan_type).order_by("at", "pk")
    transitions = PlanTransition.objects.bulk_create(
        [
            PlanTransition(
                plan_id=row.object_id,
                from_status=row.from_state,
                to_status=row.to_state,
                by_id=row.by_id,
                comment=row.note,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    # `at` is auto_now_add, which stamps now on create: put the times back after.
    for transition, row in zip(transitions, rows, strict=True):
        transition.at = row.at
    PlanTransition.objects.bulk_update(transitions, ["at"], batch_size=1000)
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pilots", "0005_deadlines_messages_history"),
        ("plans", "0006_attachment_base"),
    ]

    operations = [migrations.RunPython(into_history, back_to_transitions)]
