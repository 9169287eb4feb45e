"""A correction's preview shows only the fields that changed, each by its
Vietnamese name ("Điểm kiểm tra định kì cuối năm môn Toán: 7 → 3"), never a raw
field id; the whole form sent back as the browser sends it changes nothing else."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.school.corrections import field_value

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.cookies["django_language"] = "vi"
    client.force_login(user)
    return client


def _whole_form(record) -> dict[str, str]:
    """Every input of the record's form with the value the page shows."""
    form = {"preview": "1", "homeroom_comment": record.homeroom_comment}
    for row in record.assessments.all():
        form[f"row-{row.pk}-comment"] = row.comment
        for key, value in row.data.items():
            form[f"row-{row.pk}-{key}"] = field_value(value)
    return form


def _diff_section(response) -> str:
    html = response.content.decode()
    start = html.index('id="diff"')
    return html[start : html.index("</section>", start)]


def _lines(section: str, kind: str) -> list[str]:
    items = re.findall(rf'<li class="{kind}">(.*?)</li>', section)
    return [re.sub(r"<[^>]+>", "", item) for item in items]


def _preview(district, school_class, subject, key, value):
    record = district.records(school_class).order_by("pk").first()
    row = record.assessments.get(subject_code=subject, term="hk2")
    form = {**_whole_form(record), f"row-{row.pk}-{key}": value}
    url = reverse("school:record", args=[record.pk])
    response = _client(district.homeroom(school_class)).post(url, form)
    assert response.status_code == 200
    return row, _diff_section(response)


def test_a_primary_score_reads_as_the_circulars_name(district):
    row, section = _preview(district, district.primary, "TOAN", "score", "3")
    before = row.data["score"]
    assert _lines(section, "data-change") == [
        f"Điểm kiểm tra định kì cuối năm môn Toán: {before} → 3"
    ]
    for raw in ("TOAN", "hk2", "score", "subjects", "results", "completed", "true"):
        assert raw not in section, raw


def test_the_whole_form_sent_back_shows_only_the_changed_field(district):
    row, section = _preview(district, district.secondary, "TOAN", "ck", "3")
    before = field_value(row.data["ck"]).replace(".", ",")
    # The secondary's scores are stored as text ("6.0"): sent back as shown,
    # they are not changes.
    assert _lines(section, "data-change") == [
        f"Đánh giá cuối kì học kì II môn Toán: {before} → 3"
    ]
    results = _lines(section, "result-change")
    assert results and all(" môn " in r or "Kết quả" in r for r in results), results
    assert not re.search(r"\b(TOAN|hk[12]|year|learning|ck)\b", section), section
