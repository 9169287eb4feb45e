"""The role binding of the records: a signature counts only for the role its owner held.

domain.md §8 [decision]: the certificate must be registered (records.Certificate, by
SHA-256 fingerprint) to the person the packet names in the slot, or for the seal to the
school, and that person must have held the role for the record's class and school in
the record's school year (appointments are per school year, so this is "at signing
time" at the granularity the records keep):
- subject teacher: subject_teacher of the class for every subject the slot covers;
- homeroom teacher: homeroom_teacher of the class;
- leader: principal of the school, or deputy_principal signing with a deputy's title;
- seal: the school's own organisation certificate.
The registration alone is not trusted: the certificate's own subject must name the
person it is registered to (its personal id, "CCCD:<12 digits>") or the school (its
code), so a row moved to someone else behind the registration pages binds no one
(reason prefixed with SUBJECT_MISMATCH, certificates.owner_problems).
The class is found from the packet's data (school code, school year, class name): no
database id is taken from the packet.

One instance caches what it looked up; use one per batch of verifications. The first
signature of a class reads, in two queries, the appointments of that school year in the
class and of its school's leaders, and every certificate registered to those people or
to the school: the rest of the class's signatures are answered from memory (a
certificate not among them is still looked up on its own). Each query is compiled once
per process (hocbaso.prepared) and answers plain values, not model instances:
building them cost more than running them (docs/signing.md, "Performance").
"""

from __future__ import annotations

from typing import NamedTuple

from cryptography import x509
from django.db.models import Q, QuerySet
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from hocbaso.packet import RecordSnapshot
from hocbaso.prepared import PreparedQuery
from hocbaso.records import certificates
from hocbaso.records.certificates import fingerprint_of
from hocbaso.records.models import Appointment, Certificate, SchoolClass
from hocbaso.records.models import Role as Position
from hocbaso.signing import BindingDecision, Role, RoleContext

DEPUTY_MARK = "PHÓ HIỆU TRƯỞNG"
# The stable code that starts the reason of a registration its subject contradicts.
SUBJECT_MISMATCH = "SUBJECT_MISMATCH"
# The school-wide appointments a leader's signature is judged by (_bind_leader).
_LEADING = (Position.PRINCIPAL, Position.DEPUTY_PRINCIPAL)


class _Class(NamedTuple):
    pk: int
    school_id: int
    school_year_id: int


class _Held(NamedTuple):
    """One appointment, what _bind_person reads of it."""

    role: str
    school_id: int | None
    school_class_id: int | None
    subject_code: str


class _Person(NamedTuple):
    pk: int
    personal_id: str
    full_name: str

    def __str__(self) -> str:
        return self.full_name


class _School(NamedTuple):
    code: str
    name: str

    def __str__(self) -> str:
        return self.name


class _Registration(NamedTuple):
    """A registered certificate's owner: a person, or a school for its seal."""

    person: _Person | None
    school: _School | None


# Verification asks these of every class it meets: building a queryset cost more
# than running it, so each is compiled once per process (hocbaso/prepared.py) and
# answers plain values.
_CLASS = PreparedQuery(
    lambda code, year, name: (
        SchoolClass.objects.filter(school__code=code, school_year__name=year, name=name)
        .order_by("pk")
        .values("id", "school_id", "school_year_id")[:1]
    ),
    str,
    str,
    str,
)


def _held_in(class_id: int, school_id: int, year_id: int) -> QuerySet:
    """The appointments of the year in the class, or leading its school."""
    leading = Q(school=school_id, role__in=_LEADING)
    return Appointment.objects.filter(
        Q(school_class=class_id) | leading, school_year=year_id
    )


_APPOINTMENTS = PreparedQuery(
    lambda class_id, school_id, year_id: (
        _held_in(class_id, school_id, year_id)
        .order_by("pk")
        .values("person_id", "role", "school_id", "school_class_id", "subject_code")
    ),
    int,
    int,
    int,
)
_OWNER = (
    "fingerprint_sha256",
    "person_id",
    "person__personal_id",
    "person__full_name",
    "school__code",
    "school__name",
)
# The school's id is given twice: a prepared argument is exactly one parameter.
_REGISTERED_IN_CLASS = PreparedQuery(
    lambda class_id, school_id, year_id, seal_school_id: (
        Certificate.objects.filter(
            Q(
                person__in=_held_in(class_id, school_id, year_id)
                .order_by()
                .values("person_id")
            )
            | Q(school=seal_school_id)
        )
        .order_by()
        .values(*_OWNER)
    ),
    int,
    int,
    int,
    int,
)
_REGISTERED = PreparedQuery(
    lambda fingerprint: (
        Certificate.objects.filter(fingerprint_sha256=fingerprint)
        .order_by()
        .values(*_OWNER)[:1]
    ),
    str,
)


