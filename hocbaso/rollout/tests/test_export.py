"""Each dashboard exported to Excel and read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hocbaso.rollout.export import XLSX
from hocbaso.rollout.tests.test_figures import MAIN_4A1


def _download(client, name, *args, **query):
    response = client.get(reverse(f"rollout:{name}", args=args), query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(BytesIO(response.content))


def _table(sheet, first_heading: str) -> tuple[list, list[list]]:
    """The header row that starts with ``first_heading`` and the rows under it."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_heading)
    body = []
    for row in rows[start + 1 :]:
        if not any(v not in (None, "") for v in row):
            break
        body.append(row)
    return rows[start], body


def test_the_units_workbook_has_vietnamese_headings_and_the_figures(
    rollout_world, unit_officer, client
):
    w = rollout_world.world
    client.force_login(unit_officer)
    client.cookies["django_language"] = "en"  # the workbook stays Vietnamese

    book = _download(client, "unit_export", "XP", year=w.year.name, round="main")

    sheet = book["Số liệu"]
    assert sheet["A1"].value == "UBND phường Xuân Phương"
    assert sheet["B2"].value == w.year.name
    assert sheet["B3"].value == "Đợt chính (trước 30/6)"
    made = sheet["B4"].value
    assert isinstance(made, dt.datetime) and made.tzinfo is None
    vietnam_now = timezone.localtime().replace(tzinfo=None)
    assert abs(made - vietnam_now) < dt.timedelta(minutes=5)
    header, body = _table(sheet, "Mã")
    assert header[:4] == ["Mã", "Trường", "Học sinh thuộc phạm vi", "Học bạ đã lập"]
    assert "Còn thiếu" in header and "Thời điểm khóa đợt" in header
    rows = {r[0]: r for r in body}
    assert set(rows) == {"TH-A", "THCS-A", "Tổng cộng"}
    assert rows["TH-A"][2:14] == MAIN_4A1.values()
    locked = rows["TH-A"][header.index("Thời điểm khóa đợt")]
    expected = timezone.localtime(rollout_world.lock.locked_at).replace(tzinfo=None)
    assert abs(locked - expected) < dt.timedelta(seconds=1)
    assert rows["TH-A"][header.index("Có chứng thư số còn hiệu lực")] == 2
    assert rows["Tổng cộng"][2:14] == [
        a + b for a, b in zip(MAIN_4A1.values(), rows["THCS-A"][2:14], strict=True)
    ]
    deadlines = book["Thời hạn"]
    days = {r[0]: r for r in deadlines.iter_rows(min_row=2, values_only=True)}
    main_lock = days["Trường khóa dữ liệu đợt chính"]
    assert main_lock[1].date() == w.year.main_lock_date
    assert main_lock[2] == (w.year.main_lock_date - timezone.localdate()).days


def test_the_department_workbook_lists_units_then_schools(
    rollout_world, department_officer, client
):
    w = rollout_world.world
    client.force_login(department_officer)

    book = _download(client, "department_export", "01", year=w.year.name)

    sheet = book["Số liệu"]
    _header, units = _table(sheet, "Mã")
    assert {r[1] for r in units} == {"UBND phường Xuân Phương", "UBND phường Tây Mỗ"}
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    schools = [r[0] for r in rows if r and r[0] in ("TH-A", "THCS-A", "TH-B", "TH-Z")]
    assert sorted(schools) == ["TH-A", "TH-B", "THCS-A"]


def test_the_schools_workbook_has_a_row_per_class(rollout_world, principal, client):
    client.force_login(principal)

    book = _download(client, "school_export", "TH-A", round="main")

    _header, body = _table(book["Số liệu"], "Mã")
    assert [r[1] for r in body[:-1]] == ["4A1"] and body[-1][0] == "Tổng cộng"
    assert body[0][2:14] == MAIN_4A1.values()


def test_the_class_workbook_lists_students_without_lookup_codes(
    rollout_world, unit_officer, client
):
    w = rollout_world.world
    client.force_login(unit_officer)

    book = _download(client, "class_export", "TH-A", w.class_a.pk, round="main")

    sheet = book["Học sinh"]
    header, body = _table(sheet, "Mã học sinh")
    assert header == [
        "Mã học sinh",
        "Họ và tên",
        "Trạng thái học bạ",
        "Đợt",
        "Giáo viên đã ký",
        "Hiệu trưởng đã ký",
        "Đã ký số của trường",
        "Cơ sở dữ liệu học bạ",
    ]
    rows = {r[0]: r for r in body}
    assert len(rows) == 12
    assert rows["HSA100005"][7] == "Đã khóa (có hiệu lực)"
    assert rows["HSA100006"][7] == "Đã nộp, sau đó thu hồi"
    assert rows["HSA188888"][7] == "Chưa có học bạ năm học"
    assert rows["HSA100003"][4:7] == ["Có", "Có", "Có"]
    assert rows["HSA100001"][4:7] == ["Có", "Không", "Không"]
    everything = " ".join(
        str(v) for r in sheet.iter_rows(values_only=True) for v in r if v
    )
    for record in rollout_world.records:
        assert record.transcript.lookup_code not in everything


def test_an_export_outside_the_scope_is_refused(rollout_world, principal, client):
    w = rollout_world.world
    client.force_login(principal)
    url = reverse("rollout:class_export", args=["TH-B", w.class_b.pk])
    assert client.get(url).status_code == 404
