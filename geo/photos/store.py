"""Content-addressed photo files: <photo_dir>/<kind>/<sha[:2]>/<sha>.<ext>, written atomically (temp, fsync, rename)."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

KINDS = ("original", "display", "thumb")
# A file younger than this may belong to an upload still being written or committed: cleaning leaves it alone.
GRACE_SECONDS = 600


def path_of(root: Path, kind: str, sha256: str, ext: str) -> Path:
    """Where a file of this kind and content lives (derivatives are always .jpg)."""
    return root / kind / sha256[:2] / f"{sha256}.{ext if kind == 'original' else 'jpg'}"


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write data so that `path` is either absent or complete, even across a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def remove(paths: list[Path]) -> None:
    """Remove files, ignoring those already gone."""
    for p in paths:
        p.unlink(missing_ok=True)


def stored_files(root: Path) -> Iterator[tuple[str, str, Path]]:
    """Every (kind, sha256, path) under root, including leftover temp files (sha256 '')."""
    for kind in KINDS:
        for p in sorted((root / kind).glob("*/*")):
            if p.is_file():
                yield kind, ("" if p.name.startswith(".tmp-") else p.name.split(".")[0]), p


def settled(path: Path, grace: float = GRACE_SECONDS) -> bool:
    """Whether a file was last written longer than `grace` seconds ago."""
    try:
        return time.time() - path.stat().st_mtime > grace
    except FileNotFoundError:
        return False


def remove_temp_files(root: Path, grace: float = GRACE_SECONDS) -> list[Path]:
    """Remove temp files left by writes a crash interrupted (older than `grace`); the paths removed."""
    stale = [p for _, sha, p in stored_files(root) if not sha and settled(p, grace)]
    remove(stale)
    return stale
