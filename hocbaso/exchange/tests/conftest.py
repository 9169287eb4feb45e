"""Fixtures of the exchange's tests."""

from __future__ import annotations

import pytest

from hocbaso.exchange.models import Peer
from hocbaso.exchange.tests.network import build_network
from hocbaso.ledger import Ed25519NoteSigner
from hocbaso.records.models import Round
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock


@pytest.fixture(scope="session")
def network(tmp_path_factory):
    """Two departments and the national repository on loopback, started and seeded
    once per test session and shared by every module that asks for it."""
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


@pytest.fixture
def locked(district, db):
    """Every signed record submitted, one of them revoked, the main round locked."""
    clock = fixed_clock(district.open_at)
    revoked = None
    for school_class in (district.primary, district.secondary, district.other_primary):
        actor = Actor.of_user(district.user(school_class.school))
        for record in district.records(school_class, Round.MAIN):
            view = registry.submit(
                district.packet(record), school=record.school, actor=actor, clock=clock
            )
            if revoked is None:
                revoked = (record, view.accepted[0].submission_id)
    record, submission_id = revoked
    registry.revoke(
        submission_id,
        school=record.school,
        actor=Actor.of_user(district.user(record.school)),
        reason="wrong class",
        clock=clock,
    )
    deadline = district.main_deadline()
    registry.lock_round(
        district.year,
        "main",
        actor=Actor.system("t"),
        at=deadline,
        clock=fixed_clock(deadline),
    )
    Peer.objects.create(
        code="national",
        kind="national",
        url="http://127.0.0.1:9",
        exchange_key=Ed25519NoteSigner.generate("n").verifier_key().to_string(),
    )
    return {"revoked": record}
