"""The monthly bulletin PDF (and Excel): target under 5 s for the PDF.

Printed beside the same run's baseline: the bulletin's data alone (the dashboard SQL the documents are made from),
with the PDF's main parts timed separately (a CJK font subset, the trend chart and the lights map).
"""

from __future__ import annotations

import time

from _common import demo_month_session, median_ms

from geo.bulletin import charts
from geo.bulletin.fonts import _truetype_subset
from geo.bulletin.maps import lights_map
from geo.bulletin.pdf import _text_of, blocks
from geo.bulletin.render import bulletin_data, render_bulletin

RUNS = 5
TARGET_S = 5.0


def main() -> None:
    """Time the bulletin PDF and Excel beside their data alone."""
    with demo_month_session() as (session, settings, period):
        month = period.first.strftime("%Y-%m")
        start = time.perf_counter()
        render_bulletin(session, settings=settings, period=period, fmt="pdf")
        cold = time.perf_counter() - start
        data_ms = median_ms(lambda: bulletin_data(session, settings=settings, period=period), RUNS)
        data = bulletin_data(session, settings=settings, period=period)
        chars = "".join(sorted(set("".join(_text_of(b) for b in blocks(data)))))

        def fresh_font():
            _truetype_subset.cache_clear()
            _truetype_subset(chars, "NotoSansSC-bench", "serif")

        font_ms = median_ms(fresh_font, RUNS)
        charts_ms = median_ms(
            lambda: (charts.trend(data["trend"], 2026), lights_map(data["map"], data["lagging"])),
            RUNS,
        )
        pdf_ms = median_ms(lambda: render_bulletin(session, settings=settings, period=period, fmt="pdf"), RUNS)
        xlsx_ms = median_ms(lambda: render_bulletin(session, settings=settings, period=period, fmt="xlsx"), RUNS)
    print(f"monthly bulletin {month}, median of {RUNS}")
    print(f"  baseline: bulletin data (dashboard SQL)   {data_ms:8.1f} ms")
    print(f"  part: CJK font subset → TrueType (cold)   {font_ms:8.1f} ms")
    print(f"  part: trend chart and lights map          {charts_ms:8.1f} ms")
    print(f"  PDF, first in the process (cold)          {cold * 1000:8.1f} ms   {cold * 1000 / data_ms:6.1f}× data")
    print(f"  PDF (warm font cache)                     {pdf_ms:8.1f} ms   {pdf_ms / data_ms:6.1f}× data")
    print(f"  Excel                                     {xlsx_ms:8.1f} ms   {xlsx_ms / data_ms:6.1f}× data")
    print(f"  target PDF < {TARGET_S:.0f} s (cold): {'met' if cold < TARGET_S else 'MISSED'}")


if __name__ == "__main__":
    main()
