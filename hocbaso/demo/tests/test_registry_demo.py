"""The demo registry: last year signed, submitted and locked at its deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from hocbaso.demo.registry_demo import prepare_registry
from hocbaso.demo.seed import seed_district
from hocbaso.records.models import RecordStatus, SchoolYear, YearlyRecord
from hocbaso.registry.models import Submission

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def district(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.HOCBASO_TRUST_STORE = tmp_path / "pki" / "trust"
    seed_district(scale="tiny", seed=3, today=TODAY, password="x")
    return SchoolYear.objects.get(name="2025-2026")


def test_the_last_year_is_signed_submitted_and_locked_at_its_deadlines(
    district, tmp_path, capsys
):
    counts = prepare_registry(
        district, data_dir=tmp_path, progress=lambda m: None, classes_per_round=1
    )
    assert counts["main:accepted"] == counts["main:locked"] > 0
    assert counts["supplementary:accepted"] == counts["supplementary:locked"] > 0
    locked = Submission.objects.exclude(locked_at=None)
    assert locked.count() == counts["main:locked"] + counts["supplementary:locked"]
    effective = {s.round: s.locked_at for s in locked}
    assert effective["main"] == district.deadline("main_lock_date")
    assert effective["supplementary"] == district.deadline("supplementary_lock_date")
    submitted = YearlyRecord.objects.filter(status=RecordStatus.SUBMITTED)
    assert set(submitted.values_list("school_year__name", flat=True)) == {"2025-2026"}
    call_command("ledger", "verify")
    assert "OK" in capsys.readouterr().out.upper()


def test_a_transfer_waits_for_the_sending_schools_release(district, tmp_path, client):
    from django.urls import reverse

    from hocbaso.records.models import Role
    from hocbaso.registry.models import Transfer

    counts = prepare_registry(
        district, data_dir=tmp_path, progress=lambda m: None, classes_per_round=1
    )
    assert counts["transfer:requested"] == 1
    (transfer,) = Transfer.objects.select_related("transcript", "from_school")
    assert transfer.state == Transfer.State.REQUESTED
    sending, receiving = transfer.from_school, transfer.to_school
    assert transfer.transcript.school == sending != receiving
    assert sending.level == receiving.level
    assert transfer.transcript.yearly_records.exclude(locked_at=None).exists()
    principal = sending.appointments.filter(
        role=Role.PRINCIPAL, school_year__name="2026-2027"
    ).first()
    principal.person.user.set_password("x")
    principal.person.user.save()
    assert client.login(username=principal.person.user.username, password="x")
    page = client.get(
        reverse("school:transfers", args=[principal.school_year_id, sending.pk])
    ).content.decode()
    assert transfer.public_id in page and "Bàn giao" in page
