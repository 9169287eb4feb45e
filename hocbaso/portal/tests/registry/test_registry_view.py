"""The transcript as the registry holds it: status, signatures, ledger proof."""

from __future__ import annotations

from hocbaso.portal.registry_view import (
    Standing,
    find_transcript,
    normalise_code,
    registry_transcript,
)


def test_codes_are_normalised_and_anything_else_is_refused():
    code = "0123456789abcdef0123456789abcdef"
    assert normalise_code(code.upper()) == code
    assert normalise_code("01234567-89ab-cdef-0123-456789abcdef") == code
    assert normalise_code(" " + code + " ") == code
    assert normalise_code(code[:-1]) is None
    assert normalise_code(code[:-1] + "g") is None
    assert normalise_code("") is None


def test_the_primary_transcript_shows_the_effective_and_the_replaced_version(
    registry, db
):
    transcript = find_transcript(registry.primary_transcript.lookup_code)
    view = registry_transcript(transcript)
    assert view.level == "primary"
    (page,) = [p for p in view.pages if p.record_id == registry.effective.pk]
    assert page.standing == Standing.EFFECTIVE
    assert page.effective_at == registry.locked_at
    assert "Đã điều chỉnh nhận xét" in (page.snapshot.homeroom_comment or "")
    (old,) = view.earlier
    assert old.standing == Standing.SUPERSEDED
    assert old.replaced_by == page.public_id
    assert page.proof.verified and old.proof.verified
    assert page.proof.lock_index is not None
    roles = {s.role for s in page.signatures}
    assert roles == {"homeroom_teacher", "leader", "seal"}
    assert all(s.issuer for s in page.signatures)
    assert page.form["subjects"]


def test_the_secondary_transcript_shows_pending_and_revoked_records(registry, db):
    (pending,) = registry_transcript(registry.secondary_transcript).pages
    assert pending.standing == Standing.ACCEPTED
    assert {s.role for s in pending.signatures} >= {"subject_teacher"}
    (revoked,) = registry_transcript(registry.revoked.transcript).pages
    assert revoked.standing == Standing.REVOKED
    assert "Nộp nhầm hồ sơ" in revoked.status_text
    assert revoked.proof.revocation_index is not None and revoked.proof.verified


def test_a_transcript_with_nothing_in_the_registry_is_none(registry, db):
    from hocbaso.records.models import Transcript

    nothing = Transcript.objects.exclude(
        pk__in=[registry.primary_transcript.pk, registry.secondary_transcript.pk]
    ).exclude(yearly_records__registry_submissions__isnull=False)
    assert registry_transcript(nothing.first()) is None
    assert find_transcript(None) is None
    assert registry_transcript(None) is None
