"""Reading an upload: a multipart form with a `file` field, or the raw request body; size-limited."""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException

from geo.errors import InvalidInput
from geo.files import Upload
from geo.settings import Settings


async def read_upload(request: Request, settings: Settings, *, filename: str | None = None) -> Upload:
    """The `file` of a multipart form, or the body itself (its name from `filename` or the media type)."""
    limit = settings.upload_max_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise HTTPException(
            413, f"文件超过 {settings.upload_max_mb} MB / upload larger than {settings.upload_max_mb} MB"
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_part_size=limit)
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise InvalidInput(
                "表单中没有名为 file 的文件 / the form has no `file` field",
                errors=[{"field": "file", "message": "missing"}],
            )
        data = await part.read()
        name, media = part.filename or filename or "", part.content_type or ""
    else:
        data, name, media = await request.body(), filename or "", content_type
    if len(data) > limit:
        raise HTTPException(
            413, f"文件超过 {settings.upload_max_mb} MB / upload larger than {settings.upload_max_mb} MB"
        )
    if not data:
        raise InvalidInput("上传内容为空 / the upload is empty", errors=[{"field": "file", "message": "empty"}])
    return Upload(name, data, media)
