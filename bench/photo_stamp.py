"""Bench: stamping the display copy (水印) of one 12 MP photo vs a bare Pillow open + draw + save of the same copy.

The display copy is made once as an upload makes it (geo.photos.image.derive). The stamp is timed as the first
request for a stamped copy spends it: geo.photos.stamp.draw (decode, darkened band, three CJK lines fitted to the
width, JPEG) and the verified write into a local photo store; the baseline opens the same JPEG, draws a black
rectangle and the same lines with the same font, and saves it, with nothing else. Prints medians and the ratio.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from _common import median_ms
from photo_upload import photo
from PIL import Image, ImageDraw

from geo.photos import store
from geo.photos.image import derive
from geo.photos.stamp import Stamp, cjk_font, draw, layout

RUNS = 15
LINES = (
    "威海演示项目(演示数据)",
    "拍摄 2026-05-03 10:11(EXIF 已核实,北京时间)· 上传 2026-05-03 10:20",
    "位置:EXIF 已核实 · 荣成市 · 中韩自贸区地方经济合作示范区 · 122.1000, 37.5000",
)


def bare(display: bytes) -> bytes:
    """Open, draw a band and the lines, save: Pillow alone."""
    img = Image.open(io.BytesIO(display)).convert("RGB")
    w, h = img.size
    size, band, line, pad = layout(w, LINES)
    pen = ImageDraw.Draw(img)
    pen.rectangle((0, h - band, w, h), fill=(0, 0, 0))
    for i, text in enumerate(LINES):
        pen.text((pad, h - band + pad + i * line), text, font=cjk_font(size, i == 0), fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def main() -> None:
    """Make the display copy, time both, print them and the ratio."""
    original = photo()
    derived = derive(original, name="bench.jpg", max_pixels=60_000_000)
    stamp = Stamp(LINES)
    with tempfile.TemporaryDirectory() as tmp:
        files = store.LocalStore(Path(tmp))
        key = stamp.key("0" * 64)

        def stamped() -> None:
            files.put(key, draw(derived.display, stamp))

        stamp_ms = median_ms(stamped, RUNS)
        draw_ms = median_ms(lambda: draw(derived.display, stamp), RUNS)
    bare_ms = median_ms(lambda: bare(derived.display), RUNS)
    w, h = Image.open(io.BytesIO(derived.display)).size
    print(f"12 MP photo ({derived.width}×{derived.height}), display copy {w}×{h}, {len(derived.display) / 1024:.0f} KB")
    print(f"stamp + store write     {stamp_ms:7.1f} ms   (draw alone {draw_ms:.1f} ms)")
    print(f"bare Pillow open+draw+save {bare_ms:7.1f} ms")
    print(f"ratio                   {stamp_ms / bare_ms:7.2f}×  (draw alone {draw_ms / bare_ms:.2f}×)")


if __name__ == "__main__":
    sys.exit(main())
