"""A CJK font for reportlab from Debian's fonts-noto-cjk.

reportlab embeds only TrueType outlines and Noto Sans CJK is CFF (PostScript) outlined, so each document gets a
subset of Noto Sans CJK SC holding just the characters it uses, converted to quadratic TrueType with fontTools
(under a second for a bulletin, against minutes for the whole font).
"""

from __future__ import annotations

import hashlib
import io
import os
import string
from functools import lru_cache
from pathlib import Path

from geo.errors import FontMissing

NOTO_CJK_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
NOTO_SC_FAMILY = "Noto Sans CJK SC"
# As official documents are set: 黑体 headings, a 宋体-like masthead and body; all four come with fonts-noto-cjk.
FACES = {
    "sans": ("NotoSansCJK-Regular.ttc", NOTO_SC_FAMILY),
    "sans-bold": ("NotoSansCJK-Bold.ttc", NOTO_SC_FAMILY),
    "serif": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif-bold": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
}
CACHE_KEEP = 200
ALWAYS = string.printable + "，。、；：？！“”‘’（）《》【】—…·％－～"


def noto_cjk_file() -> Path:
    """The installed Noto Sans CJK collection, or FontMissing saying what to install."""
    for path in NOTO_CJK_FILES:
        if path.exists():
            return path
    raise FontMissing(
        "未安装中文字体,请运行 make(或 apt-get install fonts-noto-cjk)/ "
        "Noto Sans CJK is missing: run make, or apt-get install fonts-noto-cjk"
    )


def face_file(face: str) -> tuple[Path, str]:
    """The collection file and family of a face; the regular sans (always installed with it) when it is missing."""
    name, family = FACES[face]
    path = noto_cjk_file()
    other = path.with_name(name)
    return (other, family) if other.exists() else (path, NOTO_SC_FAMILY)


def _sc_face_index(path: Path, family: str = NOTO_SC_FAMILY) -> int:
    from fontTools.ttLib import TTCollection

    for i, font in enumerate(TTCollection(str(path), lazy=True).fonts):
        if font["name"].getDebugName(1) == family:
            return i
    return 0


@lru_cache(maxsize=32)
def _truetype_subset(chars: str, ps_name: str, face: str = "sans") -> bytes:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    path, family = face_file(face)
    font = TTFont(str(path), fontNumber=_sc_face_index(path, family), lazy=True)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.hinting, options.desubroutinize = [], ["*"], False, True
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    glyph_set, glyf = font.getGlyphSet(), newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = font.getGlyphOrder(), {}
    for name in glyf.glyphOrder:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    # reportlab registers faces by PostScript name: each subset needs its own, or a later document reuses an
    # earlier subset.
    for record in list(font["name"].names):
        if record.nameID in (4, 6):
            record.string = ps_name
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cached_subset(chars: str, name: str, face: str) -> bytes:
    """The subset from <var_dir>/fonts when an earlier process made it (a long document's faces cost seconds each,
    most of its render time), else made now and kept there; a cache that cannot be read or written is skipped."""
    from geo.settings import get_settings

    try:
        source = face_file(face)[0].stat()  # a new fonts-noto-cjk makes new files, not stale ones
        path = get_settings().var_dir / "fonts" / f"{name}-{source.st_size}-{source.st_mtime_ns}.ttf"
        if path.is_file():
            return path.read_bytes()
    except (OSError, ValueError):
        path = None
    data = _truetype_subset(chars, name, face)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(data)
            partial.replace(path)  # never a half-written font under the final name
            _prune(path.parent)
        except OSError:
            pass
    return data


def _prune(directory: Path, keep: int = CACHE_KEEP) -> None:
    """Keep the newest `keep` cached subsets: every filtered document makes its own, a few hundred kB each."""
    files = sorted(directory.glob("Noto-*.ttf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def register_cjk_font(text: str, face: str = "sans") -> str:
    """Register (once per character set and face) a TrueType subset of Noto CJK SC covering `text`; its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    chars = "".join(sorted(set(text) | set(ALWAYS)))
    # The name hashes every character of the subset (sha1, 16 hex digits), so a cached file is the subset it names.
    name = f"Noto-{face}-" + hashlib.sha1((face + chars).encode()).hexdigest()[:16]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(_cached_subset(chars, name, face))))
    return name
