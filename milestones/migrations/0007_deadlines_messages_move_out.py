"""Extensions, notifications and the outbox now belong to pilots (pilots.0005
took them over); their tables stay. State only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("milestones", "0006_default_report_reminder_rules"),
        ("pilots", "0005_deadlines_messages_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='extension',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='extension',
                    name='granted_by',
                ),
                migrations.RemoveField(
                    model_name='extension',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.DeleteModel(
                    name='OutboxEmail',
                ),
                migrations.DeleteModel(
                    name='Extension',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
            ],
            database_operations=[],
        ),
    ]
