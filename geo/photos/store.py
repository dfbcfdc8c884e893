"""Content-addressed photo files behind one interface: a local directory (default) or an S3-compatible object store.

Keys are `<kind>/<sha[:2]>/<sha>.<ext>` in both. A write is verified before it returns (local: temp, fsync, rename;
S3: Content-MD5 checked by the server, then the stored size, MD5 ETag and sha256 metadata read back), so the row that
names it may commit; a failed commit deletes what was written.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from geo.errors import StoreUnavailable
from geo.settings import Settings

KINDS = ("original", "display", "thumb")
# Every kind a store holds: the three each row has, and the copies made on first request (the public original without
# metadata, the stamped display copy); checks, sweeps, migrations and backups walk all of them.
STORED_KINDS = (*KINDS, "public", "stamped")
# A file younger than this may belong to an upload still being written or committed: cleaning leaves it alone.
GRACE_SECONDS = 600
CHUNK = 256 * 1024
log = logging.getLogger("warroom.photos.store")
TEMP_PREFIX = ".tmp-"


class StoreError(StoreUnavailable):
    """The photo store could not be reached or refused a write (503 problem+json)."""

    def __init__(self, where: str):
        log.error("photo store: %s", where)  # the details (endpoint, S3 error) go to the log, not to the client
        super().__init__("照片存储暂时无法使用,请稍后再试 / the photo store cannot be used now; try again shortly")
        self.where = where


@dataclass(frozen=True)
class Entry:
    """One stored object: its key, size in bytes and last write (epoch seconds)."""

    key: str
    size: int
    mtime: float

    @property
    def kind(self) -> str:
        """original, display, thumb, public or stamped."""
        return self.key.split("/", 1)[0]

    @property
    def sha256(self) -> str:
        """The content hash the key names ('' for a temp file)."""
        name = self.key.rsplit("/", 1)[-1]
        # a stamped copy is named <sha>-<stamp digest>.jpg
        return "" if name.startswith(TEMP_PREFIX) else name.split(".")[0].split("-")[0]


def key_of(kind: str, sha256: str, ext: str) -> str:
    """The key of a file of this kind and content (derivatives are always .jpg)."""
    return f"{kind}/{sha256[:2]}/{sha256}.{ext if kind in ('original', 'public') else 'jpg'}"


def path_of(root: Path, kind: str, sha256: str, ext: str) -> Path:
    """Where a file of this kind and content lives in a local store."""
    return root / key_of(kind, sha256, ext)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write data so that `path` is either absent or complete, even across a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
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


def file_hashes(path: Path) -> tuple[str, str, int]:
    """(sha256 hex, md5 hex, size) of a file, read in chunks."""
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), md5.hexdigest(), size


class PhotoStore:
    """The operations every store offers; keys are relative, '/'-separated."""

    url: str

    def put(self, key: str, data: bytes) -> None:
        """Store bytes under key, verified before returning."""
        raise NotImplementedError

    def put_file(self, key: str, path: Path) -> str:
        """Store a file under key, streamed and verified; its sha256."""
        raise NotImplementedError

    def read(self, key: str) -> bytes | None:
        """The whole object (for derivatives and stripping), None when absent."""
        raise NotImplementedError

    def stream(self, key: str) -> Iterator[bytes]:
        """The object in chunks; FileNotFoundError when absent."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        """Whether the object is there."""
        raise NotImplementedError

    def stat(self, key: str) -> Entry | None:
        """Size and time of an object, None when absent."""
        raise NotImplementedError

    def sha256_of(self, key: str) -> str | None:
        """The stored content's sha256 (metadata on S3, computed locally), None when absent."""
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> None:
        """Remove objects, ignoring those already gone."""
        raise NotImplementedError

    def entries(self, kinds: Iterable[str] = KINDS) -> Iterator[Entry]:
        """Every stored object of these kinds, including leftover temp files."""
        raise NotImplementedError

    def remove_temp_files(self, grace: float = GRACE_SECONDS) -> list[str]:
        """Remove temp files an interrupted write left (older than grace); the keys removed."""
        return []

    def ping(self) -> None:
        """Raise StoreError when the store cannot be used."""
        raise NotImplementedError

    def local_path(self, key: str) -> Path | None:
        """A path the file can be sent from directly (local store only)."""
        return None

    def describe(self, key: str) -> str:
        """Where a key is, for people."""
        return f"{self.url.rstrip('/')}/{key}"


