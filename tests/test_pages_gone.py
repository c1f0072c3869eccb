"""A private page that leaves its address (a partner's id renamed, an epoch raised, a partner
taken out) is named to the owner, who otherwise never learns that the link they sent now leads
to "Page not found"."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    SOURCE_DATE_EPOCH,
    TEST_SECRET,
    SiteProject,
    fixture_text,
    generate_saying,
    private_addresses,
)

from generator import engines
from generator.addresses import private_token
from generator.site_secret import gone_warning

SECRET = "kT3v-9QxLm2pW_8ZrB4nYc-gone"
OTHER = "zX8-qM4rTw7_Lp2NvB6yHc0JdK"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", SECRET)
    return tmp_path


def test_a_renamed_id_names_the_partner_whose_old_link_leads_nowhere(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The year's May: tom-ashby became thomas-ashby, generate said only "1 removed", and Tom's
    bookmarked link gave "Page not found" while the owner had no word to send him the new one."""
    first = generate_saying(data_dir, monkeypatch, capsys)
    old = private_addresses(data_dir)
    data = data_dir / "partners.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("quiet-quinn", "quinn-renamed"), encoding="utf-8"
    )
    renamed = generate_saying(data_dir, monkeypatch, capsys)
    assert "SECRET-PARTNER-QUINN" not in first
    line = next(line for line in renamed.splitlines() if "SECRET-PARTNER-QUINN" in line)
    assert line.startswith("warning: the private page of SECRET-PARTNER-QUINN is gone from its address")
    assert "Page not found" in line and "python -m generator links" in line
    assert not [address for address in old | private_addresses(data_dir) if address in renamed]
    assert "SECRET-PARTNER-QUINN" not in generate_saying(data_dir, monkeypatch, capsys)  # said once


def test_a_title_edited_by_hand_is_named_on_one_line_without_its_controls(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The name comes from the removed page's own title, which a hand edit may have changed: a
    line break in it split the warning, and its second line, '::error::…' at a line's start, is
    a workflow command to GitHub Actions; an escape drove the owner's terminal."""
    generate_saying(data_dir, monkeypatch, capsys)
    pages = (data_dir / "content" / "p").glob("*.md")
    page = next(
        page for page in pages if "\ntitle: SECRET-PARTNER-QUINN\n" in page.read_text(encoding="utf-8")
    )
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace(
            "title: SECRET-PARTNER-QUINN\n", 'title: "Quinn\\n::error::edited \\e[31mby hand\\e[0m"\n'
        ),
        encoding="utf-8",
    )
    data = data_dir / "partners.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("quiet-quinn", "quinn-renamed"), encoding="utf-8"
    )
    said = generate_saying(data_dir, monkeypatch, capsys)
    line = next(line for line in said.splitlines() if "Quinn" in line)
    assert line.startswith(
        "warning: the private page of Quinn\\n::error::edited \\x1b[31mby hand\\x1b[0m is gone from its address"
    ), said
    assert "\x1b" not in said and not [line for line in said.splitlines() if line.startswith("::")]


def test_a_new_secret_says_every_page_moved_without_naming_each_partner(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generate_saying(data_dir, monkeypatch, capsys)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", OTHER)
    rotated = generate_saying(data_dir, monkeypatch, capsys)
    assert "the site secret is not the one the last run used" in rotated
    assert "gone from" not in rotated and "Anne Ortiz" not in rotated


def test_two_raised_epochs_are_named_together(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Raising an epoch revokes a leaked link on purpose: the owner still needs the reminder to
    send the partner the new one."""
    generate_saying(data_dir, monkeypatch, capsys)
    data = data_dir / "partners.yaml"
    text = data.read_text(encoding="utf-8")
    for name in ("Anne Ortiz", "Steve Hall"):
        text = text.replace(f"    name: {name}\n", f"    name: {name}\n    epoch: 1\n")
    data.write_text(text, encoding="utf-8")
    said = generate_saying(data_dir, monkeypatch, capsys)
    assert "warning: the private pages of Anne Ortiz and Steve Hall are gone from their addresses" in said, (
        said
    )


def test_a_throwaway_preview_names_nobody(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI's preview keys each run's pages with a new throwaway secret: its addresses were never
    sent to anyone, so nobody is named (the first try named every partner, and 'Referral insights')."""
    monkeypatch.delenv("REFERRAL_SITE_SECRET")
    monkeypatch.setenv("CI", "1")
    monkeypatch.setenv("REFERRAL_PREVIEW", "1")
    generate_saying(data_dir, monkeypatch, capsys)
    assert "gone from" not in generate_saying(data_dir, monkeypatch, capsys)
    monkeypatch.delenv("CI")
    monkeypatch.delenv("REFERRAL_PREVIEW")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", SECRET)  # back to the real one: no page of it was sent yet
    assert "gone from" not in generate_saying(data_dir, monkeypatch, capsys)


def test_mkdocs_build_names_a_renamed_partner_and_a_strict_build_passes(
    project: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The year's May read end to end: the old address is gone from the site (its link shows the
    site's 404 page), the new one is built, and the build's log tells the owner whom to send it."""
    monkeypatch.chdir(project.root)  # the hint names the command as typed from there
    data = project.write_data(fixture_text("small.yaml"))
    assert project.mkdocs_build("--strict").returncode == 0
    data.write_text(
        data.read_text(encoding="utf-8").replace("quiet-quinn", "quinn-renamed"), encoding="utf-8"
    )
    renamed = project.mkdocs_build("--strict")
    log = renamed.stdout + renamed.stderr
    assert renamed.returncode == 0, log
    assert "the private page of SECRET-PARTNER-QUINN is gone from its address" in log
    old, new = (
        private_token(TEST_SECRET.encode(), "partner", pid) for pid in ("quiet-quinn", "quinn-renamed")
    )
    assert not (project.site / "p" / old).exists() and (project.site / "p" / new / "index.html").is_file()
    assert old not in log and new not in log
    assert "Page not found" in (project.site / "404.html").read_text(encoding="utf-8")


def test_the_engines_generation_names_a_renamed_partner_too(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m generator build --engine zensical` (and its serve) generate without the plugin."""
    (data_dir / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: content\nplugins:\n  - referral-newsletter\n", encoding="utf-8"
    )
    site = engines.Site.at(data_dir)
    environ = {"REFERRAL_SITE_SECRET": SECRET, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    engines._generate(site, environ)
    data = data_dir / "partners.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("quiet-quinn", "quinn-renamed"), encoding="utf-8"
    )
    capsys.readouterr()
    engines._generate(site, environ)
    assert (
        "warning: the private page of SECRET-PARTNER-QUINN is gone from its address"
        in capsys.readouterr().err
    )


def test_a_big_clean_up_stays_one_line_with_five_names() -> None:
    said = gone_warning([f"Partner {n}" for n in "GFEDCBA"])
    assert said.startswith(
        "the private pages of Partner A, Partner B, Partner C, Partner D, Partner E and 2 more are"
    )
    assert "\n" not in said and "Partner F" not in said


def test_the_names_are_listed_as_a_reader_counts() -> None:
    said = gone_warning([f"Partner {n}" for n in (10, 2, 1)])
    assert said.startswith("the private pages of Partner 1, Partner 2 and Partner 10 are gone")
