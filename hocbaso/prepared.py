"""Read queries written with the ORM and compiled to SQL once per process.

Building a queryset and compiling it costs ten to twenty times what SQLite or
PostgreSQL take to run a small indexed query (docs/portal.md, "Benchmark"): the
public lookup ran five of them per request. A PreparedQuery is written with the
ORM like any query, so its SQL is the backend's own (quoting, JSON keys, LIMIT),
and compiled at its first use on each database; each call then only runs that
SQL with its arguments and converts the values as the ORM does (dates, bytes).

    by_code = PreparedQuery(
        lambda code: Transcript.objects.filter(lookup_code=code).values("id")[:1],
        str,
    )
    rows = by_code("0123…")  # [{"id": 7}] or []

The builder is called once with a placeholder for each argument (of the kinds
given: str, int or an aware datetime) and must return a ``values()`` queryset in
which each placeholder is exactly one parameter; anything else is refused when
it is compiled, so a query the ORM would write differently for other values (an
``__in`` list, a None) cannot be prepared by mistake.

A PreparedInsert does the same for the one row a request writes (the lookup's
access row): ``Model.save()`` of a new instance, signals included, with the
INSERT compiled once.

It depends on Django alone and sits below every app (records, registry, portal,
season, notices use it), so no app reaches into another's package for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

__all__ = ["PreparedInsert", "PreparedQuery", "PreparedQueryError"]

# Placeholders no query is given for real: a control character in a string, a
# negative id, a datetime in 1901 (inside a 32-bit integer column's range, so the
# ORM does not turn the condition into "always false").
_PLACEHOLDER_OF: dict[type, Callable[[int], Any]] = {
    str: lambda n: f"\x1fprepared-{n}\x1f",
    int: lambda n: -2_000_000_000 - n,
    dt.datetime: lambda n: dt.datetime(1901, 1, 2, 3, 4, 5, 100 + n, dt.UTC),
}


class PreparedQueryError(Exception):
    """The builder's queryset cannot be run with other arguments as compiled."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # position in params → the argument's index and its adapter (None: as given)
    slots: tuple[tuple[int, int, Callable[[Any], Any] | None], ...]
    names: tuple[str, ...]
    # column → the backend's and the fields' converters, and the expression
    converters: dict[int, tuple[list, Any]]


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], *kinds: type) -> None:
        unknown = [k for k in kinds if k not in _PLACEHOLDER_OF]
        if unknown:
            raise PreparedQueryError(f"no placeholder for {unknown}")
        self._build = build
        self._kinds = kinds
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, *args: Any, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
        """The rows as dicts (the names given to ``values()``)."""
        compiled = self._compiled.get(using) or self._compile(using)
        params = list(compiled.params)
        for position, index, adapt in compiled.slots:
            params[position] = args[index] if adapt is None else adapt(args[index])
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return [_converted(row, compiled, connection) for row in rows]

    def _compile(self, using: str) -> _Compiled:
        placeholders = [_PLACEHOLDER_OF[k](n) for n, k in enumerate(self._kinds)]
        query = self._build(*placeholders).query
        if not query.values_select and not query.annotation_select:
            raise PreparedQueryError("the builder must return a values() queryset")
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        columns = [column for column, *_ in compiler.select[: compiler.col_count]]
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=_slots(params, placeholders, connections[using]),
            names=tuple(
                query.selected
                or [*query.extra_select, *query.values_select, *query.annotation_select]
            ),
            converters=compiler.get_converters(columns),
        )
        self._compiled[using] = compiled
        return compiled


def _converted(row: Sequence[Any], compiled: _Compiled, connection) -> dict:
    """The row as the ORM returns it (SQLCompiler.apply_converters), converted
    with this thread's connection."""
    values = list(row[: len(compiled.names)])
    for position, (converters, expression) in compiled.converters.items():
        for convert in converters:
            values[position] = convert(values[position], expression, connection)
    return dict(zip(compiled.names, values, strict=True))


