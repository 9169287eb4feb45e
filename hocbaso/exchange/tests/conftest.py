"""Fixtures of the exchange's tests."""

from __future__ import annotations

import pytest

from hocbaso.exchange.tests.network import build_network


@pytest.fixture(scope="package")
def network(tmp_path_factory):
    """Two departments and the national repository on loopback (one for the package)."""
    built = build_network(tmp_path_factory.mktemp("exchange-network"))
    try:
        yield built
    finally:
        built.stop()


@pytest.fixture(scope="package")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    """The registry tests' tiny signed district, in this process's test database."""
    from hocbaso.registry.tests.district import open_district

    yield from open_district(django_db_blocker, tmp_path_factory.mktemp("district"))


@pytest.fixture(autouse=True)
def _exchange_settings(request, settings, tmp_path_factory):
    if "district" in request.fixturenames:
        district = request.getfixturevalue("district")
        settings.DATA_DIR = district.root
        settings.HOCBASO_TRUST_STORE = district.trust_dir
        settings.HOCBASO_LEDGER_KEY = district.root / "ledger.key"
