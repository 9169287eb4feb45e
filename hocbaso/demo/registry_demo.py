"""The demo registry: last year signed, submitted and locked, as it would have been.

Steps, for the seeded district's last school year:
0. with ``earlier_year`` (``hocbaso demo-registry``): the year before last for one
   class per level whose pupils were in a pilot grade then (``history.py``), so
   that they have two locked years; steps 1-3 run for it first, in time order;
1. the demo PKI: a certificate for every teacher, principal and school, registered
   to its owner (``hocbaso.records.demo_pki``), valid from before the first signing
   for three years, so one key signs every year of the demo;
2. the main round: ten days before its lock deadline every class signs its main-round
   records in order (subject teachers, homeroom teacher, principal and seal); five
   days before, each school sends a class package to the registry; at the deadline
   the registry locks the round;
3. the supplementary round the same way around its own deadline (15/8);
4. today, a transfer in progress: another school of its level asks for the
   transcript of a pupil whose last year is locked; the sending school has not
   released it yet (its principal does so on the school's Transfers page).

The registry is driven through the same actions its API uses, with the clock set to
those past dates, so every effective date and ledger entry is what the real
calendar would have produced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.demo.history import seed_earlier_year
from hocbaso.records import actions
from hocbaso.records.demo_pki import create_records_pki
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import (
    Enrollment,
    RecordStatus,
    Round,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    YearlyRecord,
)
from hocbaso.records.signers import signers_of
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.package import build_package

SIGN_DAYS_BEFORE = 10
SUBMIT_DAYS_BEFORE = 5
DEADLINES = {
    Round.MAIN: "main_lock_date",
    Round.SUPPLEMENTARY: "supplementary_lock_date",
}
# One certificate per person and school for the demo's years: three years from
# before the earliest signing, as Vietnamese CAs issue them (1 to 3 years), so a
# signature of the year before last and one of this year use the same key.
CERTIFICATE_DAYS = 3 * 365
# Last year's grades whose pupils were in a pilot grade the year before.
CONTINUED_GRADES = {SchoolLevel.PRIMARY: (2, 3, 4), SchoolLevel.SECONDARY: (7, 8)}


def prepare_registry(
    year: SchoolYear,
    *,
    data_dir: Path,
    progress: Callable[[str], None],
    classes_per_round: int | None = None,
    earlier_year: bool = False,
) -> dict[str, int]:
    """Sign, submit and lock every record of ``year``; the counts of each step.

    ``classes_per_round`` limits the classes signed in each round (for tests);
    the others' records stay unsubmitted and show as missing at the lock.
    ``earlier_year``: first the year before, for one class per level (step 0).
    """
    history = _continued_classes(year) if earlier_year else []
    earlier = seed_earlier_year(year, history) if history else []
    start = earlier[0].school_year if earlier else year
    progress(_("demo PKI"))
    create_records_pki(
        data_dir / "pki",
        settings.HOCBASO_TRUST_STORE,
        now=_moment(start, Round.MAIN, SIGN_DAYS_BEFORE) - dt.timedelta(days=20),
        valid_days=CERTIFICATE_DAYS,
    )
    keys = KeyDirectory(data_dir / "pki")
    counts: dict[str, int] = {}
    if earlier:
        done = _lock_year(start, keys, earlier, None, progress)
        counts.update({f"earlier {k}": v for k, v in done.items()})
    counts.update(_lock_year(year, keys, history, classes_per_round, progress))
    counts["transfer:requested"] = _transfer_in_progress(year)
    return counts


def _continued_classes(year: SchoolYear) -> list[SchoolClass]:
    """One class per level whose pupils were in a pilot grade the year before:
    the first of the lowest such grade (2 at primary, 7 at lower secondary)."""
    out = []
    for level, grades in CONTINUED_GRADES.items():
        school_class = (
            SchoolClass.objects.filter(
                school_year=year, school__level=level, grade__in=grades
            )
            .order_by("grade", "school__code", "name")
            .first()
        )
        if school_class is not None:
            out.append(school_class)
    return out


def _lock_year(
    year: SchoolYear,
    keys: KeyDirectory,
    first: list[SchoolClass],
    classes_per_round: int | None,
    progress: Callable[[str], None],
) -> dict[str, int]:
    """Steps 2-3 for one school year; ``first`` are signed before the others."""
    counts: dict[str, int] = {}
    for round_name in (Round.MAIN, Round.SUPPLEMENTARY):
        _only_round_finalised(year, round_name)
        classes = _round_classes(year, first)[:classes_per_round]
        signed = submitted = 0
        for n, school_class in enumerate(classes, 1):
            signed += _sign_class(school_class, keys, year, round_name)
            submitted += _submit_class(school_class, year, round_name)
            progress(
                _("%(year)s %(round)s: class %(n)s of %(total)s signed and sent")
                % {"year": year, "round": round_name, "n": n, "total": len(classes)}
            )
        deadline = year.deadline(DEADLINES[round_name])
        result = registry.lock_round(
            year,
            round_name,
            actor=Actor.system("demo scheduler"),
            at=deadline,
            clock=fixed_clock(deadline),
        )
        counts.update(
            {
                f"{round_name}:signed": signed,
                f"{round_name}:accepted": submitted,
                f"{round_name}:locked": result.locked,
            }
        )
        progress(
            _("%(year)s %(round)s: %(locked)s records locked")
            % {"year": year, "round": round_name, "locked": result.locked}
        )
    return counts


def _round_classes(year: SchoolYear, first: list[SchoolClass]) -> list[SchoolClass]:
    """The classes with records to sign in this round, ``first`` ahead."""
    classes = SchoolClass.objects.filter(
        pk__in=YearlyRecord.objects.filter(
            school_year=year, status=RecordStatus.FINALISED
        ).values("school_class")
    ).order_by("school__code", "name")
    ahead = {c.pk for c in first}
    return sorted(classes, key=lambda c: c.pk not in ahead)


def _transfer_in_progress(year: SchoolYear) -> int:
    """Step 4: the first pupil (by school and student code) still at the school
    of a locked record is asked for by the next school of its level."""
    locked = (
        YearlyRecord.objects.filter(school_year=year)
        .exclude(locked_at=None)
        .select_related("transcript__student", "school")
        .order_by("school__code", "transcript__student__student_code")
    )
    for record in locked[:200]:
        transcript, school = record.transcript, record.school
        still_there = Enrollment.objects.filter(
            student=transcript.student,
            school_class__school=school,
            school_class__school_year__name__gt=year.name,
        )
        if transcript.school_id != school.pk or not still_there.exists():
            continue
        to_school = (
            School.objects.filter(level=school.level)
            .exclude(pk=school.pk)
            .order_by("code")
            .first()
        )
        if to_school is None:
            return 0
        registry.request_transfer(
            student_code=transcript.student.student_code,
            level=transcript.level,
            to_school=to_school,
            actor=Actor.of_school_token(to_school, "demo"),
            note="Gia đình chuyển nơi ở, xin tiếp nhận học sinh từ học kì II.",
        )
        return 1
    return 0


def _moment(year: SchoolYear, round_name: str, days_before: int) -> dt.datetime:
    return year.deadline(DEADLINES[round_name]) - dt.timedelta(days=days_before)


def _only_round_finalised(year: SchoolYear, round_name: str) -> None:
    """Make just this round's unsubmitted records signable (a bulk status switch)."""
    records = YearlyRecord.objects.filter(school_year=year).exclude(
        status=RecordStatus.SUBMITTED
    )
    records.filter(round=round_name).update(status=RecordStatus.FINALISED)
    records.exclude(round=round_name).update(status=RecordStatus.DRAFT)


