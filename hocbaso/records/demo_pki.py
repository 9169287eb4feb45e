"""A demo PKI for the people and schools in the records (``hocbaso pki demo``).

Steps:
1. refuse a key directory inside the repository: private keys are never committed;
2. reuse the CA kept in the key directory, or create a root and an issuing CA;
3. for every person appointed as a homeroom or subject teacher, principal or deputy,
   and for every school: reuse the key pair on disk if its certificate is registered
   to that owner, else issue a certificate (people: CN the Vietnamese full name, UID
   "CCCD:<12-digit id>"; schools: O and CN the name, UID "MNS:<code>"), write the key
   (mode 0600) and the chain, and register the certificate (records.Certificate);
4. write the trust store: root and issuing CA certificates and their CRLs, so that
   revocation checking has data (nothing is revoked in the demo).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.records.certificates import certificate_row, fingerprint_of
from hocbaso.records.errors import RecordsError
from hocbaso.records.keys import KeyDirectory, KeyPair
from hocbaso.records.models import Certificate, Person, Role, School
from hocbaso.signing.pki import DemoPki, create_demo_pki

SIGNING_ROLES = (
    Role.HOMEROOM_TEACHER,
    Role.SUBJECT_TEACHER,
    Role.PRINCIPAL,
    Role.DEPUTY_PRINCIPAL,
)
KEY_TYPES = ("ec", "rsa")


@dataclass
class PkiSummary:
    """What ``create_records_pki`` did."""

    key_directory: Path
    trust_store: Path
    ca_reused: bool
    people_issued: int = 0
    people_reused: int = 0
    schools_issued: int = 0
    schools_reused: int = 0
    seconds: float = 0.0


def create_records_pki(
    key_directory: Path | str,
    trust_store: Path | str,
    *,
    key_type: str = "ec",
    seal_key_type: str = "rsa",
    now: datetime | None = None,
    valid_days: int = 365,
) -> PkiSummary:
    """Issue and register a certificate for every signer and school (see above).

    Idempotent: run again, it reuses the CA and every registered key pair it finds.
    ``valid_days``: the new certificates' validity, from 30 days before ``now``.
    Raises RecordsError for a key directory inside the repository or a bad key type.
    """
    started = time.perf_counter()
    keys = KeyDirectory(_outside_repository(Path(key_directory)))
    if key_type not in KEY_TYPES or seal_key_type not in KEY_TYPES:
        raise RecordsError(_("key types are ec or rsa"))
    keys.prepare()
    pki = keys.load_ca(now)
    summary = PkiSummary(keys.root, Path(trust_store), ca_reused=pki is not None)
    if pki is None:
        pki = create_demo_pki(now=now or datetime.now(UTC))
        keys.save_ca(pki)
    with transaction.atomic():
        _issue_people(pki, keys, key_type, summary, valid_days)
        _issue_schools(pki, keys, seal_key_type, summary, valid_days)
    pki.write_trust_directory(summary.trust_store)
    summary.seconds = time.perf_counter() - started
    return summary


def _outside_repository(path: Path) -> Path:
    """Keys live outside version control: outside the repository, or in its
    ``var/`` directory, which .gitignore excludes (the demo's data directory)."""
    resolved = path.resolve()
    base = Path(settings.BASE_DIR).resolve()
    if resolved.is_relative_to(base) and not resolved.is_relative_to(base / "var"):
        raise RecordsError(
            _("refusing to keep private keys inside the repository: %(path)s")
            % {"path": resolved}
        )
    return resolved


def _registered_prints() -> dict[str, tuple[int | None, int | None]]:
    """fingerprint → (person id, school id) of every registered certificate."""
    return {
        fp: (person, school)
        for fp, person, school in Certificate.objects.values_list(
            "fingerprint_sha256", "person_id", "school_id"
        )
    }


def _is_reusable(pair: KeyPair, owner: tuple[int | None, int | None], known) -> bool:
    if not pair.exists():
        return False
    try:
        return known.get(fingerprint_of(pair.certificate())) == owner
    except (OSError, ValueError):
        return False


def _issue_people(
    pki: DemoPki, keys: KeyDirectory, key_type: str, summary: PkiSummary, days: int
) -> None:
    known = _registered_prints()
    people = Person.objects.filter(appointments__role__in=SIGNING_ROLES).distinct()
    rows = []
    for person in people.order_by("pk"):
        pair = keys.person(person)
        if _is_reusable(pair, (person.pk, None), known):
            summary.people_reused += 1
            continue
        credential = pki.person(
            person.full_name, person.personal_id, kind=key_type, valid_days=days
        )
        pair.write(credential)
        rows.append(certificate_row(credential.certificate, person=person))
    Certificate.objects.bulk_create(rows, batch_size=1000)
    summary.people_issued = len(rows)


def _issue_schools(
    pki: DemoPki, keys: KeyDirectory, key_type: str, summary: PkiSummary, days: int
) -> None:
    known = _registered_prints()
    rows = []
    for school in School.objects.order_by("pk"):
        pair = keys.school(school)
        if _is_reusable(pair, (None, school.pk), known):
            summary.schools_reused += 1
            continue
        credential = pki.organisation(
            school.name, school.code, kind=key_type, valid_days=days
        )
        pair.write(credential)
        rows.append(certificate_row(credential.certificate, school=school))
    Certificate.objects.bulk_create(rows, batch_size=1000)
    summary.schools_issued = len(rows)
