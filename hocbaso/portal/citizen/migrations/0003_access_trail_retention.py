"""The access trail stays append-only, except that an access event older than the
trail's retention floor may be deleted (docs/privacy.md, "Retention"): the DELETE
trigger of portal migration 0002 is made again, under the same name, with a
condition on the event's age, on PostgreSQL and on SQLite. UPDATE stays refused
whatever the age. The floor is written here, in the database, so that no setting
can shorten the trail below it (retention.ACCESS_TRAIL_MIN_YEARS, the same number).
"""

from django.db import migrations

TABLE = "portal_accessevent"
NAME = f"{TABLE}_refuse_delete"
MESSAGE = "the access trail is append-only"
FLOOR_YEARS = 5


def statements(vendor: str) -> list[str]:
    """The SQL that makes the trigger again (also run by the retention tests)."""
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}",
            f"CREATE TRIGGER {NAME} BEFORE DELETE ON {TABLE} FOR EACH ROW "
            f"WHEN (OLD.at > now() - interval '{FLOOR_YEARS} years') "
            f"EXECUTE FUNCTION portal_refuse_change('{MESSAGE}')",
        ]
    if vendor == "sqlite":
        # Django keeps SQLite datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]',
        # which compares as text with datetime()'s own format.
        return [
            f"DROP TRIGGER IF EXISTS {NAME}",
            f"CREATE TRIGGER {NAME} BEFORE DELETE ON {TABLE} FOR EACH ROW "
            f"WHEN OLD.at > datetime('now', '-{FLOOR_YEARS} years') "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        ]
    raise RuntimeError(f"no append-only triggers for {vendor}")


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def restore(apps, schema_editor):
    """Back to portal 0002's trigger: every DELETE refused."""
    vendor = schema_editor.connection.vendor
    on_table = f" ON {TABLE}" if vendor == "postgresql" else ""
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}{on_table}")
    if vendor == "postgresql":
        body = f"EXECUTE FUNCTION portal_refuse_change('{MESSAGE}')"
    else:
        body = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    schema_editor.execute(
        f"CREATE TRIGGER {NAME} BEFORE DELETE ON {TABLE} FOR EACH ROW {body}",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("citizen", "0002_consent_and_correction_requests"),
        ("portal", "0002_access_trail_append_only"),
    ]

    operations = [migrations.RunPython(create, restore)]
