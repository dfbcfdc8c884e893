"""Recognise an upload by its bytes, refuse bombs before decoding, and make upright sRGB JPEG derivatives."""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms

from geo.errors import PayloadTooLarge, TooManyRequests, UndecodableImage, UnsupportedMediaType
from geo.photos.exif import ExifInfo, read_exif
from geo.photos.reuse import perceptual_hashes

pillow_heif.register_heif_opener()


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "mallopt") else None
    except OSError:
        return None


_LIBC = _libc()
if _LIBC is not None:
    # Pillow holds a decoded image in 16 MB blocks. glibc's sliding mmap threshold would soon serve such blocks from
    # per-thread heaps that are never given back, so each decode thread kept its peak for good: a fixed threshold
    # keeps them in mmap and returns them to the system when the image is freed.
    _LIBC.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD

DISPLAY_EDGE = 1600
THUMB_EDGE = 320
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
_SRGB = ImageCms.createProfile("sRGB")
T = Image.Transpose
# EXIF orientation -> the transpose that turns the stored pixels upright.
_UPRIGHT = {
    2: T.FLIP_LEFT_RIGHT,
    3: T.ROTATE_180,
    4: T.FLIP_TOP_BOTTOM,
    5: T.TRANSPOSE,
    6: T.ROTATE_270,
    7: T.TRANSVERSE,
    8: T.ROTATE_90,
}


# Peak bytes per decoded pixel of the whole derive() below, measured with Pillow 13 / pillow-heif 1.8 / libwebp 1.6
# and rounded up (bench/hostile_uploads.py and tests/photos/test_image.py check them): Pillow keeps RGB in 4 bytes;
# resampling RGBA premultiplies a copy; a palette is expanded before resampling; libheif and libwebp hand over
# buffers of their own that Pillow copies.
_BYTES_PER_PIXEL = {
    "JPEG": 8.0,  # per pixel of the reduced-scale draft
    "HEIF": 8.5,
    "WEBP": 17.0,
    "WEBP alpha": 19.5,
    "grey": 1.5,
    "opaque": 5.0,
    "alpha": 9.5,
    "palette": 6.0,
    "palette alpha": 10.5,
}
# What every decode adds whatever its size: the 1600 px display copy, resampling buffers, the JPEG encoder's.
_DERIVATIVES_BYTES = 24 * 2**20
WAIT_SECONDS = 120


class DecodeBudget:
    """A weighted semaphore of bytes: decodes in flight together stay within `total`; one that alone needs more is
    refused, so four large photos at once wait for each other instead of taking gigabytes."""

    def __init__(self, total: int):
        self.total = total
        self.used = 0
        self._cond = threading.Condition()

    @contextmanager
    def reserve(self, need: int, *, name: str) -> Iterator[None]:
        """Hold `need` bytes while decoding; 413 when it exceeds the whole budget, 429 after a long wait."""
        if need > self.total:
            raise PayloadTooLarge(
                f"“{name}”解码约需 {need / 2**20:.0f} MB 内存,超过上限 {self.total / 2**20:.0f} MB;"
                f"请另存为 JPEG 或缩小后再上传 / decoding {name!r} would take about {need / 2**20:.0f} MB, "
                f"more than the {self.total / 2**20:.0f} MB allowed: save it as JPEG or make it smaller",
                errors=[{"field": name, "message": "too large to decode"}],
            )
        deadline = time.monotonic() + WAIT_SECONDS
        with self._cond:
            while self.used + need > self.total:
                if not self._cond.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise TooManyRequests(
                        "服务器正忙于处理其他照片,请稍后再试 / the server is busy decoding other photos; try again",
                        retry_after=10,
                    )
            self.used += need
        try:
            yield
        finally:
            with self._cond:
                self.used -= need
                self._cond.notify_all()


_budgets: dict[int, DecodeBudget] = {}
_budgets_lock = threading.Lock()


def decode_budget(total_bytes: int) -> DecodeBudget:
    """The process-wide budget of that size (one per setting value, so every request shares it)."""
    with _budgets_lock:
        return _budgets.setdefault(total_bytes, DecodeBudget(total_bytes))


def decode_cost(img: Image.Image, fmt: str) -> int:
    """Estimated peak bytes of decoding `img` (at its drafted size) and making its derivatives."""
    alpha = "A" in img.mode or "transparency" in img.info
    if fmt in ("JPEG", "HEIF"):
        key = fmt
    elif fmt == "WEBP":
        key = "WEBP alpha" if alpha else "WEBP"
    elif img.mode in ("P", "PA"):
        key = "palette alpha" if alpha else "palette"
    elif img.mode in ("L", "1"):
        key = "grey"
    elif img.mode.startswith("I"):  # 16-bit grey is widened to 32 bits on its way down to 8
        key = "alpha"
    else:
        key = "alpha" if alpha else "opaque"
    per_pixel = _BYTES_PER_PIXEL[key]
    return int(img.size[0] * img.size[1] * per_pixel) + _DERIVATIVES_BYTES


