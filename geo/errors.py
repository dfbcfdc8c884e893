"""Domain exceptions; api/errors.py maps each to an HTTP status in one table."""

from __future__ import annotations


class WarroomError(Exception):
    """Base of every error the domain raises on purpose; `detail` is for the person who sent the request."""

    title = "请求无法完成 / Request failed"

    def __init__(self, detail: str, *, errors: list[dict] | None = None, extensions: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extensions = extensions or {}  # extra problem+json members (RFC 9457 extensions)


class NotFound(WarroomError):
    """The requested object does not exist."""

    title = "未找到 / Not found"


class InvalidInput(WarroomError):
    """A value is well-formed for HTTP but wrong for the domain (unknown name, bad bbox, out-of-range point)."""

    title = "输入有误 / Invalid input"


_FIELD_ZH = {
    "district": "区市",
    "cluster": "产业集群",
    "zone": "功能区",
    "base": "基地",
    "status": "建设状态",
    "layer": "图层",
    "role": "角色",
    "format": "格式",
}


class UnknownValue(InvalidInput):
    """A name that is not one of the known ones; the answer lists them."""

    def __init__(self, field: str, value: object, known):
        known = [str(k) for k in known]
        super().__init__(
            f"未知的{_FIELD_ZH.get(field, field)}“{value}”。可选:{'、'.join(known)} / "
            f"unknown {field} {value!r}; known: {', '.join(known)}",
            errors=[{"field": field, "message": f"unknown {field}", "allowed": known}],
        )


class Unauthorized(WarroomError):
    """No valid account: sign in or send a valid API token."""

    title = "需要登录 / Sign-in required"


class Forbidden(WarroomError):
    """Signed in, but the account's role or district does not allow this."""

    title = "无权操作 / Forbidden"


class TooManyRequests(WarroomError):
    """Too many attempts in a short time; `retry_after` seconds until the next one is accepted."""

    title = "尝试次数过多 / Too many requests"

    def __init__(self, detail: str, *, retry_after: int, errors: list[dict] | None = None):
        super().__init__(detail, errors=errors)
        self.retry_after = retry_after


class Conflict(WarroomError):
    """The request clashes with what is stored (duplicate)."""

    title = "冲突 / Conflict"


class PayloadTooLarge(WarroomError):
    """An uploaded file is bigger (in bytes or in pixels) than the configured limit."""

    title = "文件太大 / Payload too large"


class UnsupportedMediaType(WarroomError):
    """An uploaded file is not an image of an accepted type."""

    title = "不支持的文件类型 / Unsupported media type"


class UndecodableImage(InvalidInput):
    """An uploaded image is truncated or cannot be decoded."""

    title = "图片无法解码 / Image cannot be decoded"


class DatabaseUnavailable(WarroomError):
    """The database cannot be reached."""

    title = "数据库不可用 / Database unavailable"


class StoreUnavailable(WarroomError):
    """The photo store (directory or S3-compatible object store) cannot be reached or refused a write."""

    title = "照片存储不可用 / Photo store unavailable"


class EmbeddedDatabaseError(WarroomError):
    """The embedded PostgreSQL cluster could not be prepared or started."""

    title = "内置数据库无法启动 / Embedded database failed"


class FontMissing(WarroomError):
    """A system font a document needs (Noto Sans CJK for the bulletin) is not installed."""

    title = "缺少中文字体 / CJK font missing"
