"""The signed registry for the tests of this package: the registry tests' district
with its primary records submitted and locked (effective), one secondary record
submitted (pending) and one submitted then revoked. Package-scoped here, so that
its rows (kept in an open transaction) are gone before the other citizen tests
build their world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from hocbaso.records.models import Round, Transcript, YearlyRecord
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.models import Submission


@dataclass
class SignedRegistry:
    district: object
    effective: YearlyRecord
    pending: YearlyRecord
    revoked: YearlyRecord
    locked_at: dt.datetime

    @property
    def primary_transcript(self) -> Transcript:
        return self.effective.transcript


def _submit(district, records, clock) -> None:
    for record in records:
        actor = Actor.of_user(district.user(record.school))
        receipt = actions.submit(
            district.packet(record), school=record.school, actor=actor, clock=clock
        )
        assert receipt.accepted and not receipt.rejected


def fill(district) -> SignedRegistry:
    clock = fixed_clock(district.open_at)
    primary = district.records(district.primary, Round.MAIN)
    secondary = district.records(district.secondary, Round.MAIN)
    _submit(district, primary, clock)
    _submit(district, secondary, clock)
    revoked = secondary[1]
    actions.revoke(
        Submission.objects.get(record=revoked, state="accepted").public_id,
        school=revoked.school,
        actor=Actor.of_user(district.user(revoked.school)),
        reason="Nộp nhầm hồ sơ",
        clock=fixed_clock(district.open_at + dt.timedelta(hours=1)),
    )
    locked_at = district.open_at + dt.timedelta(days=1)
    actions.lock_round(
        district.year.name,
        "main",
        scope=district.primary.school,
        actor=Actor.system("tests"),
        at=locked_at,
        clock=fixed_clock(locked_at),
    )
    return SignedRegistry(district, primary[0], secondary[0], revoked, locked_at)


@pytest.fixture(scope="package")
def registry(django_db_setup, django_db_blocker, tmp_path_factory):
    """The registry tests' signed district, filled as the portal tests fill it:
    primary records locked (effective), a secondary one pending, one revoked."""
    from django.test import override_settings

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