def _registration_of(row: dict) -> _Registration:
    person = school = None
    if row["person_id"] is not None:
        person = _Person(
            row["person_id"], row["person__personal_id"], row["person__full_name"]
        )
    if row["school__code"] is not None:
        school = _School(row["school__code"], row["school__name"])
    return _Registration(person, school)


def _refuse(reason: str) -> BindingDecision:
    return BindingDecision(False, reason)


class RecordsRoleBinding:
    """hocbaso.signing.RoleBinding answered from the records' registrations."""

    def __init__(self) -> None:
        self._registrations: dict[str, _Registration | None] = {}
        self._classes: dict[tuple[str, str, str], _Class | None] = {}
        # class pk → person pk → that person's appointments of the class's school
        # year in the class, or as principal or deputy at its school.
        self._held: dict[int, dict[int, list[_Held]]] = {}
        self._prints: dict[x509.Certificate, str] = {}
        # A class's records are signed by the same few people in the same roles:
        # each decision is made once per (role, certificate, signer, class, what
        # the record asks of the role) and answered from here after, its reason in
        # the language active when the binding was made (read once: asking for it
        # costs as much as the rest of a remembered answer).
        self._decisions: dict[tuple, BindingDecision] = {}
        self._language = get_language()
        # The subjects each teacher of the last snapshot asked about taught, read
        # once per packet rather than once per signature (a lower-secondary
        # packet has some fifteen). The snapshot is kept, so no other object can
        # take its identity while it answers.
        self._snapshot: RecordSnapshot | None = None
        self._taught: dict[str, frozenset[str]] = {}

    def __call__(
        self, role: Role, certificate: x509.Certificate, context: RoleContext
    ) -> BindingDecision:
        key = self._decision_key(role, certificate, context)
        decision = self._decisions.get(key)
        if decision is None:
            with override(self._language):
                decision = self._decide(role, certificate, context)
            self._decisions[key] = decision
        return decision

    def _decide(
        self, role: Role, certificate: x509.Certificate, context: RoleContext
    ) -> BindingDecision:
        school_class = self._class_of(context.snapshot)
        if school_class is not None:
            self._read_class(school_class)
        registration = self._registration(certificate)
        if registration is None:
            return _refuse(_("the certificate is not registered to anyone"))
        if mismatch := _subject_mismatch(registration, certificate):
            return mismatch
        if role is Role.SEAL:
            return _bind_seal(registration, context)
        person = registration.person
        if person is None:
            return _refuse(_("a school's seal cannot sign for a person"))
        if person.personal_id != context.identifier:
            return _refuse(
                _("the certificate is registered to %(name)s, not to this signer")
                % {"name": person.full_name}
            )
        if school_class is None:
            return _refuse(_("the records have no such class in that school year"))
        held = self._held[school_class.pk].get(person.pk, [])
        return _bind_person(role, person, school_class, context.snapshot, held)

    def _decision_key(
        self, role: Role, certificate: x509.Certificate, context: RoleContext
    ) -> tuple:
        """Everything a decision depends on besides what the instance has read.

        The record's part: its class (school, year, name), the subjects whose
        teacher is the signer for a subject teacher (_bind_subject_teacher), the
        leader's title for a leader (_bind_leader)."""
        snapshot = context.snapshot
        if role is Role.SUBJECT_TEACHER:
            asked: object = self._subjects_taught(snapshot, context.identifier)
        elif role is Role.LEADER:
            asked = snapshot.leader.title
        else:
            asked = None
        return (
            role,
            certificate,
            context.identifier,
            snapshot.school.code,
            snapshot.school_year,
            snapshot.class_name,
            asked,
        )

    def _subjects_taught(
        self, snapshot: RecordSnapshot, personal_id: str
    ) -> frozenset[str]:
        """_subjects_of(snapshot, personal_id), every teacher's read at once."""
        if snapshot is not self._snapshot:
            self._taught = _subjects_by_teacher(snapshot)
            self._snapshot = snapshot
        return self._taught.get(personal_id, frozenset())

    def _read_class(self, school_class: _Class) -> None:
        """Appointments of the class's year in the class, and as principal or deputy
        at its school (what _bind_person reads), and the certificates registered to
        those people or to the school, once per class."""
        if school_class.pk in self._held:
            return
        by_person: dict[int, list[_Held]] = {}
        where = (school_class.pk, school_class.school_id, school_class.school_year_id)
        for row in _APPOINTMENTS(*where):
            by_person.setdefault(row.pop("person_id"), []).append(_Held(**row))
        self._held[school_class.pk] = by_person
        for row in _REGISTERED_IN_CLASS(*where, school_class.school_id):
            self._registrations.setdefault(
                row["fingerprint_sha256"], _registration_of(row)
            )

    def _registration(self, certificate: x509.Certificate) -> _Registration | None:
        # Certificates hash by their DER, cheaper than the SHA-256 print itself.
        key = self._prints.get(certificate)
        if key is None:
            key = self._prints[certificate] = fingerprint_of(certificate)
        if key not in self._registrations:
            rows = _REGISTERED(key)
            self._registrations[key] = _registration_of(rows[0]) if rows else None
        return self._registrations[key]

    def _class_of(self, snapshot: RecordSnapshot) -> _Class | None:
        key = (snapshot.school.code, snapshot.school_year, snapshot.class_name)
        if key not in self._classes:
            found = [
                _Class(r["id"], r["school_id"], r["school_year_id"])
                for r in _CLASS(*key)
            ]
            self._classes[key] = found[0] if found else None
        return self._classes[key]


