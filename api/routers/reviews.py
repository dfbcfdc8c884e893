"""The city's review queue (审核): monthly reports and corrections awaiting a planner's decision."""

from fastapi import APIRouter

from api.deps import SessionDep, require
from api.params import DistrictQuery, MonthQuery
from api.responses import RawJSONResponse, documented
from api.schemas import REVIEW_QUEUE
from geo.enums import Permission
from geo.progress.reports import review_queue

router = APIRouter(prefix="/api/reviews", tags=["progress reports"], dependencies=[require(Permission.read)])


@router.get(
    "",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, REVIEW_QUEUE),
    summary="待审核 / submissions awaiting review",
)
def get_review_queue(session: SessionDep, month: MonthQuery, district: DistrictQuery):
    """Submissions awaiting review (oldest first), each with its project and the passed version it would replace."""
    return RawJSONResponse(review_queue(session, month=month, district=district))
