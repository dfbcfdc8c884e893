"""The map page preloads its whole module graph, so a cold load asks for every module at once."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("modulepreload", ROOT / "tools" / "modulepreload.py")
modulepreload = importlib.util.module_from_spec(spec)
spec.loader.exec_module(modulepreload)


def test_every_module_the_map_page_imports_is_preloaded():
    html = (ROOT / "web" / "index.html").read_text(encoding="utf-8")
    graph = modulepreload.module_graph(html)
    assert "/js/markers.js" in graph and "/vendor/leaflet/dist/leaflet-src.esm.js" in graph  # the walk follows imports
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    missing = [url for url in graph if url not in preloaded]
    assert not missing, f"run `python3 tools/modulepreload.py`: not preloaded {missing}"
    stale = [url for url in preloaded if url not in graph]
    assert not stale, f"run `python3 tools/modulepreload.py`: preloaded but not imported {stale}"


def test_every_preloaded_module_exists():
    html = (ROOT / "web" / "index.html").read_text(encoding="utf-8")
    for url in re.findall(r'<link rel="modulepreload" href="([^"]+)">', html):
        assert modulepreload.url_to_file(url).is_file(), url
