"""Fixtures of the season's tests: the registry's signed district, the database
backend instead of the suite's inline one, a fake clock the queue reads too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hocbaso.registry.actors import Actor
from hocbaso.registry.tests.district import open_district

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(scope="package")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from open_district(django_db_blocker, tmp_path_factory.mktemp("district"))


@pytest.fixture(autouse=True)
def _season_settings(request, settings, tmp_path_factory):
    settings.HOCBASO_LEDGER_KEY = tmp_path_factory.getbasetemp() / "ledger.key"
    if "district" in request.fixturenames:
        district = request.getfixturevalue("district")
        settings.DATA_DIR = district.root
        settings.HOCBASO_TRUST_STORE = district.trust_dir


@pytest.fixture
def queue(settings):
    """Tasks wait in the database for a worker, as in production."""
    settings.TASKS = DATABASE_BACKEND
    settings.HOCBASO_REMINDER_DAYS = (7, 1)


class FakeClock:
    """Now, for the registry, the queue and every auto_now field alike."""

    def __init__(self, monkeypatch, moment: dt.datetime) -> None:
        self.moment = moment
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


@pytest.fixture
def clock(district, db, monkeypatch):
    """Ten days before last year's main lock deadline."""
    return FakeClock(monkeypatch, district.open_at)


@pytest.fixture
def primary_clerk(district):
    return Actor.of_user(district.user(district.primary.school))
