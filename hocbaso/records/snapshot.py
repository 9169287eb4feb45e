"""A yearly record and its rows → the frozen ``hocbaso.packet.RecordSnapshot``.

What is signed is built from a snapshot, never from live rows (docs/signing.md). Steps:
1. readiness: results computed and final, signers appointed, identity complete;
2. identity: student, school with its department, class, school year, grade;
3. results: primary subjects from the term II rows, qualities and competencies with
   their comments; lower-secondary subjects from the computed results, June learning
   and conduct beside the summer's outcome (Circular 22, Art. 12-15);
4. absences, commendations, the homeroom teacher's comment, the study history;
5. signers from the appointments of the record's school year: subject teachers of each
   subject of the class (lower secondary), the homeroom teacher, the principal or a
   deputy with the title printed on the form (domain.md §6).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from hocbaso.assessment import AssessmentInputError, assess
from hocbaso.assessment.curriculum import (
    PRIMARY_SUBJECT_NAMES,
    SECONDARY_SUBJECT_NAMES,
    CurriculumError,
    curriculum,
)
from hocbaso.packet import (
    Certificate,
    HistoryRow,
    Leader,
    PrimaryResults,
    PrimarySubject,
    Rating,
    RecordSnapshot,
    SecondaryResults,
    SecondarySubject,
)
from hocbaso.packet import Person as Signer
from hocbaso.packet import School as PacketSchool
from hocbaso.packet import Sex as PacketSex
from hocbaso.packet import Student as PacketStudent
from hocbaso.records.errors import RecordNotReadyError
from hocbaso.records.models import (
    Enrollment,
    Person,
    School,
    SchoolLevel,
    SubjectAssessment,
    Term,
    YearlyRecord,
)
from hocbaso.records.models.assessments import build_assessment_input
from hocbaso.records.signers import ClassSigners, signers_of

# Commendations as the form prints them (domain.md §6; forms.md §2.6).
TITLE_NAMES = {
    "HSXS": "Học sinh Xuất sắc",
    "HSG": "Học sinh Giỏi",
    "HSTB": "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện",
}
# Lower-secondary promotion line (forms.md §3.6), by how the year ended.
PROMOTED = "Được lên lớp"
PROMOTED_AFTER_RETEST = "Được lên lớp sau khi kiểm tra, đánh giá lại"
PROMOTED_AFTER_TRAINING = "Được lên lớp sau khi rèn luyện trong kì nghỉ hè"
PROMOTED_AFTER_BOTH = (
    "Được lên lớp sau khi kiểm tra, đánh giá lại và rèn luyện trong kì nghỉ hè"
)
NOT_PROMOTED = "Không được lên lớp"
FINAL_PROMOTIONS = frozenset({"promoted", "repeat"})
MARK_CODES = frozenset({"Đ", "CĐ", "M"})


SNAPSHOT_RELATED = (
    "transcript__student",
    "school__department",
    "school_class",
    "school_year",
)


def records_with_rows(records) -> list[YearlyRecord]:
    """The records with everything snapshot_of reads, in few queries."""
    return list(
        records.select_related(*SNAPSHOT_RELATED).prefetch_related("assessments")
    )


def snapshot_of(
    record: YearlyRecord, signers: ClassSigners | None = None
) -> RecordSnapshot:
    """The snapshot of a record; RecordNotReadyError lists every missing piece."""
    signers = signers or signers_of(record.school_class)
    problems = readiness_problems(record, signers)
    if problems:
        raise RecordNotReadyError(
            _("%(record)s cannot be signed yet: %(problems)s")
            % {"record": record, "problems": "; ".join(problems)},
            problems,
        )
    assert signers.homeroom is not None and signers.leader is not None
    rows = list(record.assessments.all())
    results: PrimaryResults | SecondaryResults
    if record.level == SchoolLevel.PRIMARY:
        results = _primary_results(record, rows)
    else:
        results = _secondary_results(record, rows, signers)
    return RecordSnapshot(
        lookup_code=record.transcript.lookup_code,
        school_year=record.school_year.name,
        grade=record.grade,
        class_name=record.school_class.name,
        student=_student(record),
        school=_school(record.school),
        results=results,
        homeroom_teacher=Signer(
            signers.homeroom.full_name, signers.homeroom.personal_id
        ),
        leader=Leader(
            signers.leader.full_name, signers.leader.personal_id, signers.leader_title
        ),
        absences_total=record.absences,
        commendation=_commendation(record),
        adhoc_commendation=record.ad_hoc_commendations.strip() or None,
        homeroom_comment=record.homeroom_comment.strip() or None,
        **_history(record),
        **_form_fields(record),
    )


def _form_fields(record: YearlyRecord) -> dict[str, Any]:
    """What the form prints beside the results; absent ones stay None, so a record
    without them is still packed as version 1.0 (docs/packet.md)."""
    lines = (line.strip() for line in record.certificates.splitlines())
    return {
        "absences_excused": record.absences_excused,
        "absences_unexcused": record.absences_unexcused,
        "height_cm": record.height_cm,
        "weight_kg": record.weight_kg,
        "disability_not_assessed": True if record.disability_not_assessed else None,
        "contests": _text(record.contests),
        "certificates": tuple(Certificate(line) for line in lines if line),
    }


def readiness_problems(record: YearlyRecord, signers: ClassSigners) -> list[str]:
    """Why the record cannot be packed yet, one translated sentence each."""
    problems = []
    if not record.results:
        problems.append(_("its results have not been computed"))
    elif (
        record.level == SchoolLevel.SECONDARY
        and record.results.get("promotion") not in FINAL_PROMOTIONS
    ):
        problems.append(_("its summer results are missing"))
    if signers.homeroom is None:
        problems.append(
            _("class %(name)s has no homeroom teacher")
            % {"name": record.school_class.name}
        )
    if signers.leader is None:
        problems.append(_("the school has no principal or deputy for that year"))
    if not record.transcript.student.place_of_birth.strip():
        problems.append(_("the student's place of birth is missing"))
    return problems


def _text(value: str) -> str | None:
    return value.strip() or None


def _student(record: YearlyRecord) -> PacketStudent:
    from hocbaso.records.versions import student_identity  # imports the models

    s = student_identity(record)  # a version's corrected identity over the row
    return PacketStudent(
        full_name=s.full_name,
        personal_id=s.personal_id,
        student_code=s.student_code,
        sex=PacketSex(s.sex),
        birth_date=s.date_of_birth,
        birthplace=s.place_of_birth.strip(),
        ethnicity=s.ethnicity,
        nationality=s.nationality,
        home_town=_text(s.home_town),
        address=_text(s.current_address),
        father_name=_text(s.father_name),
        father_occupation=_text(s.father_occupation),
        mother_name=_text(s.mother_name),
        mother_occupation=_text(s.mother_occupation),
        guardian_name=_text(s.guardian_name),
        guardian_occupation=_text(s.guardian_occupation),
        policy_category=_text(s.policy_category),
    )


def _school(school: School) -> PacketSchool:
    return PacketSchool(
        code=school.code,
        name=school.name,
        department_code=school.department.code,
        department_name=school.department.name,
        commune=_text(school.commune_name),
        province=_text(school.province_name),
    )


def province_of(school: School) -> str:
    """The province a history row names: the school's, else its department's."""
    department = school.department
    return (school.province_name or department.province_name or department.name).strip()


def _subject_names(level: str, grade: int) -> list[tuple[str, str]]:
    try:
        return [(spec.code, spec.name) for spec in curriculum(level, grade)]
    except CurriculumError:
        return []


def _ordered(level: str, grade: int, codes) -> list[tuple[str, str]]:
    """(code, name) of the given subjects in the form's order, unknown ones last."""
    known = _subject_names(level, grade)
    names = {**PRIMARY_SUBJECT_NAMES, **SECONDARY_SUBJECT_NAMES, **dict(known)}
    order = {code: i for i, (code, _name) in enumerate(known)}
    ranked = sorted(codes, key=lambda c: (order.get(c, len(order)), c))
    return [(code, names.get(code, code)) for code in ranked]


