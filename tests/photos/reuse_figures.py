"""The reuse detector measured on generated photos: how many altered copies it catches, and how many pairs of
different photos it flags. `python -m tests.photos.reuse_figures [N]` prints the table;
test_evidence.py asserts it on a few photos."""

from __future__ import annotations

import itertools
import sys

from PIL import Image, ImageDraw

from geo.photos.image import derive
from geo.photos.reuse import hamming
from geo.settings import Settings
from tests.photos.images import encode, scene

SIZE = (1600, 1200)


def resized(img: Image.Image) -> Image.Image:
    """Half the size (a copy saved from a chat app)."""
    return img.resize((img.width // 2, img.height // 2), Image.Resampling.LANCZOS)


def watermarked(img: Image.Image) -> Image.Image:
    """A timestamp-camera band across the bottom eighth, with text on it."""
    out = img.copy()
    draw = ImageDraw.Draw(out, "RGBA")
    draw.rectangle((0, out.height * 7 // 8, out.width, out.height), fill=(0, 0, 0, 150))
    draw.text((20, out.height * 7 // 8 + 10), "2026-05-03 10:00 威海 N37.4 E122.1", fill=(255, 255, 255, 255))
    return out


def cropped(img: Image.Image) -> Image.Image:
    """5 % cut off the left and top edges."""
    return img.crop((img.width // 20, img.height // 20, img.width, img.height))


# name -> (transform, JPEG quality of the copy)
ALTERATIONS = {
    "resized 50%": (resized, 85),
    "resized 60%": (lambda i: i.resize((i.width * 3 // 5, i.height * 3 // 5), Image.Resampling.LANCZOS), 85),
    "re-compressed q=60": (lambda i: i, 60),
    "re-compressed q=40": (lambda i: i, 40),
    "watermark band": (watermarked, 85),
    "cropped 5%": (cropped, 85),
}


def hashes_of(data: bytes) -> tuple[int, int]:
    """(pHash, dHash) as an upload computes them (derive(): the upright display copy)."""
    d = derive(data, name="x.jpg", max_pixels=10**8)
    return d.phash, d.dhash


def flagged(a: tuple[int, int], b: tuple[int, int], settings: Settings) -> bool:
    """The upload rule: either hash within its distance."""
    return (
        hamming(a[0], b[0]) <= settings.photo_reuse_phash_max or hamming(a[1], b[1]) <= settings.photo_reuse_dhash_max
    )


def measure(n: int = 24, settings: Settings | None = None) -> dict:
    """{alteration: caught of n, "false pairs": flagged pairs of the n different originals, "pairs": n(n-1)/2}."""
    settings = settings or Settings(database_url=None)
    originals = [scene(SIZE, seed=90_000 + i) for i in range(n)]
    base = [hashes_of(encode(img, "JPEG", quality=90)) for img in originals]
    figures: dict = {}
    for name, (alter, quality) in ALTERATIONS.items():
        copies = [hashes_of(encode(alter(img), "JPEG", quality=quality)) for img in originals]
        figures[name] = sum(flagged(c, b, settings) for c, b in zip(copies, base))
    pairs = list(itertools.combinations(range(n), 2))
    figures["false pairs"] = sum(flagged(base[i], base[j], settings) for i, j in pairs)
    figures["pairs"] = len(pairs)
    figures["photos"] = n
    return figures


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    f = measure(n)
    for name in ALTERATIONS:
        print(f"{name:22} caught {f[name]}/{n}")
    print(f"{'different photos':22} flagged {f['false pairs']} of {f['pairs']} pairs")
