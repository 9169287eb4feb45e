"""`hocbaso pki demo`: a certificate and a key for every signer and school."""

from __future__ import annotations

import json
import stat

import pytest
from cryptography import x509
from django.conf import settings
from django.core.management import CommandError, call_command

from hocbaso.records.certificates import fingerprint_of
from hocbaso.records.demo_pki import SIGNING_ROLES, create_records_pki
from hocbaso.records.errors import RecordsError
from hocbaso.records.keys import write_private
from hocbaso.records.models import Certificate, Person, School
from hocbaso.signing import TrustStore


def test_every_teacher_principal_deputy_and_school_has_a_registered_certificate(
    district, db
):
    signers = Person.objects.filter(appointments__role__in=SIGNING_ROLES).distinct()
    assert signers.count() == district.pki.people_issued > 40
    for person in signers:
        pair = district.keys.person(person)
        cert = pair.certificate()
        row = Certificate.objects.get(fingerprint_sha256=fingerprint_of(cert))
        assert row.person == person
    for school in School.objects.all():
        cert = district.keys.school(school).certificate()
        assert Certificate.objects.get(
            fingerprint_sha256=fingerprint_of(cert)
        ).school == (school)
    assert School.objects.count() == district.pki.schools_issued == 4


def test_a_personal_certificate_names_the_person_in_vietnamese_with_their_id(
    district, db
):
    person = Person.objects.filter(appointments__role="principal").first()
    cert = district.keys.person(person).certificate()
    name = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    uid = cert.subject.get_attributes_for_oid(x509.NameOID.USER_ID)[0].value
    assert name == person.full_name
    assert uid == f"CCCD:{person.personal_id}"


def test_private_keys_are_readable_by_their_owner_only(district, db):
    person = Person.objects.filter(appointments__role="homeroom_teacher").first()
    school = School.objects.first()
    for path in (
        district.keys.person(person).key,
        district.keys.school(school).key,
        district.root / "pki" / "ca" / "issuing.key.pem",
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((district.root / "pki" / "people").stat().st_mode) == 0o700


def test_the_trust_store_holds_the_roots_and_crls_and_no_private_key(district, db):
    names = sorted(p.name for p in district.trust_dir.iterdir())
    assert names == ["issuing-ca.crl.pem", "issuing-ca.pem", "root.crl", "root.pem"]
    for path in district.trust_dir.iterdir():
        assert b"PRIVATE KEY" not in path.read_bytes()
    store = TrustStore.from_directory(district.trust_dir)
    assert len(store.anchors) == 1


def test_running_it_again_reuses_the_ca_and_every_registered_key(district, db):
    before = Certificate.objects.count()
    summary = create_records_pki(district.root / "pki", district.trust_dir)
    assert summary.ca_reused
    assert (summary.people_issued, summary.schools_issued) == (0, 0)
    assert summary.people_reused == district.pki.people_issued
    assert Certificate.objects.count() == before


def test_a_person_without_a_key_on_disk_gets_a_new_certificate(district, db):
    person = Person.objects.filter(appointments__role="deputy_principal").first()
    pair = district.keys.person(person)
    # Files are not rolled back with the test's transaction: keep and restore them.
    kept = pair.key.read_bytes(), pair.chain.read_bytes()
    pair.key.unlink()
    try:
        summary = create_records_pki(district.root / "pki", district.trust_dir)
        assert summary.people_issued == 1
        assert person.certificates.count() == 2
    finally:
        write_private(pair.key, kept[0])
        pair.chain.write_bytes(kept[1])


def test_it_refuses_to_put_private_keys_inside_the_repository(district, db):
    inside = settings.BASE_DIR / "hocbaso" / "pki-test"
    with pytest.raises(RecordsError, match="inside the repository"):
        create_records_pki(inside, district.trust_dir)
    assert not inside.exists()


def test_the_ignored_var_directory_may_hold_the_demos_keys():
    # make demo keeps its data, keys included, in var/demo: var/ must stay
    # ignored by git for that to be safe.
    ignored = (settings.BASE_DIR / ".gitignore").read_text().split()
    assert "var/" in ignored


def test_the_command_says_what_it_reused(district, db, capsys):
    call_command(
        "pki",
        "demo",
        "--directory",
        str(district.root / "pki"),
        "--trust-store",
        str(district.trust_dir),
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["ca_reused"] is True
    assert out["people_issued"] == 0


def test_the_command_refuses_a_directory_in_the_repository(district, db):
    with pytest.raises(CommandError, match="inside the repository"):
        call_command("pki", "demo", "--directory", str(settings.BASE_DIR / "x"))