def settled(entry: Entry, grace: float = GRACE_SECONDS) -> bool:
    """Whether an object was last written longer than `grace` seconds ago."""
    return time.time() - entry.mtime > grace


class LocalStore(PhotoStore):
    """A directory on this machine's disk."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.url = str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        """Store bytes under key, verified before returning."""
        write_atomic(self._path(key), data)

    def put_file(self, key: str, path: Path) -> str:
        """Store a file under key (copied in chunks, fsynced, renamed); its sha256."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
        sha = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                while chunk := src.read(CHUNK):
                    sha.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return sha.hexdigest()

    def read(self, key: str) -> bytes | None:
        """The whole file, None when absent."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def stream(self, key: str) -> Iterator[bytes]:
        """The file in chunks."""
        f = open(self._path(key), "rb")  # noqa: SIM115 — opened now so that a missing file raises before streaming

        def chunks() -> Iterator[bytes]:
            with f:
                while chunk := f.read(CHUNK):
                    yield chunk

        return chunks()

    def exists(self, key: str) -> bool:
        """Whether the file is there."""
        return self._path(key).is_file()

    def stat(self, key: str) -> Entry | None:
        """Size and modification time."""
        try:
            st = self._path(key).stat()
        except FileNotFoundError:
            return None
        return Entry(key, st.st_size, st.st_mtime)

    def sha256_of(self, key: str) -> str | None:
        """The file's sha256, computed."""
        path = self._path(key)
        return file_hashes(path)[0] if path.is_file() else None

    def delete(self, keys: Iterable[str]) -> None:
        """Remove files, ignoring those already gone."""
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def entries(self, kinds: Iterable[str] = KINDS) -> Iterator[Entry]:
        """Every file of these kinds, temp files included."""
        for kind in kinds:
            for p in sorted((self.root / kind).glob("*/*")):
                if p.is_file():
                    st = p.stat()
                    yield Entry(p.relative_to(self.root).as_posix(), st.st_size, st.st_mtime)

    def remove_temp_files(self, grace: float = GRACE_SECONDS) -> list[str]:
        """Remove temp files left by writes a crash interrupted (older than grace)."""
        stale = [e.key for e in self.entries(STORED_KINDS) if not e.sha256 and settled(e, grace)]
        self.delete(stale)
        return stale

    def ping(self) -> None:
        """The directory exists (or can be made) and is writable."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{self.root}: {e}") from e
        if not os.access(self.root, os.W_OK):
            raise StoreError(f"{self.root} is not writable")

    def local_path(self, key: str) -> Path | None:
        """The file itself."""
        return self._path(key)

    def describe(self, key: str) -> str:
        """The file's path."""
        return str(self._path(key))


