"""Every page preloads its whole module graph, so a cold load asks for every module at once."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("modulepreload", ROOT / "tools" / "modulepreload.py")
modulepreload = importlib.util.module_from_spec(spec)
spec.loader.exec_module(modulepreload)

PAGES = modulepreload.pages()
PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')


def test_the_pages_are_found():
    names = {p.name for p in PAGES}
    assert {"index.html", "screen.html", "dashboard.html", "login.html"} <= names


def test_the_walk_follows_imports_through_the_importmap():
    graph = modulepreload.module_graph((ROOT / "web" / "index.html").read_text(encoding="utf-8"))
    assert "/js/markers.js" in graph and "/vendor/leaflet/dist/leaflet-src.esm.js" in graph


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_module_a_page_imports_is_preloaded(page):
    html = page.read_text(encoding="utf-8")
    graph = modulepreload.module_graph(html)
    preloaded = PRELOAD.findall(html)
    missing = [url for url in graph if url not in preloaded]
    assert not missing, f"run `python3 tools/modulepreload.py`: not preloaded {missing}"
    stale = [url for url in preloaded if url not in graph]
    assert not stale, f"run `python3 tools/modulepreload.py`: preloaded but not imported {stale}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_preloaded_module_exists_and_comes_after_the_importmap(page):
    html = page.read_text(encoding="utf-8")
    for url in PRELOAD.findall(html):
        assert modulepreload.url_to_file(url).is_file(), url
    if 'type="importmap"' in html:  # a module fetched before the map is read would not use it
        assert html.index('type="importmap"') < html.index('rel="modulepreload"')
