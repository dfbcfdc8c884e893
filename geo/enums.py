"""Enumerations of the programme, defined once and served to the front end by /api/meta."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Literal


@dataclass(frozen=True)
class District:
    """A reporting unit (区市): a county-level division or a functional area carved out of one."""

    code: str
    name: str
    name_en: str
    kind: str  # "county" | "functional"
    parent: str | None = None


DISTRICTS: tuple[District, ...] = (
    District("371002", "环翠区", "Huancui", "county"),
    District("371003", "文登区", "Wendeng", "county"),
    District("371082", "荣成市", "Rongcheng", "county"),
    District("371083", "乳山市", "Rushan", "county"),
    District("371071", "高区", "Torch Hi-tech Zone", "functional", "环翠区"),
    District("371072", "经区", "Economic Development Zone", "functional", "环翠区"),
    District("371073", "临港区", "Lingang Zone", "functional", "环翠区"),
    District("WH-NH", "南海新区", "Nanhai New Area", "functional", "文登区"),
)


@dataclass(frozen=True)
class Cluster:
    """One of the seven industry clusters (七大千亿级产业集群)."""

    code: str
    name: str
    name_en: str
    color: str


CLUSTERS: tuple[Cluster, ...] = (
    Cluster("C1", "新一代信息技术", "New-generation IT", "#4e79a7"),
    Cluster("C2", "新医药与医疗器械", "Medicine & medical devices", "#e15759"),
    Cluster("C3", "先进装备与智能制造", "Advanced equipment & smart manufacturing", "#76b7b2"),
    Cluster("C4", "碳纤维等复合材料", "Carbon fibre & composites", "#59a14f"),
    Cluster("C5", "海洋生物与健康食品", "Marine biology & health food", "#edc948"),
    Cluster("C6", "时尚与休闲运动产品", "Fashion & leisure sports goods", "#b07aa1"),
    Cluster("C7", "康养旅游", "Health & wellness tourism", "#ff9da7"),
)


@dataclass(frozen=True)
class Status:
    """A project's construction status (建设状态)."""

    code: str
    name: str
    name_en: str


STATUSES: tuple[Status, ...] = (
    Status("planning", "前期推进", "Preparation"),
    Status("construction", "在建", "Under construction"),
    Status("completed", "竣工投产", "Completed"),
    Status("stalled", "停缓建", "Stalled"),
)


@dataclass(frozen=True)
class PeriodState:
    """A state of a month in the dispatch cycle (每月调度): reports are filed, the month is closed, the bulletin out."""

    code: str
    name: str
    name_en: str


PERIOD_STATES: tuple[PeriodState, ...] = (
    PeriodState("open", "填报中", "Open for reports"),
    PeriodState("closed", "已关账", "Closed"),
    PeriodState("published", "已发布", "Bulletin issued"),
)


@dataclass(frozen=True)
class ReviewState:
    """Where a submitted report stands in the city's review (审核); only passed reports count in the figures."""

    code: str
    name: str
    name_en: str


REVIEW_STATES: tuple[ReviewState, ...] = (
    ReviewState("pending", "待审核", "Awaiting review"),
    ReviewState("passed", "已通过", "Passed"),
    ReviewState("returned", "已退回", "Returned"),
)


@dataclass(frozen=True)
class ProgressBand:
    """A colour band of image progress (形象进度); min inclusive, max exclusive except the last."""

    min: float
    max: float
    color: str
    label: str


PROGRESS_BANDS: tuple[ProgressBand, ...] = (
    ProgressBand(0, 25, "#d7301f", "0–25%"),
    ProgressBand(25, 50, "#fc8d59", "25–50%"),
    ProgressBand(50, 75, "#fdcc8a", "50–75%"),
    ProgressBand(75, 100, "#78c679", "75–99%"),
    ProgressBand(100, 100, "#238443", "100%"),
)


@dataclass(frozen=True)
class Light:
    """A traffic light (亮灯) level: how far actual progress lags the planned progress."""

    code: str
    name: str
    name_en: str
    color: str


