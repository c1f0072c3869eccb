"""An owner's own file where a newer version generates a page: the run stops and says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SOURCE_DATE_EPOCH, TEST_SECRET, SiteProject, fixture_text

from generator import __version__
from generator.cli import main

OWNERS_PAGE = "# Follow me\n\nMy own page, written before the generator wrote one here.\n"
ADVICE = (
    f"This version of the generator ({__version__}) writes its own file at that path: rename yours "
    "(and the links to it), or delete it to let the generator write it; then build again."
)


def _with_owners_follow_page(root: Path) -> Path:
    (root / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    page = root / "content" / "follow.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(OWNERS_PAGE, encoding="utf-8")
    return page


def test_generate_names_the_owners_page_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said only 'Move or rename them': not that this version now writes that page, nor
    that deleting it lets the generator write it."""
    page = _with_owners_follow_page(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    assert main(["generate"]) == 1
    err = capsys.readouterr().err
    assert "not created by the generator: content/follow.md." in err and ADVICE in err
    assert page.read_text(encoding="utf-8") == OWNERS_PAGE
    assert sorted(path.name for path in (tmp_path / "content").iterdir()) == ["follow.md"]


def test_mkdocs_build_says_it_too_and_deleting_the_page_lets_the_generator_write_it(
    project: SiteProject,
) -> None:
    page = _with_owners_follow_page(project.root)
    refused = project.mkdocs_build("--strict")
    assert refused.returncode != 0 and ADVICE in refused.stderr, refused.stderr
    assert page.read_text(encoding="utf-8") == OWNERS_PAGE
    page.unlink()
    built = project.mkdocs_build("--strict")
    assert built.returncode == 0, built.stderr
    assert "generated_by: referral-newsletter" in page.read_text(encoding="utf-8")
