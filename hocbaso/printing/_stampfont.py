"""The font of the soft copy's stamp: Noto Serif cut to Vietnamese, made once.

pyHanko typesets a stamp with a GlyphAccumulator, which subsets its font for every
signature; on Noto Serif that takes most of a second (decompiling GSUB/GPOS), and
still tens of milliseconds on a small font (pyHanko keeps glyph ids, so it compiles
every glyph up to the last one used). This module cuts Noto Serif once per process,
in memory, to the letters a Vietnamese stamp needs (some 250 glyphs, no OpenType
layout tables: the stamp text is NFC, where every Vietnamese letter is one
precomposed glyph), and embeds that small font whole in every stamp, skipping the
per-signature subsetting. It relies on pyHanko 0.38's GlyphAccumulator and
CIDFontType2 (both overridden below); the soft-copy tests check the stamp's text.
"""

from __future__ import annotations

import functools
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine
from pyhanko.pdf_utils.font.opentype import (
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
    _read_ps_name,
)
from pyhanko.pdf_utils.writer import BasePdfFileWriter

FONT = Path(__file__).parent / "fonts" / "NotoSerif-Regular.ttf"
# ASCII, the Vietnamese letters (Latin-1, Latin Extended-A/B, Latin Extended
# Additional ạ … ỹ), dashes, quotes, the ellipsis and the đồng sign.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *map(ord, "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"),
    *range(0x1EA0, 0x1EFA),
    *map(ord, "–—‘’“”…•·°₫"),
]


@functools.cache
def stamp_font_bytes() -> bytes:
    """The cut-down Noto Serif Regular as a TrueType file (made once per process)."""
    font = TTFont(FONT)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.hinting = False
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def _compressed_font() -> bytes:
    """The font stream's data, deflated once (zlib took ~5 ms a signature)."""
    return zlib.compress(stamp_font_bytes())


@functools.cache
def _parsed_font() -> tuple[Any, TTFont, Any, str]:
    """The font parsed once per process: HarfBuzz's font, fontTools' font, its
    glyph set and PostScript name. Signatures only read them (glyph ids, widths,
    shaping), so they are shared; parsing them took ~5 ms a signature."""
    data = stamp_font_bytes()
    tt = TTFont(io.BytesIO(data))
    return hb.Font(hb.Face(data)), tt, tt.getGlyphSet(preferCFF=True), _read_ps_name(tt)


class _WholeFontFile(CIDFontType2):
    """Embeds the prepared font as it is: it is already a small subset."""

    def set_font_file(self, writer: BasePdfFileWriter) -> Any:
        stream = generic.StreamObject(
            generic.DictionaryObject(
                {generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")}
            ),
            encoded_data=_compressed_font(),
        )
        ref = writer.add_object(stream)
        self._font_descriptor[generic.pdf_name("/FontFile2")] = ref
        return ref


class _StampGlyphs(GlyphAccumulator):
    """A GlyphAccumulator over the prepared font, parsed once per process, that
    does not subset it again. It sets what GlyphAccumulator.__init__ sets for a
    TrueType font (pyHanko 0.38), taking the parsed parts from _parsed_font."""

    def __init__(self, writer: BasePdfFileWriter, font_size: int, obj_stream: Any):
        hb_font, tt, glyph_set, ps_name = _parsed_font()
        FontEngine.__init__(
            self,
            writer,
            ps_name,
            embedded_subset=True,
            obj_stream=obj_stream,
            font_size=font_size,
        )
        self.hb_font, self.tt, self._glyph_set = hb_font, tt, glyph_set
        self._font_ref = writer.allocate_placeholder()
        self.cff_charset, self.use_raw_gids = None, True
        self.cidfont_obj = _WholeFontFile(tt, ps_name, self.subset_prefix)
        self.features = None
        self.units_per_em = tt["head"].unitsPerEm
        self._glyphs = {}
        self._cid_to_unicode = {}
        self._GlyphAccumulator__reverse_cmap = None
        self.ot_language_tag = self.ot_script_tag = None
        self.writing_direction = self.bcp47_lang_code = None
        self._subset_created = self._write_prepared = False

    def _extract_subset(self, options: Any = None) -> None:
        """Keep every glyph: the font was cut down once already."""


@dataclass(frozen=True)
class StampFont(GlyphAccumulatorFactory):
    """The stamp's font engine factory for pyHanko's TextBoxStyle."""

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: Any = None
    ) -> GlyphAccumulator:
        return _StampGlyphs(writer, self.font_size, obj_stream)


STAMP_FONT = StampFont(str(FONT), font_size=9)
