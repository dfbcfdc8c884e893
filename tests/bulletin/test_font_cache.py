"""A document's font subsets are kept under var/fonts, so a later process renders without making them again."""

from reportlab.pdfbase import pdfmetrics

from geo.bulletin import fonts


def test_a_subset_made_once_is_read_back_by_a_later_process(monkeypatch, tmp_path):
    from geo import settings as settings_module

    monkeypatch.setenv("WARROOM_VAR_DIR", str(tmp_path))
    settings_module.get_settings.cache_clear()
    try:
        name = fonts.register_cjk_font("缓存测试手册", "sans")
        cached = list((tmp_path / "fonts").glob(f"{name}-*.ttf"))
        assert len(cached) == 1 and cached[0].stat().st_size > 1000
        # A later process: nothing registered, nothing in memory; making the subset again would fail.
        pdfmetrics._fonts.pop(name, None)
        monkeypatch.setattr(fonts, "_truetype_subset", lambda *a: (_ for _ in ()).throw(AssertionError("remade")))
        assert fonts.register_cjk_font("缓存测试手册", "sans") == name
        assert name in pdfmetrics.getRegisteredFontNames()
    finally:
        settings_module.get_settings.cache_clear()


def test_the_cache_keeps_only_the_newest_subsets(tmp_path):
    import os

    for i in range(5):
        (tmp_path / f"Noto-sans-{i}.ttf").write_bytes(b"x")
        os.utime(tmp_path / f"Noto-sans-{i}.ttf", (1000 + i, 1000 + i))
    fonts._prune(tmp_path, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Noto-sans-2.ttf", "Noto-sans-3.ttf", "Noto-sans-4.ttf"]
