"""Point lookup (落位查询) and the siting check of many points (落位核查)."""

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep, require
from api.errors import problems
from api.responses import BINARY, download
from api.schemas import LookupAnswer, LookupBatch
from api.uploads import read_upload
from geo.accounts.principal import Principal
from geo.enums import Permission
from geo.files import XLSX, Download
from geo.siting.batch import check_points, points_from_json, points_from_table, results_xlsx
from geo.siting.lookup import lookup_point

router = APIRouter(prefix="/api", tags=["lookup"], dependencies=[require(Permission.read_public)])


@router.get(
    "/lookup",
    response_model=LookupAnswer,
    response_model_exclude_unset=True,
    summary="落位查询 / which district, zone and base contain a point",
)
def get_lookup(
    session: SessionDep,
    lon: float = Query(
        allow_inf_nan=False, description="WGS84 longitude", json_schema_extra={"minimum": -180, "maximum": 180}
    ),
    lat: float = Query(
        allow_inf_nan=False, description="WGS84 latitude", json_schema_extra={"minimum": -90, "maximum": 90}
    ),
):
    # The range is checked in geo.siting.lookup, which can also tell a person that lon and lat look swapped.
    """District, county, zone(s) and base(s) containing the WGS84 point, or the nearest base and its distance."""
    return lookup_point(session, lon=lon, lat=lat)


@router.post(
    "/lookup",
    response_model=LookupBatch,
    responses={**problems(413, 415), 200: {"content": {XLSX: {"schema": BINARY}}}},
    summary="落位核查 / site many points (JSON, CSV or Excel) exactly as GET /api/lookup does",
)
async def post_lookup(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, require(Permission.check_siting)],
    format: Literal["json", "xlsx"] = Query("json", description="answer as JSON or as an Excel file"),
):
    """Body: JSON {"points": [[lon, lat], …]} (or objects with lon, lat, id, name, district, base), or a CSV/.xlsx file
    (multipart field `file`, or the raw body) with 经度/纬度 columns.  Each answer is what GET /api/lookup gives for
    that point, plus `declared` and `agrees` when a district or base was declared; off-globe points carry `error`."""
    upload = await read_upload(request, settings)
    is_json = upload.media_type == "application/json" or upload.name.lower().endswith(".json")
    if is_json:
        points = await run_in_threadpool(points_from_json, upload.data, max_points=settings.batch_max_points)
    else:
        points = await run_in_threadpool(
            points_from_table, upload.data, upload.name, max_points=settings.batch_max_points
        )
    results = await run_in_threadpool(check_points, session, points=points, max_points=settings.batch_max_points)
    if format == "xlsx":
        body = await run_in_threadpool(results_xlsx, results)
        return download(Download(body, XLSX, "siting-check.xlsx"))
    return Response(orjson.dumps({"count": len(results), "results": results}), media_type="application/json")
