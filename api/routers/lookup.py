"""Point lookup (落位查询)."""
from fastapi import APIRouter, Query

from api.deps import SessionDep, require
from geo.enums import Permission
from geo.queries.lookup import lookup_point

router = APIRouter(prefix="/api", tags=["lookup"], dependencies=[require(Permission.read_public)])


@router.get("/lookup", summary="落位查询 / which district, zone and base contain a point")
def get_lookup(session: SessionDep, lon: float = Query(allow_inf_nan=False, description="WGS84 longitude",
                                  json_schema_extra={"minimum": -180, "maximum": 180}),
               lat: float = Query(allow_inf_nan=False, description="WGS84 latitude",
                                  json_schema_extra={"minimum": -90, "maximum": 90})):
    # The range is checked in geo.queries.lookup, which can also tell a person that lon and lat look swapped.
    """District, county, zone(s) and base(s) containing the WGS84 point, or the nearest base and its distance."""
    return lookup_point(session, lon=lon, lat=lat)
