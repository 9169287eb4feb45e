"""Emptying the append-only tables after a transactional test on SQLite.

The registry's immutability triggers, the access trail's (portal migration
0002) and the locked records' (records migration 0004) refuse DELETE, which
SQLite's flush uses between transactional tests (the browser tests): the rows
are removed (the records unlocked) with the triggers dropped, then the triggers
are put back as the migrations made them. PostgreSQL's flush truncates, which the
triggers do not cover, so nothing is needed there.

    @pytest.fixture(autouse=True)
    def _clean(request):
        yield from append_only_cleanup(request)
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import connection, transaction


def empty_append_only_tables() -> None:
    if connection.vendor != "sqlite":
        return
    registry = importlib.import_module(
        "hocbaso.registry.migrations.0002_immutability_triggers"
    )
    portal = importlib.import_module(
        "hocbaso.portal.migrations.0002_access_trail_append_only"
    )
    records = importlib.import_module("hocbaso.records.migrations.0004_locked_records")
    rules = registry._rules()
    with connection.cursor() as cursor:
        for table, operation, _when, _message in rules:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_{operation.lower()}")
    with connection.schema_editor() as editor:
        portal.drop(None, editor)
        records.drop(None, editor)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for model in apps.get_app_config("registry").get_models():
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
            cursor.execute(f"DELETE FROM {portal.TABLE}")  # noqa: S608
            # Locked yearly records refuse DELETE too (records migration 0004).
            cursor.execute("UPDATE records_yearlyrecord SET locked_at = NULL")
    finally:
        with connection.cursor() as cursor:
            for rule in rules:
                cursor.execute(registry._sqlite(*rule))
        with connection.schema_editor() as editor:
            portal.create(None, editor)
            records.create(None, editor)


def append_only_cleanup(request):
    """A fixture body: for a transactional test, empty the tables at its end
    (before pytest-django flushes the database)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    yield
    if transactional:
        empty_append_only_tables()
