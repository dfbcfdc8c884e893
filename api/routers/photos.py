"""Site photos: upload, metadata, files with ETags, per project, the district photo wall and camera positions."""

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response, StreamingResponse

from api.deps import PrincipalDep, SessionDep, SettingsDep, require
from api.errors import problems
from api.params import MAX_ID, DistrictQuery, IdempotencyKey, MonthQuery, PhotoId, ProjectId
from api.responses import FEATURE_COLLECTION, GeoJSONResponse, documented, files
from api.schemas import Photo, PhotosUploaded, PhotoWall, ProjectPhotos
from geo.accounts.principal import Principal
from geo.enums import PHOTO_FORMATS, PLACEMENT_VERDICTS, REUSE_VERDICTS, Permission
from geo.files import JPEG, Upload
from geo.periods import parse_month
from geo.photos.checks import DevicePosition, parse_device_position
from geo.photos.queries import file_missing, photo_dict, photo_file, photo_positions_geojson, photo_wall, project_photos
from geo.photos.review import place_photo, review_placement, review_reuse, set_published, withdraw_placement
from geo.photos.upload import add_photos

router = APIRouter(prefix="/api", tags=["photos"], dependencies=[require(Permission.read_public)])
Uploader = Annotated[Principal, require(Permission.upload_photos)]
Publisher = Annotated[Principal, require(Permission.publish_photos)]
Reviewer = Annotated[Principal, require(Permission.review_photos)]

UPLOAD_RESPONSES = problems(409, 413, 415, 429)
PHOTO_MEDIA_TYPES = sorted({mime for mime, _ in PHOTO_FORMATS.values()} | {JPEG})
# A photo id's files never change (content-addressed); private, so no shared cache keeps serving a withdrawn photo.
CACHE_FOREVER = "private, max-age=31536000, immutable"
# A stamped copy changes when its facts do (a review, a placement) under the same URL: asked again each time, cheaply
# answered 304 while its ETag (the stamp's digest) holds.
CACHE_REVALIDATE = "private, no-cache"


@dataclass
class PhotoForm:
    """The upload form: the files (read up to the size limit) and the optional caption and month."""

    uploads: list[Upload]
    caption: str | None
    month: str | None
    device: DevicePosition | None = None


_FORM_FIELDS = {"caption": 500, "month": 7, "device_lon": 32, "device_lat": 32, "device_accuracy_m": 32}
UPLOAD_FORM_SCHEMA = {
    "type": "object",
    "required": ["files"],
    "properties": {
        "files": {
            "type": "array",
            "items": {"type": "string", "contentMediaType": "application/octet-stream"},
            "description": "JPEG, PNG, WebP or HEIC photos",
        },
        "caption": {"type": "string", "maxLength": 500},
        "month": {"type": "string", "maxLength": 7, "description": "reporting month YYYY-MM (default: this month)"},
        "device_lon": {"type": "string", "maxLength": 32, "description": "设备定位: the phone's longitude (WGS 84)"},
        "device_lat": {"type": "string", "maxLength": 32, "description": "设备定位: the phone's latitude (WGS 84)"},
        "device_accuracy_m": {"type": "string", "maxLength": 32, "description": "设备定位: its accuracy in metres"},
    },
}


async def read_photo_form(request: Request, settings: SettingsDep, actor: Uploader) -> PhotoForm:
    """The multipart form, read only once `actor` is known: FastAPI parses body parameters before any dependency
    runs, so declaring the files as File() would spool an anonymous upload to disk before its 401."""
    async with request.form() as form:
        errors = [
            {"type": "string_too_long", "loc": ("body", name), "msg": f"at most {longest} characters", "input": None}
            for name, longest in _FORM_FIELDS.items()
            if isinstance(form.get(name), str) and len(form[name]) > longest
        ]
        files = [f for f in form.getlist("files") if not isinstance(f, str)]
        if not files:
            errors.append({"type": "missing", "loc": ("body", "files"), "msg": "Field required", "input": None})
        if errors:
            raise RequestValidationError(errors)
        # Bigger than the limit: don't read it into memory, let the domain refuse it by its size.
        limit = settings.photo_max_bytes + 1
        uploads = [
            Upload(f.filename or "photo", await run_in_threadpool(f.file.read, limit), f.content_type or "")
            for f in files
        ]
        text = {name: form.get(name) if isinstance(form.get(name), str) else None for name in _FORM_FIELDS}
    device = parse_device_position(text["device_lon"], text["device_lat"], text["device_accuracy_m"])
    return PhotoForm(uploads, text["caption"] or None, text["month"] or None, device)


