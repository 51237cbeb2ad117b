"""Archival copies and proof of integrity: a version records the SHA-256 of its
frozen content, a plan PDF may be a version's archival copy (PDF/A) with the
SHA-256 of its file. The versions submitted before get their content hash here,
computed by the same canonical function as a submission
(plans.archive.content_sha256); their archival PDFs are queued afterwards by
`manage.py queue_archives` (rendering needs the worker, not a migration)."""

from django.conf import settings
from django.db import migrations, models

from plans.archive import content_sha256


def hash_contents(apps, schema_editor):
    PlanVersion = apps.get_model("plans", "PlanVersion")
    versions = PlanVersion.objects.filter(content_sha256="").only("content")
    changed = []
    for version in versions.iterator(chunk_size=500):
        version.content_sha256 = content_sha256(version.content)
        changed.append(version)
        if len(changed) == 500:
            PlanVersion.objects.bulk_update(changed, ["content_sha256"])
            changed = []
    PlanVersion.objects.bulk_update(changed, ["content_sha256"])


class Migration(migrations.Migration):

    dependencies = [
        ('pilots', '0008_batch_tasks'),
        ('plans', '0012_pdf_queue_and_attempts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='planpdf',
            name='archive',
            field=models.CharField(blank=True, choices=[('', 'Not an archival copy'), ('submitted', 'As submitted'), ('approved', 'As approved')], default='', max_length=10, verbose_name='archival copy'),
        ),
        migrations.AddField(
            model_name='planpdf',
            name='file_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='SHA-256 of the file'),
        ),
        migrations.AddField(
            model_name='planversion',
            name='content_sha256',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='SHA-256 of the content'),
        ),
        migrations.AddConstraint(
            model_name='planpdf',
            constraint=models.UniqueConstraint(condition=models.Q(('archive', ''), _negated=True), fields=('version', 'archive'), name='one_archival_pdf_per_version_and_kind'),
        ),
        migrations.AddConstraint(
            model_name='planpdf',
            constraint=models.CheckConstraint(condition=models.Q(('archive', ''), ('version__isnull', False), _connector='OR'), name='archival_pdf_of_a_version'),
        ),
        # Backwards the column goes, and its values with it: nothing to undo.
        migrations.RunPython(hash_contents, migrations.RunPython.noop),
    ]
