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


def test_the_maps_controls_are_asked_for_with_their_own_imports():
    # app.js loads the controls after the first markers with one import() each; a module only they import, left out
    # of that list, would be found one round trip later.
    html = (ROOT / "web" / "index.html").read_text(encoding="utf-8")
    app = (ROOT / "web" / "js" / "app.js").read_text(encoding="utf-8")
    block = re.search(r"const loadControls = \(\) => Promise\.all\(\[(.*?)\]\);", app, re.S).group(1)
    listed = {"/js/" + name.removeprefix("./") for name in re.findall(r"import\('([^']+)'\)", block)}
    assert {"/js/filters.js", "/js/panel.js"} <= listed
    importmap = modulepreload.IMPORTMAP.search(html).group(0)
    entries = "".join(f'<script type="module" src="{url}"></script>' for url in sorted(listed))
    needed = set(modulepreload.module_graph(importmap + entries))
    unlisted = needed - set(modulepreload.module_graph(html)) - listed
    assert not unlisted, f"add to loadControls in web/js/app.js: {sorted(unlisted)}"
