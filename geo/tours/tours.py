"""观摩 tours: make one from a project filter or picked projects, order or reorder its stops, enter the inspecting
officials' scores, and each district's (and project's) weighted tour score for a period (tour_scores)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.db.sql import JOIN_REPORTING_DISTRICT
from geo.enums import LIGHTS, WEIHAI_BOUNDS
from geo.errors import Conflict, InvalidInput, NotFound, UnknownValue
from geo.periods import Period, month_label
from geo.progress.cycle import shown_month
from geo.projects.queries import ProjectFilter, project_rows
from geo.settings import Settings
from geo.tours.route import legs_m, order_stops

MAX_STOPS = 30  # a day's tour; more is a filter that was not narrowed
LIGHT_CODES = tuple(light.code for light in LIGHTS)
ROUTE_NOTE = (
    "站点顺序按直线距离排列(最近邻 + 2-opt),不是道路路线 / stops ordered by straight-line distance, not a road route"
)
# The commission (威海市发展和改革委员会, 统一路 in 环翠区): an approximate position, offered as the usual start.
COMMISSION = {"label": "市发改委", "lon": 122.1204, "lat": 37.5133}


@dataclass(frozen=True)
class Start:
    """Where the tour sets out from (the first leg runs from here)."""

    lon: float
    lat: float
    label: str = "起点"


def tour_not_found(tour_id: int) -> NotFound:
    """The one answer for a tour id that does not exist."""
    return NotFound(f"观摩路线 {tour_id} 不存在 / tour {tour_id} does not exist")


def _check_start(start: Start | None) -> None:
    if start is None:
        return
    x1, y1, x2, y2 = WEIHAI_BOUNDS
    if not (x1 <= start.lon <= x2 and y1 <= start.lat <= y2):
        raise InvalidInput(
            f"起点({start.lon}, {start.lat})不在威海范围内(经度 {x1}–{x2},纬度 {y1}–{y2}),经纬度是否写反? / "
            "the start point is outside Weihai",
            errors=[{"field": "start", "message": "outside Weihai"}],
        )


def _check_ids(session: Session, ids: list[int]) -> None:
    if not ids:
        raise InvalidInput(
            "请至少选择一个项目 / choose at least one project", errors=[{"field": "project_ids", "message": "empty"}]
        )
    if len(set(ids)) != len(ids):
        raise InvalidInput(
            "同一项目不能重复出现在一条观摩路线中 / a project appears twice",
            errors=[{"field": "project_ids", "message": "duplicate"}],
        )
    if len(ids) > MAX_STOPS:
        raise InvalidInput(
            f"一条观摩路线最多 {MAX_STOPS} 个站点,当前 {len(ids)} 个,请缩小筛选范围或在地图上挑选 / "
            f"at most {MAX_STOPS} stops, got {len(ids)}",
            errors=[{"field": "project_ids", "message": f"more than {MAX_STOPS}"}],
        )
    found = set(
        session.execute(text("SELECT id FROM projects WHERE id = ANY(CAST(:ids AS integer[]))"), {"ids": ids}).scalars()
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            f"项目 {'、'.join(map(str, missing))} 不存在 / unknown projects {missing}",
            errors=[{"field": "project_ids", "message": "unknown project", "ids": missing}],
        )


def select_projects(
    session: Session,
    *,
    settings: Settings,
    filters: ProjectFilter,
    month: dt.date | None = None,
    light: str | None = None,
) -> list[int]:
    """Ids of the projects the map shows for these filters (as at the end of `month`), optionally of one light."""
    if light and light not in LIGHT_CODES:
        raise UnknownValue("light", light, LIGHT_CODES)
    rows = project_rows(session, settings=settings, filters=filters, month=month)
    return [r["id"] for r in rows if not light or r["light"] == light]


def _ordered(session: Session, ids: list[int], start: Start | None) -> list[int]:
    rows = session.execute(
        text("SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects WHERE id = ANY(CAST(:ids AS integer[]))"),
        {"ids": ids},
    ).all()
    by_id = {r.id: (r.lon, r.lat) for r in rows}
    ids = sorted(ids)  # the same set always gives the same order, whatever order it was picked in
    order = order_stops([by_id[i] for i in ids], start=(start.lon, start.lat) if start else None)
    return [ids[k] for k in order]


def _start_of(row) -> Start | None:
    return Start(row["start_lon"], row["start_lat"], row["start_label"] or "起点") if row["start_lon"] else None


def create_tour(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    name: str,
    date: dt.date,
    note: str | None,
    start: Start | None,
    project_ids: list[int],
) -> dict:
    """Make a tour of these projects, ordered by straight-line distance from `start`; audited. The tour as get_tour."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写观摩路线名称 / the tour needs a name", errors=[{"field": "name", "message": "blank"}])
    _check_start(start)
    _check_ids(session, project_ids)
    criteria = [{"name": k, "weight": v} for k, v in settings.tour_criteria.items()]
    tour_id = session.execute(
        text("""
        INSERT INTO tours (name, tour_date, note, start_label, start_geom, criteria, created_by)
        VALUES (:name, :date, :note, :label,
                CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL
                     ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END,
                CAST(:criteria AS jsonb), :by)
        RETURNING id"""),
        {
            "name": name,
            "date": date,
            "note": (note or "").strip() or None,
            "label": start.label if start else None,
            "lon": start.lon if start else None,
            "lat": start.lat if start else None,
            "criteria": json.dumps(criteria, ensure_ascii=False),
            "by": actor.user_id,
        },
    ).scalar_one()
    order = _ordered(session, project_ids, start)
    _write_stops(session, tour_id, order)
    audit(
        session,
        actor=actor,
        action="tour.create",
        obj=("tour", tour_id),
        after={"name": name, "date": date.isoformat(), "stops": order, "start": start.label if start else None},
    )
    return get_tour(session, settings=settings, tour_id=tour_id)


