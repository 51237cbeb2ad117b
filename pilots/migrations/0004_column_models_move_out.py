"""The public column's models move to the column app (column.0001 takes them
over). Their tables stay where they are (db_table), so this changes only
Django's state: no row moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("pilots", "0003_batch_promotion_public_column"),
        ("column", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='newspost',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='newspost',
                    name='tasks',
                ),
                migrations.RemoveField(
                    model_name='newspost',
                    name='units',
                ),
                migrations.RemoveField(
                    model_name='publicmessage',
                    name='answered_by',
                ),
                migrations.RemoveField(
                    model_name='publicmessage',
                    name='notice',
                ),
                migrations.RemoveField(
                    model_name='publicmessage',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='publicnotice',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='publicnotice',
                    name='units',
                ),
                migrations.DeleteModel(
                    name='NewsImage',
                ),
                migrations.DeleteModel(
                    name='NewsPost',
                ),
                migrations.DeleteModel(
                    name='PublicMessage',
                ),
                migrations.DeleteModel(
                    name='PublicNotice',
                ),
            ],
            database_operations=[],
        ),
    ]
