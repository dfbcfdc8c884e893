"""Real image files for the photo tests, made with Pillow (+ pillow-heif) and piexif."""

from __future__ import annotations

import io
import random
import struct
import zlib
from fractions import Fraction

import piexif
import pillow_heif
from PIL import Image, ImageDraw, ImageFilter, ImageOps

pillow_heif.register_heif_opener()


def dms(value: float) -> tuple[tuple[int, int], ...]:
    """Degrees as EXIF degree-minute-second rationals."""
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = Fraction((value - d - m / 60) * 3600).limit_denominator(10000)
    return (d, 1), (m, 1), (s.numerator, s.denominator)


def exif_bytes(
    *,
    lon: float | None = None,
    lat: float | None = None,
    taken: str | None = None,
    offset: str | None = None,
    orientation: int | None = None,
    altitude: float | None = None,
    gps: dict | None = None,
) -> bytes:
    """An EXIF block with the given position ("N"/"S", "E"/"W" from the signs), time, offset and orientation."""
    zeroth, sub, g = {}, {}, dict(gps or {})
    if orientation:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    if taken:
        sub[piexif.ExifIFD.DateTimeOriginal] = taken.encode()
    if offset:
        sub[piexif.ExifIFD.OffsetTimeOriginal] = offset.encode()
    if lat is not None:
        g.update(
            {
                piexif.GPSIFD.GPSVersionID: (2, 3, 0, 0),
                piexif.GPSIFD.GPSLatitudeRef: b"S" if lat < 0 else b"N",
                piexif.GPSIFD.GPSLatitude: dms(lat),
                piexif.GPSIFD.GPSLongitudeRef: b"W" if lon < 0 else b"E",
                piexif.GPSIFD.GPSLongitude: dms(lon),
            }
        )
    if altitude is not None:
        g.update(
            {
                piexif.GPSIFD.GPSAltitudeRef: 1 if altitude < 0 else 0,
                piexif.GPSIFD.GPSAltitude: (int(abs(altitude) * 10), 10),
            }
        )
    return piexif.dump({"0th": zeroth, "Exif": sub, "GPS": g})


def scene(size=(640, 480), seed: int = 0) -> Image.Image:
    """A photo-like picture unique to its seed: a sky-to-ground gradient at a random horizon and a few dozen random
    buildings, blobs and poles, softened like a lens would (flat pictures would all look alike to a perceptual hash)."""
    rng = random.Random(seed)
    w, h = size

    def colour(lo=0, hi=255):
        return tuple(rng.randint(lo, hi) for _ in range(3))

    gradient = Image.linear_gradient("L").resize(size)
    img = ImageOps.colorize(gradient, colour(120, 255), colour(0, 140))
    draw = ImageDraw.Draw(img)
    horizon = int(h * rng.uniform(0.3, 0.7))
    draw.rectangle((0, horizon, w, h), fill=colour(20, 160))
    for _ in range(rng.randint(15, 35)):
        x, y = rng.uniform(-0.1, 1.0) * w, rng.uniform(0.0, 1.0) * h
        bw, bh = rng.uniform(0.03, 0.35) * w, rng.uniform(0.03, 0.5) * h
        box = (x, y, x + bw, y + bh)
        kind = rng.random()
        if kind < 0.5:
            draw.rectangle(box, fill=colour())
        elif kind < 0.8:
            draw.ellipse(box, fill=colour())
        else:
            draw.line((x, y, x + rng.uniform(-0.3, 0.3) * w, y + bh), fill=colour(), width=max(1, w // 100))
    return img.filter(ImageFilter.GaussianBlur(max(1, w // 500)))


def picture(size=(640, 480), seed: int = 0) -> Image.Image:
    """A scene (unique to the seed) with a red marker in the top-left corner, so orientation can be checked."""
    img = scene(size, seed)
    img.paste((255, 0, 0), (0, 0, size[0] // 8, size[1] // 8))
    return img


def encode(img: Image.Image, fmt: str = "JPEG", exif: bytes | None = None, **kw) -> bytes:
    """The file bytes of img in fmt, with exif when given."""
    out = io.BytesIO()
    if exif is not None:
        kw["exif"] = exif
    img.save(out, fmt, **kw)
    return out.getvalue()


def jpeg(seed: int = 0, size=(640, 480), **exif) -> bytes:
    """A JPEG with the given EXIF fields (see exif_bytes)."""
    return encode(picture(size, seed), "JPEG", exif_bytes(**exif) if exif else None, quality=85)


def corrupt_exif_jpeg(seed: int = 0) -> bytes:
    """A JPEG whose APP1 Exif segment is garbage after a valid TIFF header."""
    body = encode(picture(seed=seed), "JPEG", quality=85)
    garbage = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff" + b"\xde\xad\xbe\xef" * 8
    app1 = b"\xff\xe1" + struct.pack(">H", len(garbage) + 2) + garbage
    return body[:2] + app1 + body[2:]


def png_bomb(width: int = 10_000, height: int = 10_000) -> bytes:
    """A tiny PNG declaring width × height grey pixels, compressed without ever holding them in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    comp, row, parts = zlib.compressobj(9), b"\x00" * (width + 1), []
    for _ in range(height):
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")
