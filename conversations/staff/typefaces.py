"""The bundled DejaVu Sans, read once per process and lent to every PDF.

fpdf2 reads a font file for each document: the metrics (about 30 ms a style) and, when the
document is written, fontTools' tables, which it subsets in place, so one document's tables
cannot serve the next. Here each style is read once: the metrics are shared (they are only read),
and the tables are kept pickled as decompiled, since unpickling a document's own copy costs a
fraction of decompiling the file again. The tables fpdf2 leaves out of what it embeds are dropped
before the first document: the layout tables (GSUB, GPOS, GDEF, MATH: it does not shape text),
which fontTools otherwise reads through before subsetting, and the kerning table that fontTools
drops when a font has GPOS.
"""

from __future__ import annotations

import copy
import functools
import pickle
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FOLDER = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
UNEMBEDDED = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "kern")


@dataclass(frozen=True)
class _Typeface:
    metrics: TTFFont
    tables: bytes  # fontTools' TTFont, every table decompiled, pickled


@functools.cache
def _typeface(style: str) -> _Typeface:
    reader = FPDF()
    reader.add_font(FAMILY, style, str(FOLDER / FILES[style]))
    (metrics,) = (font for font in reader.fonts.values() if isinstance(font, TTFFont))
    tables = metrics.ttfont
    for tag in UNEMBEDDED:
        if tag in tables:
            del tables[tag]
    tables.ensureDecompiled(recurse=False)  # each glyph stays as read until subsetting needs it
    tables.close()
    tables.reader = None  # read whole: nothing more comes from the file
    return _Typeface(metrics, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))


def lend_fonts(pdf: FPDF) -> None:
    """Give ``pdf`` the family's styles, as its ``add_font`` would, each with tables of its own."""
    for style in FILES:
        typeface = _typeface(style)
        font = copy.copy(typeface.metrics)
        font.i = len(pdf.fonts) + 1
        font.ttfont = pickle.loads(typeface.tables)
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        pdf.fonts[font.fontkey] = font