LIGHTS: tuple[Light, ...] = (
    Light("green", "绿灯", "On schedule", "#2ca25f"),
    Light("yellow", "黄灯", "Lagging", "#f0b400"),
    Light("red", "红灯", "Seriously behind", "#de2d26"),
)


@dataclass(frozen=True)
class PhotoBadge:
    """A verification badge of a site photo; level is ok | warn | bad | info (the badge's colour)."""

    code: str
    name: str
    name_en: str
    level: str


PHOTO_BADGES: tuple[PhotoBadge, ...] = (
    PhotoBadge("near", "位置相符", "At the site", "ok"),
    PhotoBadge("far", "偏离项目", "Away from the site", "warn"),
    PhotoBadge("in_area", "位于所在园区", "Inside the project's zone/base", "ok"),
    PhotoBadge("out_area", "不在所在园区", "Outside the project's zone/base", "warn"),
    PhotoBadge("in_month", "当月拍摄", "Taken in the reporting month", "ok"),
    PhotoBadge("off_month", "非当月拍摄", "Not taken in the reporting month", "warn"),
    PhotoBadge("no_location", "无位置信息", "No location", "bad"),
    PhotoBadge("gps_invalid", "GPS 无效", "Invalid GPS", "bad"),
    PhotoBadge("no_time", "无拍摄时间", "No time taken", "bad"),
    # A hand placement is a claim, not a fact: its own badges, and near/in_area from it only once verified.
    PhotoBadge("manual_pending", "手动定位 · 待核实", "Placed by hand · unverified", "warn"),
    PhotoBadge("manual_verified", "手动定位 · 已核实", "Placed by hand · verified", "info"),
    PhotoBadge("manual_rejected", "手动定位 · 不符", "Placed by hand · rejected", "bad"),
    PhotoBadge("reuse_suspect", "疑似重复使用", "Suspected reuse", "bad"),
    PhotoBadge("reuse_confirmed", "确认重复使用", "Reuse confirmed", "bad"),
    PhotoBadge("reuse_cleared", "已排除重复", "Reuse ruled out", "info"),
    # The phone's own position (设备定位): a labelled fact of its own beside EXIF, never merged into it.
    PhotoBadge("device_near", "设备定位 · 位置相符", "Device position · at the site", "info"),
    PhotoBadge("device_far", "设备定位 · 偏离项目", "Device position · away from the site", "warn"),
    PhotoBadge("device_exif_disagree", "设备定位与 EXIF 不符", "Device position disagrees with EXIF", "bad"),
)


@dataclass(frozen=True)
class EvidenceShortfall:
    """Why a photo does not count as evidence for its reporting month (geo.photos.evidence)."""

    code: str
    name: str
    name_en: str


EVIDENCE_SHORTFALLS: tuple[EvidenceShortfall, ...] = (
    EvidenceShortfall("no_time", "无拍摄时间", "no time taken"),
    EvidenceShortfall("off_month", "非当月拍摄", "not taken in the reporting month"),
    EvidenceShortfall("no_position", "无可用位置", "no usable position"),
    EvidenceShortfall("placement_unverified", "手动定位待核实", "hand placement not verified"),
    EvidenceShortfall("placement_rejected", "手动定位不符", "hand placement rejected"),
    EvidenceShortfall("away", "偏离项目", "away from the site"),
    EvidenceShortfall("reuse_suspect", "疑似重复使用", "suspected reuse not reviewed"),
    EvidenceShortfall("reuse_confirmed", "确认重复使用", "reuse confirmed"),
    EvidenceShortfall("unpublished", "未公开", "not published"),
)


@dataclass(frozen=True)
class ProblemState:
    """Where a problem to coordinate (问题清单) stands: 待协调 → 协调中 → 已解决 (销号)."""

    code: str
    name: str
    name_en: str


