"""A parsed packet kept in a shared cache (database, Redis) by the version whose
holdings were one module still reads: the cache holds pickles, which name the
class by module (docs/portal.md, "What the lookup shows")."""

import pickle

from hocbaso.registry.holding_packets import Packet

# pickle.dumps(_Packet(ParsedPacket("ab" * 32, None, ("mark",)),
# form={"year": "2025-2026"})) as hocbaso.registry.holdings made it then.
_PICKLED_BEFORE = (
    b"\x80\x05\x95\xd9\x00\x00\x00\x00\x00\x00\x00\x8c\x19hocbaso.registry.holdings"
    b"\x94\x8c\x07_Packet\x94\x93\x94)\x81\x94}\x94(\x8c\x04read\x94h\x00\x8c\x0c"
    b"ParsedPacket\x94\x93\x94)\x81\x94}\x94(\x8c\x06sha256\x94\x8c@"
    + b"ab"
    * 32
    + b"\x94\x8c\x08snapshot\x94N\x8c\x05marks\x94\x8c\x04mark\x94\x85\x94ub\x8c\x04"
    b"form\x94}\x94\x8c\x04year\x94\x8c\t2025-2026\x94sub."
)


def test_a_packet_cached_before_the_holdings_were_split_still_reads():
    packet = pickle.loads(_PICKLED_BEFORE)  # noqa: S301 (bytes written here)
    assert isinstance(packet, Packet)
    assert packet.read.sha256 == "ab" * 32
    assert packet.read.marks == ("mark",)
    assert packet.form == {"year": "2025-2026"}