def _named(pairs: list[tuple[str, str]], language: str) -> list[tuple[str, str]]:
    """Ngoại ngữ 1 with its language, as the form prints it (docs/forms.md)."""
    if not language.strip():
        return pairs
    return [
        (code, f"{name} ({language.strip()})" if code == "NN1" else name)
        for code, name in pairs
    ]


def _subject_comments(rows: list[SubjectAssessment]) -> dict[str, str]:
    """The term II comment of each subject, else the term I one."""
    comments: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: r.term != Term.HK2):
        if row.comment.strip():
            comments.setdefault(row.subject_code, row.comment.strip())
    return comments


def _primary_results(
    record: YearlyRecord, rows: list[SubjectAssessment]
) -> PrimaryResults:
    """Circular 27: the end-of-year level and test score of each subject (term II)."""
    subjects = build_assessment_input(record, rows)["subjects"]
    comments = _subject_comments(rows)
    table = []
    ordered = _ordered("primary", record.grade, subjects)
    for code, name in _named(ordered, record.foreign_language):
        data = subjects[code]
        score = data.get("score")
        table.append(
            PrimarySubject(
                code=code,
                name=name,
                level="M" if data.get("exempt") else str(data.get("level")),
                test_score=None if score is None else Decimal(str(score)),
                comment=comments.get(code),
            )
        )
    results = record.results
    return PrimaryResults(
        subjects=tuple(table),
        qualities=_ratings(record.qualities, (record.comments or {}).get("qualities")),
        competencies=_ratings(
            record.competencies, (record.comments or {}).get("competencies")
        ),
        result=results["result"],
        completed=bool(results["completed"]),
        title=results.get("title"),
        # Circular 27, Art. 12: a pupil who did not complete goes up or stays by the
        # principal's decision after the summer; undecided, nothing is written.
        promoted=True if results["completed"] else record.principal_promotion,
    )


