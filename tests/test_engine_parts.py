"""The engine command's small parts, in process: finding an engine, dating Zensical's feeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SOURCE_DATE_EPOCH

from generator import cli, engines
from generator.engine_output import fix_feed_dates
from generator.engines import ENGINES, EngineError, locate

ZENSICAL = ENGINES["zensical"]
FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
    "<pubDate>Fri, 04 Dec 2026 10:22:14 +0000</pubDate>"
    "<lastBuildDate>Fri, 04 Dec 2026 10:22:14 +0000</lastBuildDate>"
    "<item><title>March</title><pubDate>Tue, 31 Mar 2026 00:00:00 +0000</pubDate></item>"
    "</channel></rss>"
)


def program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    os.chmod(path, 0o755)
    return path


def test_the_project_engine_venv_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    zensical = program(tmp_path / ".venv-zensical" / "bin" / "zensical")
    assert locate(ZENSICAL, tmp_path, {}) == zensical


def test_the_variable_wins_and_must_name_a_program(tmp_path: Path) -> None:
    program(tmp_path / ".venv-zensical" / "bin" / "zensical")
    elsewhere = program(tmp_path / "elsewhere" / "zensical")
    assert locate(ZENSICAL, tmp_path, {"REFERRAL_ZENSICAL": str(elsewhere)}) == elsewhere
    with pytest.raises(EngineError, match=r"REFERRAL_ZENSICAL names .*missing, which is not a program"):
        locate(ZENSICAL, tmp_path, {"REFERRAL_ZENSICAL": str(tmp_path / "missing")})


def test_a_missing_engine_names_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(EngineError, match=r"pip install -r requirements-zensical\.txt"):
        locate(ZENSICAL, tmp_path, {})


def test_feed_channel_dates_become_source_date_epoch(tmp_path: Path) -> None:
    feed = tmp_path / "feed_rss_created.xml"
    feed.write_text(FEED, encoding="utf-8")
    assert fix_feed_dates(tmp_path, {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}) == 1
    text = feed.read_text(encoding="utf-8")
    assert "<pubDate>Fri, 20 Nov 2026 00:00:00 +0000</pubDate>" in text
    assert "<lastBuildDate>Fri, 20 Nov 2026 00:00:00 +0000</lastBuildDate>" in text
    assert "<pubDate>Tue, 31 Mar 2026 00:00:00 +0000</pubDate></item>" in text  # the post's own
    assert "10:22:14" not in text
    assert fix_feed_dates(tmp_path, {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}) == 0  # already right


@pytest.mark.parametrize("command", ["build", "serve"])
def test_data_the_plugin_would_not_read_is_refused_not_silently_replaced(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`build --data other.yaml` validated other.yaml, then MkDocs' plugin built partners.yaml
    (its data_file in mkdocs.yml) and the command said it had built the site."""
    data = "newsletter: {title: T, owner: O}\npartners:\n  - {id: anne, name: Anne Ortiz}\n"
    (tmp_path / "partners.yaml").write_text(data, encoding="utf-8")
    (tmp_path / "other.yaml").write_text(data.replace("title: T", "title: Other"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: content\nplugins:\n  - referral-newsletter:\n      data_file: partners.yaml\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert cli.main([command, "--engine", "mkdocs", "--data", "other.yaml"]) == 1
    error = capsys.readouterr().err
    assert "other.yaml" in error and "data_file: partners.yaml" in error
    assert not (tmp_path / "site").exists() and not (tmp_path / "content").exists()
    # The plugin's own file, named or not, is what it builds: no refusal there.
    assert engines._require_plugin(engines.Site.at(tmp_path, data_file="./partners.yaml")) is None
