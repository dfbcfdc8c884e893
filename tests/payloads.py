"""Hostile text for the tests that check data reaches pages as text: each piece sets window.__xss if it ever runs."""

from __future__ import annotations

PAYLOADS = (
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "`${window.__xss=1}`",
    "<script>window.__xss=1</script>",
)


def hostile(label: str, limit: int = 1000) -> str:
    """`label` followed by every payload that still fits in `limit` characters (fields have length limits)."""
    text = label
    for p in PAYLOADS:
        if len(text) + len(p) <= limit:
            text += p
    return text


def live_markup(html: str) -> list[str]:
    """The payloads found in html as markup or as a template-literal expression, i.e. not escaped."""
    return [p for p in PAYLOADS if p in html]
