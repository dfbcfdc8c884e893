"""Official boundary import: read any GIS file, reproject to WGS84, repair, preview the diff, apply in one transaction.

Features match stored rows by code (when the file has a code column whose values are known) or else by name.
Every write goes through the boundary tables, whose triggers keep boundary_versions (valid from/to); after the
write the stored siting of every project is recomputed.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field

import numpy as np
import pyogrio
import shapely
from shapely.geometry import MultiPolygon
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.crs import lonlat_to_utm, parse_crs
from geo.enums import LAYERS, WEIHAI_BOUNDS
from geo.errors import InvalidInput, UnknownValue
from geo.siting.engine import refresh_project_siting
from geo.transfer.boundary_files import Staged, dbf_encoding, refused
from geo.transfer.gdal import lock_down

lock_down()  # before any upload is opened: four drivers, no network, no virtual file systems

CODE_PREFIX = {"zones": "Z", "bases": "B"}
NAME_COLUMNS = ("name", "名称", "名字", "xzqmc", "qhmc", "mc", "区划名称", "基地名称", "功能区名称", "dname")
CODE_COLUMNS = ("code", "编码", "代码", "编号", "xzqdm", "qhdm")
CITY_PREFIXES = ("山东省", "威海市")
ACTIONS = ("added", "changed", "unchanged", "kept", "removed")


@dataclass
class FeatureChange:
    """One feature's fate in an import: added, changed, unchanged or removed, with its area before and after."""

    action: str
    code: str | None
    name: str
    area_km2_before: float | None = None
    area_km2_after: float | None = None
    renamed_from: str | None = None

    @property
    def area_change_km2(self) -> float | None:
        """Area after minus area before, km²."""
        if self.area_km2_before is None or self.area_km2_after is None:
            return None
        return round(self.area_km2_after - self.area_km2_before, 4)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {**asdict(self), "area_change_km2": self.area_change_km2}


@dataclass
class BoundaryPreview:
    """What an import would do; `apply_boundaries` writes exactly this."""

    layer: str
    filename: str
    source_crs: str
    features: list[dict] = field(default_factory=list)  # {"id"?, "code", "name", "geom"}
    changes: list[FeatureChange] = field(default_factory=list)
    repaired: list[dict] = field(default_factory=list)
    remove_missing: bool = False
    file_layers: list[str] = field(default_factory=list)
    file_layer: str | None = None
    columns: list[str] = field(default_factory=list)
    name_column: str | None = None
    geometries: dict[int, object] = field(default_factory=dict)  # index in changes -> geometry to draw

    def counts(self) -> dict:
        """Number of features per action; "kept" are stored features the file lacks, left as they are."""
        out = {a: 0 for a in ACTIONS}
        for c in self.changes:
            out[c.action] += 1
        return out

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "layer": self.layer,
            "filename": self.filename,
            "source_crs": self.source_crs,
            "counts": self.counts(),
            "changes": [c.as_dict() for c in self.changes],
            "repaired": self.repaired,
            "remove_missing": self.remove_missing,
            "file_layers": self.file_layers,
            "file_layer": self.file_layer,
            "columns": self.columns,
            "name_column": self.name_column,
            "preview": self.feature_collection(),
        }

    def feature_collection(self) -> dict:
        """The changes as a GeoJSON FeatureCollection for the preview map, simplified to about 10 m."""
        features = []
        for i, change in enumerate(self.changes):
            geom = self.geometries.get(i)
            if geom is None or change.action == "unchanged":
                continue
            drawn = shapely.simplify(geom, 0.0001, preserve_topology=True)
            features.append(
                {
                    "type": "Feature",
                    "properties": change.as_dict(),
                    "geometry": json.loads(shapely.to_geojson(shapely.set_precision(drawn, 1e-6))),
                }
            )
        return {"type": "FeatureCollection", "features": features}