# Sync handlers run in the threadpool, so decoding never blocks the event loop.
@router.post(
    "/projects/{project_id}/photos",
    status_code=201,
    response_model=PhotosUploaded,
    responses=UPLOAD_RESPONSES,
    summary="上传现场照片 / upload site photos",
    openapi_extra={
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": UPLOAD_FORM_SCHEMA}}}
    },
)
def upload_photos(
    session: SessionDep,
    settings: SettingsDep,
    actor: Uploader,
    project_id: ProjectId,
    form: Annotated[PhotoForm, Depends(read_photo_form)],
    idempotency_key: IdempotencyKey,
):
    """Store photos with their EXIF position and time, checked against the project; 409 for a file already stored.
    Multipart fields: `files` (one or more), `caption`, `month` (YYYY-MM)."""
    photos = add_photos(
        session,
        settings=settings,
        project_id=project_id,
        uploads=form.uploads,
        caption=form.caption,
        month=parse_month(form.month),
        actor=actor,
        device=form.device,
        idempotency_key=idempotency_key,
    )
    return {"photos": photos}


@router.get(
    "/projects/{project_id}/photos", response_model=ProjectPhotos, summary="项目的现场照片 / a project's photos"
)
def list_project_photos(session: SessionDep, actor: PrincipalDep, project_id: ProjectId):
    """The project's photos with their checks, newest reporting month first (unpublished ones from reporter up)."""
    return {"project_id": project_id, "photos": project_photos(session, project_id=project_id, actor=actor)}


@router.get("/photos", response_model=PhotoWall, summary="分区域照片墙 / district photo wall")
def get_photo_wall(
    session: SessionDep,
    actor: PrincipalDep,
    district: DistrictQuery,
    month: MonthQuery,
    per_project: int = Query(4, ge=1, le=24, description="latest photos shown per project"),
):
    """The latest photos of every project in a district for a month, and the projects that sent none."""
    return photo_wall(session, district=district, month=month, per_project=per_project, actor=actor)


@router.get(
    "/photos/positions",
    response_class=GeoJSONResponse,
    responses=documented(GeoJSONResponse.media_type, FEATURE_COLLECTION),
    summary="照片拍摄位置 / camera positions",
)
def get_photo_positions(
    session: SessionDep,
    actor: PrincipalDep,
    district: DistrictQuery,
    project: int | None = Query(None, ge=1, le=MAX_ID),
):
    """Photos with a usable position as GeoJSON points, each with its project's coordinates."""
    return GeoJSONResponse(photo_positions_geojson(session, district=district, project_id=project, actor=actor))


@router.get("/photos/{photo_id}", response_model=Photo, summary="照片信息与核验 / photo metadata and checks")
def get_photo(session: SessionDep, actor: PrincipalDep, photo_id: PhotoId):
    """One photo: EXIF position and time, checks and badges; 404 for an unpublished one out of the caller's scope
    (anonymous and viewers: every unpublished one; reporters: those of other districts, unless they uploaded it)."""
    return photo_dict(session, photo_id, actor=actor)


@router.put(
    "/photos/{photo_id}/location",
    response_model=Photo,
    responses=problems(409),
    summary="手动定位 / place a photo by hand",
)
def put_photo_location(
    session: SessionDep,
    settings: SettingsDep,
    actor: Uploader,
    photo_id: PhotoId,
    lon: Annotated[float, Body(ge=-180, le=180)],
    lat: Annotated[float, Body(ge=-90, le=90)],
):
    """Claim a position for a photo without usable GPS: kept beside its EXIF facts as "placed by hand, unverified"
    until a planner reviews it (PUT …/placement/review); placing again reopens the review."""
    return place_photo(session, settings=settings, actor=actor, photo_id=photo_id, lon=lon, lat=lat)