PROBLEM_STATES: tuple[ProblemState, ...] = (
    ProblemState("open", "待协调", "To coordinate"),
    ProblemState("coordinating", "协调中", "Being coordinated"),
    ProblemState("resolved", "已解决(销号)", "Resolved (closed)"),
)
PROBLEM_STATE_CODES = tuple(s.code for s in PROBLEM_STATES)
# The closed loop moves forward only; a problem solved before anyone coordinated it may be closed at once.
PROBLEM_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("coordinating", "resolved"),
    "coordinating": ("resolved",),
    "resolved": (),
}
# Suggestions for 牵头协调部门 (the field is free text: any other department may be typed).
PROBLEM_DEPARTMENTS: tuple[str, ...] = (
    "市发展和改革委员会",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房和城乡建设局",
    "市工业和信息化局",
    "市行政审批服务局",
    "市财政局",
    "市交通运输局",
    "市水务局",
    "市商务局",
    "国网威海供电公司",
    "属地区市政府",
)

# A planner's verdicts: on a hand placement, and on a suspected reuse.
PLACEMENT_VERDICTS = ("verified", "rejected", "pending")
REUSE_VERDICTS = ("confirmed", "cleared")

# Photo formats accepted, recognised by content: code -> (MIME type, file extension).
PHOTO_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "HEIF": ("image/heic", "heic"),
}


@dataclass(frozen=True)
class Role:
    """An account role; each role may do everything the roles of lower rank may."""

    code: str
    name: str
    name_en: str
    rank: int
    district_scoped: bool = False
    department_scoped: bool = False


ROLES: tuple[Role, ...] = (
    Role("viewer", "查看", "Viewer", 1),
    Role("reporter", "区市填报员", "District reporter", 2, district_scoped=True),
    Role("dept_reporter", "部门填报员", "Department reporter", 2, department_scoped=True),
    Role("planner", "规划人员", "Planner", 3),
    Role("admin", "管理员", "Administrator", 4),
)
ROLE_BY_CODE = {r.code: r for r in ROLES}
ROLE_CODES = tuple(r.code for r in ROLES)


class Permission(StrEnum):
    """What an endpoint needs; PERMISSIONS says which role (or nobody) grants it."""

    public = "public"  # health check: always open
    sign_in = "sign_in"  # the login page and sign-in itself
    read_public = "read_public"  # map, projects, published photos, dashboard: anonymous when WARROOM_ANONYMOUS_READ
    read = "read"  # everything else a viewer reads (bulletins …)
    own_account = "own_account"  # one's own password and API tokens
    upload_photos = "upload_photos"
    publish_photos = "publish_photos"  # publish or withdraw a photo; unpublished ones are seen from reporter up
    review_photos = "review_photos"  # verify or reject a hand placement, confirm or clear a suspected reuse
    submit_reports = "submit_reports"
    review_reports = "review_reports"  # pass or return reports, approve corrections of a closed month
    close_periods = "close_periods"  # close a month of the dispatch cycle
    track_problems = (
        "track_problems"  # turn a report's 存在问题 into a tracked problem, edit it (reporter: own district)
    )
    coordinate_problems = "coordinate_problems"  # move a problem through 待协调 → 协调中 → 已解决 (销号)
    plan_projects = "plan_projects"  # a project's work plan: monthly plan, milestones, responsible leader
    check_siting = "check_siting"
    import_data = "import_data"
    export_data = "export_data"
    plan_tours = "plan_tours"  # make 观摩 tours, order their stops, enter the officials' scores
    submit_task_reports = "submit_task_reports"  # a task's month: its lead department's reporter, or a planner
    edit_departments = "edit_departments"  # add or rename a city department
    edit_tasks = "edit_tasks"  # add a key task or change its register entry and project links
    issue_bulletins = "issue_bulletins"  # give a 简报 its 期号: once issued, the number is the bulletin's for good
    manage_users = "manage_users"
    read_audit = "read_audit"
    edit_projects = "edit_projects"  # create, edit, retire and restore projects; accept or reject proposals
    propose_projects = "propose_projects"  # propose a change to a project of one's own district


