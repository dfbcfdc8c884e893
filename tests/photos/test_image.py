"""What decoding a photo costs in memory: the budget's estimate covers it, and it goes back to the system."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from geo.photos.image import decode_cost
from geo.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def measure(fmt: str, mode: str, megapixels: float, copies: int = 1) -> dict:
    """Derive the image in a fresh interpreter (this one's peak is the test run's) and read its RSS figures."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.photos.peak", fmt, mode, str(megapixels), str(copies)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [
        ("JPEG", "RGB"),
        ("HEIF", "RGB"),
        ("PNG", "RGB"),
        ("PNG", "RGBA"),
        ("PNG", "P"),
        ("PNG", "PT"),
        ("PNG", "L"),
        ("WEBP", "RGB"),
        ("WEBP", "RGBA"),
    ],
)
def test_the_decode_budget_estimate_covers_the_measured_peak(fmt, mode):
    got = measure(fmt, mode, 12)
    assert got["peak"] <= got["estimate"], got
    assert got["estimate"] <= 2.5 * got["peak"] + 32, got  # not so generous that ordinary photos wait for nothing


def test_a_60_megapixel_png_bomb_decodes_within_300_mb_and_gives_it_back():
    got = measure("PNG", "RGB", 60, copies=3)
    assert got["peak"] < 300, got
    # Each upload runs in a worker thread; what one thread freed must not stay resident in its own malloc arena.
    assert got["left"] < 40, got


def test_the_default_budget_takes_a_48_megapixel_iphone_heic_but_not_two_60_megapixel_pngs_at_once():
    total = Settings().photo_decode_memory_mb * 2**20
    heic = SimpleNamespace(size=(8064, 6048), mode="RGB", info={})  # an iPhone's 48 MP "HEIF Max"
    png = SimpleNamespace(size=(7745, 7745), mode="RGB", info={})
    assert decode_cost(heic, "HEIF") <= total
    assert 2 * decode_cost(png, "PNG") > total  # so parallel bombs decode one at a time
