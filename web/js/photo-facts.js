// What a photo says about itself, read on the phone before it is queued (issue 16): its EXIF GPS position and
// DateTimeOriginal, through exifr (JPEG, HEIC and TIFF variants; web/README.md says why a library). Only shown, so a
// reporter knows before sending whether the photo will arrive with a position: the original bytes go unchanged and
// the server reads them again and judges; this reading is never sent as a claim.
import { parse } from 'exifr';

const OPTIONS = {
  ifd0: false, exif: ['DateTimeOriginal', 'OffsetTimeOriginal'], gps: true, xmp: false,
  reviveValues: false, translateValues: false,
};

/** {lat, lon, taken, offset} of a File (null where the photo has none, or exifr cannot read it). */
export async function readPhotoFacts(file) {
  let x = null;
  try { x = await parse(file, OPTIONS); } catch { /* not an image exifr knows (PNG without EXIF…): no facts */ }
  const lat = Number(x?.latitude);
  const lon = Number(x?.longitude);
  // 0, 0 is a camera without a fix, not the Gulf of Guinea.
  const usable = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && (lat !== 0 || lon !== 0);
  const taken = typeof x?.DateTimeOriginal === 'string' && /^\d{4}:\d\d:\d\d \d\d:\d\d/.test(x.DateTimeOriginal)
    ? x.DateTimeOriginal.replace(/^(\d{4}):(\d\d):(\d\d) (\d\d:\d\d).*$/, '$1-$2-$3 $4') : null;
  return {
    lat: usable ? lat : null, lon: usable ? lon : null, taken,
    offset: typeof x?.OffsetTimeOriginal === 'string' ? x.OffsetTimeOriginal : null,
  };
}
