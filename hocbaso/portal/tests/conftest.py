"""Fixtures of every portal test: after a transactional test (the browser tests)
the append-only tables are emptied before pytest-django flushes the database."""

from __future__ import annotations

import pytest

from hocbaso.portal.tests.append_only import append_only_cleanup


@pytest.fixture(autouse=True)
def _append_only_rows_removed(request):
    yield from append_only_cleanup(request)
