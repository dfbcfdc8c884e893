"""Uploaded zip archives (zipped Shapefile, KMZ, XLSX): members, sizes and ratios checked before anything is read.

A 1 MB zip can hold a member that inflates to gigabytes.  The central directory says how big every member is;
Python's zipfile never inflates a member past the size it declares, so checking the declared sizes (in total and
as a ratio to the compressed size) bounds what reading the archive can cost.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from geo.errors import InvalidInput, PayloadTooLarge
from geo.settings import Settings

RATIO_FLOOR = 1 << 20  # members smaller than this are not judged by their ratio: tiny files compress oddly


@dataclass(frozen=True)
class ArchiveLimits:
    """What an uploaded archive may hold: members, total unpacked bytes, compression ratio of a large member."""

    max_members: int
    max_unpacked: int
    max_ratio: float

    @classmethod
    def of(cls, settings: Settings) -> ArchiveLimits:
        """The limits the settings give."""
        return cls(
            settings.upload_max_zip_members, settings.upload_max_unzipped_mb << 20, settings.upload_max_zip_ratio
        )


def open_zip(data: bytes, *, name: str, limits: ArchiveLimits) -> zipfile.ZipFile:
    """The archive, once its directory shows nothing too big to unpack; 422 for a damaged one, 413 for a bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InvalidInput(
            f"“{name}”不是有效的 zip 压缩包:{exc} / {name!r} is not a valid zip archive",
            errors=[{"field": "file", "message": "bad zip"}],
        ) from None
    if len(members) > limits.max_members:
        raise PayloadTooLarge(
            f"“{name}”含 {len(members)} 个文件,上限 {limits.max_members} / {name!r} holds {len(members)} files; "
            f"the limit is {limits.max_members}",
            errors=[{"field": "file", "message": "too many members"}],
        )
    total = 0
    for m in members:
        total += m.file_size
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise PayloadTooLarge(
                f"“{name}”中的 {m.filename} 压缩比 {ratio:.0f}:1(解压后 {m.file_size / 2**20:.0f} MB),"
                f"超过上限 {limits.max_ratio:g}:1,疑为压缩炸弹 / {m.filename} in {name!r} inflates {ratio:.0f}-fold "
                f"to {m.file_size / 2**20:.0f} MB (limit {limits.max_ratio:g}-fold): refused as a zip bomb",
                errors=[{"field": "file", "member": m.filename, "message": "compression ratio"}],
            )
        if total > limits.max_unpacked:
            raise PayloadTooLarge(
                f"“{name}”解压后超过 {limits.max_unpacked >> 20} MB(至 {m.filename} 已 {total / 2**20:.0f} MB)/ "
                f"{name!r} unpacks to more than {limits.max_unpacked >> 20} MB",
                errors=[{"field": "file", "member": m.filename, "message": "unpacked size"}],
            )
    return archive


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, name: str) -> bytes:
    """A member's bytes (bounded by its checked declared size); 422 when it is damaged or encrypted."""
    try:
        with archive.open(member) as f:
            return f.read(member.file_size + 1)[: member.file_size]
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, EOFError, OSError) as exc:
        raise InvalidInput(
            f"“{name}”中的 {member.filename} 无法解压:{exc} / {member.filename} in {name!r} cannot be unpacked",
            errors=[{"field": "file", "member": member.filename, "message": "bad member"}],
        ) from None
