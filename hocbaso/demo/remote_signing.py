"""Remote signing ("Ký từ xa") in the demo: hocbaso's CSC service over SoftHSM2.

At each start of the demo, ``hocbaso demo-csc`` makes a new SoftHSM2 token under
``DATA_DIR/csc`` (softhsm.py) and, for each class ``hocbaso demo-school`` prepared,
generates on it a key for the homeroom teacher, one for the principal and one for
the school's seal, certifies them with the demo CA and registers the certificates
to their owners, as a provider would after enrolment. It writes the service's
configuration (docs/signing.md, "Remote signing"): a client id and a random secret
for hocbaso (the configuration keeps only its SHA-256), each credential's TOTP
secret in a file of its own, and ``credentials.json``, the list the demo's "phone"
page reads to show each credential's current one-time code
(hocbaso.demo.remote_services). Nothing of it is committed: the keys are made on
the token at run time and never leave it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction

from hocbaso.demo.seed import current_school_year
from hocbaso.demo.softhsm import DemoToken, make_token, write_config, write_private
from hocbaso.records.certificates import register_certificate
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import School, SchoolClass, SchoolYear
from hocbaso.records.signers import signers_of
from hocbaso.school.demo import DEMO_GRADES
from hocbaso.signing.pki import DemoPki

TOKEN_LABEL = "hocbaso-demo-csc"  # noqa: S105 (a label, not a secret)
CLIENT_ID = "hocbaso-demo"


@dataclass(frozen=True)
class DemoCredential:
    """One credential of the demo service and whose it is."""

    credential: str  # what the teacher types on the page ("Mã chứng thư")
    user: str  # the login of its holder ("" for a school's seal)
    holder: str  # the person's full name, or the school's name
    role: str  # "homeroom", "principal" or "seal"
    school: str
    school_class: str
    totp_file: str  # the TOTP secret's file, relative to the directory


def demo_classes(today: dt.date) -> list[SchoolClass]:
    """The class of each school that ``hocbaso demo-school`` prepared this year."""
    year = SchoolYear.objects.get(name=current_school_year(today))
    chosen: dict[int, SchoolClass] = {}
    classes = SchoolClass.objects.filter(school_year=year).select_related("school")
    for school_class in classes.order_by("school__code", "name"):
        grade = DEMO_GRADES.get(school_class.school.level)
        if school_class.grade == grade and school_class.school_id not in chosen:
            chosen[school_class.school_id] = school_class
    return list(chosen.values())


def prepare_remote_signing(
    directory: Path,
    classes: Iterable[SchoolClass],
    *,
    keys: KeyDirectory,
    now: dt.datetime,
) -> list[DemoCredential]:
    """A new token and service configuration in directory (any old one is
    replaced); the credentials made. Raises TokenError when SoftHSM2 or OpenSC is
    missing, RuntimeError when the demo CA does not exist yet."""
    pki = keys.load_ca(now)
    if pki is None:
        raise RuntimeError("the demo CA is missing: run `hocbaso demo-school` first")
    # Made beside it and moved into place at the end, with the registrations in
    # one transaction: a failure leaves the old service's files and rows as they
    # were, never half a token.
    building = directory.with_name(directory.name + ".new")
    shutil.rmtree(building, ignore_errors=True)
    token = make_token(building / "token", TOKEN_LABEL)
    (building / "otp").mkdir()
    made: list[DemoCredential] = []
    with transaction.atomic():
        for school_class in classes:
            taken = {m.credential for m in made}
            made += _class_credentials(token, pki, school_class, taken)
        _write_config(building, token, made)
        shutil.rmtree(directory, ignore_errors=True)
        building.rename(directory)
        write_config(directory / "token")
    return made


def _class_credentials(
    token: DemoToken, pki: DemoPki, school_class: SchoolClass, taken: set[str]
) -> list[DemoCredential]:
    signers = signers_of(school_class)
    school = school_class.school
    made: list[DemoCredential] = []
    taken = set(taken)
    holders = (("homeroom", signers.homeroom), ("principal", signers.leader))
    for role, person in holders:
        if person is None or person.user is None or person.user.username in taken:
            continue  # one credential a person, whatever they hold
        name = person.user.username
        taken.add(name)
        public = token.generate(name, _key_id(name))
        certificate = pki.person_certificate(
            person.full_name, person.personal_id, public
        )
        token.store_chain(name, _key_id(name), [certificate, pki.issuing.certificate])
        register_certificate(certificate, person=person)
        made.append(_credential(name, name, person.full_name, role, school_class))
    if f"seal-{school.code}" not in taken:
        made.append(_seal(token, pki, school, school_class))
    return made


def _seal(
    token: DemoToken, pki: DemoPki, school: School, school_class: SchoolClass
) -> DemoCredential:
    name = f"seal-{school.code}"
    public = token.generate(name, _key_id(name))
    certificate = pki.organisation_certificate(school.name, school.code, public)
    token.store_chain(name, _key_id(name), [certificate, pki.issuing.certificate])
    register_certificate(certificate, school=school)
    return _credential(name, "", school.name, "seal", school_class)


def _credential(
    name: str, user: str, holder: str, role: str, school_class: SchoolClass
) -> DemoCredential:
    return DemoCredential(
        credential=name,
        user=user,
        holder=holder,
        role=role,
        school=school_class.school.name,
        school_class=school_class.name,
        totp_file=f"otp/{name}.totp",
    )


def _key_id(label: str) -> str:
    """The CKA_ID pkcs11-tool pairs a key and its certificates by (hex)."""
    return hashlib.sha256(label.encode()).hexdigest()[:8]


def _write_config(
    directory: Path, token: DemoToken, made: list[DemoCredential]
) -> None:
    client_secret = secrets.token_urlsafe(32)
    write_private(directory / "client_secret", client_secret)
    for item in made:  # 160 bits, as an authenticator app enrols (RFC 4226 §4)
        totp = base64.b32encode(secrets.token_bytes(20)).decode()
        write_private(directory / item.totp_file, totp)
    config = {
        "module": token.module,
        "token_label": token.label,
        "token_pin_file": "token/token.pin",
        "clients": {CLIENT_ID: hashlib.sha256(client_secret.encode()).hexdigest()},
        "credentials": {
            item.credential: {
                "user": item.user or item.credential,
                "key_label": item.credential,
                "totp_secret_file": item.totp_file,
            }
            for item in made
        },
    }
    (directory / "csc.json").write_text(json.dumps(config, indent=1))
    listing = [asdict(item) for item in made]
    (directory / "credentials.json").write_text(
        json.dumps(listing, ensure_ascii=False, indent=1)
    )
