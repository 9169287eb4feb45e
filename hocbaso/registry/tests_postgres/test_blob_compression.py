"""Stored packets are compressed with LZ4 on PostgreSQL (migration 0004)."""

import pytest
from django.db import connection
from django.utils import timezone

from hocbaso.registry.models import Blob

pytestmark = pytest.mark.django_db


def test_the_stored_bytes_are_compressed_with_lz4_and_read_back_whole():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'registry_blob'::regclass AND attname = 'data'"
        )
        assert cursor.fetchone()[0] == "l"  # lz4
    data = b"<HOC_BA_SO>" + "Nguyễn Văn An, lớp 4A1; ".encode() * 4000 + b"</HOC_BA_SO>"
    Blob.objects.create(
        sha256="a" * 64, data=data, size=len(data), stored_at=timezone.now()
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(data), pg_column_size(data) "
            "FROM registry_blob WHERE sha256 = %s",
            ["a" * 64],
        )
        method, stored = cursor.fetchone()
    assert method == "lz4" and stored < len(data) / 10
    assert bytes(Blob.objects.get(sha256="a" * 64).data) == data
