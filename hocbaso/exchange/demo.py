"""A small department for demonstrations and the multi-instance tests.

``prepare_department`` seeds the tiny demo district under another department's
code and province (so two installations hold two different provinces), then signs,
submits and locks the first classes of last year's rounds through the registry's
own actions (hocbaso.demo.registry_demo).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from hocbaso.demo.registry_demo import prepare_registry
from hocbaso.demo.seed import current_school_year, seed_district
from hocbaso.exchange.models import Identity
from hocbaso.records.models import Department, ManagementUnit, School, SchoolYear


def prepare_department(
    *,
    code: str,
    province_name: str,
    seed: int,
    data_dir: Path,
    classes_per_round: int | None = 1,
    password: str,
    scale: str = "tiny",
    today: dt.date | None = None,
) -> dict[str, int]:
    """Seed, rename and lock a tiny department; the registry's counts."""
    seed_district(scale=scale, seed=seed, password=password, today=today)
    with transaction.atomic():
        _rename(code, province_name)
        Identity.objects.all().delete()
        Identity.objects.create(code=code, name=province_name)
    first = int(current_school_year(today or timezone.localdate())[:4])
    year = SchoolYear.objects.get(name=f"{first - 1}-{first}")
    return prepare_registry(
        year,
        data_dir=data_dir,
        progress=lambda message: None,
        classes_per_round=classes_per_round,
    )


def _rename(code: str, province_name: str) -> None:
    """The seeded department's codes, under another province (codes start with it)."""
    department = Department.objects.get()
    department.code = code
    department.province_code = code
    department.province_name = province_name
    department.name = f"Sở Giáo dục và Đào tạo {province_name}"
    department.save()
    for unit in ManagementUnit.objects.all():
        unit.code = f"{code}-{unit.code}"
        unit.save()
    for school in School.objects.all():
        school.code = code + school.code[2:]
        school.province_code = code
        school.province_name = province_name
        school.address = school.address.rsplit(",", 1)[0] + f", {province_name}"
        school.save()
