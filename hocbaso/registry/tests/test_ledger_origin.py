"""The ledger names itself: the checkpoints' origin is this deployment's, configured
(HOCBASO_LEDGER_ORIGIN), and checkpoints signed under an earlier origin still verify.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from hocbaso.ledger import (
    Checkpoint,
    VerifierKey,
    sign_checkpoint,
    verify_checkpoint,
    verify_consistency,
)
from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.ledger_log import ledger_signer
from hocbaso.registry.models import LedgerCheckpoint
from hocbaso.registry.tests.helpers import submit
from hocbaso.registry.tests.test_ledger import _disable_trigger

HANOI = "hocba.hanoi.edu.vn/ledger"


@pytest.fixture
def two_origins(district, db, clock, primary_clerk, settings):
    """One submission under the old origin, one after the change to HANOI."""
    first, second = district.records(district.primary, Round.MAIN)[:2]
    settings.HOCBASO_LEDGER_ORIGIN = "hocbaso/registry"
    submit(district, first, primary_clerk, clock)
    old = actions.latest_ledger_checkpoint()
    settings.HOCBASO_LEDGER_ORIGIN = HANOI
    submit(district, second, primary_clerk, clock)
    return old, actions.latest_ledger_checkpoint()


def test_checkpoints_and_the_key_name_the_configured_origin(two_origins):
    _old, new = two_origins
    assert new.startswith(HANOI + "\n")
    assert actions.ledger_verifier_key().startswith(HANOI + "+")
    key = VerifierKey.from_string(actions.ledger_verifier_key())
    assert verify_checkpoint(new, key, HANOI).size == 2


def test_a_checkpoint_signed_before_the_change_still_verifies(two_origins):
    old_note, new_note = two_origins
    old_key = VerifierKey("hocbaso/registry", ledger_signer().public_key)
    new_key = VerifierKey.from_string(actions.ledger_verifier_key())
    old = verify_checkpoint(old_note, old_key, "hocbaso/registry")
    new = verify_checkpoint(new_note, new_key, HANOI)

    proof = actions.consistency_proof(old.size, new.size)
    verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
    assert actions.verify_ledger().ok


def test_a_stored_checkpoint_given_another_origin_is_reported(two_origins):
    old_note, _new = two_origins
    _disable_trigger("registry_ledgercheckpoint", "update")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_ledgercheckpoint SET note = %s WHERE size = 1",
            [old_note.replace("hocbaso/registry", HANOI)],
        )

    report = actions.verify_ledger()

    assert not report.ok and "checkpoint 1" in report.problem
    assert LedgerCheckpoint.objects.count() == 2


@pytest.mark.usefixtures("two_origins")
def test_an_old_checkpoint_whose_root_disagrees_with_the_new_tree_is_reported():
    """Consistency across the change: a root the later tree does not extend."""
    forged = ledger_signer().renamed("hocbaso/registry")
    note = sign_checkpoint(Checkpoint("hocbaso/registry", 1, b"\x07" * 32), forged)
    _disable_trigger("registry_ledgercheckpoint", "update")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_ledgercheckpoint SET note = %s WHERE size = 1", [note]
        )

    report = actions.verify_ledger()

    assert not report.ok and "checkpoint 1" in report.problem


def _settings_origin(**env) -> subprocess.CompletedProcess:
    code = "from django.conf import settings; print(settings.HOCBASO_LEDGER_ORIGIN)"
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HOCBASO_LEDGER_ORIGIN", "HOCBASO_PUBLIC_URL")
    }
    environ.update(env, DJANGO_SETTINGS_MODULE="hocbaso.settings")
    return subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True
    )


def test_the_origin_defaults_to_the_public_url_host_and_path():
    done = _settings_origin(HOCBASO_PUBLIC_URL="https://HocBa.Hanoi.edu.vn/")
    assert done.stdout.strip() == HANOI, done.stderr


@pytest.mark.parametrize(
    "origin",
    ["https://hocba.hanoi.edu.vn/ledger", "hocba hanoi", "hocba.vn/ledger+1", "/x"],
)
def test_a_malformed_origin_stops_the_start(origin):
    done = _settings_origin(HOCBASO_LEDGER_ORIGIN=origin)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "HOCBASO_LEDGER_ORIGIN" in done.stderr


def test_without_a_setting_the_origin_is_the_historical_one():
    assert _settings_origin().stdout.strip() == "hocbaso/registry"
    assert settings.HOCBASO_LEDGER_ORIGIN
