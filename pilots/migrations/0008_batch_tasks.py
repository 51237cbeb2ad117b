from django.db import migrations, models


def every_batch_keeps_its_units_tasks(apps, schema_editor):
    """Until now a batch's tasks were all the tasks of its units."""
    Batch = apps.get_model("pilots", "Batch")
    Task = apps.get_model("pilots", "Task")
    for batch in Batch.objects.all():
        batch.tasks.set(Task.objects.filter(unit__in=batch.units.all()))


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0007_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="batch",
            name="tasks",
            field=models.ManyToManyField(
                blank=True,
                related_name="batches",
                to="pilots.task",
                verbose_name="tasks",
            ),
        ),
        migrations.AlterConstraint(
            model_name="batch",
            name="one_current_batch",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)),
                fields=("is_current",),
                name="one_current_batch",
                violation_error_message="Another batch is the current one. Switch batches under Programme settings → Batches, which does it in one step.",
            ),
        ),
        migrations.RunPython(
            every_batch_keeps_its_units_tasks, migrations.RunPython.noop
        ),
    ]
