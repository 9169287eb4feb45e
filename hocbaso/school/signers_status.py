"""Who has signed what in each class of a school, and what each one waits for.

The order of domain.md §6.2 (docs/signing.md): at lower secondary the subject
teachers first, then the homeroom teacher, then the principal (or a deputy) with
the school's seal. A role slot of a class is

- *signed* when every record of the class carries its signature;
- *waiting* when its turn has come and it has not signed every record yet;
- *blocked* when it cannot sign yet, with why: drafts to finalise, an earlier
  signer still to sign (named once, not once per record), or nobody appointed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hocbaso.records.models import (
    RecordStatus,
    SchoolClass,
    SchoolYear,
    SignatureStep,
    SignerRole,
    YearlyRecord,
)
from hocbaso.records.signers import signers_of
from hocbaso.school.review import current

SIGNED, WAITING, BLOCKED = "signed", "waiting", "blocked"


@dataclass
class Slot:
    role: str  # the slot's name as the page shows it
    person: str  # who holds it, "" when nobody does
    signed: int
    total: int
    state: str = WAITING
    reasons: list[str] = field(default_factory=list)


@dataclass
class ClassSigning:
    school_class: SchoolClass
    total: int
    drafts: int
    slots: list[Slot]


def school_signing(school, year: SchoolYear) -> list[ClassSigning]:
    """Every class of the school that year, in grade and name order."""
    classes = SchoolClass.objects.filter(school=school, school_year=year).order_by(
        "grade", "name"
    )
    return [class_signing(c) for c in classes]


def class_signing(school_class: SchoolClass) -> ClassSigning:
    statuses = list(
        current(YearlyRecord.objects.filter(school_class=school_class)).values_list(
            "status", flat=True
        )
    )
    total, drafts = len(statuses), statuses.count(RecordStatus.DRAFT)
    counts = _signed_counts(school_class)
    signers = signers_of(school_class)
    slots = [
        Slot(
            _("Subject teacher · %(subject)s") % {"subject": code},
            _name(person),
            counts[("subject", code)],
            total,
        )
        for code, person in sorted(signers.subject_teachers.items())
    ]
    slots.append(
        Slot(_("Homeroom teacher"), _name(signers.homeroom), counts["homeroom"], total)
    )
    slots.append(
        Slot(_("Principal and seal"), _name(signers.leader), counts["leader"], total)
    )
    _decide(slots, drafts)
    return ClassSigning(school_class, total, drafts, slots)


def _name(person) -> str:
    return person.full_name if person is not None else ""


def _signed_counts(school_class: SchoolClass) -> Counter:
    """Records signed per slot: ("subject", code), "homeroom", "leader"."""
    counts: Counter = Counter()
    steps = SignatureStep.objects.filter(record__school_class=school_class)
    for role, codes in steps.values_list("role", "subject_codes"):
        if role == SignerRole.SUBJECT_TEACHER:
            for code in codes or []:
                counts[("subject", code)] += 1
        elif role == SignerRole.HOMEROOM_TEACHER:
            counts["homeroom"] += 1
        elif role == SignerRole.LEADER:
            counts["leader"] += 1
    return counts


def _decide(slots: list[Slot], drafts: int) -> None:
    """Each slot's state in the order of §6.2: the homeroom teacher waits on every
    subject teacher, the principal on the homeroom teacher."""
    subjects, homeroom, leader = slots[:-2], slots[-2], slots[-1]
    for slot in subjects:
        _settle(slot, drafts, [])
    _settle(homeroom, drafts, subjects)
    _settle(leader, drafts, [homeroom])


def _settle(slot: Slot, drafts: int, earlier: list[Slot]) -> None:
    if slot.total > 0 and slot.signed >= slot.total:
        slot.state = SIGNED
        return
    slot.reasons = _blockers(slot, drafts, earlier)
    slot.state = BLOCKED if slot.reasons else WAITING


def _blockers(slot: Slot, drafts: int, earlier: list[Slot]) -> list[str]:
    reasons = []
    if not slot.person:
        reasons.append(_("nobody is appointed to this role for the class"))
    if slot.total == 0:
        reasons.append(_("the class has no records"))
    if drafts:
        reasons.append(
            _("%(n)s records are drafts: the homeroom teacher finalises them")
            % {"n": drafts}
        )
    waiting_for = [s for s in earlier if s.state != SIGNED]
    if waiting_for:
        # Each signer once, however many records they still have to sign.
        names = ", ".join(
            dict.fromkeys(f"{s.role} ({s.person or '—'})" for s in waiting_for)
        )
        reasons.append(_("waits for %(signers)s") % {"signers": names})
    return reasons
