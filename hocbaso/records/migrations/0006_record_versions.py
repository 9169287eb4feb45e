"""Versions of a yearly record corrected after the lock (docs/registry.md,
"Correction after the lock"): ``corrects`` names the locked version it corrects,
``version`` counts from 1, ``corrected_identity`` is the identity the version
carries. One record per transcript and year, versions aside.

SQLite rebuilds the table for these columns, which drops its triggers: the lock's
triggers of migration 0004 are dropped first and created again last (as 0005).
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_locks = importlib.import_module("hocbaso.records.migrations.0004_locked_records")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0005_record_form_fields"),
    ]

    operations = [
        migrations.RunPython(_locks.drop, _locks.create),
        migrations.RemoveConstraint(
            model_name="yearlyrecord",
            name="records_one_record_per_transcript_year",
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="corrected_identity",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                verbose_name="corrected identity",
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="corrects",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrected_by",
                to="records.yearlyrecord",
                verbose_name="corrects",
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="version",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="version"
            ),
        ),
        migrations.AddConstraint(
            model_name="yearlyrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("corrects__isnull", True)),
                fields=("transcript", "school_year"),
                name="records_one_record_per_transcript_year",
            ),
        ),
        migrations.RunPython(_locks.create, _locks.drop),
    ]
