"""Verifying packets in this deployment: the configured trust store, the records'
role binding when the database is there, and the verdict as text or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext as _

from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import Certificate
from hocbaso.signing import (
    RoleBinding,
    Status,
    TrustStore,
    TrustStoreError,
    VerificationResult,
    bind_by_subject_identifier,
    in_language,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def load_trust_store(path: Path | str | None = None) -> TrustStore:
    """The trust store of settings.HOCBASO_TRUST_STORE (or path); RecordsError."""
    path = Path(path or settings.HOCBASO_TRUST_STORE)
    if not path.is_dir():
        raise RecordsError(
            _("the trust store %(path)s does not exist: run 'hocbaso pki demo'")
            % {"path": path}
        )
    try:
        return TrustStore.from_directory(path)
    except TrustStoreError as exc:
        raise RecordsError(str(exc)) from exc


def role_binding(use_records: bool = True) -> tuple[RoleBinding, bool]:
    """The records' binding if the database answers, else the certificate's subject.

    Returns the binding and whether it is the records'.
    """
    if use_records:
        try:
            Certificate.objects.exists()
        except DatabaseError:
            pass
        else:
            return RecordsRoleBinding(), True
    return bind_by_subject_identifier, False


def status_label(status: Status) -> str:
    return {
        Status.VALID: _("valid"),
        Status.INVALID: _("invalid"),
        Status.INDETERMINATE: _("cannot be determined"),
    }[status]


def result_to_dict(result: VerificationResult, records_binding: bool) -> dict:
    """The verdict as plain JSON values (reasons as the checks wrote them)."""
    out: dict[str, Any] = {
        "status": result.status.value,
        "verdict": status_label(result.status),
        "role_binding": "records" if records_binding else "certificate",
        "checks": [
            {
                "name": c.name,
                "ok": c.ok,
                "indeterminate": c.indeterminate,
                "signature": c.signature_id,
                "reason": in_language(c.reason, _),
            }
            for c in result.checks
        ],
        "signatures": [
            {
                "id": s.signature_id,
                "role": s.role.value,
                "identifier": s.identifier,
                "signer": s.signer,
                "signing_time": _local(s.signing_time),
                "timestamped": s.timestamped,
            }
            for s in result.signatures
        ],
    }
    if result.snapshot is not None:
        s = result.snapshot
        out["record"] = {
            "school_year": s.school_year,
            "grade": s.grade,
            "class": s.class_name,
            "school": s.school.name,
            "student": s.student.full_name,
        }
    return out


def _local(moment) -> str | None:
    return None if moment is None else moment.astimezone(VIETNAM).isoformat()


def result_to_text(result: VerificationResult, records_binding: bool) -> str:
    """The verdict, then the record, the signatures and every check, one per line."""
    data = result_to_dict(result, records_binding)
    lines = [_("Verdict: %(verdict)s") % data]
    if "record" in data:
        lines.append(
            _("Record: %(student)s, %(school_year)s, class %(class)s, %(school)s")
            % data["record"]
        )
    lines.append(
        _("Signers bound to their roles by: %(how)s")
        % {
            "how": _("the records (registered certificates, appointments)")
            if records_binding
            else _("the certificates' subjects")
        }
    )
    for s in data["signatures"]:
        lines.append(f"  {s['role']:<17} {s['signing_time']}  {s['signer']}")
    for c in data["checks"]:
        mark = "✓" if c["ok"] else ("?" if c["indeterminate"] else "✗")
        where = f" [{c['signature']}]" if c["signature"] else ""
        lines.append(f"  {mark} {c['name']}{where}: {c['reason']}")
    return "\n".join(lines)
