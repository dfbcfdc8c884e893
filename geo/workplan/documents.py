"""A milestone's evidence document (PDF or Office), recognised by its content, stored by sha256 under var/documents/.

Like the photos: the type comes from the bytes, never the name or the declared media type; the file is written
atomically before the transaction naming it commits (a file left by a failed commit is named by no row and harmless).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.errors import NotFound, PayloadTooLarge, UnsupportedMediaType
from geo.files import Download, Upload
from geo.photos.store import write_atomic
from geo.settings import Settings
from geo.workplan.milestones import _lock

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
MAX_ZIP_MEMBERS = 10_000  # an Office file has tens of parts; more is not a document


def sniff(data: bytes, name: str = "") -> str:
    """The document type of these bytes (a key of MEDIA_TYPES), or UnsupportedMediaType."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            names = []
        if "[Content_Types].xml" in names and len(names) <= MAX_ZIP_MEMBERS:
            for prefix, kind in _OOXML_PARTS.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
    if data.startswith(_OLE_MAGIC):
        # The old binary formats share one container; the name tells them apart (defaulting to Word).
        suffix = Path(name).suffix.lower().lstrip(".")
        return suffix if suffix in ("doc", "xls", "ppt") else "doc"
    raise UnsupportedMediaType(
        "佐证材料应为 PDF 或 Office 文档(docx、xlsx、pptx、doc、xls、ppt),按文件内容识别 / "
        "evidence must be a PDF or an Office document, recognised by its content"
    )


def document_path(settings: Settings, sha256: str, kind: str) -> Path:
    """Where a document of this content lives."""
    return settings.var_dir / "documents" / sha256[:2] / f"{sha256}.{kind}"


def attach_document(
    session: Session, *, settings: Settings, actor: Principal, project_id: int, milestone_id: int, upload: Upload
) -> Path | None:
    """Store the document and name it on the milestone; the new file's path (None if it was stored already)."""
    row = _lock(session, project_id, milestone_id)
    limit = settings.document_max_mb * 1024 * 1024
    if len(upload.data) > limit:
        raise PayloadTooLarge(f"文件超过 {settings.document_max_mb} MB / larger than {settings.document_max_mb} MB")
    kind = sniff(upload.data, upload.name)
    sha = hashlib.sha256(upload.data).hexdigest()
    name = (Path(upload.name.replace("\\", "/")).name or f"document.{kind}")[:200]
    session.execute(
        text("""
        UPDATE milestones SET evidence_doc_sha256 = :sha, evidence_doc_name = :name, evidence_doc_type = :kind,
            evidence_doc_size = :size, updated_at = now() WHERE id = :mid"""),
        {"sha": sha, "name": name, "kind": kind, "size": len(upload.data), "mid": milestone_id},
    )
    audit(
        session,
        actor=actor,
        action="milestone.document",
        obj=("project", project_id),
        before={"佐证材料": row["evidence_doc_name"]} if row["evidence_doc_name"] else None,
        after={"项目": f"{row['code']} {row['project_name']}", "节点": row["name"], "佐证材料": name},
    )
    path = document_path(settings, sha, kind)
    if path.exists():
        return None
    write_atomic(path, upload.data)
    return path


def read_document(session: Session, *, settings: Settings, project_id: int, milestone_id: int) -> Download:
    """The milestone's document as a download."""
    row = (
        session.execute(
            text("""
            SELECT evidence_doc_sha256 AS sha, evidence_doc_type AS kind, evidence_doc_name AS name
            FROM milestones WHERE id = :mid AND project_id = :pid"""),
            {"mid": milestone_id, "pid": project_id},
        )
        .mappings()
        .one_or_none()
    )
    path = document_path(settings, row["sha"], row["kind"]) if row and row["sha"] else None
    if path is None or not path.exists():
        raise NotFound(f"节点 {milestone_id} 没有佐证材料 / milestone {milestone_id} has no document")
    return Download(path.read_bytes(), MEDIA_TYPES[row["kind"]], row["name"])
