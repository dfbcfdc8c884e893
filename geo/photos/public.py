"""The public copy of an original: the same image bytes without its metadata (EXIF GPS, XMP, IPTC, comments, embedded
previews), keeping only the orientation. Made by rewriting the container, never by decoding, so it is lossless and
costs no more memory than the file; kept in the photo store under public/ the first time it is asked for.

JPEG, PNG and WebP are rewritten; a HEIC has its metadata inside an ISO box tree that browsers cannot show anyway, so
its public "original" is the display copy (JPEG, upright, already without metadata)."""

from __future__ import annotations

import struct
import zlib

from PIL import Image

from geo.photos import store

_ORIENTATION = 0x0112


def _tiff_orientation(orientation: int) -> bytes:
    """A TIFF block (no "Exif\\0\\0" prefix) holding only the orientation tag."""
    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    return exif.tobytes()[6:]


def _jpeg(data: bytes, orientation: int) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out, i, n = [b"\xff\xd8"], 2, len(data)
    inserted = orientation == 1
    while i < n:
        if data[i] != 0xFF:
            raise ValueError(f"JPEG marker expected at {i}")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # end of the primary image: what follows (MPF previews with their own EXIF) is dropped
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[i : i + 2])
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        segment, i = data[i : i + 2 + length], i + 2 + length
        # Kept: JFIF (APP0), an ICC profile (APP2) and Adobe's colour transform (APP14); every other APPn (EXIF, XMP,
        # IPTC, MPF, maker data) and comments go.
        app = 0xE0 <= marker <= 0xEF
        if marker == 0xFE or (app and marker not in (0xE0, 0xE2, 0xEE)):
            continue
        if marker == 0xE2 and not segment[4:16] == b"ICC_PROFILE\0":
            continue
        if not inserted and marker != 0xE0:
            exif = b"Exif\0\0" + _tiff_orientation(orientation)
            out.append(b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
            inserted = True
        out.append(segment)
        if marker == 0xDA:  # entropy-coded data up to the next real marker (FF00 is a stuffed byte, FFD0-7 restarts)
            j = i
            while True:
                j = data.index(b"\xff", j)
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    j += 2
                    continue
                if following == 0xFF:
                    j += 1
                    continue
                break
            out.append(data[i:j])
            i = j
    raise ValueError("JPEG without an end marker")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _png(data: bytes, orientation: int) -> bytes:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    out, i = [data[:8]], 8
    inserted = orientation == 1
    while i + 8 <= len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        chunk, i = data[i : i + 12 + length], i + 12 + length
        if kind in (b"eXIf", b"tEXt", b"zTXt", b"iTXt"):  # EXIF, and text chunks (XMP, "Raw profile type exif")
            continue
        if kind == b"IDAT" and not inserted:
            out.append(_png_chunk(b"eXIf", _tiff_orientation(orientation)))
            inserted = True
        out.append(chunk)
        if kind == b"IEND":
            return b"".join(out)
    raise ValueError("PNG without IEND")


_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp(data: bytes, orientation: int) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end, i, chunks, vp8x = min(len(data), 8 + riff_size), 12, [], None
    while i + 8 <= end:
        kind = data[i : i + 4]
        (size,) = struct.unpack("<I", data[i + 4 : i + 8])
        chunk, i = bytearray(data[i : i + 8 + size + (size & 1)]), i + 8 + size + (size & 1)
        if kind in (b"EXIF", b"XMP "):
            continue
        if kind == b"VP8X":
            chunk[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
            vp8x = chunk
        chunks.append(chunk)
    if vp8x is not None and orientation != 1:  # EXIF lives only in the extended format, after the image data
        tiff = _tiff_orientation(orientation)
        chunks.append(b"EXIF" + struct.pack("<I", len(tiff)) + tiff + b"\0" * (len(tiff) & 1))
        vp8x[8] |= _VP8X_EXIF
    body = b"WEBP" + b"".join(bytes(c) for c in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


_STRIP = {"JPEG": _jpeg, "PNG": _png, "WEBP": _webp}


def without_metadata(data: bytes, fmt: str, orientation: int = 1) -> bytes:
    """The file rewritten without metadata, keeping the orientation; ValueError when the container is malformed."""
    orientation = orientation if orientation in range(1, 9) else 1
    try:
        return _STRIP[fmt](data, orientation)
    except (IndexError, struct.error) as e:
        raise ValueError(f"truncated {fmt}") from e


def public_original(files: store.PhotoStore, *, sha256: str, fmt: str, ext: str, orientation: int) -> tuple[str, bool]:
    """(key, is the display copy) of the original as the public may have it, made and stored on first use."""
    if fmt not in _STRIP:
        return store.key_of("display", sha256, ext), True
    key = store.key_of("public", sha256, ext)
    if not files.exists(key):
        original = files.read(store.key_of("original", sha256, ext))
        if original is None:
            raise FileNotFoundError(store.key_of("original", sha256, ext))
        try:
            stripped = without_metadata(original, fmt, orientation)
        except ValueError:  # a file Pillow accepted but this parser does not: the public gets the display copy
            return store.key_of("display", sha256, ext), True
        files.put(key, stripped)
    return key, False
