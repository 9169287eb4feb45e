"""The registry's one read side (hocbaso.registry.holdings): what it caches, and that
a change in the registry is seen at the next lookup."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hocbaso.exchange.lookup import NationalHoldings
from hocbaso.registry import actions, holdings
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.holdings import Holdings, RegistryHoldings, Standing
from hocbaso.registry.models import Submission


@pytest.fixture(autouse=True)
def _empty_cache():
    caches[holdings.HOLDINGS_CACHE].clear()
    yield
    caches[holdings.HOLDINGS_CACHE].clear()


def _standing(registry, record) -> Standing:
    _, held = holdings.holdings().held(registry.secondary_transcript.lookup_code)
    (page,) = [p for p in held.pages if p.record_id == record.pk]
    return page.standing


def _current(record) -> str:
    return Submission.objects.get(record=record, state="accepted").public_id


def _revoke_pending(registry, reason: str = "Nộp nhầm") -> None:
    """The school revokes the pending record's accepted submission."""
    actions.revoke(
        _current(registry.pending),
        school=registry.pending.school,
        actor=Actor.of_user(registry.district.user(registry.pending.school)),
        reason=reason,
        clock=fixed_clock(registry.district.open_at + dt.timedelta(hours=5)),
    )


def _lock_main_round(registry) -> None:
    """The main round's deadline passes for the pending record's school."""
    at = registry.district.open_at + dt.timedelta(days=2)
    actions.lock_round(
        registry.district.year.name,
        "main",
        scope=registry.pending.school,
        actor=Actor.system("tests"),
        at=at,
        clock=fixed_clock(at),
    )


def test_a_revocation_changes_the_next_lookup(registry, db):
    assert _standing(registry, registry.pending) is Standing.ACCEPTED
    _revoke_pending(registry)
    assert _standing(registry, registry.pending) is Standing.REVOKED


def test_a_lock_changes_the_next_lookup(registry, db):
    assert _standing(registry, registry.pending) is Standing.ACCEPTED
    _lock_main_round(registry)
    assert _standing(registry, registry.pending) is Standing.EFFECTIVE


def test_a_second_lookup_reads_no_packet_and_no_ledger(registry, db):
    code = registry.primary_transcript.lookup_code
    holdings.holdings().held(code)
    with CaptureQueriesContext(connection) as queries:
        _, held = holdings.holdings().held(code)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert held.pages and all(p.proof.verified for p in held.pages)
    assert "registry_blob" not in tables and "registry_ledgerentry" not in tables
    # the transcript, its latest entry and the head, in one statement
    assert len(queries.captured_queries) == 1


def test_a_cached_holding_is_worded_in_the_readers_language(registry, db):
    from django.utils import translation

    code = registry.primary_transcript.lookup_code
    with translation.override("en"):
        (page, *_) = holdings.holdings().held(code)[1].pages
        english = page.status_text
    with translation.override("vi"):
        (page, *_) = holdings.holdings().held(code)[1].pages
        assert page.status_text != english and "Effective" in english


def test_an_unknown_code_and_a_malformed_one_hold_nothing(registry, db):
    assert holdings.holdings().held("f" * 32) == (None, None)
    assert holdings.holdings().held(None) == (None, None)


def test_the_role_chooses_the_implementation(settings):
    settings.HOCBASO_ROLE = "national"
    assert isinstance(holdings.holdings(), NationalHoldings)
    settings.HOCBASO_ROLE = "department"
    assert isinstance(holdings.holdings(), RegistryHoldings)


@pytest.mark.parametrize("implementation", [RegistryHoldings, NationalHoldings])
def test_both_roles_provide_the_same_interface(implementation):
    for name in ("held", "of_transcript"):
        wanted = inspect.signature(getattr(Holdings, name))
        given = inspect.signature(getattr(implementation, name))
        assert list(given.parameters) == list(wanted.parameters)


def test_the_lookup_page_kept_for_a_version_changes_with_a_revocation(
    registry, db, client
):
    code = registry.secondary_transcript.lookup_code
    before = client.post("/", {"code": code}).content.decode()
    _revoke_pending(registry, "Nộp nhầm lần hai")
    after = client.post("/", {"code": code}).content.decode()
    assert "Nộp nhầm lần hai" not in before and "Nộp nhầm lần hai" in after


def _versions(code: str) -> tuple[str | None, str | None]:
    """The key the lookup reads in one query and the one the staff pages read."""
    transcript, held = holdings.holdings().held(code)
    staff = holdings.holdings().of_transcript(transcript)
    return held and held.version, staff and staff.version


def test_the_lookups_key_is_the_staff_pages_key_after_each_change(registry, db):
    code = registry.secondary_transcript.lookup_code
    first, staff = _versions(code)
    assert first == staff and first is not None
    _revoke_pending(registry)
    revoked, staff = _versions(code)
    assert revoked == staff and revoked != first
    _lock_main_round(registry)
    locked, staff = _versions(code)
    assert locked == staff and locked not in (first, revoked)


def test_a_transcript_without_submissions_is_one_query_and_nothing(registry, db):
    from hocbaso.records.models import Transcript

    nothing = (
        Transcript.objects.exclude(
            pk__in=[registry.primary_transcript.pk, registry.secondary_transcript.pk]
        )
        .exclude(yearly_records__registry_submissions__isnull=False)
        .first()
    )
    with CaptureQueriesContext(connection) as queries:
        transcript, held = holdings.holdings().held(nothing.lookup_code)
    assert (transcript, held) == (nothing, None)
    assert len(queries.captured_queries) == 1
