"""An uploaded boundary file, staged for GDAL: its format decided from its bytes, its references refused first.

Only GeoJSON, zipped Shapefile, GeoPackage and KML (or KMZ) are accepted, whatever the file is called.  Before GDAL
sees a byte, each kind is checked for what would make GDAL read something else: a path into a GDAL virtual file
system (/vsicurl/, /vsizip/, …) anywhere in the file, a linked CRS in GeoJSON, views and virtual tables in a
GeoPackage, NetworkLinks and DTDs (entities) in KML.  Archive members are unpacked by us, under our own names, with
their sizes checked first; GDAL then opens one plain file with the one driver its format names.
"""

from __future__ import annotations

import codecs
import json
import re
import sqlite3
import xml.parsers.expat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from geo.errors import InvalidInput
from geo.transfer.archives import ArchiveLimits, open_zip
from geo.transfer.gdal import DRIVERS

ACCEPTED = "GeoJSON、压缩的 Shapefile(.zip)、GeoPackage 或 KML / GeoJSON, zipped Shapefile, GeoPackage or KML"
_VSI = re.compile(rb"/vsi", re.IGNORECASE)
_CRS_NAME = re.compile(r"^[A-Za-z0-9:._ -]{1,100}$")
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Staged:
    """A checked boundary file on disk and the GDAL driver that must open it."""

    path: Path
    driver: str
    kind: str


def refused(name: str, why: str, message: str) -> InvalidInput:
    """The 422 for a file that is not (only) a boundary file."""
    return InvalidInput(
        f"“{name}”无法作为边界文件导入:{why} / {name!r} cannot be imported: {message}",
        errors=[{"field": "file", "message": message}],
    )


def _no_vsi(name: str, data: bytes, where: str = "") -> None:
    if _VSI.search(data):
        raise refused(
            name,
            f"{where}含 GDAL 虚拟文件路径(/vsi…),不接受引用其他文件或网址的文件",
            "it holds a GDAL virtual file path (/vsi…); files that refer to other files or URLs are refused",
        )


def stage(data: bytes, name: str, folder: Path, limits: ArchiveLimits) -> Staged:
    """Decide the format from the content, check it, and write what GDAL may open into `folder`."""
    if data.startswith(b"SQLite format 3\x00"):
        return _geopackage(data, name, folder)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(data, name, folder, limits)
    return _text(data, name, folder)


def _text(data: bytes, name: str, folder: Path, *, where: str = "") -> Staged:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(
            name, f"{where}不是 UTF-8 文本,也不是 {ACCEPTED}", "not UTF-8 text, nor a GeoPackage or zip"
        ) from None
    head = text.lstrip()[:1]
    if head == "{":
        return _geojson(data, text, name, folder)
    if head == "<":
        return _kml(data, name, folder)
    raise refused(name, f"内容不是 {ACCEPTED}", "the content is not GeoJSON, KML, a GeoPackage or a zip")


def _geojson(data: bytes, text: str, name: str, folder: Path) -> Staged:
    try:
        # Numbers become 0: only the strings and the structure are checked, so coordinates cost no memory here.
        doc = json.loads(text, parse_float=lambda _: 0, parse_int=lambda _: 0, parse_constant=lambda _: 0)
    except (ValueError, RecursionError) as exc:
        raise refused(name, f"GeoJSON 无法解析({exc})", f"the GeoJSON cannot be parsed ({exc})") from None
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise refused(name, "JSON 不是 GeoJSON 要素集合", "the JSON is not a GeoJSON FeatureCollection or Feature")
    crs = doc.get("crs")
    if crs is not None:
        crs_name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
        if not (isinstance(crs, dict) and crs.get("type") == "name" and isinstance(crs_name, str)) or not (
            _CRS_NAME.match(crs_name)
        ):
            raise refused(
                name,
                "crs 只能是坐标系名称(如 EPSG:4490),不接受链接",
                "crs must be a named CRS such as EPSG:4490; linked CRSs are refused",
            )
    for value in _strings(doc):
        _no_vsi(name, value.encode())
    path = folder / "upload.geojson"
    path.write_bytes(data)
    return Staged(path, DRIVERS["geojson"], "geojson")


def _strings(node):
    """Every key and string value of a parsed JSON document, without recursion (no depth to exhaust)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _kml(data: bytes, name: str, folder: Path) -> Staged:
    """KML through Python's expat first: no DTD (no entities), no NetworkLink, a <kml> root, no /vsi paths."""
    root: list[str] = []

    def refuse_dtd(*_):
        raise refused(name, "KML 含 DTD/实体声明", "the KML has a DTD or entity declarations")

    def start(tag, attrs):
        local = tag.rsplit(" ", 1)[-1]
        if not root:
            root.append(local)
            if local != "kml":
                raise refused(name, f"XML 根元素是 <{local}>,不是 KML", f"the XML root is <{local}>, not a KML <kml>")
        if local == "NetworkLink":
            raise refused(name, "KML 含 NetworkLink(网络链接)", "the KML has a NetworkLink; links are not followed")
        for value in attrs.values():
            _no_vsi(name, value.encode())

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.CharacterDataHandler = lambda text: _no_vsi(name, text.encode())
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise refused(name, f"XML 无法解析({exc})", f"the XML cannot be parsed ({exc})") from None
    path = folder / "upload.kml"
    path.write_bytes(data)
    return Staged(path, DRIVERS["kml"], "kml")


