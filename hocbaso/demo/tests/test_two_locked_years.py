"""The demo registry locks the year before last too, for one class per level, so
some pupils have two locked years, signed with one three-year certificate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from hocbaso.demo.registry_demo import prepare_registry
from hocbaso.demo.seed import seed_district
from hocbaso.records.models import SchoolLevel, SchoolYear, Transcript
from hocbaso.records.verification import load_trust_store, role_binding
from hocbaso.registry.models import Submission
from hocbaso.signing import Status, verify_packet

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def registry(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.HOCBASO_TRUST_STORE = tmp_path / "pki" / "trust"
    seed_district(scale="tiny", seed=3, today=TODAY, password="x")
    year = SchoolYear.objects.get(name="2025-2026")
    counts = prepare_registry(
        year,
        data_dir=tmp_path,
        progress=lambda m: None,
        classes_per_round=2,
        earlier_year=True,
    )
    return counts


def _two_year_transcripts() -> dict[str, list[Transcript]]:
    by_level: dict[str, list[Transcript]] = {}
    locked = Submission.objects.exclude(locked_at=None)
    for transcript in Transcript.objects.all():
        years = set(
            locked.filter(record__transcript=transcript).values_list(
                "school_year__name", flat=True
            )
        )
        if years == {"2024-2025", "2025-2026"}:
            by_level.setdefault(transcript.level, []).append(transcript)
    return by_level


def test_pupils_of_a_class_per_level_have_two_locked_years_in_time_order(
    registry, capsys
):
    assert registry["earlier main:locked"] > 0
    by_level = _two_year_transcripts()
    assert set(by_level) == {SchoolLevel.PRIMARY, SchoolLevel.SECONDARY}
    earlier = SchoolYear.objects.get(name="2024-2025")
    for submission in Submission.objects.filter(school_year=earlier):
        assert submission.locked_at == earlier.deadline("main_lock_date")
    call_command("ledger", "verify")
    assert "OK" in capsys.readouterr().out.upper()


def test_both_years_signatures_verify_at_their_signing_time(registry):
    trust = load_trust_store()
    binding, _records = role_binding()
    transcript = _two_year_transcripts()[SchoolLevel.SECONDARY][0]
    submissions = Submission.objects.filter(
        record__transcript=transcript
    ).select_related("school_year")
    assert submissions.count() == 2
    for submission in submissions:
        signed_at = submission.school_year.deadline("main_lock_date") - dt.timedelta(
            days=9
        )
        data = bytes(submission.blob.data)
        for at in (signed_at, None):
            result = verify_packet(data, trust, at=at, role_binding=binding)
            assert result.status == Status.VALID, result


def test_the_lookup_shows_both_years(registry, client):
    transcript = _two_year_transcripts()[SchoolLevel.PRIMARY][0]
    response = client.post(
        reverse("portal:lookup"),
        {"code": transcript.lookup_code},
        REMOTE_ADDR="203.0.113.7",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "2024-2025" in html and "2025-2026" in html


def test_a_failure_in_the_year_before_leaves_nothing_of_it(db, monkeypatch):
    from hocbaso.demo import history
    from hocbaso.demo.registry_demo import _continued_classes
    from hocbaso.records.models import SchoolClass, YearlyRecord

    seed_district(scale="tiny", seed=3, today=TODAY, password="x")
    last = SchoolYear.objects.get(name="2025-2026")
    records = YearlyRecord.objects.count()
    drawn = history._promoted_year

    def fails_late(rng, lower):
        # the primary class is made whole first, the secondary one fails
        if lower.level == SchoolLevel.SECONDARY:
            raise RuntimeError("the rules refused a year")
        return drawn(rng, lower)

    monkeypatch.setattr(history, "_promoted_year", fails_late)
    with pytest.raises(RuntimeError):
        history.seed_earlier_year(last, _continued_classes(last))
    assert not SchoolYear.objects.filter(name="2024-2025").exists()
    assert not SchoolClass.objects.filter(school_year__name="2024-2025").exists()
    assert YearlyRecord.objects.count() == records


def test_the_monitor_finds_every_rule_kept(registry, client, tmp_path, settings):
    from hocbaso.ledger import VerifierKey
    from hocbaso.monitor.client import LogClient
    from hocbaso.monitor.monitor import OK, run
    from hocbaso.monitor.state import MonitorState
    from hocbaso.registry.actions import ledger_verifier_key

    key = VerifierKey.from_string(ledger_verifier_key())
    log = LogClient("/api/v1", fetch=lambda url: client.get(url).content)
    report = run(log, key, key.name, MonitorState(tmp_path / "monitor"))
    assert (report.status, report.problems, report.error) == (OK, [], "")
    assert report.read > 0
