"""Rows of the national data feed (domain.md §6.1) with their sync envelope.

One row per student-year, built from the signed packet's bytes (never from the
school side's rows): the identity, the issuer and the year's results under the
dictionary's column names, and the envelope ``idbanghi`` (record id), ``sukien``
(NEW, UPDATE, CANCEL), ``phienban`` (the version the receiver keeps the highest of)
and ``thoigiancapnhat``. ``madinhdanhhocba`` is the lookup code written as a UUID
with hyphens, as the feed's decision says (domain.md §6.1).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from hocbaso.packet import RecordSnapshot
from hocbaso.packet.snapshot import PrimaryResults

EFFECTIVE, REVOKED = 1, 2


def feed_row(
    snapshot: RecordSnapshot,
    *,
    record_id: str,
    event: str,
    version: int,
    updated_at: datetime,
    effective_at: datetime | None,
    unit_code: str,
) -> dict:
    """The feed row of one record: identity, issuer, results and the envelope."""
    student, school = snapshot.student, snapshot.school
    row = {
        "idbanghi": record_id,
        "sukien": event,
        "phienban": version,
        "thoigiancapnhat": updated_at.isoformat(),
        "trangthaithongtinhocba": REVOKED if event == "CANCEL" else EFFECTIVE,
        "madinhdanhhocba": str(uuid.UUID(hex=snapshot.lookup_code)),
        "ngayhieuluc": effective_at.isoformat() if effective_at else None,
        "namhoc": snapshot.school_year,
        "masogd": school.department_code,
        "tensogd": school.department_name,
        "matruong": school.code,
        "tentruong": school.name,
        "madonviquanly": unit_code,
        "macaphoc": snapshot.level.value,
        "makhoi": snapshot.grade,
        "tenlop": snapshot.class_name,
        "hovaten": student.full_name,
        "sodinhdanh": student.personal_id,
        "mahocsinh": student.student_code,
        "gioitinh": int(student.sex),
        "ngaythangnamsinh": student.birth_date.isoformat(),
        "tengiamhieu": snapshot.leader.name,
        "chucvugiamhieu": snapshot.leader.title,
        "tengvcn": snapshot.homeroom_teacher.name,
    }
    row.update(_results(snapshot))
    return row


def _results(snapshot: RecordSnapshot) -> dict:
    results = snapshot.results
    if isinstance(results, PrimaryResults):
        return {
            "xeploai": results.result,
            "dahthanhctrinhlophoc": results.completed,
            "duoclenlop": results.promoted,
        }
    return {
        "canam": results.learning_year,
        "renluyencanam": results.conduct_year,
        "duoclenlop": results.promoted,
    }


def stable_record_id(department: str, lookup_code: str, school_year: str) -> str:
    """The national record id of one transcript-year, derived from signed data.

    The department, the transcript's lookup code and the school year all come from
    the signed packet, so the receiver recomputes the id and a renumbered database
    cannot send a record under another id. Hashed, so the lookup code does not show
    in the audit trail's list of records.
    """
    digest = hashlib.sha256(f"{department}:{lookup_code}:{school_year}".encode())
    return f"{department}-{digest.hexdigest()[:24]}"
