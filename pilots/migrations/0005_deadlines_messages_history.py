"""Deadline extensions, notifications and the e-mail outbox move down from
milestones (milestones.0007 lets go of them): how the programme tells people and
which dates bind a unit are the bottom floor's. Their tables keep their names
(db_table), so only Django's state changes. The shared History table is new."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor, source, target, models):
    """Permissions and admin history follow the models to their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(
                app_label=target
            )


def forwards(apps, schema_editor):
    move_content_types(
        apps,
        schema_editor,
        "milestones",
        "pilots",
        ["extension", "notification", "outboxemail"],
    )


def backwards(apps, schema_editor):
    move_content_types(
        apps,
        schema_editor,
        "pilots",
        "milestones",
        ["extension", "notification", "outboxemail"],
    )


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pilots", "0004_column_models_move_out"),
        ("milestones", "0006_default_report_reminder_rules"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Extension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('plan_due', 'Implementation plan'), ('midterm_end', 'Mid-term check material'), ('acceptance_due', 'Acceptance material')], max_length=20, verbose_name='deadline')),
                        ('due', models.DateField(verbose_name='extended until')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('granted_at', models.DateTimeField(auto_now=True, verbose_name='granted at')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extensions', to='pilots.batch')),
                        ('granted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extensions', to='pilots.pilotunit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'deadline extension',
                        'verbose_name_plural': 'deadline extensions',
                        'db_table': 'milestones_extension',
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=50, verbose_name='kind')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='text')),
                        ('url', models.CharField(blank=True, max_length=500, verbose_name='link')),
                        ('dedupe_key', models.CharField(blank=True, max_length=200, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'milestones_notification',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='OutboxEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('to', models.EmailField(max_length=254, verbose_name='to')),
                        ('subject', models.CharField(max_length=300, verbose_name='subject')),
                        ('body', models.TextField(verbose_name='text')),
                        ('html', models.TextField(blank=True, verbose_name='HTML')),
                        ('status', models.CharField(choices=[('pending', 'pending'), ('sent', 'sent'), ('failed', 'failed')], default='pending', max_length=10, verbose_name='status')),
                        ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt at')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('dedupe_key', models.CharField(blank=True, max_length=200, null=True, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                    ],
                    options={
                        'verbose_name': 'outgoing e-mail',
                        'verbose_name_plural': 'outgoing e-mails',
                        'db_table': 'milestones_outboxemail',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='milestones__status_36ec51_idx')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='extension',
                    constraint=models.UniqueConstraint(fields=('batch', 'unit', 'kind'), name='one_extension_per_deadline'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['recipient', 'read_at'], name='milestones__recipie_58e154_idx'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(fields=('recipient', 'dedupe_key'), name='one_notification_per_key'),
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name='History',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField()),
                ('from_state', models.CharField(blank=True, max_length=40, verbose_name='from')),
                ('to_state', models.CharField(max_length=40, verbose_name='to')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'history entry',
                'verbose_name_plural': 'history',
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.AddIndex(
            model_name='history',
            index=models.Index(fields=['content_type', 'object_id', 'at'], name='pilots_hist_content_1849dd_idx'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