def sniff(head: bytes) -> str | None:
    """The accepted format the leading bytes belong to (JPEG, PNG, WEBP, HEIF), or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":
        size = int.from_bytes(head[:4], "big")
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(size, len(head)), 4)}
        # AVIF also says mif1; it is not a photo format phones send here.
        if brands & _HEIF_BRANDS and not brands & {b"avif", b"avis"}:
            return "HEIF"
    return None


@dataclass
class Derived:
    """An accepted photo: its format, EXIF, upright size, the two JPEG derivatives and its perceptual hashes."""

    format: str
    exif: ExifInfo
    width: int
    height: int
    display: bytes
    thumb: bytes
    phash: int | None = None
    dhash: int | None = None


def open_checked(data: bytes, *, name: str, max_pixels: int) -> tuple[Image.Image, str]:
    """Open (header only) an image of an accepted type whose pixel count is within max_pixels."""
    fmt = sniff(data[:64])
    if fmt is None:
        raise UnsupportedMediaType(
            f"“{name}”不是可接受的图片(支持 JPEG、PNG、WebP、HEIC)/ {name!r} is not a JPEG, PNG, WebP or HEIC image",
            errors=[{"field": name, "message": "unsupported type"}],
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own cap below is stricter
            img = Image.open(io.BytesIO(data), formats=[fmt])
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, None, max_pixels) from None
    except Exception as exc:
        raise UndecodableImage(
            f"“{name}”无法读取,文件可能已损坏 / {name!r} cannot be read: {exc}",
            errors=[{"field": name, "message": "undecodable"}],
        ) from None
    w, h = img.size
    if w * h > max_pixels:
        raise _too_many_pixels(name, (w, h), max_pixels)
    return img, fmt


def _too_many_pixels(name: str, size: tuple[int, int] | None, max_pixels: int) -> PayloadTooLarge:
    got = f"{size[0]}×{size[1]}" if size else "too many"
    return PayloadTooLarge(
        f"“{name}”像素过多({got}),上限 {max_pixels / 1e6:g} 百万像素,请缩小后再上传 / "
        f"{name!r} has too many pixels ({got}); the limit is {max_pixels / 1e6:g} MP",
        errors=[{"field": name, "message": "too many pixels"}],
    )


def _resizable(img: Image.Image) -> Image.Image:
    """A palette or bilevel image as the mode it can be resampled in (nearest-neighbour is all Pillow does for P)."""
    if img.mode in ("P", "PA"):
        return img.convert("RGBA" if img.mode == "PA" or "transparency" in img.info else "RGB")
    return img.convert("L") if img.mode == "1" else img


def _shrunk(img: Image.Image) -> Image.Image:
    """The display size, made before any full-size conversion (each would copy the whole image)."""
    if img.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        # reduce() averages whole pixel blocks down to at least the display size, then Lanczos does the rest: a gap
        # of 1 keeps the intermediate copy small (a 60 MP PNG peaks at ~4.4 bytes a pixel instead of ~5.5).
        img.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE), Image.Resampling.LANCZOS, reducing_gap=1.0)
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB on white for anything with alpha or a palette; 16-bit greys scaled down."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        img = img.point(lambda v: v / 256).convert("L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img.convert("RGBA"), mask=img.convert("RGBA").getchannel("A"))
        return background
    return img if img.mode == "RGB" else img.convert("RGB")


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert from an embedded colour profile (e.g. Display P3 of iPhone HEICs) to sRGB; keep as is without one."""
    if not icc:
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in (ImageCms.getProfileDescription(source) or "").lower():
            return img
        return ImageCms.profileToProfile(img, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img  # an unusable profile: show the pixels as they are


def _jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)  # no exif/icc argument: metadata stripped
    return out.getvalue()


def derive(data: bytes, *, name: str, max_pixels: int, budget: DecodeBudget | None = None) -> Derived:
    """Check, read EXIF and make the 1600 px display copy and the 320 px thumbnail (upright, sRGB, no metadata);
    the decode holds its estimated memory in `budget` (JPEG is decoded at reduced scale and needs little)."""
    img, fmt = open_checked(data, name=name, max_pixels=max_pixels)
    w, h = img.size
    scale = DISPLAY_EDGE / max(w, h)
    if fmt == "JPEG" and scale < 1:
        # The box in stored orientation, long edge first: (1600, 1600) would make Pillow decode a 4:3 photo whole.
        img.draft("RGB", (max(1, round(w * scale)), max(1, round(h * scale))))
    with budget.reserve(decode_cost(img, fmt), name=name) if budget else _no_budget():
        try:
            img.load()
            exif = read_exif(img)  # after load, inside the budget: Pillow decodes a whole PNG to find its eXIf
            icc = img.info.get("icc_profile")
            img = _to_rgb(_shrunk(_resizable(img)))
        except Exception as exc:
            raise UndecodableImage(
                f"“{name}”无法解码,文件可能不完整 / {name!r} cannot be decoded (truncated?): {exc}",
                errors=[{"field": name, "message": "undecodable"}],
            ) from None
        img.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if fmt != "HEIF" and exif.orientation != 1:  # pillow-heif has already turned HEICs upright
        img = img.transpose(_UPRIGHT[exif.orientation])
    img = _to_srgb(img, icc)
    display = _jpeg(img, 82)
    # From the upright display copy already in memory: a second decode of the original would double the cost, and
    # hashing resizes a grey copy of at most 1600 px (under 3 MB, inside _DERIVATIVES_BYTES).
    hashes = perceptual_hashes(img)
    upright_w, upright_h = (h, w) if fmt != "HEIF" and exif.orientation in (5, 6, 7, 8) else (w, h)
    img.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return Derived(fmt, exif, upright_w, upright_h, display, _jpeg(img, 80), *hashes)


@contextmanager
def _no_budget() -> Iterator[None]:
    yield