@transaction.atomic
def _sign_class(
    school_class: SchoolClass, keys: KeyDirectory, year: SchoolYear, round_name: str
) -> int:
    at = _moment(year, round_name, SIGN_DAYS_BEFORE)
    signers = signers_of(school_class)
    for teacher in {p.pk: p for p in signers.subject_teachers.values()}.values():
        actions.sign_as_subject_teacher(
            teacher.user, school_class, keys.signer_for_person(teacher), signing_time=at
        )
    actions.sign_as_homeroom_teacher(
        signers.homeroom.user,
        school_class,
        keys.signer_for_person(signers.homeroom),
        signing_time=at,
    )
    steps = actions.sign_and_issue(
        signers.leader.user,
        actions.class_records(school_class),
        keys.signer_for_person(signers.leader),
        keys.signer_for_school(school_class.school),
        signing_time=at,
        issued_on=at.date(),
    )
    return len({step.record_id for step in steps})


def _submit_class(school_class: SchoolClass, year: SchoolYear, round_name: str) -> int:
    issued = YearlyRecord.objects.filter(
        school_class=school_class, status=RecordStatus.ISSUED
    ).select_related("packet")
    packets = [bytes(record.packet.data) for record in issued.order_by("pk")]
    if not packets:
        return 0
    school = school_class.school
    package = build_package(
        packets,
        school_code=school.code,
        school_year=year.name,
        class_name=school_class.name,
    )
    receipt = registry.submit(
        package,
        school=school,
        actor=Actor.of_school_token(school, "demo"),
        clock=fixed_clock(_moment(year, round_name, SUBMIT_DAYS_BEFORE)),
    )
    if receipt.errors or receipt.rejected:
        problems = [str(p) for p in receipt.errors] + [str(r) for r in receipt.rejected]
        raise RuntimeError(f"class {school_class} refused: {problems}")
    return len(receipt.accepted)
