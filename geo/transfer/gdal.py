"""GDAL locked down for untrusted files: four drivers, no network, no virtual file systems but /vsimem/.

Uploaded boundary files are opened by the GDAL that pyogrio bundles.  GDAL can do far more than read a file: an OGR
VRT names other files (/etc/passwd) or URLs (/vsicurl/…), LIBKML follows NetworkLinks, GDALG runs pipelines, the
HTTP/WFS/OAPIF drivers fetch.  So, once per process and before any upload is opened, every driver but the four
formats the app reads and writes is deregistered, every virtual file system but /vsimem/ (pyogrio's in-memory files)
is removed, and the configuration options that remain are set so that /vsicurl/ refuses every name.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from pathlib import Path

import pyogrio

log = logging.getLogger("warroom.gdal")

# format -> GDAL driver: what boundary imports read and GIS exports write, nothing else.
DRIVERS = {"geojson": "GeoJSON", "shapefile": "ESRI Shapefile", "gpkg": "GPKG", "kml": "KML"}
KEEP_FILE_SYSTEMS = ("/vsimem/",)
# Options of this GDAL (3.12) that close what a removed handler or driver might still reach.
CONFIG = {
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/nonexistent/network-access-is-disabled",  # no URL is this name
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".network-access-is-disabled",
    "GDAL_HTTP_PROXY": "http://127.0.0.1:9",  # anything that still tries HTTP goes to the discard port
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",  # a file's siblings in its folder are not looked at
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",  # no VirtualOGR/ATTACH from inside a GeoPackage
    "OGR_SQLITE_LOAD_EXTENSIONS": "",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    "LIBKML_RESOLVE_STYLE": "NO",
    "PROJ_NETWORK": "OFF",
}

_lock = threading.Lock()
_done = False


def _library() -> ctypes.CDLL | None:
    """The libgdal pyogrio is linked with (dlopen of a loaded library returns that same instance)."""
    bundled = sorted((Path(pyogrio.__file__).resolve().parent.parent / "pyogrio.libs").glob("libgdal*.so*"))
    name = str(bundled[0]) if bundled else ctypes.util.find_library("gdal")
    return ctypes.CDLL(name) if name else None


def _strings(array) -> list[str]:
    out, i = [], 0
    while array and array[i]:
        out.append(array[i].decode())
        i += 1
    return out


def lock_down() -> None:
    """Deregister every driver but DRIVERS, remove every virtual file system but /vsimem/, switch the network off."""
    global _done
    with _lock:
        if _done:
            return
        pyogrio.set_gdal_config_options(CONFIG)
        lib = _library()
        if lib is None:  # an unbundled GDAL we cannot reach: the content checks before opening still hold
            log.warning("libgdal not found: drivers and virtual file systems are not restricted")
            _done = True
            return
        lib.GDALGetDriver.restype = ctypes.c_void_p
        lib.GDALGetDriver.argtypes = [ctypes.c_int]
        lib.GDALGetDriverShortName.restype = ctypes.c_char_p
        lib.GDALGetDriverShortName.argtypes = [ctypes.c_void_p]
        lib.GDALDeregisterDriver.argtypes = [ctypes.c_void_p]
        lib.VSIGetFileSystemsPrefixes.restype = ctypes.POINTER(ctypes.c_char_p)
        lib.VSIRemovePluginHandler.argtypes = [ctypes.c_char_p]
        keep = set(DRIVERS.values())
        drivers = [lib.GDALGetDriver(i) for i in range(lib.GDALGetDriverCount())]
        for handle in drivers:
            if lib.GDALGetDriverShortName(handle).decode() not in keep:
                lib.GDALDeregisterDriver(handle)  # not destroyed: a few bytes kept, no dangling pointer
        for prefix in _strings(lib.VSIGetFileSystemsPrefixes()):
            if prefix not in KEEP_FILE_SYSTEMS:
                lib.VSIRemovePluginHandler(prefix.encode())
        _done = True


def file_systems() -> list[str]:
    """The virtual file systems this process's GDAL still knows (for the tests)."""
    lib = _library()
    if lib is None:
        return []
    lib.VSIGetFileSystemsPrefixes.restype = ctypes.POINTER(ctypes.c_char_p)
    return _strings(lib.VSIGetFileSystemsPrefixes())
