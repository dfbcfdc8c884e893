"""Whether a photo counts as evidence for its reporting month: one SQL fragment, for the photo answers, the
completeness of a month ("photos received / due") and the bulletin's "one checked site photo per district".

A photo counts when nothing in `evidence_shortfalls` applies:
- taken (per EXIF) in its reporting month: no time or another month does not count;
- at a known place: usable EXIF GPS, or a hand placement a planner verified (an unverified or rejected one does not);
- at the site: that position within the configured radius of the project;
- not a suspected reuse awaiting review, nor a confirmed one (a reuse a planner cleared counts);
- published (what a bulletin handed on may show), unless the caller asks with published_only=False.
"""

from __future__ import annotations


def evidence_shortfalls(alias: str = "ph", *, published_only: bool = True) -> str:
    """SQL text[] of the reasons (codes of geo.enums.EVIDENCE_SHORTFALLS) the photos row `alias` does not count."""
    a = alias
    unpublished = f"CASE WHEN NOT {a}.published THEN 'unpublished' END" if published_only else "NULL"
    return f"""array_remove(ARRAY[
        CASE WHEN {a}.taken_at IS NULL THEN 'no_time'
             WHEN CAST(date_trunc('month', {a}.taken_at) AS date) <> {a}.report_month THEN 'off_month' END,
        CASE WHEN {a}.gps_status = 'ok' THEN NULL
             WHEN {a}.placement_status IS NULL THEN 'no_position'
             WHEN {a}.placement_status = 'pending' THEN 'placement_unverified'
             WHEN {a}.placement_status = 'rejected' THEN 'placement_rejected' END,
        CASE WHEN {a}.gps_status = 'ok' AND {a}.within_radius IS NOT TRUE THEN 'away'
             WHEN {a}.gps_status <> 'ok' AND {a}.placement_status = 'verified'
                  AND {a}.placed_within_radius IS NOT TRUE THEN 'away' END,
        CASE {a}.reuse_status WHEN 'suspect' THEN 'reuse_suspect' WHEN 'confirmed' THEN 'reuse_confirmed' END,
        {unpublished}
    ]::text[], NULL)"""


def counts_as_evidence(alias: str = "ph", *, published_only: bool = True) -> str:
    """SQL boolean: the photos row `alias` counts as evidence for its reporting month (no shortfall applies)."""
    return f"(cardinality({evidence_shortfalls(alias, published_only=published_only)}) = 0)"