def read_boundary_file(
    staged: Staged,
    *,
    name: str,
    crs: str | None = None,
    encoding: str | None = None,
    source_layer: str | None = None,
    layers_out: list | None = None,
):
    """A GeoDataFrame in the file's own CRS (or `crs` when the file has none), and that CRS's name; GDAL opens the
    staged file only when the driver its content names is the one that answers.  `source_layer` picks one of a
    GeoPackage's or KML's layers (default the first); the names of all are appended to `layers_out`."""
    source = str(staged.path)
    try:
        layers = [str(layer) for layer, _ in pyogrio.list_layers(source)]
        if layers_out is not None:
            layers_out.extend(layers)
        if source_layer and source_layer not in layers:
            raise InvalidInput(
                f"文件中没有图层“{source_layer}”。现有图层:{'、'.join(layers)} / no layer {source_layer!r}; "
                f"layers: {', '.join(layers)}",
                errors=[{"field": "source_layer", "message": "not found", "allowed": layers}],
            )
        layer = source_layer or (layers[0] if layers else None)
        driver = pyogrio.read_info(source, layer=layer)["driver"]
        if driver != staged.driver:
            raise refused(
                name, f"内容被识别为 {driver} 而非 {staged.driver}", f"GDAL sees {driver}, not {staged.driver}"
            )
        if staged.kind == "shapefile" and encoding is None:
            encoding = dbf_encoding(staged.path.parent)
        frame = pyogrio.read_dataframe(source, layer=layer, encoding=encoding)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InvalidInput(f"无法读取 {name}:{exc} / cannot read the file") from None
    if frame.crs is None:
        if not crs:
            raise InvalidInput(
                f"{name} 没有坐标系信息(如缺少 .prj)。请指定,例如 --crs EPSG:4490(CGCS2000)或 "
                "EPSG:4549(高斯-克吕格 120°E)/ the file has no CRS: give one with --crs",
                errors=[{"field": "crs", "message": "required: the file has no CRS"}],
            )
        frame = frame.set_crs(parse_crs(crs))
    source_crs = frame.crs.to_string()
    return frame.to_crs(4326), source_crs


def _column(frame, wanted: str | None, candidates, *, what: str) -> str | None:
    columns = [c for c in frame.columns if c != "geometry"]
    if wanted:
        if wanted not in columns:
            raise InvalidInput(
                f"文件中没有 {wanted!r} 列。现有列:{'、'.join(columns)} / no column {wanted!r}; "
                f"columns: {', '.join(columns)}",
                errors=[{"field": f"{what}_column", "message": "not found"}],
            )
        return wanted
    lowered = {c.lower(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _clean_geometries(frame, name_col: str) -> tuple[list, list[dict], list[dict]]:
    """Polygonal, valid, 2D MultiPolygons; errors for empty/wrong types, `repaired` notes for make_valid fixes."""
    geoms, errors, repaired = [], [], []
    for i, (name, geom) in enumerate(zip(frame[name_col], frame.geometry)):
        label = {"feature": i + 1, "name": str(name)}
        if geom is None or geom.is_empty:
            errors.append({**label, "message": "没有几何(空要素)/ empty geometry"})
            geoms.append(None)
            continue
        geom = shapely.force_2d(geom)
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = shapely.make_valid(geom)
            repaired.append({**label, "message": f"无效几何已用 make_valid 修复:{reason} / invalid geometry repaired"})
        polygons = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        polygons = [p for g in polygons for p in shapely.get_parts(g)]
        if not polygons:
            errors.append({**label, "message": f"几何类型为 {geom.geom_type},应为面(Polygon)/ expected polygons"})
            geoms.append(None)
            continue
        geoms.append(MultiPolygon(polygons))
    return geoms, errors, repaired


def _area_km2(geom) -> float:
    utm = shapely.transform(geom, lambda xy: np.column_stack(lonlat_to_utm(xy[:, 0], xy[:, 1])))
    return round(utm.area / 1e6, 4)


def same_geometry(a, b) -> bool:
    """Equal up to ring order, start vertex and 1e-9° (what GIS formats do to coordinates on a round trip)."""
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-9))


def _district_key(name: str) -> str:
    for prefix in CITY_PREFIXES:
        name = name.removeprefix(prefix)
    return name.strip()


