"""Dashboard and bulletin figures for a period, computed in one SQL statement from the reports as of its end."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.sql import JOIN_REPORTING_DISTRICT
from geo.enums import CLUSTER_NAMES, DISTRICT_NAMES
from geo.periods import Period, add_months, month_label
from geo.progress.completeness import COMPLETENESS_JSON_SQL, completeness_params
from geo.progress.cycle import month_state, shown_month
from geo.progress.lights import LIGHT_SQL
from geo.progress.state import STATE_JOINS_SQL, current_report, retired_by, state_joins, state_params
from geo.settings import Settings

TREND_MONTHS = 12

# One project row as at the period's end, with this year's and this period's completed investment.
_ROWS = f"""
SELECT p.id, p.code, p.name, d.name AS district, cl.name AS cluster, p.base_ids, p.unit, p.person,
       p.investment_total, p.investment_year, st.investment_completed, st.progress, st.status, st.planned,
       round(st.planned - st.progress, 1) AS lag, {LIGHT_SQL} AS light, st.milestone_overdue_days, rep.problems,
       rep.next_steps,
       COALESCE(done.completed_year, 0) AS completed_year, COALESCE(done.completed_period, 0) AS completed_period
FROM projects p
{JOIN_REPORTING_DISTRICT}
JOIN industry_clusters cl ON cl.id = p.cluster_id
{STATE_JOINS_SQL}
LEFT JOIN (SELECT project_id, sum(investment_month) AS completed_year,
                  sum(investment_month) FILTER (WHERE month >= CAST(:period_first AS date)) AS completed_period
           FROM progress_reports r
           WHERE {current_report()} AND month BETWEEN CAST(:year_first AS date) AND CAST(:period_last AS date)
           GROUP BY project_id) done ON done.project_id = p.id"""

_GROUP_FIELDS = """'count', count(r.id), 'investment_year', COALESCE(sum(r.investment_year), 0),
    'investment_completed', COALESCE(sum(r.investment_completed), 0),
    'completed_year', COALESCE(sum(r.completed_year), 0), 'completed_period', COALESCE(sum(r.completed_period), 0),
    'completion_rate', round(100 * COALESCE(sum(r.completed_year), 0) / NULLIF(sum(r.investment_year), 0), 1),
    'red', count(*) FILTER (WHERE r.light = 'red'), 'yellow', count(*) FILTER (WHERE r.light = 'yellow'),
    'green', count(*) FILTER (WHERE r.light = 'green')"""

_MONTH_END = "(m.month + interval '1 month' - interval '1 day')::date"

DASHBOARD_SQL = f"""
WITH r AS ({_ROWS}),
trend_state AS (
    SELECT m.month::date AS month, st.progress, st.planned, {LIGHT_SQL} AS light
    FROM generate_series(CAST(:trend_first AS date), CAST(:period_last AS date), interval '1 month') m(month)
    CROSS JOIN projects p
    {state_joins(report_until="m.month::date", as_of=_MONTH_END)}),
invested AS (
    SELECT month, sum(investment_month) AS investment_month FROM progress_reports r
    WHERE {current_report()} AND month BETWEEN date_trunc('year', CAST(:trend_first AS date)) AND
        CAST(:period_last AS date)
    GROUP BY month),
invested_ytd AS (
    SELECT month, investment_month,
           sum(investment_month) OVER (PARTITION BY date_trunc('year', month) ORDER BY month) AS completed_ytd
    FROM invested),
trend AS (
    SELECT t.month, round(avg(t.progress), 1) AS progress_avg, round(avg(t.planned), 1) AS planned_avg,
           count(*) FILTER (WHERE t.light = 'red') AS red, count(*) FILTER (WHERE t.light = 'yellow') AS yellow,
           count(*) FILTER (WHERE t.light = 'green') AS green, COALESCE(max(i.investment_month), 0) AS investment_month,
           COALESCE(max(i.completed_ytd), 0) AS completed_ytd
    FROM trend_state t LEFT JOIN invested_ytd i ON i.month = t.month GROUP BY t.month)
