"""snapshot_from_tree reads a parent's element children by local name."""

from __future__ import annotations

from lxml import etree

from hocbaso.packet.parse import _texts


def test_children_by_local_name_as_qname_gives_them() -> None:
    parent = etree.fromstring(
        b'<p xmlns="urn:a" xmlns:b="urn:b"><!-- note --><x>1</x><?pi data?>'
        b"<b:y>2</b:y><z xmlns=''>3</z></p>"
    )
    found = _texts(parent)
    expected = {etree.QName(e).localname: e for e in parent if isinstance(e.tag, str)}
    assert list(found) == ["x", "y", "z"]
    assert found == expected
