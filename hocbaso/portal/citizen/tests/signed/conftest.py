"""The signed registry for the tests of this package: the registry tests' district,
filled as the portal tests fill it. Package-scoped here, so that its rows (kept in
an open transaction) are gone before the other citizen tests build their world."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def registry(django_db_setup, django_db_blocker, tmp_path_factory):
    """The registry tests' signed district, filled as the portal tests fill it:
    primary records locked (effective), a secondary one pending, one revoked."""
    from django.test import override_settings

    from hocbaso.portal.tests.registry_support import fill
    from hocbaso.registry.tests.district import open_district

    root = tmp_path_factory.mktemp("citizen-district")
    for district in open_district(django_db_blocker, root):
        with django_db_blocker.unblock():
            with override_settings(
                DATA_DIR=district.root,
                HOCBASO_TRUST_STORE=district.trust_dir,
                HOCBASO_LEDGER_KEY=root / "ledger.key",
            ):
                built = fill(district)
        yield built


@pytest.fixture
def signed_registry(registry, settings):
    settings.DATA_DIR = registry.district.root
    settings.HOCBASO_TRUST_STORE = registry.district.trust_dir
    settings.HOCBASO_LEDGER_KEY = registry.district.root / "ledger.key"
    return registry
