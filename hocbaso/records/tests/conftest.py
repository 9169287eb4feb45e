"""The department administrator persona (records/tests/personas.py)."""

from hocbaso.records.tests.personas import department_admin  # noqa: F401
