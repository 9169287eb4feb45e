"""What one school's POST of a packet costs the web side: the reads it runs are
compiled once per process and its school is read once, with the token
(docs/scaling.md, "Single packets")."""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from hocbaso.records.models import Round, School
from hocbaso.registry.models import ApiToken, AuditEvent, Receipt, Submission
from hocbaso.registry.tests.api_support import freeze, issue, post_xml


@pytest.fixture
def now(district, db, monkeypatch):
    freeze(monkeypatch, district.open_at)


@pytest.fixture
def records(district):
    return district.records(district.primary, Round.MAIN)[:3]


@pytest.fixture
def compiled(monkeypatch):
    """The models of the SELECT queries compiled by the ORM from now on."""
    models = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        if type(self).__name__ == "SQLCompiler":  # a read, not an insert or update
            models.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return models


def _submit(client, district, record, token):
    path = f"/schools/{record.school.code}/submissions"
    response = post_xml(client, path, district.packet(record), token)
    assert response.status_code == 202, response.content
    return response


def test_a_submission_compiles_no_read_of_its_token_school_receipt_or_records(
    district, client, now, records, compiled, monkeypatch
):
    # The request alone: the tests' task backend would answer the receipt inline,
    # with the worker's own reads.
    monkeypatch.setattr(
        "hocbaso.registry.api.routes_submissions.answer_later", lambda view: view
    )
    token = issue(records[0].school)
    _submit(client, district, records[0], token)  # the process's first: compiles
    path, packet = (
        f"/schools/{records[1].school.code}/submissions",
        district.packet(records[1]),
    )
    compiled.clear()

    response = post_xml(client, path, packet, token)

    assert response.status_code == 202, response.content

    assert [m for m in compiled if m in (ApiToken, School, Receipt, Submission)] == []


def test_a_submission_reads_its_school_only_with_the_token(
    district, client, now, records
):
    token = issue(records[0].school)

    with CaptureQueriesContext(connection) as queries:
        _submit(client, district, records[0], token)

    reading_school = [q["sql"] for q in queries if 'FROM "records_school"' in q["sql"]]
    token_reads = [q["sql"] for q in queries if 'FROM "registry_apitoken"' in q["sql"]]
    assert reading_school == []
    assert len(token_reads) == 1 and '"records_school"' in token_reads[0]
    assert Receipt.objects.get().school == records[0].school


def test_a_token_posting_for_another_school_is_still_refused_with_nothing_written(
    district, client, now, records
):
    other = district.secondary.school
    token = issue(other)

    path = f"/schools/{records[0].school.code}/submissions"
    response = post_xml(client, path, district.packet(records[0]), token)

    assert response.status_code == 403
    assert response.json()["code"] == "NOT_ALLOWED"
    assert not Receipt.objects.exists()


@pytest.fixture
def inserts(monkeypatch):
    """The models of the INSERT queries compiled by the ORM from now on."""
    models = []
    as_sql = SQLInsertCompiler.as_sql

    def counting(self, *args, **kwargs):
        models.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLInsertCompiler, "as_sql", counting)
    return models


def test_a_submission_writes_its_rows_with_inserts_compiled_once(
    district, client, now, records, inserts, settings
):
    """Its bytes, receipt and audit row (and a task if none waits): each INSERT
    compiled at the process's first POST, then only run (docs/scaling.md,
    "Single packets")."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    token = issue(records[0].school)
    _submit(client, district, records[0], token)  # the process's first
    inserts.clear()

    response = _submit(client, district, records[1], token)

    assert inserts == []
    found = Receipt.objects.select_related("blob").get(
        public_id=response.json()["receipt_id"]
    )
    assert (found.status, found.record_count) == ("received", 1)
    assert bytes(found.blob.data) == district.packet(records[1])
    trail = AuditEvent.objects.filter(object_id=found.public_id)
    assert [(e.action, e.detail["records"]) for e in trail] == [("receipt:receive", 1)]
    # the first POST's task answers both: a packet alone enqueues none while one waits
    queued = DBTaskResult.objects.values_list("task_path", flat=True)
    assert list(queued) == ["hocbaso.season.tasks.answer_packets"]


def test_a_packets_bytes_receipt_and_audit_row_are_written_by_one_statement(
    district, client, now, records, monkeypatch
):
    """On PostgreSQL one INSERT writes the three rows (no BEGIN and COMMIT round
    trips either), each value a parameter; SQLite, in the process, writes them in
    one transaction."""
    monkeypatch.setattr(
        "hocbaso.registry.api.routes_submissions.answer_later", lambda view: view
    )
    token = issue(records[0].school)
    _submit(client, district, records[0], token)

    with CaptureQueriesContext(connection) as queries:
        response = _submit(client, district, records[1], token)

    writes = [q["sql"] for q in queries if "INSERT" in q["sql"].upper()]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 3)
    # one row each: values as parameters, not arrays to dump and unnest
    assert not [w for w in writes if "UNNEST" in w.upper()]
    found = Receipt.objects.select_related("blob").get(
        public_id=response.json()["receipt_id"]
    )
    assert bytes(found.blob.data) == district.packet(records[1])
    trail = AuditEvent.objects.filter(object_id=found.public_id)
    assert [(e.action, e.actor_label) for e in trail] == [
        ("receipt:receive", found.actor_label)
    ]