def preview_boundaries(
    session: Session,
    *,
    staged: Staged,
    filename: str,
    layer: str,
    crs: str | None = None,
    name_column: str | None = None,
    encoding: str | None = None,
    remove_missing: bool = False,
    source_layer: str | None = None,
) -> BoundaryPreview:
    """Read and check a staged boundary file and compare it with the stored layer; writes nothing.  Stored features
    the file lacks are kept unless `remove_missing` (an explicit choice: a partial file must not delete the rest)."""
    if layer not in LAYERS:
        raise UnknownValue("layer", layer, LAYERS)
    file_layers: list[str] = []
    frame, source_crs = read_boundary_file(
        staged, name=filename, crs=crs, encoding=encoding, source_layer=source_layer, layers_out=file_layers
    )
    if frame.empty:
        raise InvalidInput(f"{filename} 没有要素 / the file has no features")
    columns = [str(c) for c in frame.columns if c != "geometry"]
    name_col = _column(frame, name_column, NAME_COLUMNS, what="name")
    if name_col is None:
        raise InvalidInput(
            f"找不到名称列,请选择名称列(命令行 --name-column)。现有列:{'、'.join(columns) or '(无)'} / no name "
            f"column; pick one (--name-column); columns: {', '.join(columns)}",
            errors=[{"field": "name_column", "message": "not found", "allowed": columns}],
        )
    code_col = _column(frame, None, CODE_COLUMNS, what="code")
    geoms, errors, repaired = _clean_geometries(frame, name_col)
    stored = session.execute(text(f"SELECT id, code, name, ST_AsBinary(geom) AS wkb FROM {layer} ORDER BY code")).all()
    by_code = {r.code: r for r in stored}
    by_name = {(_district_key(r.name) if layer == "districts" else r.name): r for r in stored}
    full_names = {}
    if layer == "districts":
        full_names = {
            _district_key(n): by_code[c]
            for c, n in session.execute(text("SELECT code, full_name FROM districts WHERE full_name IS NOT NULL")).all()
        }
    features, changes, seen, drawn = [], [], set(), {}
    for i, geom in enumerate(geoms):
        name = str(frame[name_col].iloc[i]).strip()
        code = str(frame[code_col].iloc[i]).strip() if code_col and frame[code_col].iloc[i] is not None else None
        key = _district_key(name) if layer == "districts" else name
        match = by_code.get(code) if code in by_code else by_name.get(key) or full_names.get(key)
        if layer == "districts" and key not in by_name and key not in full_names:
            close = difflib.get_close_matches(key, list(by_name), n=1)
            hint = f",是否为“{close[0]}”?" if close else ""
            errors.append(
                {"feature": i + 1, "name": name, "message": f"区市“{name}”不在区市名录中{hint} / unknown district"}
            )
            continue
        if layer == "districts":  # names are the enumeration of geo/enums.py: stored names stay canonical
            match = match or by_name.get(key) or full_names.get(key)
            name = match.name
        if match is not None and match.id in seen:
            errors.append(
                {"feature": i + 1, "name": name, "message": f"“{name}”在文件中出现了两次 / duplicate feature"}
            )
            continue
        if geom is None:
            continue
        x1, y1, x2, y2 = geom.bounds
        bx1, by1, bx2, by2 = WEIHAI_BOUNDS
        if x2 < bx1 or x1 > bx2 or y2 < by1 or y1 > by2:
            errors.append(
                {
                    "feature": i + 1,
                    "name": name,
                    "message": f"范围({x1:.3f},{y1:.3f})–({x2:.3f},{y2:.3f})不在威海,"
                    "坐标系是否指定正确? / outside Weihai: is the CRS right?",
                }
            )
            continue
        after = _area_km2(geom)
        drawn[len(changes)] = geom
        if match is None:
            changes.append(FeatureChange("added", None, name, None, after))
            features.append({"id": None, "code": None, "name": name, "geom": geom})
            continue
        seen.add(match.id)
        old = shapely.from_wkb(bytes(match.wkb))
        unchanged = same_geometry(old, geom) and name == match.name
        changes.append(
            FeatureChange(
                "unchanged" if unchanged else "changed",
                match.code,
                name,
                _area_km2(old),
                after,
                renamed_from=match.name if name != match.name else None,
            )
        )
        if not unchanged:
            features.append({"id": match.id, "code": match.code, "name": name, "geom": geom})
    if errors:
        raise InvalidInput(
            f"{filename} 有 {len(errors)} 个要素无法导入,未写入任何数据 / {len(errors)} features cannot be "
            "imported; nothing was written",
            errors=errors,
        )
    for r in stored:
        if r.id not in seen:
            old = shapely.from_wkb(bytes(r.wkb))
            drawn[len(changes)] = old
            area = _area_km2(old)
            changes.append(
                FeatureChange("removed", r.code, r.name, area, None)
                if remove_missing
                else FeatureChange("kept", r.code, r.name, area, area)
            )
    return BoundaryPreview(
        layer,
        filename,
        source_crs,
        features,
        changes,
        repaired,
        remove_missing,
        file_layers,
        source_layer or (file_layers[0] if file_layers else None),
        columns,
        name_col,
        drawn,
    )


