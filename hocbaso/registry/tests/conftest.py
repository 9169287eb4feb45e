"""Fixtures of the registry's tests: the signed district, clocks, actors.

PostgreSQL-only tests live in ``tests/postgres/`` and are collected only when
DATABASE_URL points at PostgreSQL (no skipped tests: the suite runs on both).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.tests.district import open_district

_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres", "pgsql"))
collect_ignore = [] if _POSTGRES else ["postgres"]


@pytest.fixture(scope="package")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from open_district(django_db_blocker, tmp_path_factory.mktemp("district"))


@pytest.fixture(autouse=True)
def _registry_settings(request, settings, tmp_path_factory):
    settings.HOCBASO_LEDGER_KEY = tmp_path_factory.getbasetemp() / "ledger.key"
    if "district" in request.fixturenames:
        district = request.getfixturevalue("district")
        settings.DATA_DIR = district.root
        settings.HOCBASO_TRUST_STORE = district.trust_dir


@pytest.fixture
def clock(district):
    """Ten days before last year's main lock deadline."""
    return fixed_clock(district.open_at)


def at(moment: dt.datetime):
    return fixed_clock(moment)


@pytest.fixture
def primary_clerk(district):
    return Actor.of_user(district.user(district.primary.school))


@pytest.fixture
def other_clerk(district):
    return Actor.of_user(district.user(district.other_primary.school))


@pytest.fixture
def secondary_clerk(district):
    return Actor.of_user(district.user(district.secondary.school))


@pytest.fixture
def system():
    return Actor.system("tests")