@dataclass(frozen=True)
class PermissionRule:
    """The least role granting a permission (None: no account needed) and whether anonymous read may stand in."""

    permission: Permission
    min_role: str | None
    anonymous_read: bool = False
    name: str = ""
    name_en: str = ""


PERMISSIONS: dict[Permission, PermissionRule] = {
    r.permission: r
    for r in (
        PermissionRule(Permission.public, None, name="公开", name_en="public"),
        PermissionRule(Permission.sign_in, None, name="登录", name_en="sign in"),
        PermissionRule(
            Permission.read_public,
            "viewer",
            anonymous_read=True,
            name="查看地图、项目、照片和看板",
            name_en="read the map, projects, photos and dashboard",
        ),
        PermissionRule(Permission.read, "viewer", name="查看", name_en="read"),
        PermissionRule(Permission.own_account, "viewer", name="管理本人账户", name_en="manage one's own account"),
        PermissionRule(Permission.upload_photos, "reporter", name="上传现场照片", name_en="upload site photos"),
        PermissionRule(
            Permission.publish_photos, "planner", name="公开或撤回现场照片", name_en="publish or withdraw site photos"
        ),
        PermissionRule(
            Permission.review_photos,
            "planner",
            name="核实现场照片(手动定位、疑似重复)",
            name_en="review site photos (hand placements, suspected reuse)",
        ),
        PermissionRule(Permission.submit_reports, "reporter", name="填报月度进度", name_en="submit monthly reports"),
        PermissionRule(
            Permission.submit_task_reports,
            "dept_reporter",
            name="填报重点任务月度进展",
            name_en="submit monthly task reports",
        ),
        PermissionRule(Permission.edit_departments, "planner", name="维护部门名录", name_en="edit departments"),
        PermissionRule(Permission.edit_tasks, "planner", name="维护重点任务台账", name_en="edit the key task register"),
        PermissionRule(Permission.review_reports, "planner", name="审核月度进度", name_en="review monthly reports"),
        PermissionRule(Permission.close_periods, "planner", name="月度关账", name_en="close a month"),
        PermissionRule(
            Permission.track_problems, "reporter", name="登记督办问题", name_en="track problems to coordinate"
        ),
        PermissionRule(
            Permission.coordinate_problems,
            "planner",
            name="协调和销号督办问题",
            name_en="coordinate and close problems",
        ),
        PermissionRule(
            Permission.plan_projects,
            "planner",
            name="编制项目工作计划(投资计划、节点、分包责任人)",
            name_en="plan projects (monthly plan, milestones, leader)",
        ),
        PermissionRule(Permission.check_siting, "planner", name="落位核查", name_en="siting check"),
        PermissionRule(
            Permission.import_data, "planner", name="导入边界和项目库", name_en="import boundaries and registers"
        ),
        PermissionRule(Permission.export_data, "planner", name="导出", name_en="exports"),
        PermissionRule(
            Permission.plan_tours,
            "planner",
            name="组织观摩、录入观摩评分",
            name_en="plan inspection tours, enter scores",
        ),
        PermissionRule(Permission.issue_bulletins, "planner", name="签发简报", name_en="issue bulletins"),
        PermissionRule(Permission.manage_users, "admin", name="管理用户", name_en="manage users"),
        PermissionRule(Permission.read_audit, "admin", name="查看审计日志", name_en="read the audit log"),
        PermissionRule(
            Permission.edit_projects,
            "planner",
            name="新建、修改、退库和恢复项目",
            name_en="create, edit, retire projects",
        ),
        PermissionRule(
            Permission.propose_projects, "reporter", name="提议修改项目", name_en="propose changes to projects"
        ),
    )
}


@dataclass(frozen=True)
class AuditAction:
    """A kind of audited event, with its label for the admin page."""

    code: str
    name: str
    name_en: str


