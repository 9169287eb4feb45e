"""What the official form prints beside the results (docs/forms.md, docs/packet.md).

SQLite adds a NOT NULL column or a check constraint by rebuilding the table, which
drops its triggers: the lock's triggers of migration 0004 are dropped first and
created again last, so a locked record refuses changes to the new columns too.
"""

import importlib

from django.db import migrations, models

_locks = importlib.import_module("hocbaso.records.migrations.0004_locked_records")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_locked_records"),
    ]

    operations = [
        migrations.RunPython(_locks.drop, _locks.create),
        migrations.AddField(
            model_name="yearlyrecord",
            name="absences_excused",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="days absent with permission"
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="absences_unexcused",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="days absent without permission"
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="certificates",
            field=models.TextField(
                blank=True,
                help_text="One certificate a line.",
                verbose_name="certificates",
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="contests",
            field=models.TextField(blank=True, verbose_name="contests and awards"),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="disability_not_assessed",
            field=models.BooleanField(
                default=False,
                help_text="By the individual education plan (docs/decisions.md).",
                verbose_name="pupil with disabilities not assessed in some subjects",
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="foreign_language",
            field=models.CharField(
                blank=True, max_length=40, verbose_name="foreign language 1"
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="height_cm",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                max_digits=4,
                null=True,
                verbose_name="height (cm)",
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="principal_promotion",
            field=models.BooleanField(
                blank=True, null=True, verbose_name="principal's promotion decision"
            ),
        ),
        migrations.AddField(
            model_name="yearlyrecord",
            name="weight_kg",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                max_digits=4,
                null=True,
                verbose_name="weight (kg)",
            ),
        ),
        migrations.AddConstraint(
            model_name="yearlyrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("height_cm__isnull", True),
                    models.Q(("height_cm__gte", 1), ("height_cm__lte", 250)),
                    _connector="OR",
                ),
                name="records_record_height_1_250",
            ),
        ),
        migrations.AddConstraint(
            model_name="yearlyrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("weight_kg__isnull", True),
                    models.Q(("weight_kg__gte", 1), ("weight_kg__lte", 200)),
                    _connector="OR",
                ),
                name="records_record_weight_1_200",
            ),
        ),
        migrations.RunPython(_locks.create, _locks.drop),
    ]
