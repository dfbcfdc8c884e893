"""City departments (市直部门): the lead and cooperating units of the key tasks; editable, every change audited.

The names are the departments' names since the 2019 institutional reform; `alias` keeps the name the 2018 plan
used where it changed (市经信委 → 市工业和信息化局, 市卫计委 → 市卫生健康委员会, 市旅发委 → 市文化和旅游局).
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.errors import Conflict, InvalidInput, NotFound, UnknownValue

# (code, name, alias): seeded once, then the planners' to edit.
DEPARTMENTS: tuple[tuple[str, str, str | None], ...] = (
    ("FGW", "市发展和改革委员会", "市发改委"),
    ("GXJ", "市工业和信息化局", "市经信委"),
    ("WJW", "市卫生健康委员会", "市卫计委"),
    ("WLJ", "市文化和旅游局", "市旅发委"),
    ("KJJ", "市科学技术局", "市科技局"),
    ("SWJ", "市商务局", None),
    ("ZXQ", "市中小企业局", None),
    ("CZJ", "市财政局", None),
    ("ZRJ", "市自然资源和规划局", "市国土资源局、市规划局"),
    ("ZJJ", "市住房和城乡建设局", "市住建局"),
    ("JTJ", "市交通运输局", None),
    ("HYJ", "市海洋发展局", "市海洋与渔业局"),
    ("NYJ", "市农业农村局", "市农业局"),
    ("HBJ", "市生态环境局", "市环保局"),
    ("RSJ", "市人力资源和社会保障局", "市人社局"),
    ("JYJ", "市教育局", None),
    ("JRJ", "市地方金融监督管理局", "市金融办"),
    ("SPJ", "市行政审批服务局", None),
    ("SJJ", "市市场监督管理局", None),
    ("XCB", "市委宣传部", None),
)

DEPARTMENT_JSON = (
    "json_build_object('id', dp.id, 'code', dp.code, 'name', dp.name, 'alias', dp.alias, 'active', dp.active)"
)


def seed_departments(session: Session) -> int:
    """Insert the city's departments that are missing (by code); names edited since are kept."""
    session.execute(
        text("INSERT INTO departments (code, name, alias) VALUES (:code, :name, :alias) ON CONFLICT DO NOTHING"),
        [{"code": c, "name": n, "alias": a} for c, n, a in DEPARTMENTS],
    )
    return len(DEPARTMENTS)


def list_departments(session: Session) -> list[dict]:
    """Every department, by code, with how many tasks it leads and cooperates on."""
    return json.loads(
        session.execute(
            text(f"""
        SELECT COALESCE(json_agg(({DEPARTMENT_JSON}::jsonb || jsonb_build_object(
            'leads', (SELECT count(*) FROM tasks t WHERE t.lead_department_id = dp.id),
            'cooperates', (SELECT count(*) FROM task_cooperators tc WHERE tc.department_id = dp.id)))
            ORDER BY dp.code), '[]'::json)::text
        FROM departments dp""")
        ).scalar_one()
    )


def department_names(session: Session) -> list[str]:
    """The departments' names, by code."""
    return list(session.execute(text("SELECT name FROM departments ORDER BY code")).scalars())


def find_department(session: Session, key: str | int) -> dict:
    """A department by id, code, name or historical alias; UnknownValue listing the names otherwise."""
    row = None
    if isinstance(key, int) or (isinstance(key, str) and key.isascii() and key.isdigit()):
        row = session.execute(
            text(f"SELECT {DEPARTMENT_JSON}::text FROM departments dp WHERE dp.id = :id"), {"id": int(key)}
        ).scalar()
    else:
        key = key.strip()
        row = session.execute(
            text(f"""SELECT {DEPARTMENT_JSON}::text FROM departments dp
                     WHERE dp.name = :k OR dp.code = upper(:k) OR :k = ANY(string_to_array(dp.alias, '、'))
                     ORDER BY dp.name = :k DESC LIMIT 1"""),
            {"k": key},
        ).scalar()
    if row is None:
        raise UnknownValue("department", key, department_names(session))
    return json.loads(row)


def _clean(field: str, zh: str, value: str | None, *, required: bool) -> str | None:
    value = (value or "").strip() or None
    if required and not value:
        raise InvalidInput(f"请填写{zh} / {field} is required", errors=[{"field": field, "message": "required"}])
    return value


def create_department(session: Session, *, actor: Principal, code: str, name: str, alias: str | None = None) -> dict:
    """Add a department; 409 when the code or name is taken."""
    code = (_clean("code", "部门代码", code, required=True) or "").upper()
    name = _clean("name", "部门名称", name, required=True)
    alias = _clean("alias", "曾用名", alias, required=False)
    taken = session.execute(
        text("SELECT 1 FROM departments WHERE code = :c OR name = :n"), {"c": code, "n": name}
    ).scalar()
    if taken:
        raise Conflict(f"部门代码或名称已存在:{code} {name} / the department code or name is taken")
    row = session.execute(
        text(
            f"INSERT INTO departments AS dp (code, name, alias) VALUES (:c, :n, :a) RETURNING {DEPARTMENT_JSON}::text"
        ),
        {"c": code, "n": name, "a": alias},
    ).scalar_one()
    department = json.loads(row)
    audit(session, actor=actor, action="department.create", obj=("department", department["id"]), after=department)
    return department


def update_department(
    session: Session,
    *,
    actor: Principal,
    department_id: int,
    name: str | None = None,
    alias: str | None = None,
    active: bool | None = None,
) -> dict:
    """Rename a department (the old name becomes its alias unless one is given), set its alias or active flag."""
    before = session.execute(
        text(f"SELECT {DEPARTMENT_JSON}::text FROM departments dp WHERE dp.id = :id FOR UPDATE"), {"id": department_id}
    ).scalar()
    if before is None:
        raise NotFound(f"部门 {department_id} 不存在 / department {department_id} does not exist")
    before = json.loads(before)
    new_name = _clean("name", "部门名称", name, required=False) or before["name"]
    new_alias = before["alias"] if alias is None else _clean("alias", "曾用名", alias, required=False)
    if new_name != before["name"] and alias is None:
        # The name people knew stays findable: a renamed department keeps it as its historical alias.
        new_alias = "、".join(x for x in (before["alias"], before["name"]) if x)
    if (
        new_name != before["name"]
        and session.execute(
            text("SELECT 1 FROM departments WHERE name = :n AND id <> :id"), {"n": new_name, "id": department_id}
        ).scalar()
    ):
        raise Conflict(f"部门名称“{new_name}”已存在 / the name {new_name} is taken")
    after = json.loads(
        session.execute(
            text(f"""UPDATE departments dp SET name = :n, alias = :a, active = COALESCE(:act, dp.active)
                     WHERE dp.id = :id RETURNING {DEPARTMENT_JSON}::text"""),
            {"n": new_name, "a": new_alias, "act": active, "id": department_id},
        ).scalar_one()
    )
    audit(
        session, actor=actor, action="department.update", obj=("department", department_id), before=before, after=after
    )
    return after
