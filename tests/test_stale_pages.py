"""Built private pages whose source is gone are removed; everything else there is left alone."""

from __future__ import annotations

from pathlib import Path

from generator.stale_pages import remove_stale_private_pages


def _write(path: Path, text: str = "x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def test_only_built_pages_without_a_source_are_removed(tmp_path: Path) -> None:
    site, docs = tmp_path / "site", tmp_path / "content"
    for name in ("kept", "gone", "folder-source", "readme-source", "crowded", "gone-too"):
        _write(site / "p" / name / "index.html")
    _write(site / "p" / "crowded" / "picture.png")
    _write(site / "p" / "flat-gone.html")
    _write(site / "p" / "flat-kept.html")
    _write(site / "p" / "index.html")  # the folder's own page, not a partner's
    _write(site / "p" / "style.css")
    (site / "p" / "linked").symlink_to(site / "p" / "gone")
    _write(docs / "p" / "kept.md")
    _write(docs / "p" / "flat-kept.md")
    _write(docs / "p" / "folder-source" / "index.md")
    _write(docs / "p" / "readme-source" / "README.md")

    removed = remove_stale_private_pages(site, docs, "p")

    assert removed == ["p/flat-gone.html", "p/gone", "p/gone-too"]
    left = sorted(path.name for path in (site / "p").iterdir())
    assert left == [
        "crowded",
        "flat-kept.html",
        "folder-source",
        "index.html",
        "kept",
        "linked",
        "readme-source",
        "style.css",
    ]
    assert (site / "p" / "crowded" / "picture.png").is_file()


def test_no_sources_at_all_removes_every_built_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _write(site / "p" / "a" / "index.html")
    assert remove_stale_private_pages(site, tmp_path / "content", "p") == ["p/a"]
    assert remove_stale_private_pages(tmp_path / "nothing", tmp_path / "content", "p") == []
