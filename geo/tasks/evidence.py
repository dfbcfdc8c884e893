"""Evidence documents of a task's month (佐证材料): PDF and Office files, recognised by their content (magic bytes,
the zip parts of an Office Open XML file, the streams of an old OLE2 file), size-limited, stored content-addressed
like the photos (geo.photos.store) and recorded in the same transaction as the audit row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.enums import DOCUMENT_FORMATS
from geo.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from geo.files import Download, Upload
from geo.periods import local_today, month_label
from geo.photos import store
from geo.settings import Settings
from geo.tasks.reports import ensure_may_act_on_task
from geo.transfer.archives import ArchiveLimits, open_zip

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The part that makes an Office Open XML zip a document, a workbook or a presentation.
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
# The stream names (UTF-16LE in the OLE2 directory) of a Word document and of an Excel workbook.
OLE2_STREAMS = {"WordDocument".encode("utf-16-le"): "doc", "Workbook".encode("utf-16-le"): "xls"}

ACCEPTED = "PDF、Word(docx/doc)、Excel(xlsx/xls)、PowerPoint(pptx)"


def sniff_document(upload: Upload, *, settings: Settings) -> str:
    """The format code of an evidence document, decided by its content; 413 when too large, 415 otherwise."""
    data = upload.data
    if len(data) > settings.evidence_max_bytes:
        mb = settings.evidence_max_bytes / 2**20
        raise PayloadTooLarge(
            f"“{upload.name}”超过 {mb:.0f} MB / {upload.name!r} is larger than {mb:.0f} MB",
            errors=[{"field": "file", "message": f"over {mb:.0f} MB"}],
        )
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise InvalidInput(
                f"“{upload.name}”是不完整的 PDF(缺少文件尾)/ {upload.name!r} is a truncated PDF",
                errors=[{"field": "file", "message": "truncated PDF"}],
            )
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        archive = open_zip(data, name=upload.name, limits=ArchiveLimits.of(settings))
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            for part, code in OOXML_PARTS.items():
                if part in names:
                    return code
    if data.startswith(OLE2_MAGIC):
        for stream, code in OLE2_STREAMS.items():
            if stream in data:
                return code
    raise UnsupportedMediaType(
        f"“{upload.name}”不是可接受的佐证材料,可上传 {ACCEPTED}(按文件内容识别,不看扩展名)/ "
        f"{upload.name!r} is not a PDF or Office document (recognised by content, not by name)",
        errors=[{"field": "file", "message": "not a PDF or Office file", "allowed": list(DOCUMENT_FORMATS)}],
    )


def _path(settings: Settings, sha256: str, fmt: str) -> Path:
    return store.path_of(settings.document_dir, "original", sha256, DOCUMENT_FORMATS[fmt][1])


_EVIDENCE_JSON = """json_build_object('id', e.id, 'task_id', e.task_id, 'month', to_char(e.report_month, 'YYYY-MM'),
    'format', e.format, 'size_bytes', e.size_bytes, 'name', e.original_name, 'created_at', e.created_at,
    'uploaded_by', (SELECT u.display_name FROM users u WHERE u.id = e.uploaded_by),
    'url', '/api/task-evidence/' || e.id)"""


def add_evidence(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    task_id: int,
    month: dt.date | None,
    upload: Upload,
) -> dict:
    """Check, store and record one evidence document of the task's month (default this month); 409 when the task
    already has this very file. The file is written before the row and removed if the row cannot be."""
    task = ensure_may_act_on_task(session, actor=actor, task_id=task_id)
    fmt = sniff_document(upload, settings=settings)
    month = month or local_today(settings.today).replace(day=1)
    if month > local_today(settings.today).replace(day=1):
        raise InvalidInput(
            f"不能为未来月份 {month_label(month)} 上传佐证材料 / cannot file evidence for a future month",
            errors=[{"field": "month", "message": "future month"}],
        )
    sha = hashlib.sha256(upload.data).hexdigest()
    path = _path(settings, sha, fmt)
    existed = path.exists()
    if not existed:
        store.write_atomic(path, upload.data)
    name = Path(upload.name or f"{sha[:12]}.{DOCUMENT_FORMATS[fmt][1]}").name[:200]
    try:
        with session.begin_nested():
            row = session.execute(
                text(f"""
                INSERT INTO task_evidence AS e (task_id, report_month, sha256, format, size_bytes, original_name,
                    uploaded_by)
                VALUES (:task, :month, :sha, :fmt, :size, :name, :by) RETURNING {_EVIDENCE_JSON}::text"""),
                {
                    "task": task_id,
                    "month": month,
                    "sha": sha,
                    "fmt": fmt,
                    "size": len(upload.data),
                    "name": name,
                    "by": actor.user_id,
                },
            ).scalar_one()
    except IntegrityError:
        if not existed:
            store.remove([path])
        raise Conflict(
            f"任务 {task['code']} 已有同一份材料“{name}” / task {task['code']} already has this file",
            errors=[{"field": "file", "message": "duplicate", "sha256": sha}],
        ) from None
    evidence = json.loads(row)
    audit(
        session,
        actor=actor,
        action="task_evidence.upload",
        obj=("task", task_id),
        after={
            "task": task["code"],
            "month": month_label(month),
            "name": name,
            "format": fmt,
            "bytes": len(upload.data),
        },
    )
    return evidence


def list_evidence(session: Session, *, task_id: int) -> list[dict]:
    """The task's evidence documents, newest month first."""
    from geo.tasks.register import require_task

    require_task(session, task_id)
    return json.loads(
        session.execute(
            text(f"""
            SELECT COALESCE(json_agg({_EVIDENCE_JSON} ORDER BY e.report_month DESC, e.id DESC), '[]'::json)::text
            FROM task_evidence e WHERE e.task_id = :id"""),
            {"id": task_id},
        ).scalar_one()
    )


def evidence_file(session: Session, *, settings: Settings, evidence_id: int) -> Download:
    """The stored document, with its media type and original name."""
    row = session.execute(
        text("SELECT sha256, format, original_name FROM task_evidence WHERE id = :id"), {"id": evidence_id}
    ).one_or_none()
    if row is None:
        raise NotFound(f"佐证材料 {evidence_id} 不存在 / evidence {evidence_id} does not exist")
    path = _path(settings, row.sha256, row.format)
    if not path.exists():
        raise NotFound(f"佐证材料 {evidence_id} 的文件缺失 / the file of evidence {evidence_id} is missing")
    return Download(path.read_bytes(), DOCUMENT_FORMATS[row.format][0], row.original_name or path.name)
