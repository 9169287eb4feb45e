"""The engine's settings: a bad value stops the program at start-up."""

from __future__ import annotations

import pytest

from hocbaso.tests.test_project import _python


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HOCBASO_TASKS_BACKEND", "celery", "must be database or immediate"),
        ("HOCBASO_REMINDER_DAYS", "7,x", "must list days like 7,1"),
        ("HOCBASO_REMINDER_DAYS", "7,0", "from 1 to 60"),
        ("HOCBASO_WORKER_LEASE_SECONDS", "0", "must be more than 0"),
    ],
)
def test_a_bad_engine_setting_stops_the_program(tmp_path, name, value, message):
    result = _python(
        "import django; django.setup()",
        **{name: value, "HOCBASO_DATA_DIR": str(tmp_path)},
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
