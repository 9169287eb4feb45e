"""The district (tests/district.py) built once for this package in a transaction
rolled back after its last test; each test runs in a savepoint of it."""

from __future__ import annotations

import sys

import pytest
from django.db import transaction
from django.test import override_settings

from hocbaso.school import clock
from hocbaso.school.tests.district import build


@pytest.fixture(scope="package")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("school-district")
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build(root)
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _district_settings(request, settings, tmp_path_factory):
    settings.HOCBASO_LEDGER_KEY = tmp_path_factory.getbasetemp() / "ledger.key"
    if "district" in request.fixturenames:
        district = request.getfixturevalue("district")
        settings.DATA_DIR = district.root
        settings.HOCBASO_TRUST_STORE = district.trust_dir
        clock.freeze(district.now)
        yield
        clock.freeze(None)
    else:
        yield