class S3Store(PhotoStore):
    """Objects in a bucket of any S3-compatible store (SeaweedFS, MinIO, Ceph, AWS), under a prefix."""

    def __init__(self, url: str, *, endpoint: str | None, access_key: str | None, secret_key: str | None, region: str):
        import boto3
        from botocore.config import Config

        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"WARROOM_PHOTO_STORE must be a directory or s3://bucket[/prefix], not {url!r}")
        self.url = url
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/") + "/" if parsed.path.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(
                s3={"addressing_style": "path"},  # self-hosted stores rarely have a wildcard DNS name per bucket
                retries={"max_attempts": 4, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                max_pool_connections=32,
                # Content-MD5 is checked below; the newer CRC trailers are not understood by every S3-compatible store.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _errors(self):
        from botocore.exceptions import BotoCoreError, ClientError

        return BotoCoreError, ClientError

    def _missing(self, e: Exception) -> bool:
        code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
        return code in ("404", "NoSuchKey", "NotFound")

    def _verify(self, key: str, md5_hex: str, sha_hex: str, size: int) -> None:
        head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        etag = head.get("ETag", "").strip('"')
        stored_sha = head.get("Metadata", {}).get("sha256")
        if head["ContentLength"] != size or ("-" not in etag and etag != md5_hex) or stored_sha != sha_hex:
            raise StoreError(f"{self.describe(key)}: the stored object does not match what was written")

    def put(self, key: str, data: bytes) -> None:
        """PUT with Content-MD5 (the store refuses a corrupted body), then read back size, ETag and sha256."""
        md5 = hashlib.md5(data, usedforsecurity=False)
        sha = hashlib.sha256(data).hexdigest()
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ContentMD5=base64.b64encode(md5.digest()).decode(),
                Metadata={"sha256": sha},
            )
            self._verify(key, md5.hexdigest(), sha, len(data))
        except self._errors() as e:
            raise StoreError(f"{self.describe(key)}: {e}") from e

    def put_file(self, key: str, path: Path) -> str:
        """Stream a file up (hashed first, so the store can check the body), verified; its sha256."""
        sha, md5_hex, size = file_hashes(path)
        try:
            with open(path, "rb") as body:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=self._key(key),
                    Body=body,
                    ContentLength=size,
                    ContentMD5=base64.b64encode(bytes.fromhex(md5_hex)).decode(),
                    Metadata={"sha256": sha},
                )
            self._verify(key, md5_hex, sha, size)
        except self._errors() as e:
            raise StoreError(f"{self.describe(key)}: {e}") from e
        return sha

    def _get(self, key: str):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self._errors() as e:
            if self._missing(e):
                raise FileNotFoundError(self.describe(key)) from e
            raise StoreError(f"{self.describe(key)}: {e}") from e

    def read(self, key: str) -> bytes | None:
        """The whole object, None when absent."""
        try:
            obj = self._get(key)
        except FileNotFoundError:
            return None
        with obj["Body"] as body:
            return body.read()

    def stream(self, key: str) -> Iterator[bytes]:
        """The object's body in chunks, never whole in memory."""
        body = self._get(key)["Body"]

        def chunks() -> Iterator[bytes]:
            with body:
                yield from body.iter_chunks(CHUNK)

        return chunks()

    def stat(self, key: str) -> Entry | None:
        """Size and last write, None when absent."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self._errors() as e:
            if self._missing(e):
                return None
            raise StoreError(f"{self.describe(key)}: {e}") from e
        return Entry(key, head["ContentLength"], head["LastModified"].timestamp())

    def exists(self, key: str) -> bool:
        """Whether the object is there."""
        return self.stat(key) is not None

    def sha256_of(self, key: str) -> str | None:
        """The sha256 recorded when the object was written."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self._errors() as e:
            if self._missing(e):
                return None
            raise StoreError(f"{self.describe(key)}: {e}") from e
        return head.get("Metadata", {}).get("sha256")

    def delete(self, keys: Iterable[str]) -> None:
        """Delete objects, a thousand per request; absent ones are no error in S3."""
        keys = [self._key(k) for k in keys]
        for i in range(0, len(keys), 1000):
            batch = keys[i : i + 1000]
            try:
                self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True}
                )
            except self._errors() as e:
                raise StoreError(f"{self.url}: {e}") from e

    def entries(self, kinds: Iterable[str] = KINDS) -> Iterator[Entry]:
        """Every object under the kinds' prefixes."""
        pages = self.client.get_paginator("list_objects_v2")
        for kind in kinds:
            try:
                for page in pages.paginate(Bucket=self.bucket, Prefix=self._key(kind + "/")):
                    for obj in page.get("Contents", []):
                        key = obj["Key"][len(self.prefix) :]
                        yield Entry(key, obj["Size"], obj["LastModified"].timestamp())
            except self._errors() as e:
                raise StoreError(f"{self.url}: {e}") from e

    def ping(self) -> None:
        """The bucket answers."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except self._errors() as e:
            raise StoreError(f"{self.url}: {e}") from e


def _secret(settings: Settings) -> str | None:
    return settings.photo_store_secret_key.get_secret_value() if settings.photo_store_secret_key else None


@lru_cache(maxsize=16)
def _cached(url: str, endpoint: str | None, access_key: str | None, secret: str | None, region: str) -> PhotoStore:
    if url.startswith("s3://"):
        return S3Store(url, endpoint=endpoint, access_key=access_key, secret_key=secret, region=region)
    return LocalStore(Path(url))


def open_store(url: str, settings: Settings) -> PhotoStore:
    """A store from a URL (s3://bucket/prefix) or a directory, with the endpoint and credentials of the settings."""
    s = settings
    return _cached(url, s.photo_store_endpoint, s.photo_store_access_key, _secret(s), s.photo_store_region)


def get_store(settings: Settings) -> PhotoStore:
    """The configured photo store (one client per configuration and process; boto3 clients are thread-safe)."""
    return open_store(settings.photo_store or str(settings.photo_dir), settings)
