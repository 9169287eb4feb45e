"""The demo's shown logins lead to this year's demo classes, and their templates
import back as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from hocbaso.demo import staff
from hocbaso.demo.management.commands.seed import start_line
from hocbaso.demo.seed import seed_district
from hocbaso.records.models import Role, SchoolClass, SubjectAssessment
from hocbaso.records.signers import signers_of
from hocbaso.school import demo as school_demo

TODAY = dt.date(2026, 11, 28)
THIS_YEAR = "2026-2027"
PASSWORD = "demo password for tests"


@pytest.fixture
def demo(db, settings, tmp_path):
    """The tiny district with the classes ``hocbaso demo-school`` prepares."""
    settings.DATA_DIR = tmp_path
    settings.HOCBASO_TRUST_STORE = tmp_path / "trust"
    summary = seed_district(scale="tiny", seed=3, today=TODAY, password=PASSWORD)
    prepared = school_demo.prepare_school_demo(today=TODAY)
    return summary, [school_class for school_class, _n in prepared]


def _shown(summary, role):
    return [login for login in summary.logins if login.role == role]


def test_the_demo_grades_are_those_demo_school_prepares():
    assert staff.DEMO_GRADES == school_demo.DEMO_GRADES


def test_the_shown_teachers_are_those_of_the_prepared_classes(demo):
    summary, prepared = demo
    first = {}
    for school_class in prepared:
        first.setdefault(school_class.level, school_class)
    homerooms = {signers_of(c).homeroom.user.username for c in first.values()}
    shown = {login.username for login in _shown(summary, Role.HOMEROOM_TEACHER)}
    assert shown == homerooms
    secondary = signers_of(first["secondary"])
    (teacher,) = _shown(summary, Role.SUBJECT_TEACHER)
    assert secondary.subject_teachers[staff.SHOWN_SUBJECT].user.username == (
        teacher.username
    )
    # Every subject the class is assessed in has its teacher to sign it.
    for school_class in prepared:
        subjects = set(
            SubjectAssessment.objects.filter(
                record__school_class=school_class
            ).values_list("subject_code", flat=True)
        )
        signers = signers_of(school_class)
        assert signers.homeroom and signers.leader
        if school_class.level == "secondary":
            assert subjects <= set(signers.subject_teachers), school_class


def test_the_start_line_leads_to_the_mark_book_of_a_prepared_class(demo, client):
    summary, prepared = demo
    username, class_name, year = summary.start
    with translation.override("vi"):
        line = start_line(summary.start)
    assert line == (
        f"Bắt đầu: đăng nhập {username} → Lớp {class_name}, năm học {THIS_YEAR} "
        "→ Sổ điểm của lớp"
    )
    school_class = next(c for c in prepared if c.level == "primary")
    assert (class_name, year) == (school_class.name, THIS_YEAR)
    assert client.login(username=username, password=PASSWORD)
    home = client.get(reverse("school:home")).content.decode()
    class_url = reverse("school:class", args=[school_class.pk])
    assert class_url in home
    assert f"Lớp {class_name}, năm học {THIS_YEAR}" in home
    page = client.get(class_url).content.decode()
    markbook = reverse("school:markbook", args=[school_class.pk])
    assert markbook in page and "Sổ điểm của lớp" in page
    assert client.get(markbook).status_code == 200


def _import_own_template(client, username, school_class):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    url = reverse("imports:class_template", args=[school_class.pk])
    if school_class.school_year.name == THIS_YEAR:
        assert url in client.get(reverse("imports:home")).content.decode()
    upload = SimpleUploadedFile(
        "danhgia.xlsx",
        client.get(url).content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    answer = client.post(
        reverse("imports:home"), {"school": school_class.school_id, "file": upload}
    )
    return answer.content.decode()


def test_the_demo_classes_templates_import_back_unchanged(demo, client):
    summary, prepared = demo
    for login in _shown(summary, Role.HOMEROOM_TEACHER):
        school_class = next(
            c
            for c in prepared
            if signers_of(c).homeroom.user.username == login.username
        )
        page = _import_own_template(client, login.username, school_class)
        assert "Không có gì thay đổi" in page, (school_class, page[-3000:])
    # This year's other classes hold term I, last year's classes a whole year
    # (pupils who moved mid-year, summer re-tests).
    for grade, year in ((6, THIS_YEAR), (3, "2025-2026"), (7, "2025-2026")):
        school_class = SchoolClass.objects.filter(
            grade=grade, school_year__name=year
        ).first()
        principal = signers_of(school_class).leader.user.username
        page = _import_own_template(client, principal, school_class)
        assert "Không có gì thay đổi" in page, (school_class, page[-3000:])


@pytest.mark.django_db(transaction=True)
def test_the_logins_file_ends_with_where_to_start(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "logins.txt"
    with translation.override("vi"):
        call_command(
            "seed", "--scale", "tiny", "--seed", "3", "--today", TODAY.isoformat(),
            "--password", PASSWORD, "--logins", str(target), verbosity=0,
        )  # fmt: skip
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[-1].strip().startswith("Bắt đầu: đăng nhập gvcn.019201.4a1 → Lớp 4A1")
    teachers = [line for line in lines if "_teacher" in line]
    assert [line.split()[1] for line in teachers] == [
        "gvcn.019201.4a1",
        "gvcn.019301.7a1",
        "gvbm.019301.toan1",
    ]
    assert teachers[-1].endswith("lớp 7A1, môn Toán)")


def test_the_prepared_classes_carry_teachers_comments(demo):
    from hocbaso.records.models import YearlyRecord

    _summary, prepared = demo
    for school_class in prepared:
        rows = SubjectAssessment.objects.filter(record__school_class=school_class)
        if school_class.level == "primary":
            rows = rows.filter(term="hk2")
            for record in YearlyRecord.objects.filter(school_class=school_class):
                assert len(record.comments["qualities"]) == 2
                assert len(record.comments["competencies"]) == 2
        commented = rows.exclude(data__has_key="exempt")
        assert commented.exists() and not commented.filter(comment="").exists()
