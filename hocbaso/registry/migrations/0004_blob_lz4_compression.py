"""Stored packets and packages compressed with LZ4 on PostgreSQL.

PostgreSQL compresses large values (TOAST) with pglz unless told otherwise. The
registry stores every packet and package as received, gigabytes in a district's
round: pglz spent about four times the server's CPU of LZ4 on them and compressed
them less (measured on the pilot district's packets, docs/registry.md). Values
stored before keep their compression; both read the same. A server built without
LZ4 keeps pglz (the change is skipped with a notice). Nothing changes on SQLite.
"""

from django.db import migrations

_LZ4 = """
DO $$
BEGIN
    ALTER TABLE registry_blob ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'registry_blob.data keeps the default compression: %', SQLERRM;
END
$$;
"""
_DEFAULT = "ALTER TABLE registry_blob ALTER COLUMN data SET COMPRESSION default;"


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_api_token")]

    operations = [
        migrations.RunPython(_on_postgresql(_LZ4), _on_postgresql(_DEFAULT)),
    ]
