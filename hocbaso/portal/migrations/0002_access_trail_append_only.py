"""The audit trail of transcript access is append-only in the database itself
(domain.md §9): triggers refuse every UPDATE and DELETE of an access event, on
PostgreSQL and on SQLite, as registry migration 0002 does for the registry. The
application only ever inserts; these catch a bug, a shell or raw SQL."""

from django.db import migrations

TABLE = "portal_accessevent"
MESSAGE = "the access trail is append-only"
OPERATIONS = ("UPDATE", "DELETE")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0]
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def _name(operation: str) -> str:
    return f"{TABLE}_refuse_{operation.lower()}"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for operation in OPERATIONS:
            schema_editor.execute(
                f"CREATE TRIGGER {_name(operation)} BEFORE {operation} ON {TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION portal_refuse_change('{MESSAGE}')",
                params=None,
            )
    elif vendor == "sqlite":
        for operation in OPERATIONS:
            schema_editor.execute(
                f"CREATE TRIGGER {_name(operation)} BEFORE {operation} ON {TABLE} "
                f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
                params=None,
            )
    else:
        raise RuntimeError(f"no append-only triggers for {vendor}")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    on_table = f" ON {TABLE}" if vendor == "postgresql" else ""
    for operation in OPERATIONS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(operation)}{on_table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS portal_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
