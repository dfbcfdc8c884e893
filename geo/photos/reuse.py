"""Reuse detection: 64-bit perceptual hashes (pHash, dHash) of a photo and the stored photos within a small Hamming
distance of them, from another project or another month of the same project.

The hashes are computed here with numpy and Pillow rather than with the imagehash package: the two functions are a
dozen lines each, and imagehash would add SciPy and PyWavelets (some 40 MB of wheels) for one 32 × 32 DCT. They
follow imagehash's definitions (phash: the 8 × 8 lowest frequencies of the DCT of a 32 × 32 grey copy above their
median; dhash: a 9 × 8 grey copy, each pixel brighter than its left neighbour), so figures measured with either agree.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

import numpy as np
from PIL import Image
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.db.models import Photo
from geo.enums import PHOTO_FORMATS
from geo.photos import store
from geo.settings import Settings

log = logging.getLogger("warroom.photos")

_N = 32
# DCT-II basis (unnormalised: a uniform scale does not move the median comparison).
_DCT = np.cos(np.pi * np.outer(np.arange(_N), 2 * np.arange(_N) + 1) / (2 * _N))


def _signed(bits: np.ndarray) -> int:
    """64 booleans, first one most significant, as a signed 64-bit integer (PostgreSQL's bigint)."""
    value = 0
    for b in bits.ravel():
        value = (value << 1) | int(b)
    return value - (1 << 64) if value >= 1 << 63 else value


def phash(img: Image.Image) -> int:
    """The DCT perceptual hash of an image (any size and mode)."""
    grey = np.asarray(img.convert("L").resize((_N, _N), Image.Resampling.LANCZOS), dtype=np.float64)
    low = (_DCT @ grey @ _DCT.T)[:8, :8]
    return _signed(low > np.median(low))


def dhash(img: Image.Image) -> int:
    """The difference hash of an image: whether each pixel of a 9 × 8 grey copy is brighter than the one to its left."""
    grey = np.asarray(img.convert("L").resize((9, 8), Image.Resampling.LANCZOS), dtype=np.int16)
    return _signed(grey[:, 1:] > grey[:, :-1])


def perceptual_hashes(img: Image.Image) -> tuple[int, int]:
    """(pHash, dHash) of an image; both resize a grey copy first, so they cost little even on the display copy."""
    return phash(img), dhash(img)


def hamming(a: int, b: int) -> int:
    """Bits in which two 64-bit hashes differ (what bit_count(a # b) says in PostgreSQL)."""
    return ((a ^ b) & (2**64 - 1)).bit_count()


# In PostgreSQL 14+: bigint # bigint is XOR, ::bit(64) its bits, bit_count the number set. No index: a scan of
# 100,000 rows takes a few milliseconds.
_MATCHES = text("""
SELECT ph.id, bit_count((ph.phash # :phash)::bit(64)) AS phash_distance,
       bit_count((ph.dhash # :dhash)::bit(64)) AS dhash_distance
FROM photos ph
WHERE ph.phash IS NOT NULL AND ph.dhash IS NOT NULL
  AND (ph.project_id <> :project_id OR ph.report_month <> :month)
  AND (CAST(:before_id AS integer) IS NULL OR ph.id < :before_id)
  AND (bit_count((ph.phash # :phash)::bit(64)) <= :phash_max OR bit_count((ph.dhash # :dhash)::bit(64)) <= :dhash_max)
ORDER BY least(bit_count((ph.phash # :phash)::bit(64)), bit_count((ph.dhash # :dhash)::bit(64))), ph.id
LIMIT 20""")


def find_matches(
    session: Session,
    *,
    settings: Settings,
    phash: int,
    dhash: int,
    project_id: int,
    report_month: dt.date,
    before_id: int | None = None,
) -> list[dict]:
    """Stored photos that look like this one (pHash or dHash within the settings' distances) and belong to another
    project or to another month of this one: [{id, phash, dhash}], closest first. Photos of the same project and
    month are left out: several shots of one site on one visit look alike by nature."""
    rows = session.execute(
        _MATCHES,
        {
            "phash": phash,
            "dhash": dhash,
            "project_id": project_id,
            "month": report_month,
            "before_id": before_id,
            "phash_max": settings.photo_reuse_phash_max,
            "dhash_max": settings.photo_reuse_dhash_max,
        },
    ).all()
    return [{"id": r.id, "phash": r.phash_distance, "dhash": r.dhash_distance} for r in rows]


def reuse_columns(matches: list[dict]) -> dict:
    """The reuse flag of a new photo: suspect with its matches, or nothing."""
    return {"reuse_status": "suspect", "reuse_matches": matches} if matches else {}


def rehash(session: Session, *, settings: Settings, actor: Principal, flag: bool = True) -> dict:
    """Hash the stored photos that have no hashes yet (from their display copies), oldest first, and flag those that
    match an older photo the way an upload would have been; committed photo by photo."""
    todo = (
        session.execute(text("SELECT id FROM photos WHERE phash IS NULL OR dhash IS NULL ORDER BY id")).scalars().all()
    )
    hashed, flagged, missing = 0, [], []
    for photo_id in todo:
        photo = session.get(Photo, photo_id)
        files = store.get_store(settings)
        key = store.key_of("display", photo.sha256, PHOTO_FORMATS[photo.format][1])
        data = files.read(key)
        if data is None:
            missing.append(files.describe(key))
            continue
        with Image.open(io.BytesIO(data)) as img:
            photo.phash, photo.dhash = perceptual_hashes(img)
        if flag and photo.reuse_status is None:
            matches = find_matches(
                session,
                settings=settings,
                phash=photo.phash,
                dhash=photo.dhash,
                project_id=photo.project_id,
                report_month=photo.report_month,
                before_id=photo.id,
            )
            for k, v in reuse_columns(matches).items():
                setattr(photo, k, v)
            if matches:
                flagged.append(photo.id)
                audit(
                    session,
                    actor=actor,
                    action="photo.reuse_flag",
                    obj=("photo", photo.id),
                    after={
                        "project_id": photo.project_id,
                        "month": photo.report_month.strftime("%Y-%m"),
                        "matches": matches,
                    },
                )
        session.commit()
        hashed += 1
    if missing:
        log.warning("photos without a display copy were not hashed: %s", ", ".join(missing))
    return {"hashed": hashed, "flagged": flagged, "missing_files": missing}
