"""The import page: downloads, upload, the report, and who is refused."""

from __future__ import annotations

from django.urls import reverse

from hocbaso.imports import filling as helpers
from hocbaso.imports.models import ImportRun
from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Student

URL = "/import/"


def test_the_page_is_in_vietnamese_with_the_templates(staff_client, principal, world):
    response = staff_client(principal).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhập dữ liệu" in page
    assert reverse("imports:class_template", args=[world.class_a.pk]) in page
    assert world.class_b.name not in page


def test_the_templates_download_as_workbooks(staff_client, principal, world):
    client = staff_client(principal)
    response = client.get(
        reverse("imports:students_template"),
        {"school": world.school_a.pk, "year": world.year.pk},
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = helpers.load(response.content)
    assert helpers.sheet_of(book, "students")
    classes = helpers.sheet_of(book, "classes")
    assert classes.cell(4, 1).value == "4A1"
    response = client.get(reverse("imports:class_template", args=[world.class_a.pk]))
    book = helpers.load(response.content)
    toan = helpers.sheet_of(book, "subject", "TOAN")
    assert toan.cell(4, 1).value == "HSA000001"
    assert toan.row_dimensions[1].hidden and toan.row_dimensions[2].hidden
    assert toan.protection.sheet
    assert any(
        "T,H,C" in (v.formula1 or "") for v in toan.data_validations.dataValidation
    )


def test_an_upload_shows_the_counts(staff_client, principal, world, students_file):
    data = students_file(
        [student_row("HS5001", "Hồ Xuân Hương", "4A1", 4, world.year.name)]
    )
    upload = _upload(data)
    response = staff_client(principal).post(
        URL, {"school": world.school_a.pk, "file": upload}
    )
    page = response.content.decode()
    assert 'id="counts"' in page
    assert Student.objects.filter(student_code="HS5001").exists()


def test_a_dry_run_imports_nothing(staff_client, principal, world, students_file):
    data = students_file(
        [student_row("HS5001", "Hồ Xuân Hương", "4A1", 4, world.year.name)]
    )
    response = staff_client(principal).post(
        URL, {"school": world.school_a.pk, "file": _upload(data), "dry_run": "on"}
    )
    assert 'id="counts"' in response.content.decode()
    assert not Student.objects.filter(student_code="HS5001").exists()
    assert ImportRun.objects.get().outcome == "checked"


def test_problems_are_listed_in_vietnamese(
    staff_client, principal, world, students_file
):
    row = student_row("HS5001", "Hồ Xuân Hương", "4A1", 4, world.year.name)
    row["sex"] = "?"
    response = staff_client(principal).post(
        URL, {"school": world.school_a.pk, "file": _upload(students_file([row]))}
    )
    page = response.content.decode()
    assert 'id="problems"' in page
    assert "Nam, Nữ" in page


def test_a_refused_file_says_why(staff_client, principal, world):
    response = staff_client(principal).post(
        URL, {"school": world.school_a.pk, "file": _upload(b"not a workbook")}
    )
    assert "import-refused" in response.content.decode()


def test_a_clerk_cannot_post_into_another_school(
    staff_client, clerk, world, students_file
):
    data = students_file(
        [student_row("HS5001", "Hồ Xuân Hương", "4A1", 4, world.year.name)]
    )
    response = staff_client(clerk).post(
        URL, {"school": world.school_a.pk, "file": _upload(data)}
    )
    assert response.status_code == 200
    assert not Student.objects.filter(student_code="HS5001").exists()
    assert not ImportRun.objects.exists()


def test_officers_and_strangers_are_refused(staff_client, client, unit_officer, world):
    assert staff_client(unit_officer).get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_another_schools_class_template_is_not_found(staff_client, clerk, world):
    url = reverse("imports:class_template", args=[world.class_a.pk])
    assert staff_client(clerk).get(url).status_code == 404


def test_a_homeroom_teacher_gets_only_their_class(
    staff_client, homeroom_teacher, world
):
    from hocbaso.records.models import SchoolClass

    other = SchoolClass.objects.create(
        school=world.school_a, school_year=world.year, grade=4, name="4A3"
    )
    client = staff_client(homeroom_teacher)
    assert (
        client.get(reverse("imports:class_template", args=[other.pk])).status_code
        == 403
    )
    assert (
        client.get(
            reverse("imports:class_template", args=[world.class_a.pk])
        ).status_code
        == 200
    )


def _upload(data: bytes, name: str = "tep.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