AUDIT_ACTIONS: tuple[AuditAction, ...] = (
    AuditAction("auth.sign_in", "登录", "signed in"),
    AuditAction("auth.sign_in_failed", "登录失败", "failed sign-in"),
    AuditAction("auth.sign_out", "退出", "signed out"),
    AuditAction("auth.password_change", "修改本人密码", "changed own password"),
    AuditAction("token.create", "创建 API 令牌", "created an API token"),
    AuditAction("token.revoke", "撤销 API 令牌", "revoked an API token"),
    AuditAction("session.revoke", "结束登录会话", "ended a sign-in session"),
    AuditAction("user.create", "创建用户", "created a user"),
    AuditAction("user.update", "修改用户", "changed a user"),
    AuditAction("user.password_reset", "重置密码", "reset a password"),
    AuditAction("photo.upload", "上传照片", "uploaded a photo"),
    AuditAction("photo.place", "手动定位照片", "placed a photo by hand"),
    AuditAction("photo.unplace", "撤回手动定位", "withdrew a hand placement"),
    AuditAction("photo.publish", "公开照片", "published a photo"),
    AuditAction("photo.unpublish", "撤回公开照片", "withdrew a photo"),
    AuditAction("photo.placement_verify", "核实手动定位", "verified a hand placement"),
    AuditAction("photo.placement_reject", "判定手动定位不符", "rejected a hand placement"),
    AuditAction("photo.placement_reopen", "撤销手动定位核实", "reopened a hand placement"),
    AuditAction("photo.reuse_flag", "标记疑似重复使用", "flagged a suspected reuse"),
    AuditAction("photo.reuse_confirm", "确认重复使用", "confirmed a reuse"),
    AuditAction("photo.reuse_clear", "排除重复使用", "ruled out a reuse"),
    AuditAction("report.submit", "填报月度进度", "submitted a monthly report"),
    AuditAction("report.correct", "更正月度进度", "corrected a monthly report"),
    AuditAction("report.pass", "审核通过月度进度", "passed a monthly report"),
    AuditAction("report.return", "退回月度进度", "returned a monthly report"),
    AuditAction("period.close", "月度关账", "closed a month"),
    AuditAction("period.publish", "发布月度简报", "issued a month's bulletin"),
    AuditAction("import.boundaries", "导入边界", "imported boundaries"),
    AuditAction("import.projects", "导入项目台账", "imported a project register"),
    AuditAction("bulletin.issue", "签发简报", "issued a bulletin"),
    AuditAction("problem.create", "登记督办问题", "tracked a problem"),
    AuditAction("problem.update", "修改督办问题", "changed a problem"),
    AuditAction("problem.transition", "督办问题转入协调", "moved a problem on"),
    AuditAction("problem.resolve", "督办问题销号", "closed a problem"),
    AuditAction("project.create", "新建项目", "created a project"),
    AuditAction("project.update", "修改项目", "changed a project"),
    AuditAction("project.retire", "项目退库", "retired a project"),
    AuditAction("project.restore", "项目恢复入库", "restored a project"),
    AuditAction("project.propose", "提议修改项目", "proposed a project change"),
    AuditAction("project.proposal_accept", "采纳项目修改提议", "accepted a proposal"),
    AuditAction("project.proposal_reject", "驳回项目修改提议", "rejected a proposal"),
    AuditAction("plan.update", "修改月度投资计划", "changed a monthly plan"),
    AuditAction("milestone.create", "新增节点", "added a milestone"),
    AuditAction("milestone.update", "修改节点", "changed a milestone"),
    AuditAction("milestone.delete", "删除节点", "deleted a milestone"),
    AuditAction("milestone.document", "上传节点佐证材料", "attached a milestone document"),
    AuditAction("leader.update", "修改分包责任人", "changed a project's leader"),
    AuditAction("tour.create", "创建观摩路线", "created an inspection tour"),
    AuditAction("tour.stops", "调整观摩站点", "changed a tour's stops"),
    AuditAction("tour.scores", "录入观摩评分", "entered tour scores"),
    AuditAction("department.create", "新增部门", "added a department"),
    AuditAction("department.update", "修改部门", "changed a department"),
    AuditAction("task.create", "新增重点任务", "added a key task"),
    AuditAction("task.update", "修改重点任务", "changed a key task"),
    AuditAction("task_report.submit", "填报重点任务月度进展", "submitted a monthly task report"),
    AuditAction("task_report.correct", "更正重点任务月度进展", "corrected a monthly task report"),
    AuditAction("task_report.pass", "审核通过重点任务进展", "passed a monthly task report"),
    AuditAction("task_report.return", "退回重点任务进展", "returned a monthly task report"),
    AuditAction("task_evidence.upload", "上传重点任务佐证材料", "uploaded task evidence"),
)


