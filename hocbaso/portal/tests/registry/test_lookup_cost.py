"""What a lookup of a transcript already looked up costs: no query built by the
ORM for reading (the throttle, the transcript, its version are prepared once,
hocbaso.prepared), no holding unpickled (the process keeps the last ones
while the cache has them) and no template rendered (the kept result page,
hocbaso.portal.result_page), while the access row is written every time."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler
from django.test.utils import CaptureQueriesContext

from hocbaso.portal import clients
from hocbaso.portal.models import AccessEvent
from hocbaso.registry import holdings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    # tasks wait in the database as in production, instead of running inline
    # (with their own queries) inside the lookup
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    caches[holdings.HOLDINGS_CACHE].clear()
    yield
    caches[holdings.HOLDINGS_CACHE].clear()


def _lookup(client, code):
    return client.post("/", {"code": code}, REMOTE_ADDR="203.0.113.9")


# What the lookup reads: the client's failures, the transcript with its version
# (submissions, the latest checkpoint: one statement), and whether any family
# listens for reads (the notices, on the access row).
LOOKUP_TABLES = re.compile(
    r'FROM "(portal_accessevent|records_transcript|registry_submission'
    r'|registry_ledgercheckpoint|notices_preference)"'
)


def _compiled_reads(client, code) -> list[str]:
    """The lookup's SELECTs that the ORM compiled during one lookup."""
    compiled: list[str] = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        # the SELECT compilers of every backend (INSERT's has its own as_sql)
        sql, params = original(self, *args, **kwargs)
        if LOOKUP_TABLES.search(sql):
            compiled.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", counting):
        assert _lookup(client, code).status_code == 200
    return compiled


def test_a_second_lookup_compiles_no_read_query(registry, client):
    code = registry.primary_transcript.lookup_code
    assert _compiled_reads(client, code)  # the first builds the holding
    assert _compiled_reads(client, code) == []


def test_the_access_row_is_written_with_an_insert_compiled_once(registry, client):
    code = registry.primary_transcript.lookup_code
    compiled = []
    original = SQLInsertCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    assert _lookup(client, code).status_code == 200
    with mock.patch.object(SQLInsertCompiler, "as_sql", counting):
        for _ in range(5):
            assert _lookup(client, code).status_code == 200
    assert AccessEvent not in compiled
    views = AccessEvent.objects.filter(
        action="view", transcript=registry.primary_transcript
    )
    assert views.count() == 6


def test_a_cached_lookup_runs_three_reads_and_one_insert(registry, client):
    code = registry.primary_transcript.lookup_code
    _lookup(client, code)
    with CaptureQueriesContext(connection) as queries:
        assert _lookup(client, code).status_code == 200
    statements = [q["sql"].split(None, 1)[0].upper() for q in queries]
    # the client's failures; the transcript with its version; whether a family
    # listens for reads (the notices, on the access row)
    assert sorted(statements) == ["INSERT"] + ["SELECT"] * 3
    (insert,) = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert insert.startswith('INSERT INTO "portal_accessevent"')


def test_a_lookup_works_out_its_client_once_and_a_known_one_is_not_hashed(
    registry, client
):
    from hocbaso.portal import audit

    code = registry.primary_transcript.lookup_code
    _lookup(client, code)
    with (
        mock.patch.object(audit, "client_hash", wraps=audit.client_hash) as worked,
        mock.patch.object(clients.hmac, "new", wraps=clients.hmac.new) as hashed,
    ):
        assert _lookup(client, code).status_code == 200
    assert worked.call_count == 1  # the throttle's count and the access row
    assert hashed.call_count == 0  # the address's hash is kept (clients._keyed)
    assert AccessEvent.objects.filter(client="").count() == 0


def test_a_second_lookup_renders_no_template_and_is_still_recorded(registry, client):
    code = registry.primary_transcript.lookup_code
    first = _lookup(client, code)
    second = _lookup(client, code)
    assert "portal/lookup.html" in [t.name for t in first.templates]
    assert second.templates == []
    assert "Có hiệu lực từ" in second.content.decode()
    views = AccessEvent.objects.filter(
        action="view", transcript=registry.primary_transcript
    )
    assert views.count() == 2


def test_a_second_read_of_a_holding_unpickles_nothing(registry):
    code = registry.primary_transcript.lookup_code
    holdings.holdings().held(code)
    with mock.patch.object(locmem.pickle, "loads", wraps=locmem.pickle.loads) as loads:
        _, held = holdings.holdings().held(code)
    assert held.pages and loads.call_count == 0


def test_a_holding_kept_in_the_process_goes_with_the_cleared_cache(registry):
    code = registry.primary_transcript.lookup_code
    holdings.holdings().held(code)
    caches[holdings.HOLDINGS_CACHE].clear()
    with CaptureQueriesContext(connection) as queries:
        holdings.holdings().held(code)
    assert "registry_blob" in " ".join(q["sql"] for q in queries.captured_queries)


def test_a_kept_page_makes_no_message_storage(registry, client):
    from hocbaso.web.lazy_messages import is_untouched

    code = registry.primary_transcript.lookup_code
    _lookup(client, code)
    assert is_untouched(_lookup(client, code).wsgi_request)