SELECT json_build_object(
    'period', CAST(:label AS text), 'kind', CAST(:kind AS text), 'first_month', CAST(:first_label AS text),
    'month', CAST(:last_label AS text), 'as_of', CAST(:as_of AS date), 'year', CAST(:year AS int),
    'month_state', CAST(:month_state AS text), 'completeness', ({COMPLETENESS_JSON_SQL}),
    'thresholds', json_build_object('yellow_lag', CAST(:yellow_lag AS numeric), 'red_lag', CAST(:red_lag AS numeric)),
    'headline', (SELECT json_build_object(
        'count', count(*), 'investment_total', COALESCE(sum(investment_total), 0),
        'investment_year', COALESCE(sum(investment_year), 0), 'completed_year', COALESCE(sum(completed_year), 0),
        'investment_completed', COALESCE(sum(investment_completed), 0),
        'completed_period', COALESCE(sum(completed_period), 0),
        'completion_rate', round(100 * COALESCE(sum(completed_year), 0) / NULLIF(sum(investment_year), 0), 1),
        'progress_avg', round(avg(progress), 1),
        'by_status', COALESCE((SELECT json_object_agg(status, n) FROM (SELECT status, count(*) n FROM r GROUP BY
            status) s), '{{}}'),
        'by_light', COALESCE((SELECT json_object_agg(light, n) FROM (SELECT light, count(*) n FROM r GROUP BY light)
            s), '{{}}'))
        FROM r),
    'by_district', (SELECT json_agg(x.j ORDER BY x.ord) FROM (
        SELECT g.ord, json_build_object('name', g.name, {_GROUP_FIELDS}) AS j
        FROM unnest(CAST(:districts AS text[])) WITH ORDINALITY g(name, ord) LEFT JOIN r ON r.district = g.name
        GROUP BY g.name, g.ord) x),
    'by_cluster', (SELECT json_agg(x.j ORDER BY x.ord) FROM (
        SELECT g.ord, json_build_object('name', g.name, {_GROUP_FIELDS}) AS j
        FROM unnest(CAST(:clusters AS text[])) WITH ORDINALITY g(name, ord) LEFT JOIN r ON r.cluster = g.name
        GROUP BY g.name, g.ord) x),
    'by_base', (SELECT json_agg(x.j ORDER BY x.code) FROM (
        SELECT b.code, json_build_object('name', b.name, 'code', b.code, {_GROUP_FIELDS}) AS j
        FROM bases b LEFT JOIN r ON b.id = ANY(r.base_ids) GROUP BY b.code, b.name) x),
    'trend', (SELECT json_agg(json_build_object(
        'month', to_char(month, 'YYYY-MM'), 'investment_month', investment_month,
        'completed_ytd', completed_ytd,
        'plan_ytd', CASE WHEN extract(year FROM month) = CAST(:year AS int)
                         THEN round((SELECT sum(investment_year) FROM projects p
                                 WHERE NOT {retired_by("trend.month")}) * extract(month FROM month) / 12, 2)
                             END,
        'progress_avg', progress_avg, 'planned_avg', planned_avg, 'red', red, 'yellow', yellow, 'green', green)
        ORDER BY month) FROM trend),
    'lagging', COALESCE((SELECT json_agg(json_build_object(
        'id', id, 'code', code, 'name', name, 'district', district, 'cluster', cluster, 'unit', unit, 'person', person,
        'status', status, 'progress', progress, 'planned', planned, 'lag', lag, 'light', light,
        'milestone_overdue_days', milestone_overdue_days, 'investment_year', investment_year,
        'completed_year', completed_year, 'problems', problems,
        'next_steps', next_steps) ORDER BY light = 'yellow', lag DESC NULLS LAST, investment_total DESC)
        FROM r WHERE light IN ('red', 'yellow')), '[]'::json)
)::text"""


def dashboard_params(settings: Settings, period: Period) -> dict:
    """Bind parameters of DASHBOARD_SQL for a period."""
    return {
        **state_params(settings, period.last),
        "period_first": period.first,
        "period_last": period.last,
        "year_first": period.year_start,
        "trend_first": add_months(period.last, 1 - TREND_MONTHS),
        "label": period.label,
        "kind": period.kind,
        "first_label": month_label(period.first),
        "last_label": month_label(period.last),
        "year": period.last.year,
        "districts": list(DISTRICT_NAMES),
        "clusters": list(CLUSTER_NAMES),
        **completeness_params(period.last),
    }


def dashboard_json(
    session: Session, *, settings: Settings, period: Period | None = None, month: dt.date | None = None
) -> str:
    """JSON text of a period's (or month's, default the one 最新 means) headline, completeness, groups and trend."""
    if period is None:
        month = month or shown_month(session, settings)
        period = Period("monthly", month, month)
    params = {**dashboard_params(settings, period), "month_state": month_state(session, settings, period.last)}
    return session.execute(text(DASHBOARD_SQL), params).scalar_one()
