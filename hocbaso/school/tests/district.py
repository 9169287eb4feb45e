"""A tiny seeded district for the school pages' tests, with its demo PKI.

Last school year's records are finalised by the seed; a few classes keep a few
records each (the others go back to draft) so a class signs in well under a second.
The school's clock (``hocbaso.school.clock``) is set ten days before last year's
main lock deadline, so the registry accepts what the pages submit; certificates are
issued for that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from hocbaso.demo.seed import current_school_year, seed_district
from hocbaso.records.demo_pki import create_records_pki
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import (
    RecordStatus,
    Round,
    SchoolClass,
    SchoolYear,
    YearlyRecord,
)
from hocbaso.records.signers import signers_of

RECORDS_PER_CLASS = 3


@dataclass
class District:
    root: Path
    keys: KeyDirectory
    trust_dir: Path
    year: SchoolYear
    now: dt.datetime
    primary: SchoolClass  # grade 4
    secondary: SchoolClass  # grade 7
    other_primary: SchoolClass  # grade 4 of another school

    def homeroom(self, school_class: SchoolClass):
        return signers_of(school_class).homeroom.user

    def leader(self, school_class: SchoolClass):
        return signers_of(school_class).leader.user

    def subject_teachers(self, school_class: SchoolClass):
        people = {p.pk: p for p in signers_of(school_class).subject_teachers.values()}
        return [p.user for p in people.values()]

    def records(self, school_class: SchoolClass):
        return YearlyRecord.objects.filter(school_class=school_class).exclude(
            status=RecordStatus.DRAFT
        )


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


def _trim(school_class: SchoolClass, keep: int) -> None:
    """Keep a few finalised main-round records; put the others back to draft."""
    records = YearlyRecord.objects.filter(school_class=school_class).order_by("pk")
    kept = list(
        records.filter(round=Round.MAIN, status=RecordStatus.FINALISED).values_list(
            "pk", flat=True
        )[:keep]
    )
    records.exclude(pk__in=kept).update(status=RecordStatus.DRAFT)


def build(root: Path, keep: int = RECORDS_PER_CLASS) -> District:
    seed_district(scale="tiny", seed=5, password="demo password for tests")
    year = _last_year()
    now = (year.deadline("main_lock_date") - dt.timedelta(days=10)).replace(
        microsecond=0
    )
    create_records_pki(
        root / "pki", root / "pki" / "trust", now=now - dt.timedelta(days=10)
    )
    primary = _pick(year, 4)
    secondary = _pick(year, 7)
    other = _pick(year, 4, exclude=[primary])
    for school_class in (primary, secondary, other):
        _trim(school_class, keep)
    return District(
        root,
        KeyDirectory(root / "pki"),
        root / "pki" / "trust",
        year,
        now,
        primary,
        secondary,
        other,
    )
