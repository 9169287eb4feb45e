"""The national import reads each packet exactly as it was signed, or refuses the
batch: a department still running a version that stored a packet whose name is
split by a comment (every signature valid, the name read short) cannot pass it on.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from hocbaso.exchange import inbound, outbox
from hocbaso.exchange.errors import BatchInvalidError
from hocbaso.exchange.models import NationalRecord
from hocbaso.exchange.tests.test_batches import _become_national
from hocbaso.packet import parse
from hocbaso.records.models import Round
from hocbaso.registry import package


def _comment_in_name(packet: bytes) -> bytes:
    match = re.search(rb"<hovaten>([^<]*) ([^< ]+)</hovaten>", packet)
    assert match is not None
    return packet[: match.end(1)] + b"<!-- -->" + packet[match.end(1) :]


@pytest.fixture
def sent_by_an_older_department(district, db, monkeypatch, request):
    """The round locked and queued by a department that did not refuse comments:
    the second primary record (the first is revoked by ``locked``) is stored and
    sent with its name split by one."""
    second = district.records(district.primary, Round.MAIN)[1]
    original = district.packet
    monkeypatch.setattr(
        district,
        "packet",
        lambda r: _comment_in_name(original(r)) if r.pk == second.pk else original(r),
    )
    monkeypatch.setattr(parse, "_refuse_hidden_nodes", lambda root: None)
    monkeypatch.setattr(package, "_refuse_hidden_nodes", lambda root, anywhere: None)
    request.getfixturevalue("locked")
    (batch,) = outbox.queue_round(district.year.name, "main", at=timezone.now())
    monkeypatch.undo()
    assert b"&lt;!-- --&gt;" not in bytes(batch.body)  # the packet is base64 inside
    return batch


def test_the_national_import_refuses_a_packet_read_otherwise_than_signed(
    district, sent_by_an_older_department
):
    _become_national(district)

    with pytest.raises(BatchInvalidError, match="XML comment"):
        inbound.receive_batch(
            bytes(sent_by_an_older_department.body), at=timezone.now()
        )

    assert NationalRecord.objects.count() == 0
