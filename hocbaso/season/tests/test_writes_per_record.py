"""The database writes of one accepted record, counted from the query log
(docs/scaling.md, "Where PostgreSQL becomes the limit").

One class package goes the production way: the API's request stores the receipt
and enqueues its answer, a worker claims and answers it, then the school's round
is locked. Every INSERT, UPDATE and DELETE is counted with the rows it touched,
per table; ``-s`` prints the table the document quotes. The bound fails the test
when a change adds writes to every record, so the figure is looked at again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.package import build_package
from hocbaso.season.tasks import answer_later
from hocbaso.season.tests.support import run_ready

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
ROW_WRITES_PER_RECORD = 18  # 3 records: 14.3 SQLite, 16.0 PostgreSQL (docs/scaling.md)


class WriteLog:
    """Statements and rows written, per (verb, table), by the wrapped calls.

    UPDATE and DELETE rows are the cursor's rowcount; an INSERT's rows are the
    table's count after less before (a bulk INSERT … RETURNING reports no
    reliable rowcount on SQLite, and PostgreSQL's goes through UNNEST)."""

    def __init__(self) -> None:
        self.statements: Counter[tuple[str, str]] = Counter()
        self.rows: Counter[tuple[str, str]] = Counter()

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        found = WRITE.match(sql)
        if found:
            key = (found.group(1).split()[0].upper(), found.group(2))
            self.statements[key] += 1
            if key[0] != "INSERT":
                self.rows[key] += context["cursor"].rowcount
        return result

    def count_inserts(self, before: dict[str, int], after: dict[str, int]) -> None:
        for verb, table in list(self.statements):
            if verb == "INSERT":
                deleted = self.rows[("DELETE", table)]
                self.rows[(verb, table)] = after[table] - before[table] + deleted

    def total_rows(self) -> int:
        return sum(self.rows.values())


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            name = connection.ops.quote_name(table)  # from the introspection
            cursor.execute(f"SELECT COUNT(*) FROM {name}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _measured(step) -> WriteLog:
    log, before = WriteLog(), _counts()
    with connection.execute_wrapper(log):
        step()
    log.count_inserts(before, _counts())
    return log


def test_the_writes_of_an_accepted_record_are_counted(queue, district, primary_clerk):
    records = district.records(district.primary, Round.MAIN)
    school = district.primary.school
    package = build_package(
        [district.packet(r) for r in records],
        school_code=school.code,
        school_year=district.year.name,
        class_name=district.primary.name,
    )
    clock = fixed_clock(district.open_at)

    def request():
        receipt = actions.submit(
            package, school=school, actor=primary_clerk, clock=clock, process=False
        )
        answer_later(receipt)

    def lock():
        at = district.open_at + dt.timedelta(days=1)
        actions.lock_round(
            district.year.name, "main", scope=school,
            actor=Actor.system("tests"), at=at, clock=fixed_clock(at),
        )  # fmt: skip

    logs = {
        "request": _measured(request),
        "worker": _measured(lambda: run_ready()),
        "lock": _measured(lock),
    }

    per_record = sum(log.total_rows() for log in logs.values()) / len(records)
    _print(logs, len(records), per_record)
    assert logs["worker"].rows[("INSERT", "registry_submission")] == len(records)
    assert 0 < per_record <= ROW_WRITES_PER_RECORD


def _print(logs: dict[str, WriteLog], records: int, per_record: float) -> None:
    print(f"\n{connection.vendor}, {records} records in one class package")
    for phase, log in logs.items():
        for (verb, table), rows in sorted(log.rows.items()):
            statements = log.statements[(verb, table)]
            print(f"{phase:8} {verb:6} {table:40} {statements:3} stmt {rows:3} rows")
    print(f"row writes per accepted record: {per_record:.1f}")
