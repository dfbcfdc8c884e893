"""District scope: a district reporter acts only on projects of their own district, and sees only its photos."""

from __future__ import annotations

from sqlalchemy.orm import Session

from geo.accounts.principal import Principal
from geo.db.sql import JOIN_REPORTING_DISTRICT
from geo.errors import Forbidden
from geo.projects.queries import project_district


def ensure_may_act_on_project(session: Session, *, actor: Principal, project_id: int) -> str:
    """The project's district; Forbidden, naming the actor's own district, when a reporter reaches beyond it."""
    district = project_district(session, project_id=project_id)
    if actor.department_scoped:
        raise Forbidden(
            "部门填报员填报本部门牵头的重点任务,项目由区市填报员填报 / a department reporter reports its department's "
            "key tasks; projects are reported by district reporters",
            errors=[{"field": "project_id", "message": "department reporters report tasks, not projects"}],
        )
    if actor.district_scoped and actor.district != district:
        raise Forbidden(
            f"您是{actor.district}的区市填报员,只能为{actor.district}的项目上传和填报;"
            f"项目 {project_id} 属于{district} / "
            f"you report for {actor.district} only; project {project_id} belongs to {district}",
            errors=[{"field": "project_id", "message": f"project of {district}", "allowed_district": actor.district}],
        )
    return district


# Who sees which photo. Planners and admins: every photo. A district reporter: the photos of projects reporting to
# their district, and their own uploads. Everyone else (viewers, anonymous visitors), and a reporter outside that
# scope: published photos only, and their originals without EXIF (geo.photos.public). A photo out of scope answers
# like a missing one (404), so its existence is not disclosed.
SEES_EVERY_PHOTO = "planner"


def photo_in_scope(actor: Principal, *, alias: str = "ph") -> str:
    """SQL condition on the photos row `alias`: the actor sees it unpublished, and its evidence original (with GPS)."""
    if actor.has_role(SEES_EVERY_PHOTO):
        return "true"
    if not actor.district_scoped or actor.user_id is None:
        return "false"
    uid = int(actor.user_id)  # an integer from the session or token row, never text from the request
    # the district is read from the account's row by id, so no text from the request is written into the SQL
    return (
        f"({alias}.uploaded_by = {uid} OR EXISTS (SELECT 1 FROM projects p {JOIN_REPORTING_DISTRICT} "
        f"JOIN users su ON su.district = d.name WHERE p.id = {alias}.project_id AND su.id = {uid}))"
    )


def photo_visible(actor: Principal, *, alias: str = "ph") -> str:
    """The one rule of who sees which photo, as a SQL condition on the photos row `alias`."""
    in_scope = photo_in_scope(actor, alias=alias)
    return "true" if in_scope == "true" else f"({alias}.published OR {in_scope})"
