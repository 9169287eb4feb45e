"""The soft copy's visible stamp as PDF objects, for the direct writer (_fastpades).

The font is the cut-down Noto Serif of _stampfont.py, embedded whole as a CID
font (Identity-H, glyph ids as character codes): its five objects are encoded
once per process, with a /W width for every glyph and a ToUnicode map for every
letter, so each stamp only lays out its lines. The layout is pyHanko's text box,
as the pyHanko path draws it: 10 pt type on a 10 pt leading inside 10 pt of
padding, scaled down to fit the field and centred in it, in the stamp's red,
with a 1 pt border.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from dataclasses import dataclass

from hocbaso.printing._stampfont import _compressed_font, _parsed_font, stamp_font_bytes

SIZE, PADDING = 10, 10
RED = b"0.66 0.07 0.11"


@dataclass(frozen=True)
class StampFont:
    """The font's character map, widths and encoded objects (numbers left open)."""

    ids: dict[int, int]  # Unicode code point -> glyph id
    widths: tuple[int, ...]  # per glyph id, in thousandths of the font size
    objects: tuple[bytes, ...]  # Type0, CIDFont, ToUnicode, descriptor, file

    def encoded(self, first: int) -> list[bytes]:
        """The five objects numbered from first (Type0 is first)."""
        refs = {b"%(" + k + b")d": b"%d" % (first + i) for i, k in enumerate(_KEYS)}
        out = []
        for template in self.objects:
            if not template.endswith(b"endstream"):  # streams hold no reference
                for key, number in refs.items():
                    template = template.replace(key, number)
            out.append(template)
        return out


_KEYS = (b"type0", b"cid", b"tounicode", b"descriptor", b"file")


@functools.cache
def stamp_font() -> StampFont:
    """The stamp font's PDF objects, made once per process."""
    _, tt, _, ps_name = _parsed_font()
    order = tt.getGlyphOrder()
    scale = 1000 / tt["head"].unitsPerEm
    widths = tuple(round(tt["hmtx"][name][0] * scale) for name in order)
    ids: dict[int, int] = {}
    for code, name in sorted(tt.getBestCmap().items()):
        ids.setdefault(code, tt.getGlyphID(name))
    tag = "".join(
        chr(65 + b % 26) for b in hashlib.sha256(stamp_font_bytes()).digest()[:6]
    )
    name = f"{tag}+{ps_name}".encode()
    head, hhea, os2 = tt["head"], tt["hhea"], tt["OS/2"]
    bbox = b" ".join(
        b"%d" % round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)
    )
    to_unicode = zlib.compress(_to_unicode(ids))
    data = stamp_font_bytes()
    objects = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /%s-Identity-H /Encoding "
        b"/Identity-H /DescendantFonts [%%(cid)d 0 R] /ToUnicode %%(tounicode)d 0 R "
        b">>" % name,
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor %%(descriptor)d 0 R /CIDToGIDMap /Identity /W [0 [%s]] >>"
        % (name, b" ".join(b"%d" % w for w in widths)),
        _stream(b"/Filter /FlateDecode", to_unicode),
        b"<< /Type /FontDescriptor /FontName /%s /Flags 6 /FontBBox [%s] "
        b"/ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 95 "
        b"/FontFile2 %%(file)d 0 R >>"
        % (
            name,
            bbox,
            round(hhea.ascent * scale),
            round(hhea.descent * scale),
            round(os2.sCapHeight * scale),
        ),
        _stream(b"/Filter /FlateDecode /Length1 %d" % len(data), _compressed_font()),
    )
    return StampFont(ids, widths, objects)


def _stream(keys: bytes, data: bytes) -> bytes:
    head = b"<< %s /Length %d >>\nstream\n" % (keys, len(data))
    return head + data + b"\nendstream"


def _to_unicode(ids: dict[int, int]) -> bytes:
    """A ToUnicode CMap (Adobe TN 5411) mapping each glyph id back to its letter."""
    letters: dict[int, int] = {}
    for code, gid in ids.items():
        letters.setdefault(gid, code)
    pairs = [b"<%04X> <%04X>" % (gid, code) for gid, code in sorted(letters.items())]
    blocks = b"".join(
        b"%d beginbfchar\n%s\nendbfchar\n"
        % (len(pairs[k : k + 100]), b"\n".join(pairs[k : k + 100]))
        for k in range(0, len(pairs), 100)
    )
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + blocks
        + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


def appearance(text: str, width: int, height: int) -> bytes | None:
    """The stamp's content stream for a field of width x height points, or None
    when the font has no glyph for one of the letters."""
    font = stamp_font()
    lines = []
    for line in text.split("\n"):
        gids = [font.ids.get(ord(char)) for char in line]
        if None in gids:
            return None
        lines.append([g for g in gids if g is not None])
    longest = max(sum(font.widths[g] for g in line) for line in lines)
    natural_w = longest * SIZE / 1000 + 2 * PADDING
    natural_h = len(lines) * SIZE + 2 * PADDING
    scale = min(1.0, width / natural_w, height / natural_h)
    dx, dy = (width - natural_w * scale) / 2, (height - natural_h * scale) / 2
    shown = b" T* ".join(
        b"<%s> Tj" % b"".join(b"%04X" % g for g in line) for line in lines
    )
    top = PADDING + (len(lines) - 1) * SIZE
    return b"q %.4f 0 0 %.4f %.2f %.2f cm %s rg BT /F1 %d Tf %d TL %d %d Td %s ET Q" % (
        scale,
        scale,
        dx,
        dy,
        RED,
        SIZE,
        SIZE,
        PADDING,
        top,
        shown,
    ) + b" %s RG 1 w 0 0 %d %d re S" % (RED, width, height)
