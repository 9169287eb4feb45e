"""The demo's first parent login: a child with two locked school years, both on
the parent's page and in the transcript on screen, reached through the demo
provider's login as a parent would."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from hocbaso.demo.registry_demo import prepare_registry
from hocbaso.demo.seed import seed_district
from hocbaso.portal.citizen.models import Guardianship, visible_transcripts
from hocbaso.portal.citizen.registry import Standing, standings
from hocbaso.portal.citizen.tests.conftest import (
    citizen_login,
    point_at,
    running_provider,
)
from hocbaso.records.models import SchoolYear

# The demo is served on SQLite (`make demo`): run once, as the demo's own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.once]

TODAY = dt.date(2026, 11, 28)
YEARS = ("2024-2025", "2025-2026")


@pytest.fixture
def demo(db, tmp_path, settings):
    """A seeded demo whose registry locked the year before last for one class per
    level, as `make demo` prepares it (hocbaso/demo/tests/test_two_locked_years.py)."""
    settings.DATA_DIR = tmp_path
    settings.HOCBASO_TRUST_STORE = tmp_path / "pki" / "trust"
    seed_district(scale="tiny", seed=3, today=TODAY, password="x")
    prepare_registry(
        SchoolYear.objects.get(name="2025-2026"),
        data_dir=tmp_path,
        progress=lambda m: None,
        classes_per_round=2,
        earlier_year=True,
    )


def _years(transcript) -> list[str]:
    """The school years of the transcript's records effective in the registry."""
    records = transcript.yearly_records.select_related("school_year")
    effective = [st for st in standings(records) if st.standing is Standing.EFFECTIVE]
    return sorted(st.record.school_year.name for st in effective)


def test_the_first_parent_login_sees_two_locked_years_on_both_pages(
    demo, tmp_path, settings, client
):
    users, logins = tmp_path / "users.json", tmp_path / "logins.txt"
    with translation.override("vi"):  # the project's language, as `make demo`
        call_command("citizen-demo", "--users", users, "--logins", logins)
    first = logins.read_text().splitlines()[0]
    role, personal_id, password, rest = first.split("\t")
    assert role == "parent" and "bắt đầu từ đây" in rest  # marked, in Vietnamese
    assert json.loads(users.read_text())[0]["personal_id"] == personal_id

    children = visible_transcripts(personal_id)
    (transcript,) = [t for t in children if len(_years(t)) > 1]
    assert _years(transcript) == list(YEARS)
    # one demo parent per child, even when the child is also among the first ones
    assert Guardianship.objects.filter(student=transcript.student).count() == 1

    citizens = json.loads(users.read_text())
    with running_provider(tmp_path / "provider", citizens) as provider:
        point_at(settings, provider)
        assert citizen_login(client, personal_id, password).status_code == 302
    home = client.get("/me/").content.decode()
    code = transcript.student.student_code
    (card,) = re.findall(rf'data-student="{code}">(.*?)</section>', home, re.S)
    assert len(re.findall(r'<span class="status effective">', card)) == 2
    assert all(f">{year}</td>" in card for year in YEARS)
    page = client.get(f"/me/transcripts/{transcript.pk}/").content.decode()
    pages = re.findall(
        r'<section class="card year" id="sub-[^"]+" '
        r'data-standing="effective">\s*<h2>Năm học (\S+)',
        page,
    )
    assert pages == list(YEARS)
