"""Point lookup (落位查询)."""
from fastapi import APIRouter, Query

from api.deps import SessionDep, require
from geo.enums import Permission
from geo.queries.lookup import lookup_point

router = APIRouter(prefix="/api", tags=["lookup"], dependencies=[require(Permission.read_public)])


@router.get("/lookup", summary="落位查询 / which district, zone and base contain a point")
def get_lookup(session: SessionDep, lon: float = Query(allow_inf_nan=False, description="WGS84 longitude"),
               lat: float = Query(allow_inf_nan=False, description="WGS84 latitude")):
    """District, county, zone(s) and base(s) containing the WGS84 point, or the nearest base and its distance."""
    return lookup_point(session, lon=lon, lat=lat)
