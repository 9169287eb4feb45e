"""Fixtures of the portal's tests: the registry tests' signed district, submitted,
replaced, revoked and locked once per package (registry_support.fill)."""

from __future__ import annotations

import pytest

from hocbaso.portal.tests.append_only import append_only_cleanup
from hocbaso.portal.tests.registry_support import fill
from hocbaso.registry.tests.district import open_district


@pytest.fixture(scope="package")
def registry(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("portal-district")
    for district in open_district(django_db_blocker, root):
        with django_db_blocker.unblock():
            from django.test import override_settings

            with override_settings(
                DATA_DIR=district.root,
                HOCBASO_TRUST_STORE=district.trust_dir,
                HOCBASO_LEDGER_KEY=root / "ledger.key",
            ):
                built = fill(district)
        yield built


@pytest.fixture(autouse=True)
def _portal_settings(request, settings, tmp_path_factory):
    if "registry" in request.fixturenames:
        built = request.getfixturevalue("registry")
        settings.DATA_DIR = built.district.root
        settings.HOCBASO_TRUST_STORE = built.district.trust_dir
        settings.HOCBASO_LEDGER_KEY = built.district.root / "ledger.key"


@pytest.fixture(autouse=True)
def _append_only_rows_removed(request):
    yield from append_only_cleanup(request)
