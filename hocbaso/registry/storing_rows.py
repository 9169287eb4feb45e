"""Rows inserted from plain values: one statement, its SQL written once per process.

``bulk_create`` builds a model instance per row, then compiles a new INSERT each
time, preparing every value of every field on the way: storing a class package
spent more CPU in it than in the rows' own work (docs/scaling.md, "Storing a
record"). A RowInsert names a model's columns once; each call takes tuples of
values in that order (foreign keys as ids) and runs one statement for them all:

    results = RowInsert(RecordResult, ("receipt_id", "position", ...))
    results([(7, 1, ...), (7, 2, ...)])

On PostgreSQL the statement reads one array per column (``UNNEST``, as Django's
own bulk insert does), so its text is the same for any number of rows, and the
arrays go apart from the SQL, in binary (``bound_cursor``). On SQLite it is a
multi-row VALUES, batched under the variable limit. Values are adapted as
the ORM adapts them (datetimes, JSON, bytes) by the field itself, and as given for
the fields whose adaptation is the identity (text, integers, booleans, ids).

Every column the model has is written: one left out is filled with its field's
default when that default is a constant, and refused when it is computed (a
random id drawn once for every row would be a silent bug).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model

from hocbaso.registry.models import Blob

__all__ = [
    "RowInsert",
    "RowInsertError",
    "bound_cursor",
    "insert_together",
    "stored_bytes",
]

# Types whose get_db_prep_save returns the Python value unchanged.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


class RowInsertError(Exception):
    """The columns named cannot be written as given (a programming error)."""


class RowInsert:
    def __init__(
        self,
        model: type[Model],
        columns: Sequence[str],
        *,
        ignore_conflicts: bool = False,
        returning: Sequence[str] = (),
    ) -> None:
        opts = model._meta
        by_attname = {f.attname: f for f in opts.concrete_fields}
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise RowInsertError(f"{model.__name__} has no column {unknown}")
        self._fields = [by_attname[c] for c in columns]
        self._filled = [
            f
            for f in opts.concrete_fields
            if f.attname not in columns and f is not opts.auto_field
        ]
        for f in self._filled:
            if f.has_default() and callable(f.default):
                raise RowInsertError(f"{model.__name__}.{f.attname} needs a value")
        self._table = opts.db_table
        self._ignore = ignore_conflicts
        self._returning = [by_attname[c] for c in returning]
        if any(f.get_internal_type() == "DateTimeField" for f in self._returning):
            # bound_cursor reads times without the time zone Django's sets
            raise RowInsertError("a time cannot be returned")
        self._sql: dict[tuple[str, int], str] = {}

    def __call__(
        self, rows: Sequence[Sequence[Any]], *, using: str = DEFAULT_DB_ALIAS
    ) -> list[tuple]:
        """Insert the rows; the ``returning`` columns of each, in the rows' order
        (as Django's bulk_create relies on), or [] without them."""
        if not rows:
            return []
        connection = connections[using]
        fields, values = self._adapted(rows, connection)
        if connection.vendor == "postgresql":
            sql, params = self._unnest(connection, fields, values)
            return _run(connection, sql, params, bound=True, rows=bool(self._returning))
        return self._values(connection, fields, values)

    def single(
        self, row: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS
    ) -> tuple[str, list]:
        """PostgreSQL: the INSERT of one row as SQL and parameters, not run, for
        ``insert_together``: each value a parameter of its own, in binary, not a
        one-element array (dumping an array looks at its elements' types: about
        a millisecond of CPU for a receipt's three rows)."""
        connection = connections[using]
        fields, [values] = self._adapted([row], connection)
        key = (connection.alias, -1)
        if key not in self._sql:
            marks = ", ".join(["%b"] * len(fields))
            self._sql[key] = self._statement(connection, fields, f"VALUES ({marks})")
        return self._sql[key], values

    def _adapted(self, rows, connection) -> tuple[list[Field], list[list]]:
        if any(len(row) != len(self._fields) for row in rows):
            raise RowInsertError(f"each row has {len(self._fields)} values")
        fields = [*self._fields, *self._filled]
        constants = [f.get_default() for f in self._filled]
        values = [[*row, *constants] for row in rows]
        for column, adapt in _adapters(fields, connection):
            for row in values:
                row[column] = adapt(row[column])
        return fields, values

    def _unnest(self, connection, fields: list[Field], values: list):
        key = (connection.alias, 0)
        if key not in self._sql:
            # varchar, not varchar(n): a value too long fails instead of being cut
            types = [f.db_type(connection).split("(")[0] for f in fields]
            arrays = ", ".join(f"(%b)::{t}[]" for t in types)
            # the model's own column types, no value: S608 does not apply
            rows = f"SELECT * FROM UNNEST({arrays})"  # noqa: S608
            self._sql[key] = self._statement(connection, fields, rows)
        columns = [list(column) for column in zip(*values, strict=True)]
        return self._sql[key], columns

    def _values(self, connection, fields: list[Field], values: list) -> list[tuple]:
        limit = max(1, connection.features.max_query_params // len(fields))
        found: list[tuple] = []
        for start in range(0, len(values), limit):
            batch = values[start : start + limit]
            key = (connection.alias, len(batch))
            if key not in self._sql:
                row = "(" + ", ".join(["%s"] * len(fields)) + ")"
                self._sql[key] = self._statement(
                    connection, fields, "VALUES " + ", ".join([row] * len(batch))
                )
            params = list(chain.from_iterable(batch))
            found += _run(
                connection, self._sql[key], params, rows=bool(self._returning)
            )
        return found

    def _statement(self, connection, fields: list[Field], rows: str) -> str:
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        sqlite = connection.vendor == "sqlite"
        verb = "INSERT OR IGNORE INTO" if self._ignore and sqlite else "INSERT INTO"
        sql = f"{verb} {quote(self._table)} ({names}) {rows}"
        if self._ignore and not sqlite:
            sql += " ON CONFLICT DO NOTHING"
        if self._returning:
            sql += " RETURNING " + ", ".join(quote(f.column) for f in self._returning)
        return sql


def _run(connection, sql: str, params: list, *, bound=False, rows=False) -> list[tuple]:
    cursor = bound_cursor(connection) if bound else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()] if rows else []


def insert_together(
    last: tuple[str, list], *first: tuple[str, list], using: str = DEFAULT_DB_ALIAS
) -> list[tuple]:
    """PostgreSQL: ``single`` INSERTs run as one statement, all or none (the
    ``first`` as WITH clauses, then ``last``); the rows ``last`` returns.

    One round trip instead of one per table and two more for BEGIN and COMMIT:
    what a request waits for when the server's cores are busy. A clause's rows
    are not visible to the others (one snapshot): a foreign key between them is
    checked at the commit (Django's are deferred)."""
    clauses = ", ".join(f"w{n} AS ({sql})" for n, (sql, _) in enumerate(first))
    sql = f"WITH {clauses} {last[0]}" if first else last[0]
    params = [p for _, values in (*first, last) for p in values]
    return _run(connections[using], sql, params, bound=True, rows=True)


_STORED_BYTES = 'SELECT "sha256", "data" FROM "registry_blob" WHERE "sha256" = ANY(%s)'


def stored_bytes(digests: Sequence[str]) -> dict[str, bytes]:
    """SHA-256 → the stored bytes (``Blob``) of those found, in one query; on
    PostgreSQL read in binary (``bound_cursor``), not as hex for both sides to
    convert: a worker reads each class package it answers, megabytes."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        found = Blob.objects.in_bulk(list(digests))
        return {sha: bytes(blob.data) for sha, blob in found.items()}
    with bound_cursor(connection, binary=True) as cursor:
        cursor.execute(_STORED_BYTES, [list(digests)])
        return {sha: bytes(data) for sha, data in cursor.fetchall()}


def bound_cursor(connection, *, binary: bool = False):
    """A cursor of Django's connection (same transaction) that sends parameters
    apart from the SQL, in binary. Django's own cursor writes each value into the
    SQL's text: a class package's 1.6 MB of packets became 3.2 MB of hex for the
    client to encode and the server to parse, and every array a quoted literal,
    under the ledger head's lock. Wrapped as Django wraps its cursors (the query
    log, the execute wrappers, its database errors)."""
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
        if binary:  # its rows read in binary too
            cursor.format = psycopg.pq.Format.BINARY
        return connection._prepare_cursor(cursor)


def _adapters(fields: list[Field], connection) -> list[tuple[int, Callable]]:
    """(column, adapter) of the columns whose values the ORM would change."""
    found = []
    for column, field in enumerate(fields):
        target = field.target_field if field.is_relation else field
        if target.get_internal_type() not in _AS_IS:
            found.append(
                (column, partial(field.get_db_prep_save, connection=connection))
            )
    return found