def _ratings(levels: dict[str, str], comments: Any) -> tuple[Rating, ...]:
    comments = comments if isinstance(comments, dict) else {}
    return tuple(
        Rating(code, level, str(comments[code]).strip() or None)
        if comments.get(code)
        else Rating(code, level)
        for code, level in (levels or {}).items()
    )


def _mark(value: str) -> Decimal | str:
    return value if value in MARK_CODES else Decimal(value)


def _secondary_subject(
    code: str, name: str, value: Any, comment: str | None, teacher: Person | None
) -> SecondarySubject:
    if not isinstance(value, dict):  # an exempt subject reported once, as "M"
        value = {"hk1": value, "hk2": value, "year": value}
    retest = value.get("retest")
    return SecondarySubject(
        code=code,
        name=name,
        term1=_mark(value["hk1"]),
        term2=_mark(value["hk2"]),
        year=_mark(value["year"]),
        retest=None if retest is None else _mark(retest),
        comment=comment,
        teacher=None
        if teacher is None
        else Signer(teacher.full_name, teacher.personal_id),
    )


def _june_results(record: YearlyRecord, rows: list[SubjectAssessment]) -> dict:
    """The results as decided in June, before the summer's re-test and training."""
    if not record.retest and not record.summer_conduct:
        return record.results
    data = build_assessment_input(record, rows)
    data.pop("retest", None)
    data.pop("summer_conduct", None)
    try:
        return assess(data)
    except AssessmentInputError as exc:
        raise RecordNotReadyError(
            _("%(record)s: the June results cannot be computed: %(problems)s")
            % {"record": record, "problems": "; ".join(map(str, exc.problems))}
        ) from exc


def _secondary_results(
    record: YearlyRecord, rows: list[SubjectAssessment], signers: ClassSigners
) -> SecondaryResults:
    """Circular 22: subject marks, June learning and conduct, the summer's outcome."""
    results, june = record.results, _june_results(record, rows)
    comments = _subject_comments(rows)
    subjects = tuple(
        _secondary_subject(
            code,
            name,
            results["subjects"][code],
            comments.get(code),
            signers.subject_teachers.get(code),
        )
        for code, name in _named(
            _ordered("secondary", record.grade, results["subjects"]),
            record.foreign_language,
        )
    )
    conduct = record.conduct or {}
    return SecondaryResults(
        subjects=subjects,
        learning_term1=june["learning"]["hk1"],
        learning_term2=june["learning"]["hk2"],
        learning_year=june["learning"]["year"],
        conduct_term1=conduct["hk1"],
        conduct_term2=conduct["hk2"],
        conduct_year=june["conduct"]["year"],
        retest_learning=results["learning"]["year"] if record.retest else None,
        summer_conduct=record.summer_conduct or None,
        promoted=results["promotion"] == "promoted",
        promotion_note=_promotion_note(record),
        title=results.get("title"),
    )


def _promotion_note(record: YearlyRecord) -> str:
    if record.results["promotion"] != "promoted":
        return NOT_PROMOTED
    if record.retest and record.summer_conduct:
        return PROMOTED_AFTER_BOTH
    if record.retest:
        return PROMOTED_AFTER_RETEST
    if record.summer_conduct:
        return PROMOTED_AFTER_TRAINING
    return PROMOTED


def _commendation(record: YearlyRecord) -> str | None:
    parts = [TITLE_NAMES.get((record.results or {}).get("title") or "", "")]
    parts.append(record.class_recognition_note.strip())
    return "; ".join(p for p in parts if p) or None


def _history(record: YearlyRecord) -> dict[str, Any]:
    """The study history of the record's level up to its year, and its register no."""
    enrollments = (
        Enrollment.objects.filter(
            student=record.transcript.student_id,
            school_class__school__level=record.level,
            school_class__school_year__start_date__lte=record.school_year.start_date,
        )
        .select_related("school_class__school__department", "school_class__school_year")
        .order_by("start_date", "pk")
    )
    rows, register = [], None
    for e in enrollments:
        cls = e.school_class
        rows.append(
            HistoryRow(
                cls.school_year.name,
                cls.name,
                cls.school.name,
                province_of(cls.school),
                e.start_date,
            )
        )
        if cls.pk == record.school_class_id and e.register_number.strip():
            register = e.register_number.strip()
    return {"history": tuple(rows), "register_number": register}
