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
certificate not among them is still looked up on its own).
"""

from __future__ import annotations

from cryptography import x509
from django.db.models import Q
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from hocbaso.packet import RecordSnapshot
from hocbaso.records import certificates
from hocbaso.records.certificates import fingerprint_of
from hocbaso.records.models import (
    Appointment,
    Certificate,
    Person,
    SchoolClass,
)
from hocbaso.records.models import Role as Position
from hocbaso.signing import BindingDecision, Role, RoleContext

DEPUTY_MARK = "PHÓ HIỆU TRƯỞNG"
# The stable code that starts the reason of a registration its subject contradicts.
SUBJECT_MISMATCH = "SUBJECT_MISMATCH"
# The school-wide appointments a leader's signature is judged by (_bind_leader).
_LEADING = (Position.PRINCIPAL, Position.DEPUTY_PRINCIPAL)


def _refuse(reason: str) -> BindingDecision:
    return BindingDecision(False, reason)


class RecordsRoleBinding:
    """hocbaso.signing.RoleBinding answered from the records' registrations."""

    def __init__(self) -> None:
        self._registrations: dict[str, Certificate | None] = {}
        self._classes: dict[tuple[str, str, str], SchoolClass | None] = {}
        # class pk → person pk → that person's appointments of the class's school
        # year in the class, or as principal or deputy at its school.
        self._held: dict[int, dict[int, list[Appointment]]] = {}
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

    def _read_class(self, school_class: SchoolClass) -> None:
        """Appointments of the class's year in the class, and as principal or deputy
        at its school (what _bind_person reads), and the certificates registered to
        those people or to the school, once per class."""
        if school_class.pk in self._held:
            return
        by_person: dict[int, list[Appointment]] = {}
        leading = Q(school=school_class.school_id, role__in=_LEADING)
        for appointment in (
            Appointment.objects.filter(
                Q(school_class=school_class.pk) | leading,
                school_year=school_class.school_year_id,
            )
            .only("person_id", "role", "school_id", "school_class_id", "subject_code")
            .order_by("pk")
        ):
            by_person.setdefault(appointment.person_id, []).append(appointment)
        self._held[school_class.pk] = by_person
        for registration in (
            Certificate.objects.select_related("person", "school")
            .defer("pem")
            .filter(Q(person__in=list(by_person)) | Q(school=school_class.school_id))
        ):
            self._registrations.setdefault(
                registration.fingerprint_sha256, registration
            )

    def _registration(self, certificate: x509.Certificate) -> Certificate | None:
        # Certificates hash by their DER, cheaper than the SHA-256 print itself.
        key = self._prints.get(certificate)
        if key is None:
            key = self._prints[certificate] = fingerprint_of(certificate)
        if key not in self._registrations:
            self._registrations[key] = (
                Certificate.objects.select_related("person", "school")
                .filter(fingerprint_sha256=key)
                .first()
            )
        return self._registrations[key]

    def _class_of(self, snapshot: RecordSnapshot) -> SchoolClass | None:
        key = (snapshot.school.code, snapshot.school_year, snapshot.class_name)
        if key not in self._classes:
            self._classes[key] = (
                SchoolClass.objects.select_related("school_year")
                .filter(school__code=key[0], school_year__name=key[1], name=key[2])
                .first()
            )
        return self._classes[key]


def _subject_mismatch(
    registration: Certificate, certificate: x509.Certificate
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


def _bind_seal(registration: Certificate, context: RoleContext) -> BindingDecision:
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
    person: Person,
    school_class: SchoolClass,
    snapshot: RecordSnapshot,
    held: list[Appointment],
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
    person: Person, snapshot: RecordSnapshot, in_class: list[Appointment], where
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
