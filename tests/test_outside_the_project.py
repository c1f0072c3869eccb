"""Commands run from another folder than the project's, as README's PATH and --data allow
(review36)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import REPO, TEST_SECRET, fixture_text

from generator import engines, unchecked_site
from generator.cli import main


def test_links_run_outside_the_project_makes_no_secret_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """From a folder with no mkdocs.yml, links made a new secret there and printed addresses
    keyed by it, which lead to no page of the site (whose secret is in its own folder)."""
    data = tmp_path / "project" / "partners.yaml"
    data.parent.mkdir()
    data.write_text(fixture_text("small.yaml"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("REFERRAL_SITE_SECRET", raising=False)
    assert main(["links", "--data", str(data), "--site-url", "https://partners.example.com/"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "REFERRAL_SITE_SECRET" in err
    assert list(elsewhere.iterdir()) == []


def test_guard_run_outside_the_project_says_where_the_secret_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`guard ../project/site --data ../project/partners.yaml` from another folder said only
    "no secret: set REFERRAL_SITE_SECRET …", though the secret was in the project's .referral/."""
    project = tmp_path / "project"
    (project / "site").mkdir(parents=True)
    (project / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("REFERRAL_SITE_SECRET", raising=False)
    assert main(["guard", str(project / "site"), "--data", str(project / "partners.yaml")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: no secret: set REFERRAL_SITE_SECRET to the one the pages were generated with, "
        "or run guard in the project's folder\n"
    )
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("with_mkdocs_yml", [True, False])
def test_guard_run_outside_the_project_quarantines_a_leaking_site_in_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], with_mkdocs_yml: bool
) -> None:
    """`guard ../project/site --data ../project/partners.yaml` from another folder, the secret
    set, moved a leaking site into that folder's new .referral/quarantine/, away from the
    project's own (review45)."""
    project = tmp_path / "project"
    (project / "site").mkdir(parents=True)
    (project / "site" / "index.html").write_text("<p>SECRET-PROSPECT-DANA</p>", encoding="utf-8")
    (project / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    if with_mkdocs_yml:
        (project / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    assert main(["guard", str(project / "site"), "--data", str(project / "partners.yaml")]) == 1
    quarantined = project / ".referral" / "quarantine" / "site"
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"The built site was moved out of {project / 'site'} to {quarantined} so no deploy step "
        "publishes it; fix the data or page named above and build again (delete the quarantine "
        "folder when done)."
    )
    assert (quarantined / "index.html").is_file()
    assert list(elsewhere.iterdir()) == []


def test_guard_run_outside_the_project_reads_the_public_words_of_the_site_s_mkdocs_yml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A site named after a value the data keeps private (here a hidden partner's company) passes
    guard in the project's folder, as site_name is public; run from another folder, guard read no
    mkdocs.yml, called the header a leak and moved the site away (review45)."""
    project = tmp_path / "project"
    (project / "site").mkdir(parents=True)
    (project / "site" / "index.html").write_text("<h1>SECRET-COMPANY-QUINN</h1>", encoding="utf-8")
    (project / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: SECRET-COMPANY-QUINN\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    for here in (project, elsewhere):
        monkeypatch.chdir(here)
        assert main(["guard", str(project / "site"), "--data", str(project / "partners.yaml")]) == 0, here
        assert capsys.readouterr().out == (
            f"Leak guard: no confidential value out of place in 1 file of {project / 'site'}.\n"
        )


# yaml: read by every command; ahocorasick_rs: only by the leak guard, imported when `guard` runs.
@pytest.mark.parametrize(("command", "package"), [("check", "yaml"), ("guard", "ahocorasick_rs")])
def test_a_python_without_the_packages_says_how_to_run_instead_of_a_traceback(
    tmp_path: Path, command: str, package: str
) -> None:
    """README's table reads `python -m generator check`; the system's Python, without the
    pinned packages, printed a traceback ending in ModuleNotFoundError."""
    without = f"import runpy, sys; sys.modules['{package}'] = None; runpy.run_module('generator', run_name='__main__')"
    result = subprocess.run(
        [sys.executable, "-c", without, command],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: this Python lacks the package '{package}': run .venv/bin/python -m generator … "
        "(make demo creates .venv), or first: python -m pip install -r requirements.txt\n"
    )


@pytest.mark.parametrize(
    ("command", "fix"),
    [
        # build and serve take -f (review41: they said only to run in the project's folder).
        (["build"], "; run the command in the project's folder, or name its mkdocs.yml with -f FILE"),
        (["serve"], "; run the command in the project's folder, or name its mkdocs.yml with -f FILE"),
        (["build", "-f", "site/mkdocs.yml"], "; check the path given with -f"),
        (["links"], " (run the command in the project's folder)"),
    ],
)
def test_a_command_run_outside_the_project_says_where_to_run_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    fix: str,
) -> None:
    """It said "cannot read …/mkdocs.yml: [Errno 2] No such file or directory: '…/mkdocs.yml'"."""
    monkeypatch.chdir(tmp_path)
    assert main(command) == 1
    config = tmp_path / command[-1] if "-f" in command else tmp_path / "mkdocs.yml"
    assert capsys.readouterr().err == f"error: cannot read {config}: there is no such file{fix}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_build_with_f_from_another_folder_is_the_project_of_that_mkdocs_yml(tmp_path: Path) -> None:
    """MkDocs and the plugin read docs_dir, site_dir, the data and .referral/ beside mkdocs.yml;
    `python -m generator build -f ../site/mkdocs.yml` took them from the current folder, so the
    Zensical path guarded (and would quarantine) a site/ where nothing was built, and a killed
    build's mark was looked for in the wrong .referral/."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = engines.Site.at(elsewhere, str(project / "mkdocs.yml"))
    assert site.root == project
    assert site.site_dir == project / "site"
    assert site.project.docs_dir == project / "content"
    assert site.project.data_file == project / "partners.yaml"
    assert site.project.state_dir == project / ".referral"
    # --data is a path as typed, from the current folder.
    assert engines.Site.at(elsewhere, str(project / "mkdocs.yml"), "mine.yaml").project.data_file == (
        elsewhere / "mine.yaml"
    )


HERE_IS_NOT_THE_PROJECT = (
    "run the command in the project's folder (where mkdocs.yml is), or give the data file's path with"
)


@pytest.mark.parametrize(
    ("command", "how", "summary", "on_stdout"),
    [
        (["check"], "python -m generator check PATH", "nothing was generated", True),
        (["due"], "python -m generator due PATH", "no referral was listed", False),
        (["generate"], "--data PATH", "nothing was generated", False),
        (
            ["links", "--site-url", "https://partners.example.com/"],
            "--data PATH",
            "no address was printed",
            False,
        ),
        (["mail", "--month", "2026-03"], "--data PATH", "no message was written or sent", False),
    ],
)
def test_a_command_run_outside_the_project_says_where_it_looked_for_the_data(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    how: str,
    summary: str,
    on_stdout: bool,
) -> None:
    """From the parent folder or $HOME each said only "partners.yaml: cannot read the file: No
    such file or directory": not where it looked, nor how to point it at the file (review41)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    assert main(command) == 1
    out, err = capsys.readouterr()
    report, other = (out, err) if on_stdout else (err, out)
    assert other == ""
    assert report == (
        "partners.yaml:1:1: partners.yaml: cannot read the file: No such file or directory "
        f"({tmp_path / 'partners.yaml'}); {HERE_IS_NOT_THE_PROJECT} {how}\n1 problem found; {summary}.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_data_file_given_that_is_missing_or_a_folder_is_named_with_its_whole_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check ../partners.yaml` from content/ with a typo, or `--data ..` (the folder): only
    "cannot read the file: Is a directory", with the path as typed (review41)."""
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path / "content")
    assert main(["check", "../partner.yaml"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "../partner.yaml:1:1: partner.yaml: cannot read the file: No such file or directory "
        f"({tmp_path / 'partner.yaml'}); check the path (it is taken from the current folder)"
    )
    assert main(["links", "--data", "..", "--site-url", "https://partners.example.com/"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"..:1:1: ..: cannot read the file: Is a directory ({tmp_path}); that is a folder: give the "
        "data file's own path with --data PATH"
    )
    assert sorted(tmp_path.rglob("*")) == [tmp_path / "content"]


def test_the_data_file_mkdocs_yml_names_and_that_is_missing_says_how_to_name_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - referral-newsletter:\n      data_file: data/partners.yaml\n", "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "data/partners.yaml:1:1: partners.yaml: cannot read the file: No such file or directory "
        f"({tmp_path / 'data' / 'partners.yaml'}); create it, or give the data file's path with "
        "python -m generator check PATH (or as data_file in mkdocs.yml)"
    )


def test_generate_with_data_from_another_folder_writes_no_site_and_no_secret_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`generate --data ../elsewhere/partners.yaml` from a folder with no mkdocs.yml wrote
    content/ and a new .referral/secret there, printing "Generated into content" as if all was
    well; from the project's content/ folder it wrote content/content/ (review41)."""
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\n", encoding="utf-8")
    monkeypatch.delenv("REFERRAL_SITE_SECRET", raising=False)
    for here, data in (
        (tmp_path / "random", "../project/partners.yaml"),
        (project / "content", "../partners.yaml"),
    ):
        here.mkdir(exist_ok=True)
        monkeypatch.chdir(here)
        assert main(["generate", "--data", data]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"error: {here} has no mkdocs.yml and the data file is in {project}, so this is not the "
            "project's folder; generate writes content/ and .referral/ (the site secret) into the "
            f"folder it runs in, so it wrote nothing: run it in the project's folder (cd {project})\n"
        )
        assert list(here.iterdir()) == []
    assert sorted(path.name for path in project.iterdir()) == ["content", "mkdocs.yml", "partners.yaml"]


def test_a_data_file_the_user_may_not_read_says_so_and_what_to_do() -> None:
    """chmod 000 partners.yaml: only "cannot read the file: Permission denied" (review41). Root
    reads any file, so the command runs as nobody there, in a folder nobody may enter."""
    folder = Path(tempfile.mkdtemp(prefix="r41-unreadable-"))
    try:
        folder.chmod(0o755)
        data = folder / "partners.yaml"
        data.write_text(fixture_text("small.yaml"), encoding="utf-8")
        data.chmod(0)
        as_nobody = (
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        )
        result = subprocess.run(
            [*as_nobody, sys.executable, "-m", "generator", "check"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 1, result.stderr
        assert result.stdout == (
            f"partners.yaml:1:1: partners.yaml: cannot read the file: Permission denied ({data}); your "
            "user may not read it: make it readable (chmod u+r, as its owner)\n"
            "1 problem found; nothing was generated.\n"
        )
        assert sorted(folder.iterdir()) == [data]
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("command", ["build", "serve"])
def test_a_build_with_f_from_a_subfolder_names_the_project_s_files_without_dot_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """`python -m generator build -f ../mkdocs.yml` from content/ said ".../content/../mkdocs.yml",
    and "Built .../content/../site/" or "moved out of .../content/../site" (review41)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\n", encoding="utf-8")
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "content")
    assert main([command, "-f", "../mkdocs.yml"]) == 1
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'mkdocs.yml'} does not list the referral-newsletter plugin\n"
    )


def test_a_build_from_another_folder_says_where_it_looked_for_the_data_after_moving_a_killed_build_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`build -f ../project/mkdocs.yml` with no partners.yaml there said "partners.yaml: cannot
    read the file", as if it had looked in the current folder (review41)."""
    project = tmp_path / "project"
    (project / "site").mkdir(parents=True)
    (project / "site" / "index.html").write_text("<p>unchecked</p>", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - referral-newsletter\n", encoding="utf-8")
    unchecked_site.note_unchecked(project / ".referral", project / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    assert main(["build", "-f", "../project/mkdocs.yml"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[1:] == [
        f"partners.yaml:1:1: partners.yaml: cannot read the file: No such file or directory "
        f"({project / 'partners.yaml'}); create it, or name another as data_file in {project / 'mkdocs.yml'}",
        "1 problem found; nothing was generated or built.",
    ]
    # As README promises: what a killed build left is moved aside even when the build then stops.
    assert err.splitlines()[0].startswith(f"warning: the last build into {project / 'site'} ended before")
    assert not (project / "site" / "index.html").exists()
    assert list(elsewhere.iterdir()) == []
