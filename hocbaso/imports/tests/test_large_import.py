"""A workbook over the threshold is imported by a task: the page redirects to the
job, which shows its progress in Vietnamese, and stays all or nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Student
from hocbaso.season import importing
from hocbaso.season.models import Job


def _post(client, world, data):
    upload = SimpleUploadedFile("lon.xlsx", data)
    return client.post("/import/", {"school": world.school_a.pk, "file": upload})


def _rows(world, bad=False):
    rows = [
        student_row(f"HS70{n:02d}", f"Nguyễn Văn {n}", "4A1", 4, world.year.name)
        for n in range(5)
    ]
    if bad:
        rows[3]["date_of_birth"] = "31/02/2015"
    return rows


def test_a_large_import_runs_as_a_task_with_its_progress(
    staff_client, principal, world, students_file, monkeypatch, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(importing, "ROWS_FOR_A_TASK", 3)
    client = staff_client(principal)

    response = _post(client, world, students_file(_rows(world)))

    job = Job.objects.get(kind=Job.Kind.IMPORT)
    assert response.status_code == 302 and job.public_id in response["Location"]
    assert job.state == Job.State.DONE and job.done == job.total >= 5
    assert Student.objects.filter(student_code__startswith="HS70").count() == 5
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="job-progress"' in page and "Trạng thái:" in page
    assert not list(tmp_path.glob("jobs/*.xlsx"))  # the upload is not kept


def test_a_large_import_with_a_bad_row_writes_nothing(
    staff_client, principal, world, students_file, monkeypatch, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(importing, "ROWS_FOR_A_TASK", 3)
    client = staff_client(principal)

    response = _post(client, world, students_file(_rows(world, bad=True)))

    job = Job.objects.get(kind=Job.Kind.IMPORT)
    assert job.state == Job.State.FAILED and job.errors
    assert not Student.objects.filter(student_code__startswith="HS70").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Tệp có lỗi: không có dữ liệu nào được nhập." in page


def test_a_small_import_stays_in_the_request(
    staff_client, principal, world, students_file, monkeypatch
):
    response = _post(staff_client(principal), world, students_file(_rows(world)))
    assert response.status_code == 200 and not Job.objects.exists()