def _next_codes(session: Session, layer: str, count: int) -> list[str]:
    prefix = CODE_PREFIX[layer]
    used = session.execute(text(f"SELECT code FROM {layer}")).scalars().all()
    numbers = [
        int(c[len(prefix) :])
        for c in used
        if c.startswith(prefix) and c[len(prefix) :].isascii() and c[len(prefix) :].isdigit()
    ]
    start = max(numbers, default=0) + 1
    return [f"{prefix}{n}" for n in range(start, start + count)]


def apply_boundaries(session: Session, preview: BoundaryPreview, *, imported_by: int | None = None) -> dict:
    """Write a preview in the caller's transaction: update, add, remove; record the import; re-site every project."""
    layer = preview.layer
    removed = [c for c in preview.changes if c.action == "removed"]
    if layer == "districts" and removed:
        raise InvalidInput(
            "区市不能通过导入删除(项目引用了它们);请不要选择“删除文件中没有的要素” / districts cannot be removed "
            f"by an import: {', '.join(c.name for c in removed)}; leave remove_missing off"
        )
    import_id = session.execute(
        text(
            "INSERT INTO boundary_imports (layer, filename, source_crs, summary, imported_by) "
            "VALUES (:l, :f, :c, CAST(:s AS jsonb), :u) RETURNING id"
        ),
        {
            "l": layer,
            "f": preview.filename,
            "c": preview.source_crs,
            "u": imported_by,
            "s": json.dumps(preview.counts()),
        },
    ).scalar_one()
    session.execute(
        text(
            "SELECT set_config('warroom.valid_from', clock_timestamp()::text, true), "
            "set_config('warroom.import_id', :i, true)"
        ),
        {"i": str(import_id)},
    )
    source = f"导入 / imported from {preview.filename}"
    for f in (f for f in preview.features if f["id"] is not None):
        session.execute(
            text(
                f"UPDATE {layer} SET name = :name, geom = ST_GeomFromWKB(:wkb, 4326), schematic = false, "
                f"source = :source WHERE id = :id"
            ),
            {"name": f["name"], "wkb": shapely.to_wkb(f["geom"]), "source": source, "id": f["id"]},
        )
    added = [f for f in preview.features if f["id"] is None]
    for f, code in zip(added, _next_codes(session, layer, len(added)) if added else []):
        session.execute(
            text(
                f"INSERT INTO {layer} (code, name, geom, schematic, source) "
                "VALUES (:code, :name, ST_GeomFromWKB(:wkb, 4326), false, :source)"
            ),
            {"code": code, "name": f["name"], "wkb": shapely.to_wkb(f["geom"]), "source": source},
        )
    if removed:
        session.execute(text(f"DELETE FROM {layer} WHERE code = ANY(:codes)"), {"codes": [c.code for c in removed]})
    resited = refresh_project_siting(session)
    session.execute(
        text("SELECT set_config('warroom.valid_from', '', true), set_config('warroom.import_id', '', true)")
    )
    return {**preview.as_dict(), "applied": True, "import_id": import_id, "projects_resited": resited}


def boundary_import_history(session: Session, *, layer: str | None = None, limit: int = 50) -> list[dict]:
    """The latest applied boundary imports, newest first: layer, file, CRS, counts, when and by whom."""
    if layer is not None and layer not in LAYERS:
        raise UnknownValue("layer", layer, LAYERS)
    rows = session.execute(
        text(
            "SELECT i.id, i.layer, i.filename, i.source_crs, i.imported_at, i.summary, "
            "coalesce(u.display_name, u.username) AS imported_by "
            "FROM boundary_imports i LEFT JOIN users u ON u.id = i.imported_by "
            "WHERE CAST(:layer AS text) IS NULL OR i.layer = :layer ORDER BY i.imported_at DESC, i.id DESC LIMIT :n"
        ),
        {"layer": layer, "n": limit},
    ).mappings()
    return [{**r, "imported_at": r["imported_at"].isoformat()} for r in rows]