@router.delete(
    "/photos/{photo_id}/location",
    response_model=Photo,
    responses=problems(409),
    summary="撤回手动定位 / withdraw a hand placement",
)
def delete_photo_location(session: SessionDep, actor: Uploader, photo_id: PhotoId):
    """Undo the photo's hand placement while it awaits review: it gets back the placement it replaced, or none
    (the map's 撤销); audited. 409 when it has none, or once a planner has verified or rejected it."""
    return withdraw_placement(session, actor=actor, photo_id=photo_id)


@router.put(
    "/photos/{photo_id}/placement/review",
    response_model=Photo,
    responses=problems(409),
    summary="核实手动定位 / review a hand placement",
)
def put_placement_review(
    session: SessionDep,
    actor: Reviewer,
    photo_id: PhotoId,
    verdict: Annotated[Literal[PLACEMENT_VERDICTS], Body()],
    reason: Annotated[str | None, Body(max_length=500)] = None,
):
    """A planner's verdict on a hand placement: `verified` (its position checks then count), `rejected` (a reason is
    required) or `pending` again; recorded with who and when, and audited; 409 for a photo not placed by hand."""
    return review_placement(session, actor=actor, photo_id=photo_id, verdict=verdict, reason=reason)


@router.put(
    "/photos/{photo_id}/reuse/review",
    response_model=Photo,
    responses=problems(409),
    summary="判定疑似重复使用 / review a suspected reuse",
)
def put_reuse_review(
    session: SessionDep,
    actor: Reviewer,
    photo_id: PhotoId,
    verdict: Annotated[Literal[REUSE_VERDICTS], Body()],
    reason: Annotated[str | None, Body(max_length=500)] = None,
):
    """A planner's verdict on a suspected reuse: `confirmed` (it never counts as evidence) or `cleared` as fine (a
    reason is required); audited; 409 for a photo that is not flagged."""
    return review_reuse(session, actor=actor, photo_id=photo_id, verdict=verdict, reason=reason)


@router.put(
    "/photos/{photo_id}/published", response_model=Photo, summary="公开或撤回照片 / publish or withdraw a photo"
)
def put_photo_published(
    session: SessionDep, actor: Publisher, photo_id: PhotoId, published: Annotated[bool, Body(embed=True, strict=True)]
):
    """Published photos are seen by everyone who may read; unpublished ones by reporters, planners and admins only."""
    return set_published(session, actor=actor, photo_id=photo_id, published=published)


@router.get(
    "/photos/{photo_id}/{kind}",
    response_class=Response,
    responses={**files(*PHOTO_MEDIA_TYPES), 304: {"description": "未改变 / not modified (ETag)"}},
    summary="照片文件 / photo file (thumb, display, stamped, original)",
)
def get_photo_file(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: PrincipalDep,
    photo_id: PhotoId,
    kind: Literal["thumb", "display", "stamped", "original"],
):
    """The 320 px thumbnail, the 1600 px display copy (JPEG, upright, sRGB) or the original: as uploaded (with EXIF
    and GPS) for planners, admins and the reporters of its district and its uploader; everyone else gets a copy of
    the original without metadata (HEIC: the display copy) and the display copy stamped (水印) with the project, the
    checked shooting time and place (or 未核实) and the upload time. `stamped` is the stamped copy for anyone.
    404 for an unpublished photo out of the caller's scope."""
    store, key, media_type, etag = photo_file(session, settings=settings, photo_id=photo_id, kind=kind, actor=actor)
    stamped = "-stamped-" in etag
    headers = {"ETag": etag, "Cache-Control": CACHE_REVALIDATE if stamped else CACHE_FOREVER}
    if kind in ("original", "display"):  # the evidence file or the public copy, by who asks: a cache must not mix them
        headers["Vary"] = "Cookie, Authorization"
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    path = store.local_path(key)
    if path is not None:
        if not path.is_file():
            raise file_missing(photo_id)
        return FileResponse(path, media_type=media_type, headers=headers)
    try:
        chunks = store.stream(key)  # an object store's body is passed on chunk by chunk, never held whole
    except FileNotFoundError:
        raise file_missing(photo_id) from None
    return StreamingResponse(chunks, media_type=media_type, headers=headers)