@dataclass(frozen=True)
class TaskSource:
    """Where a key task (重点任务) comes from: the provincial plan's tasks concerning Weihai, or the city's plan."""

    code: str
    name: str
    name_en: str
    count: int  # how many tasks the programme lists from this source


TASK_SOURCES: tuple[TaskSource, ...] = (
    TaskSource("province", "省规划", "Provincial plan", 72),
    TaskSource("city", "市方案", "City plan", 83),
)


@dataclass(frozen=True)
class TaskCategory:
    """A category of key task."""

    code: str
    name: str
    name_en: str


TASK_CATEGORIES: tuple[TaskCategory, ...] = (
    TaskCategory("planning", "规划引领", "Planning"),
    TaskCategory("projects", "项目建设", "Project construction"),
    TaskCategory("policy", "政策落实", "Policy implementation"),
    TaskCategory("promotion", "推介宣传", "Promotion"),
    TaskCategory("cluster_plan", "产业集群三年行动计划", "Cluster three-year action plans"),
    TaskCategory("innovation", "创新平台", "Innovation platforms"),
    TaskCategory("reform", "改革事项", "Reforms"),
)


@dataclass(frozen=True)
class TaskStatus:
    """A key task's status in its monthly report."""

    code: str
    name: str
    name_en: str


TASK_STATUSES: tuple[TaskStatus, ...] = (
    TaskStatus("not_started", "未启动", "Not started"),
    TaskStatus("in_progress", "推进中", "In progress"),
    TaskStatus("completed", "已完成", "Completed"),
    TaskStatus("lagging", "滞后", "Lagging"),
)

# A task's light, in plain words (geo.tasks.queries.TASK_LIGHT_SQL): red when reported 滞后 or past its deadline and not
# completed; yellow when not started with the deadline within TASK_AT_RISK_DAYS; green otherwise.
TASK_AT_RISK_DAYS = 90

# Evidence documents accepted, recognised by content: code -> (MIME type, file extension).
DOCUMENT_FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "doc": ("application/msword", "doc"),
    "xls": ("application/vnd.ms-excel", "xls"),
}

TASK_SOURCE_CODES = tuple(s.code for s in TASK_SOURCES)
TASK_CATEGORY_CODES = tuple(c.code for c in TASK_CATEGORIES)
TASK_STATUS_CODES = tuple(s.code for s in TASK_STATUSES)
DISTRICT_NAMES = tuple(d.name for d in DISTRICTS)
CLUSTER_NAMES = tuple(c.name for c in CLUSTERS)
STATUS_CODES = tuple(s.code for s in STATUSES)
PERIOD_STATE_CODES = tuple(s.code for s in PERIOD_STATES)
REVIEW_STATE_CODES = tuple(s.code for s in REVIEW_STATES)

# The box a point must fall in to be taken as "in or near Weihai" (land and near-shore sea).
WEIHAI_BOUNDS = (121.2, 36.6, 122.8, 37.7)


def as_dicts(items) -> list[dict]:
    """Serialise dataclass enumerations for JSON."""
    return [asdict(i) for i in items]


# The boundary layers, in the order the map draws them.
Layer = Literal["districts", "zones", "bases"]
LAYERS: tuple[Layer, ...] = ("districts", "zones", "bases")
