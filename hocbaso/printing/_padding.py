"""The space a PAdES signature reserves for its CMS: nothing but the CMS in it."""

from __future__ import annotations

from hocbaso.signing import Reason

PADDED = Reason(
    "the space kept for the signature holds bytes that are not part of it: "
    "the file was changed after it was signed"
)


def contents_exact(contents: bytes) -> bool:
    """Whether /Contents is one DER value followed by nothing but zero bytes.

    The byte range a PAdES signature covers leaves out /Contents, and a CMS parser
    reads only its first DER value: anything written in the reserved space after it
    would change the file while every signature check still passes.
    """
    if len(contents) < 2 or contents[0] != 0x30:
        return False
    first = contents[1]
    if first < 0x80:
        end = 2 + first
    else:
        count = first & 0x7F
        if not 0 < count <= 4 or len(contents) < 2 + count:
            return False
        end = 2 + count + int.from_bytes(contents[2 : 2 + count], "big")
    return end <= len(contents) and not any(contents[end:])
