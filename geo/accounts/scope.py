"""District scope: a district reporter acts only on projects of their own district."""

from __future__ import annotations

from sqlalchemy.orm import Session

from geo.accounts.principal import Principal
from geo.errors import Forbidden
from geo.projects.queries import project_district


def ensure_may_act_on_project(session: Session, *, actor: Principal, project_id: int) -> str:
    """The project's district; Forbidden, naming the actor's own district, when a reporter reaches beyond it."""
    district = project_district(session, project_id=project_id)
    if actor.district_scoped and actor.district != district:
        raise Forbidden(
            f"您是{actor.district}的区市填报员,只能为{actor.district}的项目上传和填报;"
            f"项目 {project_id} 属于{district} / "
            f"you report for {actor.district} only; project {project_id} belongs to {district}",
            errors=[{"field": "project_id", "message": f"project of {district}", "allowed_district": actor.district}],
        )
    return district


# Unpublished photos are seen from this role up (reporters need to see what they sent); below it, published ones only.
SEES_UNPUBLISHED_PHOTOS = "reporter"


def photo_visible(actor: Principal, *, alias: str = "ph") -> str:
    """The one rule of who sees which photo, as a SQL condition on the photos row `alias`."""
    return "true" if actor.has_role(SEES_UNPUBLISHED_PHOTOS) else f"{alias}.published"
