"""Fixtures of the portal's registry-backed tests: the registry tests' signed
district, submitted, replaced, revoked and locked once for this package
(registry_support.fill). Tests with the shared ``world`` personas live one level up:
the seeded district and ``world`` both create the current school year."""

from __future__ import annotations

import pytest
from django.test import override_settings

from hocbaso.portal.tests.registry.registry_support import fill
from hocbaso.registry.tests.district import open_district


@pytest.fixture(scope="package")
def registry(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("portal-district")
    for district in open_district(django_db_blocker, root):
        with django_db_blocker.unblock():
            with override_settings(
                DATA_DIR=district.root,
                HOCBASO_TRUST_STORE=district.trust_dir,
                HOCBASO_LEDGER_KEY=root / "ledger.key",
            ):
                built = fill(district)
        yield built


@pytest.fixture(autouse=True)
def _portal_settings(request, settings):
    if "registry" in request.fixturenames:
        built = request.getfixturevalue("registry")
        settings.DATA_DIR = built.district.root
        settings.HOCBASO_TRUST_STORE = built.district.trust_dir
        settings.HOCBASO_LEDGER_KEY = built.district.root / "ledger.key"
