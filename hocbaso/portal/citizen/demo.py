"""Demo parents and guardians: who logs in at the demo provider, and whose
transcripts they see.

``seed_demo_guardians`` answers the citizens the demo provider needs, each with
a valid personal id (parents born in the 1980s):

1. first, where to start: a parent of the first pupil whose transcript has two
   school years locked in the registry (the demo locks the year before last for
   one class per level, docs/school.md), so the parent's page lists both years
   and the transcript on screen shows both pages;
2. parents of the first few students that have transcripts, two children each
   (mothers and fathers in turn);
3. the first of those students, logging in themself.

Idempotent: the same district gives the same citizens.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Count

from hocbaso.portal.citizen.models import Guardianship, Relation
from hocbaso.portal.citizen.registry import Standing, standings
from hocbaso.records.models import Sex, Student, Transcript, YearlyRecord

DEMO_PASSWORD = "demo-vneid-2024"  # noqa: S105 - the demo's printed login
# Transcripts read in one query of standings, and how many are read at most:
# the pupils with the most school years come first, so the first batch finds
# one in a seeded demo; the cap keeps `make demo`'s start short when none has.
_BATCH = 50
_SEARCHED = 400


@dataclass(frozen=True)
class DemoCitizen:
    personal_id: str
    name: str
    password: str
    role: str
    children: tuple[str, ...] = ()
    # The login to try first: a child with two locked school years.
    start_here: bool = False


def _parent_id(rng: random.Random, sex: int, year: int) -> str:
    century = 1 if sex == Sex.FEMALE else 0  # born in the 1900s
    return f"001{century}{year % 100:02d}{rng.randrange(10**6):06d}"


@transaction.atomic
def seed_demo_guardians(count: int = 3, *, seed: int = 2024) -> list[DemoCitizen]:
    """Steps 1-3 above. The child of step 1 gets a parent of its own only if no
    parent of step 2 has it already (one demo mother per child), drawn last, so
    the parents of step 2 keep the ids an earlier demo gave them."""
    rng = random.Random(seed)
    students = list(
        Student.objects.filter(transcripts__isnull=False)
        .distinct()
        .order_by("student_code")[: count * 2]
    )
    families = [students[i : i + 2] for i in range(0, len(students), 2)]
    child = child_with_two_locked_years()
    if child is not None and not any(child in family for family in families):
        families.append([child])
    citizens = [
        _link_parent(rng, family, mother=i % 2 == 0)
        for i, family in enumerate(families)
    ]
    if child is not None:
        at = next(i for i, family in enumerate(families) if child in family)
        citizens.insert(0, replace(citizens.pop(at), start_here=True))
    if students:
        s = students[0]
        citizens.append(
            DemoCitizen(s.personal_id, s.full_name, DEMO_PASSWORD, "student")
        )
    return citizens


def _link_parent(
    rng: random.Random, children: list[Student], *, mother: bool
) -> DemoCitizen:
    """A parent of ``children`` (named after the first one's mother or father)."""
    first = children[0]
    sex, relation, name = (
        (Sex.FEMALE, Relation.MOTHER, first.mother_name)
        if mother
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
    names = tuple(c.full_name for c in children)
    return DemoCitizen(pid, name, DEMO_PASSWORD, "parent", names)


def child_with_two_locked_years() -> Student | None:
    """The first pupil (most school years first, then by student code) whose
    transcript has records of two school years effective in the registry: sent,
    locked, neither revoked nor replaced since. None if no such pupil."""
    for batch in _batches(_candidates(), _BATCH):
        years: dict[int, set[int]] = defaultdict(set)
        records = YearlyRecord.objects.filter(transcript__in=batch)
        for st in standings(records):
            if st.standing is Standing.EFFECTIVE:
                years[st.record.transcript_id].add(st.record.school_year_id)
        for transcript in batch:
            if len(years[transcript.pk]) >= 2:
                return transcript.student
    return None


def _candidates():
    return (
        Transcript.objects.annotate(
            years=Count("yearly_records__school_year", distinct=True)
        )
        .filter(years__gte=2)
        .select_related("student")
        .order_by("-years", "student__student_code", "pk")[:_SEARCHED]
    )


def _batches(rows, size: int) -> Iterator[list[Transcript]]:
    rows = list(rows)
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


__all__ = ["DemoCitizen", "child_with_two_locked_years", "seed_demo_guardians"]
