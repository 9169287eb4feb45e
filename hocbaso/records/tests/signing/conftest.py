"""A tiny seeded district with its demo PKI, built once for the signing tests.

The district is created inside a transaction held open for this package and rolled
back after its last test; each test runs in a savepoint within it (pytest-django's
``db``), so whatever a test signs or edits is undone before the next one. Every
test here must use ``district`` (and ``db``): nothing else may share the package's
transaction.

Three classes of last school year keep three finalised records each (the others are
put back to draft) so a whole class signs in well under a second.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from hocbaso.demo.seed import current_school_year, seed_district
from hocbaso.records import actions
from hocbaso.records.demo_pki import PkiSummary, create_records_pki
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import (
    RecordStatus,
    SchoolClass,
    SchoolYear,
    YearlyRecord,
)
from hocbaso.records.signers import ClassSigners, signers_of

RECORDS_PER_CLASS = 3


@dataclass
class District:
    root: Path
    keys: KeyDirectory
    trust_dir: Path
    pki: PkiSummary
    year: SchoolYear  # last school year: its records are finalised
    secondary: SchoolClass  # grade 7
    other_secondary: SchoolClass  # grade 6, same school
    primary: SchoolClass  # grade 4

    def signers(self, school_class: SchoolClass) -> ClassSigners:
        return signers_of(school_class)

    def records(self, school_class: SchoolClass):
        return actions.class_records(school_class).filter(
            status__in=(
                RecordStatus.FINALISED,
                RecordStatus.SIGNING,
                RecordStatus.ISSUED,
            )
        )


def _last_year(today) -> SchoolYear:
    first = int(current_school_year(today)[:4])
    return SchoolYear.objects.get(name=f"{first - 1}-{first}")


def _pick(year: SchoolYear, grade: int, exclude=()) -> SchoolClass:
    return (
        SchoolClass.objects.filter(school_year=year, grade=grade)
        .exclude(pk__in=[c.pk for c in exclude])
        .order_by("school__code", "name")
        .first()
    )


def _trim(school_class: SchoolClass) -> None:
    """Keep a few finalised records, a summer one among them if the class has one."""
    records = YearlyRecord.objects.filter(school_class=school_class).order_by("pk")
    summer = records.filter(retest__isnull=False).exclude(retest={}).first()
    keep = [r.pk for r in records[:RECORDS_PER_CLASS]]
    if summer is not None and summer.pk not in keep:
        keep[-1] = summer.pk
    records.exclude(pk__in=keep).update(status=RecordStatus.DRAFT)


def _build(root: Path) -> District:
    today = timezone.localdate()
    seed_district(scale="tiny", seed=5, today=today, password="demo password")
    summary = create_records_pki(root / "pki", root / "pki" / "trust")
    year = _last_year(today)
    secondary = _pick(year, 7)
    other = SchoolClass.objects.filter(
        school=secondary.school, school_year=year, grade=6
    ).first()
    primary = _pick(year, 4)
    for school_class in (secondary, other, primary):
        _trim(school_class)
    return District(
        root,
        KeyDirectory(root / "pki"),
        root / "pki" / "trust",
        summary,
        year,
        secondary,
        other,
        primary,
    )


@pytest.fixture(scope="package")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = _build(root)
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _district_settings(district, settings):
    settings.DATA_DIR = district.root
    settings.HOCBASO_TRUST_STORE = district.trust_dir


def sign_subjects(district: District, school_class: SchoolClass) -> None:
    """Every subject teacher of the class signs, each with their demo key."""
    teachers = {p.pk: p for p in signers_of(school_class).subject_teachers.values()}
    for teacher in teachers.values():
        actions.sign_as_subject_teacher(
            teacher.user, school_class, district.keys.signer_for_person(teacher)
        )


def sign_homeroom(district: District, school_class: SchoolClass, signer=None):
    homeroom = signers_of(school_class).homeroom
    return actions.sign_as_homeroom_teacher(
        homeroom.user,
        school_class,
        signer or district.keys.signer_for_person(homeroom),
    )


def issue(district: District, school_class: SchoolClass, leader=None):
    leader = leader or signers_of(school_class).leader
    return actions.sign_and_issue(
        leader.user,
        actions.class_records(school_class),
        district.keys.signer_for_person(leader),
        district.keys.signer_for_school(school_class.school),
    )


def sign_class(district: District, school_class: SchoolClass) -> None:
    """The whole order: subject teachers, homeroom teacher, principal and seal."""
    sign_subjects(district, school_class)
    sign_homeroom(district, school_class)
    issue(district, school_class)
