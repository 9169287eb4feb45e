"""Who may import where: school staff within their scope, nobody else."""

from __future__ import annotations

import pytest

from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import ImportNotAllowedError
from hocbaso.imports.models import ImportRun
from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Student


@pytest.fixture
def one_student(world, students_file):
    return students_file(
        [student_row("HS7001", "Tạ Thu Hà", "4A1", 4, world.year.name)]
    )


@pytest.mark.parametrize(
    "persona",
    ["clerk", "outsider", "subject_teacher", "unit_officer", "department_officer"],
)
def test_staff_of_other_schools_and_officers_cannot_import_here(
    request, world, one_student, persona
):
    user = request.getfixturevalue(persona)
    with pytest.raises(ImportNotAllowedError) as caught:
        import_workbook(one_student, school=world.school_a, user=user)
    assert world.school_a.name in str(caught.value)
    assert not Student.objects.filter(student_code="HS7001").exists()
    run = ImportRun.objects.get()
    assert run.outcome == "denied" and run.user == user


def test_the_principal_and_the_homeroom_teacher_may(
    world, one_student, principal, homeroom_teacher
):
    import_workbook(one_student, school=world.school_a, user=homeroom_teacher)
    report = import_workbook(one_student, school=world.school_a, user=principal)
    assert report.changed == 0


def test_a_homeroom_teacher_cannot_add_classes(world, homeroom_teacher, students_file):
    from hocbaso.imports.errors import InvalidRowsError

    data = students_file(
        [], classes=[{"class_name": "4A9", "grade": 4, "school_year": world.year.name}]
    )
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(data, school=world.school_a, user=homeroom_teacher)
    assert "Only the clerk or the principal adds classes" in str(caught.value)


def test_a_sheet_of_another_school_is_refused(world, principal, clerk):
    from hocbaso.imports import workbooks
    from hocbaso.imports.errors import InvalidRowsError

    data = workbooks.students_workbook(world.school_b, world.year)
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(data, school=world.school_a, user=principal)
    assert "belongs to school TH-B" in str(caught.value)


def test_the_audit_trail_is_read_only_in_the_admin(
    client, world, one_student, principal, django_user_model
):
    admin_user = django_user_model.objects.create_superuser("root", password="x")
    import_workbook(one_student, school=world.school_a, user=principal)
    run = ImportRun.objects.get()
    client.force_login(admin_user)
    page = client.get(f"/admin/imports/importrun/{run.pk}/change/")
    assert page.status_code == 200
    assert run.file_sha256 in page.content.decode()
    assert client.get("/admin/imports/importrun/add/").status_code == 403
