"""The check for an earlier receipt, run at every POST, reads the receipts of the
bytes sent through an index on their digest, not every receipt: with
records sent alone a season makes a receipt a record, and a scan would cost each
request more as the season goes on."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hocbaso.records.models import Department, School
from hocbaso.registry import receiving
from hocbaso.registry.models import Blob, Receipt

pytestmark = pytest.mark.django_db
RECEIPTS = 3000
AT = dt.datetime(2026, 6, 20, 17, tzinfo=dt.UTC)


def _school() -> School:
    department = Department.objects.create(code="S99", name="Sở", province_code="99")
    return School.objects.create(
        code="T99", name="Trường Tiểu học", level="primary", department=department
    )


def _processed_receipts(school: School, count: int) -> None:
    blobs = Blob.objects.bulk_create(
        Blob(sha256=f"{n:064x}", data=b"<x/>", size=4, stored_at=AT)
        for n in range(count)
    )
    Receipt.objects.bulk_create(
        Receipt(
            public_id=f"r{n}",
            school=school,
            operation="submit",
            kind="packet",
            status="processed",
            blob_id=blob.sha256,
            record_count=1,
            accepted_count=1,
            received_at=AT,
        )
        for n, blob in enumerate(blobs)
    )


def test_the_earlier_receipt_check_reads_only_the_receipts_of_its_bytes():
    school = _school()
    _processed_receipts(school, RECEIPTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_receipt")
    body = b"\x00junk" * 2000  # refused, larger than what is kept of it
    digest = receiving.sha256_hex(body)

    with CaptureQueriesContext(connection) as queries:
        found = receiving.earlier_receipt(
            school, "submit", digest, receiving.kept_digest(body, digest)
        )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert found is None
    assert "Seq Scan" not in plan and "Index Cond: ((blob_id)" in plan, plan