def _slots(params: Sequence[Any], placeholders: list[Any], connection) -> tuple:
    """Where each argument goes in the parameters, found by its placeholder as
    given or as the backend adapted it (SQLite's datetimes are strings)."""
    slots = []
    for index, placeholder in enumerate(placeholders):
        adapt = _adapter(placeholder, connection)
        adapted = adapt(placeholder) if adapt else placeholder
        found = [
            (p, index, None if value == placeholder else adapt)
            for p, value in enumerate(params)
            if value == placeholder or (adapt and value == adapted)
        ]
        if len(found) != 1:
            raise PreparedQueryError(
                f"argument {index} is {len(found)} parameters of the query, not one"
            )
        slots.extend(found)
    return tuple(slots)


def _adapter(placeholder: Any, connection) -> Callable[[Any], Any] | None:
    if isinstance(placeholder, dt.datetime):
        return connection.ops.adapt_datetimefield_value
    return None


# --- one row written ---------------------------------------------------------------


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    returning_params: tuple[Any, ...]
    returns: bool  # the backend gives the new id with RETURNING


class PreparedInsert:
    """Saves a new instance of ``model`` as ``Model.save()`` would, with the
    INSERT the ORM compiled once per database: a lookup writes its access row
    every time, and compiling that INSERT cost as much as running it.

        insert = PreparedInsert(AccessEvent)
        event = insert(AccessEvent(at=now, action="view", ...))  # pk set

    Every concrete field but an automatic primary key is written, each value
    prepared by its field as the ORM prepares it (``get_db_prep_save``: dates,
    JSON); ``pre_save`` and ``post_save`` are sent as ``save()`` sends them, so
    what listens to the model's rows still hears each one. Refused when
    compiled: a model with parents (two tables), a field that changes its value
    on save (``auto_now``) or writes a placeholder of its own.
    """

    def __init__(self, model: type[Model]) -> None:
        self._model = model
        self._fields = [
            f for f in model._meta.local_concrete_fields if not f.primary_key
        ]
        self._compiled: dict[str, _CompiledInsert] = {}

    def __call__(self, instance: Model, *, using: str = DEFAULT_DB_ALIAS) -> Model:
        if type(instance) is not self._model or not instance._state.adding:
            raise PreparedQueryError("only a new instance of the model is inserted")
        compiled = self._compiled.get(using) or self._compile(using)
        instance._prepare_related_fields_for_save(operation_name="save")
        pre_save.send(
            sender=self._model,
            instance=instance,
            raw=False,
            using=using,
            update_fields=None,
        )
        instance.pk = self._execute(instance, compiled, connections[using])
        instance._state.db, instance._state.adding = using, False
        post_save.send(
            sender=self._model,
            instance=instance,
            created=True,
            update_fields=None,
            raw=False,
            using=using,
        )
        return instance

    def _execute(self, instance: Model, compiled: _CompiledInsert, connection) -> Any:
        params = [
            f.get_db_prep_save(getattr(instance, f.attname), connection=connection)
            for f in self._fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [*params, *compiled.returning_params])
            if compiled.returns:
                row = connection.ops.fetch_returned_insert_columns(
                    cursor, compiled.returning_params
                )
                return row[0]
            meta = self._model._meta
            return connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)

    def _compile(self, using: str) -> _CompiledInsert:
        meta = self._model._meta
        refused = [
            f.name
            for f in self._fields
            if getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            or hasattr(f, "get_placeholder")
        ]
        if meta.parents or refused or not isinstance(meta.pk, AutoFieldMixin):
            raise PreparedQueryError(f"cannot prepare the insert of {meta.label}")
        query = InsertQuery(self._model)
        query.insert_values(self._fields, [self._model()])
        compiler = query.get_compiler(using=using)
        connection = connections[using]
        returns = connection.features.can_return_columns_from_insert
        compiler.returning_fields = [meta.pk] if returns else None
        ((sql, params),) = compiler.as_sql()
        returning = tuple(getattr(compiler, "returning_params", ()) or ())
        if len(params) != len(self._fields) + len(returning):
            raise PreparedQueryError(f"the insert of {meta.label} is not one row")
        self._compiled[using] = _CompiledInsert(sql, returning, returns)
        return self._compiled[using]
