"""The EXIF reader on real files: hemispheres, 0/0 rationals, GPS version only, offsets, orientation, HEIC, WebP."""

import datetime as dt
import io

import pytest
from PIL import Image

from geo.photos.exif import read_exif
from geo.photos.image import derive, sniff
from tests.photos.images import corrupt_exif_jpeg, encode, exif_bytes, jpeg, picture


def exif_of(data: bytes):
    return read_exif(Image.open(io.BytesIO(data)))


@pytest.mark.parametrize("lon,lat", [(122.1, 37.5), (-73.98, 40.75), (151.21, -33.87), (-58.38, -34.6)])
def test_gps_in_every_hemisphere(lon, lat):
    e = exif_of(jpeg(lon=lon, lat=lat))
    assert e.lon == pytest.approx(lon, abs=1e-5) and e.lat == pytest.approx(lat, abs=1e-5)


def test_zero_denominators_in_minutes_and_seconds_count_as_zero():
    gps = {1: b"N", 2: ((37, 1), (0, 0), (0, 0)), 3: b"E", 4: ((122, 1), (30, 1), (0, 0))}
    e = exif_of(encode(picture(), "JPEG", exif_bytes(gps=gps)))
    assert (e.lat, e.lon) == (37.0, 122.5)


def test_zero_denominator_degree_means_no_location():
    gps = {1: b"N", 2: ((0, 0), (0, 0), (0, 0)), 3: b"E", 4: ((0, 0), (0, 0), (0, 0))}
    e = exif_of(encode(picture(), "JPEG", exif_bytes(gps=gps)))
    assert e.lat is None and e.lon is None


def test_gps_section_with_only_a_version_number_means_no_location():
    e = exif_of(encode(picture(), "JPEG", exif_bytes(gps={0: (2, 3, 0, 0)}, taken="2026:05:01 08:00:00")))
    assert e.lat is None and e.taken_at == dt.datetime(2026, 5, 1, 8)


def test_time_with_and_without_offset_and_altitude():
    with_offset = exif_of(jpeg(taken="2026:05:03 10:11:12", offset="+08:00", lon=122, lat=37.4, altitude=-12.5))
    assert with_offset.taken_at == dt.datetime(2026, 5, 3, 10, 11, 12) and with_offset.taken_offset == "+08:00"
    assert with_offset.altitude_m == -12.5
    plain = exif_of(jpeg(taken="2026:05:03 10:11:12"))
    assert plain.taken_at == dt.datetime(2026, 5, 3, 10, 11, 12) and plain.taken_offset is None


@pytest.mark.parametrize("raw", ["0000:00:00 00:00:00", "    :  :     :  :  ", "2026:13:45 99:00:00", "garbage"])
def test_blank_or_impossible_times_mean_no_time(raw):
    assert exif_of(jpeg(taken=raw)).taken_at is None


def test_no_exif_and_corrupt_exif_give_nothing_without_raising():
    assert exif_of(jpeg()).lat is None
    e = exif_of(corrupt_exif_jpeg())
    assert e.lat is None and e.taken_at is None


@pytest.mark.parametrize("orientation", range(1, 9))
def test_derivatives_are_upright_whatever_the_orientation(orientation):
    data = jpeg(size=(800, 400), orientation=orientation)
    d = derive(data, name="o.jpg", max_pixels=10**8)
    upright = Image.open(io.BytesIO(d.display))
    expected = (400, 800) if orientation >= 5 else (800, 400)
    assert upright.size == expected == (d.width, d.height)
    # The red marker is in the top-left corner only once the photo is upright as the camera saw it.
    from PIL import ImageOps

    reference = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    corner = [(5, 5), (expected[0] - 5, 5), (5, expected[1] - 5), (expected[0] - 5, expected[1] - 5)]
    red = lambda px: px[0] > 200 and px[1] < 60  # noqa: E731
    assert [red(upright.getpixel(c)) for c in corner] == [red(reference.getpixel(c)) for c in corner]
    assert "exif" not in upright.info and max(Image.open(io.BytesIO(d.thumb)).size) == 320


@pytest.mark.parametrize("fmt,kw", [("PNG", {}), ("WEBP", {"quality": 80}), ("HEIF", {"quality": 60})])
def test_png_webp_heic_carry_gps_and_time(fmt, kw):
    data = encode(
        picture(seed=3), fmt, exif_bytes(lon=122.05, lat=37.45, taken="2026:04:30 23:59:59", offset="+08:00"), **kw
    )
    assert sniff(data[:64]) == fmt
    d = derive(data, name=f"x.{fmt.lower()}", max_pixels=10**8)
    assert d.exif.lat == pytest.approx(37.45, abs=1e-5) and d.exif.lon == pytest.approx(122.05, abs=1e-5)
    assert d.exif.taken_at == dt.datetime(2026, 4, 30, 23, 59, 59)


def test_heic_orientation_is_not_applied_twice():
    # pillow-heif turns the picture upright itself; rotating again by the EXIF tag would lay it on its side.
    data = encode(picture((800, 400)), "HEIF", exif_bytes(orientation=6), quality=60)
    d = derive(data, name="r.heic", max_pixels=10**8)
    assert Image.open(io.BytesIO(d.display)).size == (400, 800) == (d.width, d.height)


def test_embedded_colour_profile_is_handled_and_stripped():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    d = derive(encode(picture(), "JPEG", icc_profile=icc), name="p.jpg", max_pixels=10**8)
    shown = Image.open(io.BytesIO(d.display))
    assert shown.mode == "RGB" and "icc_profile" not in shown.info