def _subject_mismatch(
    registration: _Registration, certificate: x509.Certificate
) -> BindingDecision | None:
    """A refusal when the certificate's subject does not name its registered owner."""
    problems = certificates.owner_problems(
        certificate,
        person=registration.person,
        school=registration.school,
        check_name=False,
    )
    if not problems:
        return None
    code, _params = problems[0]
    return _refuse(
        f"{SUBJECT_MISMATCH}: "
        + _(
            "the certificate's subject does not name %(owner)s, to whom it is "
            "registered (%(code)s)"
        )
        % {"owner": registration.person or registration.school, "code": code}
    )


def _subjects_by_teacher(snapshot: RecordSnapshot) -> dict[str, frozenset[str]]:
    """Personal id → the codes of the subjects the packet says they taught."""
    taught: dict[str, set[str]] = {}
    for subject in getattr(snapshot.results, "subjects", ()):
        teacher = getattr(subject, "teacher", None)
        if teacher is not None:
            taught.setdefault(teacher.personal_id, set()).add(subject.code)
    return {teacher: frozenset(codes) for teacher, codes in taught.items()}


def _subjects_of(snapshot: RecordSnapshot, personal_id: str) -> frozenset[str]:
    """The codes of the subjects the packet says this person taught."""
    return frozenset(
        s.code
        for s in getattr(snapshot.results, "subjects", ())
        if getattr(s, "teacher", None) is not None
        and s.teacher.personal_id == personal_id
    )


def _bind_seal(registration: _Registration, context: RoleContext) -> BindingDecision:
    school = registration.school
    if school is None:
        return _refuse(_("a personal certificate cannot be the school's seal"))
    if school.code != context.identifier:
        return _refuse(
            _("the certificate is the seal of %(school)s, not of this school")
            % {"school": school.name}
        )
    return BindingDecision(
        True, _("the seal of %(school)s is registered") % {"school": school.name}
    )


def _bind_person(
    role: Role,
    person: _Person,
    school_class: _Class,
    snapshot: RecordSnapshot,
    held: list[_Held],
) -> BindingDecision:
    """held: the person's appointments in the record's school year."""
    where = {"name": person.full_name, "year": snapshot.school_year}
    in_class = [a for a in held if a.school_class_id == school_class.pk]
    if role is Role.HOMEROOM_TEACHER:
        if any(a.role == Position.HOMEROOM_TEACHER for a in in_class):
            return BindingDecision(
                True,
                _("%(name)s was the homeroom teacher of the class in %(year)s") % where,
            )
        return _refuse(
            _("%(name)s was not the homeroom teacher of the class in %(year)s") % where
        )
    if role is Role.SUBJECT_TEACHER:
        return _bind_subject_teacher(person, snapshot, in_class, where)
    at_school = {a.role for a in held if a.school_id == school_class.school_id}
    return _bind_leader(snapshot, at_school, where)


def _bind_subject_teacher(
    person: _Person, snapshot: RecordSnapshot, in_class: list[_Held], where
) -> BindingDecision:
    codes = _subjects_of(snapshot, person.personal_id)
    taught = {a.subject_code for a in in_class if a.role == Position.SUBJECT_TEACHER}
    missing = sorted(codes - taught)
    if not codes or missing:
        return _refuse(
            _("%(name)s did not teach %(subjects)s in the class in %(year)s")
            % {**where, "subjects": ", ".join(missing) or "-"}
        )
    return BindingDecision(
        True,
        _("%(name)s taught %(subjects)s in the class in %(year)s")
        % {**where, "subjects": ", ".join(sorted(codes))},
    )


def _bind_leader(snapshot: RecordSnapshot, roles: set[str], where) -> BindingDecision:
    if Position.PRINCIPAL in roles:
        return BindingDecision(
            True, _("%(name)s was the principal in %(year)s") % where
        )
    if Position.DEPUTY_PRINCIPAL in roles:
        if DEPUTY_MARK not in snapshot.leader.title.upper():
            return _refuse(
                _("%(name)s was a deputy but signs with the principal's title") % where
            )
        return BindingDecision(
            True,
            _("%(name)s was a deputy principal, signing on the principal's behalf")
            % where,
        )
    return _refuse(
        _("%(name)s was not the principal or a deputy of the school in %(year)s")
        % where
    )
