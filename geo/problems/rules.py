"""The overdue rule of problems to coordinate, as SQL written once (the map, the list, the dashboard, the bulletin).

A problem is open on day D when it was entered by D and not closed (销号) by D; it is overdue on D when it is open
and its deadline has passed (the deadline day itself still counts as on time). D is the month's end when a month is
asked for, today otherwise, so a bulletin of a past month lists what was overdue then.
"""

from __future__ import annotations


def open_on(alias: str = "pr", day: str = "CAST(:as_of AS date)") -> str:
    """SQL condition: the problem row `alias` was entered by `day` and not closed by then."""
    return f"({alias}.opened_on <= {day} AND ({alias}.resolved_on IS NULL OR {alias}.resolved_on > {day}))"


def overdue_on(alias: str = "pr", day: str = "CAST(:as_of AS date)") -> str:
    """SQL condition: the problem row `alias` is open on `day` and past its deadline."""
    return f"({open_on(alias, day)} AND {alias}.deadline < {day})"


def overdue_count_sql(project: str = "p.id", day: str = "CAST(:as_of AS date)") -> str:
    """SQL expression: how many of the project's problems are overdue on `day` (a project feature property)."""
    return f"(SELECT count(*) FROM problems pr WHERE pr.project_id = {project} AND {overdue_on('pr', day)})::int"
