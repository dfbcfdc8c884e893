"""The front end's one rule for data: it reaches the DOM as text (web/README.md, "Text, not HTML"). This scans
web/js and the pages for the ways a string becomes markup or code, so a new sink fails here before any review."""

from __future__ import annotations

import re

import pytest

from geo.settings import PROJECT_ROOT

WEB = PROJECT_ROOT / "web"
SCRIPTS = sorted((WEB / "js").glob("*.js"))
PAGES = sorted(WEB.glob("*.html"))

# pattern -> why it is refused; the fix is always a node from web/js/dom.js (h, s, fill) or map-text.js.
SINKS = {
    r"\.(innerHTML|outerHTML)\b": "parses a string as HTML",
    r"\b(insertAdjacentHTML|createContextualFragment|DOMParser|srcdoc)\b": "parses a string as HTML",
    r"\bdocument\.(write|writeln)\s*\(": "parses a string as HTML",
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\s*\(": (
        "Leaflet puts a string in as HTML: use map-text.js (hoverTooltip, clickPopup, mapLabel)"
    ),
    r"\b(html|content)\s*:(?!\s*[hs]\()": "Leaflet's html/content option parses a string: give it h(…) or s(…)",
    r"\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(": "runs a string as code",
    r"\bset(Timeout|Interval)\s*\(\s*['\"`]": "a string timer runs its string as code",
    r"setAttribute\(\s*['\"`]on": "an inline event handler is code in a string",
    r"tooltip\s*:\s*\{[^}]*formatter\s*:\s*(\(|function\b|\w+\s*=>)": (
        "an ECharts tooltip formatter's string is HTML: use a string template ('{b}: {c}'), which ECharts escapes"
    ),
}


def offences(text: str) -> list[str]:
    """'line: why' for each sink in a script's text."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("//"):
            continue
        found += [f"{n}: {why}: {line.strip()}" for pattern, why in SINKS.items() if re.search(pattern, line)]
    return found


def test_the_scan_sees_the_sinks_it_names():
    sinks = [
        "el.innerHTML = `<b>${p.name}</b>`;",
        "row.insertAdjacentHTML('beforeend', html);",
        "hover(m, () => p.name); m.bindTooltip(() => p.name);",
        "tip.setContent(name);",
        "L.divIcon({ html: '<span>' + name + '</span>' });",
        "L.tooltip({ content: name });",
        "setTimeout('go()', 10);",
        "new Function(code)();",
        "a.setAttribute('onclick', code);",
        "tooltip: { trigger: 'item', formatter: (p) => p.name },",
    ]
    assert [s for s in sinks if not offences(s)] == []
    safe = "fill(el, h('b', {}, p.name)); L.tooltip({ content: h('div') }); L.divIcon({ html: s('svg') });"
    assert offences(safe) == []


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_scripts_hand_the_dom_no_strings_as_markup(path):
    assert offences(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_carry_no_inline_code_but_their_importmap(path):
    html = path.read_text(encoding="utf-8")
    inline = re.findall(r"<script\b(?![^>]*\bsrc\s*=)([^>]*)>", html, re.I)
    assert all('type="importmap"' in attrs for attrs in inline), inline
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), "inline event handler"
    assert "javascript:" not in html.lower()
