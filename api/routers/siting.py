"""Siting reports: projects whose declared district disagrees with their point, and membership at a past date."""

import datetime as dt

from fastapi import APIRouter, Query

from api.deps import SessionDep, require
from api.schemas import Consistency, MembershipAsOf
from geo.enums import Permission
from geo.siting.consistency import consistency_report, membership_as_of

router = APIRouter(prefix="/api/siting", tags=["siting"], dependencies=[require(Permission.check_siting)])


@router.get(
    "/consistency",
    response_model=Consistency,
    summary="申报与落位不一致 / declared district is not where the point lies",
)
def get_consistency(session: SessionDep):
    """Projects declared in a district that neither contains their point nor is its county."""
    projects = consistency_report(session)
    return {"count": len(projects), "projects": projects}


@router.get(
    "/as-of",
    response_model=MembershipAsOf,
    summary="历史归属 / membership by the boundaries valid at a time",
)
def get_membership_as_of(
    session: SessionDep, at: dt.datetime = Query(description="ISO time, e.g. 2026-05-31T23:59:59+08:00")
):
    """Membership reproduced from the boundary versions valid at `at`."""
    return {"at": at.isoformat(), "projects": membership_as_of(session, at=at)}
