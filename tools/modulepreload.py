#!/usr/bin/env python3
"""Write <link rel="modulepreload"> for every module a page's entry scripts import statically, directly or not.

Without them the browser finds the module graph one round trip per level (the map page had 36 requests in about six
levels); with them it asks for all at once. Run after changing an import: `python3 tools/modulepreload.py`.
tests/web/test_modulepreload.py fails when a page's list is out of date.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
START = "<!-- modulepreload: tools/modulepreload.py -->"
END = "<!-- /modulepreload -->"
# Static imports and re-exports only: `import x from '…'`, `import '…'`, `export … from '…'` (not import()).
STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\s(?:[^'"();]*?\sfrom\s*)?['"]([^'"]+)['"]""", re.M)
IMPORTMAP = re.compile(r'<script type="importmap">(.*?)</script>', re.S)
ENTRY = re.compile(r'<script type="module" src="([^"]+)"></script>')


def url_to_file(url: str) -> Path:
    """The file the app serves at this URL (/vendor is web/node_modules)."""
    if url.startswith("/vendor/"):
        return WEB / "node_modules" / url.removeprefix("/vendor/")
    return WEB / url.lstrip("/")


def resolve(specifier: str, base: str, imports: dict[str, str]) -> str:
    """An import specifier as a URL path, through the page's importmap."""
    if specifier in imports:
        return imports[specifier]
    if specifier.startswith(("./", "../")):
        parts = base.rsplit("/", 1)[0].split("/")
        for part in specifier.split("/"):
            if part == "..":
                parts.pop()
            elif part != ".":
                parts.append(part)
        return "/".join(parts)
    return specifier


def module_graph(html: str) -> list[str]:
    """Every module URL the page's entry scripts import statically, in the order first met."""
    found = IMPORTMAP.search(html)
    imports = json.loads(found.group(1))["imports"] if found else {}
    seen: list[str] = []
    todo = ENTRY.findall(html)
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.append(url)
        path = url_to_file(url)
        if not path.is_file():
            continue  # vendored packages are installed by `make web`; the test installs them first
        for specifier in STATIC_IMPORT.findall(path.read_text(encoding="utf-8")):
            todo.append(resolve(specifier, url, imports))
    return seen


def preload_block(urls: list[str], indent: str = "  ") -> str:
    """The marked block of link tags."""
    lines = [START, *(f'<link rel="modulepreload" href="{url}">' for url in urls), END]
    return f"\n{indent}".join(lines)


def update(page: Path) -> bool:
    """Rewrite the page's block (or add it before the entry script); True when the file changed."""
    html = page.read_text(encoding="utf-8")
    block = preload_block(module_graph(html))
    if START in html:
        new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, html, flags=re.S)
    else:
        entry = ENTRY.search(html)
        new = html[: entry.start()] + block + "\n  " + html[entry.start() :]
    if new != html:
        page.write_text(new, encoding="utf-8")
    return new != html


def pages() -> list[Path]:
    """Every page of web/ that loads a module script."""
    return [p for p in sorted(WEB.glob("*.html")) if ENTRY.search(p.read_text(encoding="utf-8"))]


if __name__ == "__main__":
    changed = [page.name for page in pages() if update(page)]
    print("updated: " + ", ".join(changed) if changed else "up to date")
    sys.exit(0)
