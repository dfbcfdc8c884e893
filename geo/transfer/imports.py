"""Imports of boundary files and project registers, for the API and the command line alike: check, write, audit."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.settings import get_settings
from geo.transfer.archives import ArchiveLimits
from geo.transfer.boundaries import apply_boundaries, preview_boundaries
from geo.transfer.boundary_files import stage
from geo.transfer.register import check_register, import_register


def import_boundaries(
    session: Session,
    *,
    data: bytes,
    filename: str,
    layer: str,
    crs: str | None,
    name_column: str | None,
    encoding: str | None,
    remove_missing: bool = False,
    source_layer: str | None = None,
    apply: bool,
    actor: Principal,
    limits: ArchiveLimits | None = None,
) -> dict:
    """Preview (and with apply, write and audit) a boundary file; its content decides the format, and GDAL reads
    only the checked copy in a private temporary folder.  Features the file lacks are kept unless remove_missing."""
    name = Path(filename or "").name or "upload"
    with tempfile.TemporaryDirectory(prefix="warroom-import-") as folder:
        staged = stage(data, name, Path(folder), limits or ArchiveLimits.of(get_settings()))
        preview = preview_boundaries(
            session,
            staged=staged,
            filename=name,
            layer=layer,
            crs=crs,
            name_column=name_column,
            encoding=encoding,
            remove_missing=remove_missing,
            source_layer=source_layer,
        )
    if not apply:
        return {**preview.as_dict(), "applied": False}
    result = apply_boundaries(session, preview, imported_by=actor.user_id)
    audit(
        session,
        actor=actor,
        action="import.boundaries",
        obj=("layer", layer),
        after={"file": name, **boundary_audit(result)},
    )
    return result


def boundary_audit(result: dict) -> dict:
    """What a boundary import changed, readable in the audit log: counts and the names per action."""
    out = {"counts": result["counts"], "projects_resited": result.get("projects_resited")}
    for action in ("added", "changed", "removed"):
        names = [c["name"] for c in result["changes"] if c["action"] == action]
        if names:
            out[action] = names
    return out


def import_register_file(
    session: Session,
    *,
    data: bytes,
    filename: str,
    coords: str,
    crs: str | None,
    allow_partial: bool,
    apply: bool,
    want_report: bool,
    actor: Principal,
    progress: Callable[[int], None] | None = None,
    limits: ArchiveLimits | None = None,
) -> tuple[dict, bytes | None]:
    """Check (and with apply, write and audit) an uploaded register; the Excel error report when asked for."""
    check = check_register(data, filename, coords=coords, crs=crs, limits=limits)
    summary = import_register(session, check, apply=apply, allow_partial=allow_partial, progress=progress, actor=actor)
    if apply:
        audit(
            session,
            actor=actor,
            action="import.projects",
            obj=("register", Path(filename or "").name),
            after={
                **audit_counts(summary),
                "added_codes": summary["added_codes"][:500],  # which projects, readable in the log
                "updated_codes": summary["updated_codes"][:500],
            },
        )
    return summary, check.error_report_xlsx() if want_report else None


def audit_counts(summary: dict) -> dict:
    """The numbers of an import summary, small enough for the audit log."""
    return {k: v for k, v in summary.items() if isinstance(v, (int, float, str, bool))}
