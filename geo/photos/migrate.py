"""Copy a photo store into another (a local directory into an S3 bucket): resumable and verified by sha256.

An object the target already holds with the same sha256 is skipped, so an interrupted run simply runs again. Every
copy is read back by hash before it counts; an original whose bytes do not hash to its name is reported, not copied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from geo.photos import store

COPIED_KINDS = store.STORED_KINDS


def _source_sha(source: store.PhotoStore, key: str) -> str | None:
    path = source.local_path(key)
    if path is not None:
        return store.file_hashes(path)[0] if path.is_file() else None
    data = source.read(key)
    return None if data is None else hashlib.sha256(data).hexdigest()


def migrate(
    source: store.PhotoStore,
    target: store.PhotoStore,
    *,
    progress: Callable[[str, str], None] | None = None,
) -> dict:
    """Copy every object of source missing or different in target; {copied, skipped, bytes, failed: [{key, why}]}."""
    copied = skipped = size = 0
    failed: list[dict] = []
    for entry in source.entries(COPIED_KINDS):
        if not entry.sha256:  # a temp file of an interrupted write is nobody's photo
            continue
        sha = _source_sha(source, entry.key)
        if sha is None:
            continue
        if entry.kind == "original" and sha != entry.sha256:
            failed.append({"key": entry.key, "why": f"content hashes to {sha[:12]}…, not its name"})
            continue
        if target.sha256_of(entry.key) == sha:
            skipped += 1
            continue
        try:
            path = source.local_path(entry.key)
            if path is not None:
                written = target.put_file(entry.key, path)
            else:
                data = source.read(entry.key) or b""
                target.put(entry.key, data)
                written = hashlib.sha256(data).hexdigest()
            if written != sha or target.sha256_of(entry.key) != sha:
                raise store.StoreError(f"{target.describe(entry.key)}: hash differs after the copy")
        except store.StoreError as e:
            failed.append({"key": entry.key, "why": e.where})
            continue
        copied += 1
        size += entry.size
        if progress:
            progress("copied", entry.key)
    return {"copied": copied, "skipped": skipped, "bytes": size, "failed": failed}
