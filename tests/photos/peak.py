"""Run as `python -m tests.photos.peak FORMAT MODE MEGAPIXELS [COPIES]`: derive that image in a fresh process and
print, as JSON, the budget's estimate and the process's measured peak and leftover RSS over the moment before."""

from __future__ import annotations

import io
import json
import sys
import threading

import numpy as np
from PIL import Image

from geo.photos.image import DecodeBudget, derive


def picture(fmt: str, mode: str, megapixels: float) -> bytes:
    """A noisy 4:3 image (so WebP and HEIC cannot cheat with flat colour), saved in `fmt`."""
    w = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    h = w * 3 // 4
    bands = 4 if mode in ("RGBA", "PT") else 3
    noise = np.random.default_rng(0).integers(0, 255, (h // 8, w // 8, bands), dtype=np.uint8)
    img = Image.fromarray(noise, "RGBA" if bands == 4 else "RGB").resize((w, h))
    extra = {}
    if mode == "L":
        img = img.convert("L")
    if mode in ("P", "PT"):
        img = img.convert("RGB").convert("P")
        extra = {"transparency": 0} if mode == "PT" else {}
    out = io.BytesIO()
    img.save(out, fmt, **extra, **({"quality": 85} if fmt in ("JPEG", "HEIF", "WEBP") else {}))
    return out.getvalue()


class Recording(DecodeBudget):
    """A budget that never waits and remembers what derive() reserved (after any reduced-scale draft)."""

    def reserve(self, need: int, *, name: str):
        """Note the reservation."""
        self.reserved = need
        return super().reserve(need, name=name)


def status_mb(field: str) -> float:
    """VmRSS or VmHWM of this process, in MB."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field)) / 1024


def main(fmt: str, mode: str, megapixels: str, copies: str = "1") -> None:
    """Derive `copies` of the image at once, each in its own thread, like parallel uploads."""
    data = picture(fmt, mode, float(megapixels))
    budget = Recording(2**40)
    threads = [
        threading.Thread(target=derive, args=(data,), kwargs={"name": "x", "max_pixels": 10**9, "budget": budget})
        for _ in range(int(copies))
    ]
    before = status_mb("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM := VmRSS
    for t in threads:
        t.start()
        t.join()  # one after another: the budget would serialise them; what matters is what each leaves behind
    print(
        json.dumps(
            {
                "estimate": budget.reserved / 2**20,
                "peak": status_mb("VmHWM") - before,
                "left": status_mb("VmRSS") - before,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