def _geopackage(data: bytes, name: str, folder: Path) -> Staged:
    """A GeoPackage: UTF-8, no views, no virtual tables but R-trees, nothing naming /vsi paths or ATTACH."""
    if data[68:72] not in (b"GPKG", b"GP10", b"GP11"):
        raise refused(name, "SQLite 数据库不是 GeoPackage", "the SQLite database is not a GeoPackage")
    _no_vsi(name, data)
    path = folder / "upload.gpkg"
    path.write_bytes(data)
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            db.execute("PRAGMA trusted_schema = OFF")
            encoding = db.execute("PRAGMA encoding").fetchone()[0]
            schema = db.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise refused(name, f"GeoPackage 已损坏({exc})", f"the GeoPackage is damaged ({exc})") from None
    if encoding != "UTF-8":
        raise refused(name, f"GeoPackage 编码为 {encoding},应为 UTF-8", f"the GeoPackage is {encoding}, not UTF-8")
    for kind, item, sql in schema:
        lowered = " ".join(sql.lower().split())
        if kind == "view":
            raise refused(name, f"GeoPackage 含视图 {item}", f"the GeoPackage has a view ({item}); views are refused")
        virtual = lowered.startswith("create virtual table")
        if (virtual and " using rtree(" not in lowered) or "attach" in lowered:
            raise refused(
                name,
                f"GeoPackage 含虚拟表或 ATTACH({item})",
                f"the GeoPackage has a virtual table or ATTACH ({item}); only R-tree indexes are accepted",
            )
    return Staged(path, DRIVERS["gpkg"], "gpkg")


def _zip(data: bytes, name: str, folder: Path, limits: ArchiveLimits) -> Staged:
    """A zipped Shapefile, a KMZ, or a zip holding one GeoJSON/GeoPackage/KML; members unpacked under our names."""
    archive = open_zip(data, name=name, limits=limits)
    files = {
        m.filename.lower(): m for m in archive.infolist() if not m.is_dir() and "__macosx" not in m.filename.lower()
    }
    shp = sorted(n for n in files if n.endswith(".shp"))
    if shp:
        stem = shp[0][: -len(".shp")]
        missing = [s for s in (".shx", ".dbf") if stem + s not in files]
        if missing:
            raise refused(
                name,
                f"Shapefile 缺少 {'、'.join(missing)}",
                f"the Shapefile lacks {', '.join(missing)}: zip the .shp with its .shx, .dbf and .prj",
            )
        for suffix in _SHAPEFILE_PARTS:
            if stem + suffix in files:
                _extract(archive, files[stem + suffix], folder / f"upload{suffix}", name=name)
        return Staged(folder / "upload.shp", DRIVERS["shapefile"], "shapefile")
    for suffixes in ((".kml",), (".geojson", ".json"), (".gpkg",)):
        inner = sorted((n for n in files if n.endswith(suffixes)), key=lambda n: (n != "doc.kml", n))
        if inner:
            member = files[inner[0]]
            target = folder / "member"
            _extract(archive, member, target, name=name)
            data = target.read_bytes()
            target.unlink()
            if data.startswith(b"SQLite format 3\x00"):
                return _geopackage(data, name, folder)
            return _text(data, name, folder, where=f"{member.filename} ")
    raise refused(name, "压缩包里没有 .shp/.gpkg/.geojson/.kml 文件", "the zip holds no .shp, .gpkg, .geojson or .kml")


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, *, name: str) -> None:
    """Copy one member to `target` in bounded chunks (its size was checked), refusing /vsi paths on the way."""
    tail = b""
    try:
        with archive.open(member) as source, target.open("wb") as out:
            while chunk := source.read(_CHUNK):
                _no_vsi(name, tail + chunk, f"{member.filename} ")
                tail = chunk[-3:]
                out.write(chunk)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
        raise refused(
            name, f"{member.filename} 无法解压({exc})", f"{member.filename} cannot be unpacked ({exc})"
        ) from None


def dbf_encoding(folder: Path) -> str | None:
    """UTF-8 or GBK for a staged Shapefile without .cpg: the first megabyte of records decides (GBK is what Chinese
    GIS writes); None when a .cpg says it."""
    if (folder / "upload.cpg").exists() or not (folder / "upload.dbf").exists():
        return None
    with (folder / "upload.dbf").open("rb") as f:
        head = f.read(32)
        if len(head) < 32:
            return None
        f.seek(int.from_bytes(head[8:10], "little"))  # skip the header and the field descriptors
        records = f.read(_CHUNK)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(records, final=False)  # a character cut at the end is fine
        return "UTF-8"
    except UnicodeDecodeError:
        return "GBK"
