"""The database itself refuses to change a locked yearly record (R11).

``YearlyRecord.locked_at`` is set by the registry's lock in its transaction. Then, on
PostgreSQL and on SQLite, triggers refuse:
- UPDATE or DELETE of a locked yearly record;
- INSERT, UPDATE or DELETE of its subject rows, packet and signature steps (a row
  moved out of or into a locked record included);
- UPDATE of the identity columns of a student who has a locked record, and the
  student's DELETE;
- UPDATE of a transcript's student, level or lookup code once it has a locked
  record, and its DELETE.
The models refuse first, with a sentence (hocbaso/records/models/locks.py); these
catch a shell, raw SQL or a path that forgets. The lock of records already locked in
the registry when this migration runs is copied from their submissions.
"""

from django.db import migrations, models

MESSAGE = "a locked yearly record cannot change"
IDENTITY = (
    "student_code",
    "personal_id",
    "full_name",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "ethnicity",
    "nationality",
    "home_town",
)
ROWS = ("records_subjectassessment", "records_recordpacket", "records_signaturestep")


def _locked(where: str) -> str:
    # Fixed text of this module only, no input.
    sql = "EXISTS (SELECT 1 FROM records_yearlyrecord r WHERE {} AND {})"
    return sql.format(where, "r.locked_at IS NOT NULL")


def _student_locked() -> str:
    return (
        "EXISTS (SELECT 1 FROM records_transcript t JOIN records_yearlyrecord r "
        "ON r.transcript_id = t.id WHERE t.student_id = OLD.id "
        "AND r.locked_at IS NOT NULL)"
    )


def _differs(columns, distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def _rules():
    """(table, operation, kind, column difference or None, SQLite condition)."""
    transcript = ("student_id", "level", "lookup_code")
    rules = [
        ("records_yearlyrecord", "UPDATE", "record", None, "OLD.locked_at IS NOT NULL"),
        ("records_yearlyrecord", "DELETE", "record", None, "OLD.locked_at IS NOT NULL"),
        ("records_student", "UPDATE", "student", IDENTITY, _student_locked()),
        ("records_student", "DELETE", "student", None, _student_locked()),
        (
            "records_transcript",
            "UPDATE",
            "transcript",
            transcript,
            _locked("r.transcript_id = OLD.id"),
        ),
        (
            "records_transcript",
            "DELETE",
            "transcript",
            None,
            _locked("r.transcript_id = OLD.id"),
        ),
    ]
    old, new = _locked("r.id = OLD.record_id"), _locked("r.id = NEW.record_id")
    for table in ROWS:
        rules += [
            (table, "INSERT", "row", None, new),
            (table, "UPDATE", "row", None, f"{old} OR {new}"),
            (table, "DELETE", "row", None, old),
        ]
    return rules


def _name(table: str, operation: str) -> str:
    return f"{table}_refuse_locked_{operation.lower()}"


def _sqlite(table, operation, _kind, columns, condition):
    if columns:
        condition = f"({_differs(columns, 'IS NOT')}) AND {condition}"
    return (
        f"CREATE TRIGGER {_name(table, operation)} BEFORE {operation} ON {table} "
        f"FOR EACH ROW WHEN {condition} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def _postgres(table, operation, kind, columns, _condition):
    # PostgreSQL allows no subquery in WHEN: the function looks the lock up.
    when = f"WHEN ({_differs(columns, 'IS DISTINCT FROM')}) " if columns else ""
    return (
        f"CREATE TRIGGER {_name(table, operation)} BEFORE {operation} ON {table} "
        f"FOR EACH ROW {when}EXECUTE FUNCTION records_refuse_locked('{kind}')"
    )


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION records_refuse_locked() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    locked boolean := false;
BEGIN
    IF TG_ARGV[0] = 'record' THEN
        locked := OLD.locked_at IS NOT NULL;
    ELSIF TG_ARGV[0] = 'transcript' THEN
        locked := {_locked("r.transcript_id = OLD.id")};
    ELSIF TG_ARGV[0] = 'student' THEN
        locked := {_student_locked()};
    ELSE
        IF TG_OP <> 'INSERT' THEN
            locked := {_locked("r.id = OLD.record_id")};
        END IF;
        IF TG_OP <> 'DELETE' AND NOT locked THEN
            locked := {_locked("r.id = NEW.record_id")};
        END IF;
    END IF;
    IF locked THEN
        RAISE EXCEPTION '{MESSAGE}'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""

BACKFILL = """
UPDATE records_yearlyrecord SET locked_at = (
    SELECT MIN(s.locked_at) FROM registry_submission s
    WHERE s.record_id = records_yearlyrecord.id AND s.state = 'accepted'
    AND s.locked_at IS NOT NULL
) WHERE locked_at IS NULL AND EXISTS (
    SELECT 1 FROM registry_submission s
    WHERE s.record_id = records_yearlyrecord.id AND s.state = 'accepted'
    AND s.locked_at IS NOT NULL
)
"""


def copy_locks(apps, schema_editor):
    # On a new database the registry's tables come later and nothing is locked.
    if "registry_submission" in schema_editor.connection.introspection.table_names():
        schema_editor.execute(BACKFILL, params=None)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        make = _postgres
    elif vendor == "sqlite":
        make = _sqlite
    else:
        raise RuntimeError(f"no lock triggers for {vendor}")
    for rule in _rules():
        schema_editor.execute(make(*rule), params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, operation, *_rest in _rules():
        on_table = f" ON {table}" if vendor == "postgresql" else ""
        name = _name(table, operation)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on_table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS records_refuse_locked()")


class Migration(migrations.Migration):
    dependencies = [("records", "0003_staff_audit_and_department_admin")]

    operations = [
        migrations.AddField(
            model_name="yearlyrecord",
            name="locked_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="locked at"
            ),
        ),
        migrations.RunPython(copy_locks, migrations.RunPython.noop),
        migrations.RunPython(create, drop),
    ]
