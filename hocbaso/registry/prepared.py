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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

__all__ = ["PreparedQuery", "PreparedQueryError"]

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
