"""Demo parents and guardians: who logs in at the demo provider, and whose
transcripts they see.

``seed_demo_guardians`` links the first few students of the seeded district that
have transcripts to demo parents (a valid personal id per parent, born in the
1980s) and answers the citizens the demo provider needs: the parents, and the
first student as a student logging in themself. Idempotent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from hocbaso.portal.citizen.models import Guardianship, Relation
from hocbaso.records.models import Sex, Student

DEMO_PASSWORD = "demo-vneid-2024"  # noqa: S105 - the demo's printed login


@dataclass(frozen=True)
class DemoCitizen:
    personal_id: str
    name: str
    password: str
    role: str
    children: tuple[str, ...] = ()


def _parent_id(rng: random.Random, sex: int, year: int) -> str:
    century = 1 if sex == Sex.FEMALE else 0  # born in the 1900s
    return f"001{century}{year % 100:02d}{rng.randrange(10**6):06d}"


@transaction.atomic
def seed_demo_guardians(count: int = 3, *, seed: int = 2024) -> list[DemoCitizen]:
    rng = random.Random(seed)
    students = list(
        Student.objects.filter(transcripts__isnull=False)
        .distinct()
        .order_by("student_code")[: count * 2]
    )
    citizens: list[DemoCitizen] = []
    for i in range(0, len(students), 2):
        children = students[i : i + 2]
        first = children[0]
        sex, relation, name = (
            (Sex.FEMALE, Relation.MOTHER, first.mother_name)
            if i % 4 == 0
            else (Sex.MALE, Relation.FATHER, first.father_name)
        )
        name = name or f"Phụ huynh của {first.full_name}"
        pid = _parent_id(rng, sex, 1980 + rng.randrange(10))
        for child in children:
            Guardianship.objects.update_or_create(
                student=child,
                guardian_personal_id=pid,
                defaults={"guardian_name": name, "relation": relation},
            )
        citizens.append(
            DemoCitizen(
                pid,
                name,
                DEMO_PASSWORD,
                "parent",
                tuple(c.full_name for c in children),
            )
        )
    if students:
        s = students[0]
        citizens.append(
            DemoCitizen(s.personal_id, s.full_name, DEMO_PASSWORD, "student")
        )
    return citizens


__all__ = ["DemoCitizen", "seed_demo_guardians"]
