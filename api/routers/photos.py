"""Site photos: upload, metadata, files with ETags, per project, the district photo wall and camera positions."""

from typing import Annotated, Literal

from fastapi import APIRouter, Body, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response

from api.deps import PrincipalDep, SessionDep, SettingsDep, require
from api.errors import problems
from api.params import MAX_ID, DistrictQuery, MonthQuery, PhotoId, ProjectId, month_query
from api.responses import FEATURE_COLLECTION, GeoJSONResponse, documented, files
from api.schemas import Photo, PhotosUploaded, PhotoWall, ProjectPhotos
from geo.accounts.principal import Principal
from geo.enums import PHOTO_FORMATS, Permission
from geo.files import JPEG, Upload
from geo.photos.queries import photo_dict, photo_file, photo_positions_geojson, photo_wall, project_photos
from geo.photos.review import place_photo, set_published
from geo.photos.upload import add_photos

router = APIRouter(prefix="/api", tags=["photos"], dependencies=[require(Permission.read_public)])
Uploader = Annotated[Principal, require(Permission.upload_photos)]
Publisher = Annotated[Principal, require(Permission.publish_photos)]

UPLOAD_RESPONSES = problems(409, 413, 415, 429)
PHOTO_MEDIA_TYPES = sorted({mime for mime, _ in PHOTO_FORMATS.values()} | {JPEG})
# A photo id's files never change (content-addressed); private, so no shared cache keeps serving a withdrawn photo.
CACHE_FOREVER = "private, max-age=31536000, immutable"


def _read(files: list[UploadFile], limit: int) -> list[Upload]:
    # Bigger than the limit: don't read it into memory, let the domain refuse it by its size.
    return [Upload(f.filename or "photo", f.file.read(limit + 1), f.content_type or "") for f in files]


# Sync handlers run in the threadpool, so decoding never blocks the event loop.
@router.post(
    "/projects/{project_id}/photos",
    status_code=201,
    response_model=PhotosUploaded,
    responses=UPLOAD_RESPONSES,
    summary="上传现场照片 / upload site photos",
)
def upload_photos(
    session: SessionDep,
    settings: SettingsDep,
    actor: Uploader,
    project_id: ProjectId,
    files: Annotated[list[UploadFile], File(description="JPEG, PNG, WebP or HEIC photos")],
    caption: Annotated[str | None, Form(max_length=500)] = None,
    month: Annotated[
        str | None, Form(max_length=7, description="reporting month YYYY-MM (default: this month)")
    ] = None,
):
    """Store photos with their EXIF position and time, checked against the project; 409 for a file already stored."""
    uploads = _read(files, settings.photo_max_bytes)
    photos = add_photos(
        session,
        settings=settings,
        project_id=project_id,
        uploads=uploads,
        caption=caption or None,
        month=month_query(month),
        actor=actor,
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
    """Place a photo that has no usable GPS; its checks are run again and it is flagged "placed by hand"."""
    return place_photo(session, settings=settings, actor=actor, photo_id=photo_id, lon=lon, lat=lat)


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
    summary="照片文件 / photo file (thumb, display, original)",
)
def get_photo_file(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: PrincipalDep,
    photo_id: PhotoId,
    kind: Literal["thumb", "display", "original"],
):
    """The 320 px thumbnail, the 1600 px display copy (JPEG, upright, sRGB) or the original: as uploaded (with EXIF
    and GPS) for planners, admins and the reporters of its district; else a copy without metadata (HEIC: the display
    copy). 404 for an unpublished photo out of the caller's scope."""
    path, media_type, etag = photo_file(session, settings=settings, photo_id=photo_id, kind=kind, actor=actor)
    headers = {"ETag": etag, "Cache-Control": CACHE_FOREVER}
    if kind == "original":  # the evidence file or the public copy, by who asks: a cache must not mix them up
        headers["Vary"] = "Cookie, Authorization"
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers)
