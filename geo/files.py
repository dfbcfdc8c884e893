"""Files in and out: an uploaded file, a file handed back, and the media types the app answers with."""

from __future__ import annotations

from dataclasses import dataclass

GEOJSON = "application/geo+json"
JSON = "application/json"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
HTML = "text/html"


@dataclass(frozen=True)
class Upload:
    """One received file: the name the client gave, its bytes and the media type it declared."""

    name: str
    data: bytes
    media_type: str = ""


@dataclass(frozen=True)
class Download:
    """A file to hand back: its bytes, media type and name."""

    data: bytes
    media_type: str
    filename: str
