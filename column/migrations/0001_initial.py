"""The public column's models, taken over from pilots (pilots.0004 lets go of
them). Their tables were made by pilots and keep their names (db_table): this
changes only Django's state, and moves the content types so that permissions and
admin history follow."""

import django.db.models.deletion
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


MODELS = ["newspost", "newsimage", "publicnotice", "publicmessage"]


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "pilots", "column", MODELS)


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "column", "pilots", MODELS)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pilots", "0003_batch_promotion_public_column"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='NewsPost',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=120, verbose_name='title')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='address')),
                        ('summary', models.CharField(max_length=300, verbose_name='summary')),
                        ('body', models.TextField(verbose_name='text')),
                        ('category', models.CharField(choices=[('progress', 'Work progress'), ('results', 'Results and effects')], default='progress', max_length=10, verbose_name='category')),
                        ('publish_at', models.DateTimeField(blank=True, null=True, verbose_name='publish at')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('tasks', models.ManyToManyField(blank=True, related_name='news', to='pilots.task', verbose_name='tasks')),
                        ('units', models.ManyToManyField(blank=True, related_name='news', to='pilots.pilotunit', verbose_name='units')),
                    ],
                    options={
                        'verbose_name': 'news post',
                        'verbose_name_plural': 'news posts',
                        'db_table': 'pilots_newspost',
                        'ordering': ['-publish_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='NewsImage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('image', models.FileField(upload_to='news/%Y/%m/', verbose_name='image')),
                        ('alt', models.CharField(max_length=200, verbose_name='description for screen readers')),
                        ('caption', models.CharField(blank=True, max_length=200, verbose_name='caption')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='images', to='column.newspost')),
                    ],
                    options={
                        'verbose_name': 'news image',
                        'verbose_name_plural': 'news images',
                        'db_table': 'pilots_newsimage',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PublicNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=120, verbose_name='title')),
                        ('body', models.TextField(verbose_name='text')),
                        ('starts_on', models.DateField(verbose_name='notice period from')),
                        ('ends_on', models.DateField(verbose_name='notice period to')),
                        ('published', models.BooleanField(default=False, verbose_name='published')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('units', models.ManyToManyField(blank=True, related_name='notices', to='pilots.pilotunit', verbose_name='units')),
                    ],
                    options={
                        'verbose_name': 'public notice',
                        'verbose_name_plural': 'public notices',
                        'db_table': 'pilots_publicnotice',
                        'ordering': ['-starts_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PublicMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('suggestion', 'Suggestion'), ('question', 'Question'), ('objection', 'Objection to a public notice')], default='suggestion', max_length=12, verbose_name='kind')),
                        ('name', models.CharField(max_length=60, verbose_name='name')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('subject', models.CharField(max_length=120, verbose_name='subject')),
                        ('body', models.TextField(verbose_name='message')),
                        ('status', models.CharField(choices=[('pending', 'Waiting for moderation'), ('published', 'Published with the answer'), ('answered', 'Answered privately'), ('rejected', 'Rejected')], default='pending', max_length=10, verbose_name='status')),
                        ('answer', models.TextField(blank=True, verbose_name='answer')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('client_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='received at')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pilots.pilotunit', verbose_name='about unit')),
                        ('notice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='objections', to='column.publicnotice', verbose_name='public notice')),
                    ],
                    options={
                        'verbose_name': 'public message',
                        'verbose_name_plural': 'public messages',
                        'db_table': 'pilots_publicmessage',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='newspost',
                    index=models.Index(fields=['publish_at', 'withdrawn_at'], name='pilots_news_publish_0a984e_idx'),
                ),
                migrations.AddConstraint(
                    model_name='publicnotice',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='notice_ends_after_start'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
