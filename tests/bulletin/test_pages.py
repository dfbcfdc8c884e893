"""The bulletin's pages as an official sees them: rendered to PNG (poppler), with text read as laid out."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.usefixtures("as_planner"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (make test installs it)"),
]


def pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    source = tmp_path / "bulletin.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def render_pages(pdf: bytes, tmp_path: Path, name: str) -> list[Path]:
    """PNG pages at 60 dpi; kept in $BULLETIN_PAGES_DIR when set, to look at."""
    target = Path(os.environ.get("BULLETIN_PAGES_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(target / name)], check=True)
    return sorted(target.glob(f"{name}-*.png"))


def test_pages_render(client, tmp_path):
    pdf = client.get("/api/reports/monthly/2026-10.pdf").content
    pngs = render_pages(pdf, tmp_path, "monthly-2026-10")
    assert pngs
