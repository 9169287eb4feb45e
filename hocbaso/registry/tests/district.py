"""A tiny seeded district whose last school year has a few records signed.

Built once per test package inside a transaction that is rolled back at the end
(as hocbaso/records/tests/signing does); each test runs in a savepoint of it. The
signatures are real: the records' signing actions with the demo PKI's keys, so the
registry verifies them with the records' role binding (registered certificates and
appointments, domain.md §8).

Time: the district's clock is set ten days before last year's main lock deadline;
records are signed five days before that, with certificates issued for the dates.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from hocbaso.demo.seed import current_school_year, seed_district
from hocbaso.records import actions
from hocbaso.records.demo_pki import create_records_pki
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import (
    Appointment,
    RecordStatus,
    Role,
    Round,
    SchoolClass,
    SchoolYear,
    YearlyRecord,
)
from hocbaso.records.snapshot import signers_of

PRIMARY_RECORDS = 4  # three of the main round and one of the supplementary round
SECONDARY_RECORDS = 2


@dataclass
class District:
    root: Path
    keys: KeyDirectory
    trust_dir: Path
    year: SchoolYear
    primary: SchoolClass
    secondary: SchoolClass
    other_primary: SchoolClass
    signed_at: dt.datetime
    open_at: dt.datetime
    packets: dict[int, bytes] = field(default_factory=dict)  # record pk → packet
    replacement: dict[int, bytes] = field(default_factory=dict)

    def records(self, school_class: SchoolClass, round_name: str | None = None):
        rows = YearlyRecord.objects.filter(
            pk__in=self.packets, school_class=school_class
        )
        if round_name:
            rows = rows.filter(round=round_name)
        return list(rows.order_by("pk"))

    def packet(self, record: YearlyRecord) -> bytes:
        return self.packets[record.pk]

    def main_deadline(self) -> dt.datetime:
        return self.year.deadline("main_lock_date")

    def supplementary_deadline(self) -> dt.datetime:
        return self.year.deadline("supplementary_lock_date")

    def user(self, school, role: str = Role.CLERK):
        appointment = Appointment.objects.filter(
            school=school, role=role, school_year=self.year
        ).select_related("person__user")
        return appointment.first().person.user

    def unit_officer(self, unit):
        appointment = Appointment.objects.filter(
            unit=unit, role=Role.UNIT_OFFICER, school_year=self.year
        ).select_related("person__user")
        return appointment.first().person.user


def _last_year() -> SchoolYear:
    first = int(current_school_year(timezone.localdate())[:4])
    return SchoolYear.objects.get(name=f"{first - 1}-{first}")


def _pick(year: SchoolYear, grade: int, exclude=()) -> SchoolClass:
    return (
        SchoolClass.objects.filter(school_year=year, grade=grade)
        .exclude(school__in=[c.school_id for c in exclude])
        .order_by("school__code", "name")
        .first()
    )


def _trim(school_class: SchoolClass, main: int, supplementary: int) -> None:
    """Keep a few finalised records of each round; put the others back to draft."""
    records = YearlyRecord.objects.filter(school_class=school_class).order_by("pk")
    keep = list(records.filter(round=Round.MAIN).values_list("pk", flat=True)[:main])
    keep += list(
        records.filter(round=Round.SUPPLEMENTARY).values_list("pk", flat=True)[
            :supplementary
        ]
    )
    records.exclude(pk__in=keep).update(status=RecordStatus.DRAFT)


def _sign_class(district: District, school_class: SchoolClass) -> None:
    signers, keys, at = signers_of(school_class), district.keys, district.signed_at
    teachers = {p.pk: p for p in signers.subject_teachers.values()}
    for teacher in teachers.values():
        actions.sign_as_subject_teacher(
            teacher.user, school_class, keys.signer_for_person(teacher), signing_time=at
        )
    actions.sign_as_homeroom_teacher(
        signers.homeroom.user,
        school_class,
        keys.signer_for_person(signers.homeroom),
        signing_time=at,
    )
    actions.sign_and_issue(
        signers.leader.user,
        actions.class_records(school_class),
        keys.signer_for_person(signers.leader),
        keys.signer_for_school(school_class.school),
        signing_time=at,
        issued_on=at.date(),
    )


def _collect(district: District, school_class: SchoolClass, into: dict) -> None:
    issued = YearlyRecord.objects.filter(
        school_class=school_class, status=RecordStatus.ISSUED
    ).select_related("packet")
    for record in issued:
        into[record.pk] = bytes(record.packet.data)


def _edit_and_resign(district: District, record: YearlyRecord) -> None:
    """A correction: edit, back to draft, finalise, sign again (domain.md §7)."""
    record.homeroom_comment = record.homeroom_comment + " Đã điều chỉnh nhận xét."
    record.save()
    YearlyRecord.objects.filter(pk=record.pk).update(status=RecordStatus.FINALISED)
    district.signed_at += dt.timedelta(hours=1)
    _sign_class(district, record.school_class)
    _collect(district, record.school_class, district.replacement)
    district.replacement = {record.pk: district.replacement[record.pk]}


def build(
    root: Path, primary_main: int = PRIMARY_RECORDS - 1, other_main: int = 1
) -> District:
    """Seed, issue the PKI, sign a few records of three classes (see the module)."""
    seed_district(scale="tiny", seed=5, password="demo password for tests")
    year = _last_year()
    open_at = year.deadline("main_lock_date") - dt.timedelta(days=10)
    signed_at = (open_at - dt.timedelta(days=5)).replace(microsecond=0)
    create_records_pki(
        root / "pki", root / "pki" / "trust", now=signed_at - dt.timedelta(days=10)
    )
    primary = _pick(year, 4)
    secondary = _pick(year, 7)
    other = _pick(year, 4, exclude=[primary])
    district = District(
        root,
        KeyDirectory(root / "pki"),
        root / "pki" / "trust",
        year,
        primary,
        secondary,
        other,
        signed_at,
        open_at,
    )
    _trim(primary, primary_main, 1)
    _trim(secondary, SECONDARY_RECORDS, 0)
    _trim(other, other_main, 0)
    for school_class in (primary, secondary, other):
        _sign_class(district, school_class)
        _collect(district, school_class, district.packets)
    first = district.records(primary, Round.MAIN)[0]
    _edit_and_resign(district, first)
    return district


def open_district(django_db_blocker, root: Path):
    """Build the district in a transaction; a generator: yield it, then roll back."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build(root)
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