def _write_stops(session: Session, tour_id: int, order: list[int]) -> None:
    session.execute(
        text("DELETE FROM tour_stops WHERE tour_id = :t AND NOT (project_id = ANY(CAST(:ids AS integer[])))"),
        {"t": tour_id, "ids": order},
    )
    for seq, pid in enumerate(order, start=1):
        session.execute(
            text("""
            INSERT INTO tour_stops (tour_id, project_id, seq) VALUES (:t, :p, :s)
            ON CONFLICT (tour_id, project_id) DO UPDATE SET seq = EXCLUDED.seq"""),
            {"t": tour_id, "p": pid, "s": seq},
        )
    session.execute(text("UPDATE tours SET updated_at = now() WHERE id = :t"), {"t": tour_id})


def _tour_row(session: Session, tour_id: int, *, lock: bool = False):
    row = (
        session.execute(
            text(
                "SELECT id, name, tour_date, note, start_label, ST_X(start_geom) AS start_lon, "
                "ST_Y(start_geom) AS start_lat, criteria, created_at FROM tours WHERE id = :id"
                + (" FOR UPDATE" if lock else "")
            ),
            {"id": tour_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise tour_not_found(tour_id)
    return row


def _stop_ids(session: Session, tour_id: int) -> list[int]:
    return list(
        session.execute(
            text("SELECT project_id FROM tour_stops WHERE tour_id = :t ORDER BY seq"), {"t": tour_id}
        ).scalars()
    )


def set_stops(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    tour_id: int,
    project_ids: list[int],
    optimise: bool = False,
) -> dict:
    """Replace the stops: in the order given (a planner's reorder), or reordered by distance when `optimise`.

    A stop left out loses its scores; audited with the order before and after."""
    row = _tour_row(session, tour_id, lock=True)
    _check_ids(session, project_ids)
    before = _stop_ids(session, tour_id)
    order = _ordered(session, project_ids, _start_of(row)) if optimise else list(project_ids)
    _write_stops(session, tour_id, order)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent change of the same tour
        raise Conflict("观摩路线已被他人修改,请刷新后重试 / the tour changed meanwhile; reload") from exc
    audit(
        session,
        actor=actor,
        action="tour.stops",
        obj=("tour", tour_id),
        before={"stops": before},
        after={"stops": order, "optimised": optimise},
    )
    return get_tour(session, settings=settings, tour_id=tour_id)


def _criteria(row) -> list[dict]:
    return [{"name": c["name"], "weight": float(c["weight"])} for c in row["criteria"]]


def _raw_scores(session: Session, tour_id: int) -> list[dict]:
    rows = session.execute(
        text(
            "SELECT project_id, scorer, criterion, score FROM tour_scores WHERE tour_id = :t "
            "ORDER BY project_id, scorer, criterion"
        ),
        {"t": tour_id},
    ).mappings()
    return [dict(r) for r in rows]


def stop_score(criteria: list[dict], scores: list[dict]) -> Decimal | None:
    """A stop's weighted score: Σ weight/100 × (mean of the scorers' scores on that criterion), 2 decimals.

    None until every criterion has at least one score."""
    by_criterion: dict[str, list[Decimal]] = defaultdict(list)
    for s in scores:
        by_criterion[s["criterion"]].append(Decimal(s["score"]))
    if any(not by_criterion.get(c["name"]) for c in criteria):
        return None
    total = sum(
        Decimal(str(c["weight"])) / 100 * (sum(by_criterion[c["name"]]) / len(by_criterion[c["name"]]))
        for c in criteria
    )
    return Decimal(total).quantize(Decimal("0.01"))


def _num(value) -> float | None:
    return None if value is None else float(value)


def get_tour(session: Session, *, settings: Settings, tour_id: int) -> dict:
    """The tour: its stops in order with their facts at the latest closed month, legs and total in straight-line
    km, the criteria and weights, the scores entered and each stop's weighted score."""
    row = _tour_row(session, tour_id)
    ids = _stop_ids(session, tour_id)
    month = shown_month(session, settings)
    facts = {r["id"]: r for r in project_rows(session, settings=settings, filters=ProjectFilter(ids=tuple(ids)))}
    start = _start_of(row)
    legs = legs_m([(facts[i]["lon"], facts[i]["lat"]) for i in ids], start=(start.lon, start.lat) if start else None)
    criteria = _criteria(row)
    raw = _raw_scores(session, tour_id)
    stops = []
    for seq, (pid, leg) in enumerate(zip(ids, legs, strict=True), start=1):
        f = facts[pid]
        mine = [s for s in raw if s["project_id"] == pid]
        stops.append(
            {
                "seq": seq,
                "project_id": pid,
                "code": f["code"],
                "name": f["name"],
                "district": f["district"],
                "cluster": f["cluster"],
                "status": f["status"],
                "light": f["light"],
                "progress": _num(f["progress"]),
                "planned_progress": _num(f["planned_progress"]),
                "investment_total": _num(f["investment_total"]),
                "investment_year": _num(f["investment_year"]),
                "investment_completed": _num(f["investment_completed"]),
                "unit": f["unit"],
                "person": f["person"],
                "lon": f["lon"],
                "lat": f["lat"],
                "leg_km": round(leg / 1000, 2),
                "score": _num(stop_score(criteria, mine)),
            }
        )
    return {
        "id": row["id"],
        "name": row["name"],
        "date": row["tour_date"].isoformat(),
        "note": row["note"],
        "start": {"label": start.label, "lon": start.lon, "lat": start.lat} if start else None,
        "criteria": criteria,
        "month": month_label(month),
        "route_note": ROUTE_NOTE,
        "total_km": round(sum(legs) / 1000, 2),
        "stops": stops,
        "scores": [{**s, "score": float(s["score"])} for s in raw],
    }


def list_tours(session: Session) -> list[dict]:
    """Every tour, latest date first: name, date, number of stops, whether scores were entered."""
    rows = session.execute(
        text("""
        SELECT t.id, t.name, t.tour_date, t.note,
               (SELECT count(*) FROM tour_stops s WHERE s.tour_id = t.id) AS stops,
               (SELECT count(*) FROM tour_scores s WHERE s.tour_id = t.id) AS scores
        FROM tours t ORDER BY t.tour_date DESC, t.id DESC""")
    ).mappings()
    return [{**dict(r), "date": r["tour_date"].isoformat()} for r in rows]


@dataclass(frozen=True)
class ScoreInput:
    """One score (0–100) of one stop on one criterion; None clears it."""

    project_id: int
    criterion: str
    score: Decimal | None


def enter_scores(
    session: Session, *, settings: Settings, actor: Principal, tour_id: int, scorer: str, scores: list[ScoreInput]
) -> dict:
    """Store one inspecting official's scores (replacing what that official gave before for the same cells); audited.

    Every score is checked before any is written: a bad one refuses them all."""
    row = _tour_row(session, tour_id, lock=True)
    scorer = (scorer or "").strip()
    if not scorer:
        raise InvalidInput(
            "请填写评分人 / name the official who scored", errors=[{"field": "scorer", "message": "blank"}]
        )
    names = [c["name"] for c in _criteria(row)]
    stops = set(_stop_ids(session, tour_id))
    errors = []
    for k, s in enumerate(scores):
        if s.project_id not in stops:
            errors.append({"field": f"scores[{k}].project_id", "message": f"项目 {s.project_id} 不是本路线的站点"})
        if s.criterion not in names:
            errors.append({"field": f"scores[{k}].criterion", "message": "unknown criterion", "allowed": names})
        if s.score is not None and not (Decimal(0) <= s.score <= Decimal(100)):
            errors.append({"field": f"scores[{k}].score", "message": "评分应在 0–100 之间 / 0–100"})
    if errors:
        raise InvalidInput(
            f"评分有 {len(errors)} 处错误,未保存任何评分:{errors[0]['message']} / {len(errors)} invalid scores; "
            "nothing was saved",
            errors=errors,
        )
    before = {
        f"{r['project_id']}:{r['criterion']}": str(r["score"])
        for r in _raw_scores(session, tour_id)
        if r["scorer"] == scorer
    }
    for s in scores:
        key = {"t": tour_id, "p": s.project_id, "who": scorer, "c": s.criterion}
        if s.score is None:
            session.execute(
                text(
                    "DELETE FROM tour_scores "
                    "WHERE tour_id = :t AND project_id = :p AND scorer = :who AND criterion = :c"
                ),
                key,
            )
            continue
        session.execute(
            text("""
            INSERT INTO tour_scores (tour_id, project_id, scorer, criterion, score, entered_by)
            VALUES (:t, :p, :who, :c, :score, :by)
            ON CONFLICT (tour_id, project_id, scorer, criterion)
            DO UPDATE SET score = EXCLUDED.score, entered_by = EXCLUDED.entered_by, entered_at = now()"""),
            {**key, "score": s.score.quantize(Decimal("0.01")), "by": actor.user_id},
        )
    after = {
        f"{r['project_id']}:{r['criterion']}": str(r["score"])
        for r in _raw_scores(session, tour_id)
        if r["scorer"] == scorer
    }
    audit(
        session,
        actor=actor,
        action="tour.scores",
        obj=("tour", tour_id),
        before={"scorer": scorer, "scores": before},
        after={"scorer": scorer, "scores": after},
    )
    return get_tour(session, settings=settings, tour_id=tour_id)


def project_tour_scores(session: Session, period: Period) -> dict[int, Decimal]:
    """{project id: its weighted tour score in the period}: the mean of its stop scores (stop_score) over the tours
    dated in the period; a stop not yet scored on every criterion does not count."""
    rows = session.execute(
        text("""
        SELECT t.id AS tour_id, t.criteria, s.project_id, sc.scorer, sc.criterion, sc.score
        FROM tours t JOIN tour_stops s ON s.tour_id = t.id
        JOIN tour_scores sc ON sc.tour_id = s.tour_id AND sc.project_id = s.project_id
        WHERE t.tour_date BETWEEN :first AND :last
        ORDER BY t.id, s.project_id"""),
        {"first": period.first, "last": period.end},
    ).mappings()
    grouped: dict[tuple[int, int], dict] = {}
    for r in rows:
        g = grouped.setdefault((r["tour_id"], r["project_id"]), {"criteria": _criteria(r), "scores": []})
        g["scores"].append(r)
    per_project: dict[int, list[Decimal]] = defaultdict(list)
    for (_, pid), g in grouped.items():
        score = stop_score(g["criteria"], g["scores"])
        if score is not None:
            per_project[pid].append(score)
    return {pid: (sum(v) / len(v)).quantize(Decimal("0.01")) for pid, v in per_project.items()}


def tour_scores(session: Session, period: Period) -> dict[str, Decimal]:
    """{district: weighted tour score (0–100)} for the period, for the assessment (考核) as one more criterion.

    A stop's score is Σ over the tour's criteria of weight/100 × the mean of the officials' scores on it (weights from
    settings.tour_criteria, copied onto the tour when it was made); a project's is the mean of its scored stops on
    tours dated in the period; a district's is the mean of its scored projects (the district a project reports to,
    as on the map). Districts with no scored project are absent: no tour is not a score of 0."""
    per_project = project_tour_scores(session, period)
    if not per_project:
        return {}
    rows = session.execute(
        text(
            f"SELECT p.id, d.name FROM projects p {JOIN_REPORTING_DISTRICT} WHERE p.id = ANY(CAST(:ids AS integer[]))"
        ),
        {"ids": list(per_project)},
    ).all()
    by_district: dict[str, list[Decimal]] = defaultdict(list)
    for pid, district in rows:
        by_district[district].append(per_project[pid])
    return {d: (sum(v) / len(v)).quantize(Decimal("0.01")) for d, v in sorted(by_district.items())}
