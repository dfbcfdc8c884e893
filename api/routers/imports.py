"""Planner imports: official boundary files and project registers; a dry run unless apply=true."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.deps import SessionDep, SettingsDep, require
from api.errors import problems
from api.responses import BINARY, download
from api.schemas import BoundaryImport, BoundaryImportRecord, RegisterImport
from api.uploads import read_upload
from geo.accounts.principal import Principal
from geo.enums import Permission
from geo.files import XLSX, Download
from geo.transfer.archives import ArchiveLimits
from geo.transfer.boundaries import boundary_import_history
from geo.transfer.imports import import_boundaries, import_register_file

router = APIRouter(prefix="/api/imports", tags=["imports"], dependencies=[require(Permission.import_data)])
Importer = Annotated[Principal, require(Permission.import_data)]


@router.post(
    "/boundaries",
    response_model=BoundaryImport,
    responses=problems(413, 415),
    summary="导入边界 / preview or apply a boundary file",
)
async def post_boundaries(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Importer,
    layer: Literal["districts", "zones", "bases"],
    filename: str | None = Query(None, description="file name when the body is the raw file"),
    crs: str | None = Query(None, description="CRS for a file without one, e.g. EPSG:4549"),
    name_column: str | None = Query(None, description="column holding the feature names"),
    encoding: str | None = Query(None, description="attribute encoding of a Shapefile, e.g. GBK"),
    source_layer: str | None = Query(None, description="which layer of a GeoPackage or KML (default the first)"),
    remove_missing: bool = Query(
        False, description="delete stored features the file lacks (default: keep them; a partial file deletes nothing)"
    ),
    apply: bool = Query(False, description="write; otherwise only preview"),
):
    """GeoJSON, zipped Shapefile, GeoPackage or KML (multipart `file`): added / changed (area change) / kept (or,
    with remove_missing=true, removed) features, repaired geometries, the file's layers and columns and a GeoJSON
    preview; with apply=true all of it is written in one transaction."""
    upload = await read_upload(request, settings, filename=filename)
    return await run_in_threadpool(
        import_boundaries,
        session,
        data=upload.data,
        filename=upload.name,
        layer=layer,
        crs=crs,
        name_column=name_column,
        encoding=encoding,
        remove_missing=remove_missing,
        source_layer=source_layer,
        apply=apply,
        actor=actor,
        limits=ArchiveLimits.of(settings),
    )


@router.get(
    "/boundaries",
    response_model=list[BoundaryImportRecord],
    summary="边界导入记录 / applied boundary imports, newest first",
)
def get_boundary_imports(
    session: SessionDep,
    layer: Literal["districts", "zones", "bases"] | None = Query(None, description="only this layer"),
    limit: int = Query(50, ge=1, le=500),
):
    """Each applied import: layer, file, source CRS, counts, when and by whom (GET /api/siting/as-of reproduces the
    siting before it)."""
    return boundary_import_history(session, layer=layer, limit=limit)


@router.post(
    "/projects",
    response_model=RegisterImport,
    responses={**problems(413, 415), 200: {"content": {XLSX: {"schema": BINARY}}}},
    summary="导入项目台账 / check (and apply) a project register (.xlsx or .csv)",
)
async def post_projects(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Importer,
    filename: str | None = Query(None, description="file name when the body is the raw file"),
    coords: Literal["wgs84", "gcj02"] = Query("wgs84", description="gcj02: convert from web-map coordinates"),
    crs: str | None = Query(None, description="CRS of the 经度/纬度 columns, e.g. EPSG:4549"),
    allow_partial: bool = Query(False, description="write the rows that pass even if others fail"),
    apply: bool = Query(False, description="write; otherwise only check"),
    report: Literal["json", "xlsx"] = Query("json", description="xlsx: the row-level error report"),
):
    """Every row is checked; nothing is written unless all pass (or allow_partial).  report=xlsx answers with the
    error report as an Excel file (columns 行号, 列, 值, 问题, 建议)."""
    upload = await read_upload(request, settings, filename=filename)
    summary, report_xlsx = await run_in_threadpool(
        import_register_file,
        session,
        data=upload.data,
        filename=upload.name,
        coords=coords,
        crs=crs,
        allow_partial=allow_partial,
        apply=apply,
        want_report=report == "xlsx",
        actor=actor,
        limits=ArchiveLimits.of(settings),
    )
    if report == "xlsx":
        return download(Download(report_xlsx, XLSX, "register-errors.xlsx"))
    return summary
