"""The database itself refuses to change what is locked or append-only (R2, R11).

Triggers on PostgreSQL and on SQLite:
- a submission is never deleted (every submission is kept, R12), and a locked or
  withdrawn one is never updated (a locked record is effective and final, R11);
- the ledger's entries, subtree hashes and checkpoints, the stored bytes, the locks,
  the unit reports and the audit trail are append-only: no UPDATE, no DELETE;
- the ledger head (the row appends lock) is not covered: it only counts the entries
  and is rebuilt from them when missing (ledger_store.lock_head).
The application refuses first, with a clear error; these catch everything else (a
bug, a shell, raw SQL). TRUNCATE is a table owner's privilege and is not covered:
the application's database role must not own the tables in production
(docs/registry.md).
"""

from django.db import migrations

APPEND_ONLY = [
    "registry_blob",
    "registry_ledgerentry",
    "registry_ledgernode",
    "registry_ledgercheckpoint",
    "registry_roundlock",
    "registry_schoolroundlock",
    "registry_unitreport",
    "registry_auditevent",
]
SUBMISSION_FINAL = "OLD.locked_at IS NOT NULL OR OLD.state <> 'accepted'"


def _sqlite(table, operation, when, message):
    name = f"{table}_refuse_{operation.lower()}"
    condition = f"WHEN {when} " if when else ""
    return (
        f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW "
        f"{condition}BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def _postgres(table, operation, when, message):
    name = f"{table}_refuse_{operation.lower()}"
    condition = f"WHEN ({when}) " if when else ""
    return (
        f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW "
        f"{condition}EXECUTE FUNCTION registry_refuse_change('{message}')"
    )


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0]
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def _rules():
    """(table, operation, condition, message) of every trigger."""
    rules = [
        ("registry_submission", "DELETE", None, "a submission is kept for good"),
        (
            "registry_submission",
            "UPDATE",
            SUBMISSION_FINAL,
            "a locked or withdrawn submission cannot change",
        ),
    ]
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            rules.append((table, operation, None, f"{table} is append-only"))
    return rules


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        make = _postgres
    elif vendor == "sqlite":
        make = _sqlite
    else:
        raise RuntimeError(f"no immutability triggers for {vendor}")
    for rule in _rules():
        schema_editor.execute(make(*rule), params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, operation, _when, _message in _rules():
        name = f"{table}_refuse_{operation.lower()}"
        on_table = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on_table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS registry_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
