"""The command line: exit codes, output, and that every command is documented."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    CI_ONLY,
    REPO,
    SOURCE_DATE_EPOCH,
    TEST_SECRET,
    SiteProject,
    fixture_text,
    python_on_an_ascii_path,
)

from generator import build_facts, validate
from generator.addresses import private_token
from generator.cli import _parser, main
from generator.links import read_site_config
from generator.runnable import generator_command
from generator.site_config import site_public_text


def test_check_valid_file_exits_zero_with_summary(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    result = project.generator("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("partners.yaml: valid (3 partners)")


# Valid data, and data with problems: the report of problems met the broken pipe with a
# traceback (review10).
@pytest.mark.parametrize(
    "data", [fixture_text("golden.yaml"), fixture_text("golden.yaml").replace("stage: won", "stage: signed")]
)
def test_check_piped_into_a_reader_that_stops_early_ends_quietly(project: SiteProject, data: str) -> None:
    """`check | head -1`: the reader closes the pipe before check has printed everything."""
    project.write_data(data)
    assert _check_into_a_closed_pipe(project.root, project.env()) == (1, "")


def _check_into_a_closed_pipe(folder: Path, env: dict[str, str]) -> tuple[int, str]:
    """`check` in ``folder`` printing into a pipe whose reader has gone (`| head -1` once head
    is done): its exit status and its stderr. The reading end is closed before the command
    starts, so its first line meets the broken pipe. (Closed just after the start, a test paused
    by a loaded machine let the command print into the pipe's buffer and end 0: valid data.)"""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "generator", "check"],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.PIPE,
            timeout=60,  # a bound for a stuck run, not a measure of speed
            check=False,
        )
    finally:
        os.close(writer)
    return run.returncode, run.stderr.decode()


# What `check` never uses: the renderer (Jinja2), the leak guard (icalendar, Aho-Corasick), mail
# and the other commands. Loaded with the command line, they were half of its 0.3 s (leftovers).
UNUSED_BY_CHECK = (
    "generator.render",
    "generator.guard",
    "generator.mail.run",
    "generator.cli_writes",
    "jinja2",
)


def test_check_loads_only_what_it_uses(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    script = (
        "import sys\nfrom generator.cli import main\nassert main(['check']) == 0\n"
        f"print(*[name for name in {UNUSED_BY_CHECK!r} if name in sys.modules])"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project.root,
        env=project.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == ""


def test_check_lists_referrals_due_an_update_oldest_first(project: SiteProject) -> None:
    # Two more open referrals after r-003 in the file: one quiet for longer, one for less.
    later = """
  - id: r-005
    partner: steve-hall
    prospect: Older Quiet
    introduced: 2026-02-01

  - id: r-006
    partner: anne-ortiz
    prospect: Newer Quiet
    introduced: 2026-04-01
    updates:
      - date: 2026-05-01
        stage: contacted

given:
"""
    project.write_data(fixture_text("small.yaml").replace("\ngiven:\n", later, 1))
    result = project.generator("due")
    assert result.returncode == 0, result.stderr
    listed = [line.split(": due an update: ")[1].split(",")[0] for line in result.stdout.splitlines()]
    assert listed == ["r-005 from steve-hall", "r-003 from quiet-quinn", "r-006 from anne-ortiz"]
    assert result.stdout.splitlines()[1] == (
        "partners.yaml:64:5: warning: referrals[2]: due an update: r-003 from quiet-quinn, "
        "no news for 250 days (last on 2026-03-15)"
    )
    checked = project.generator("check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[:-1] == result.stdout.splitlines()


# How compilers and linters print a located line, and so how editors' problem matchers and CI
# annotations tell a warning from an error: the word after the place.
SEVERITY = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?:(?P<severity>warning|error): )?(?P<text>.+)$"
)


def test_check_s_warnings_say_warning_after_the_place_and_its_errors_keep_the_contract(
    project: SiteProject,
) -> None:
    project.write_data(fixture_text("small.yaml"))
    warned = project.generator("check")
    warnings = [SEVERITY.match(line) for line in warned.stdout.splitlines()[:-1]]
    assert warnings and all(match and match["severity"] == "warning" for match in warnings), warned.stdout
    assert "(warning)" not in warned.stdout
    project.write_data(fixture_text("small.yaml").replace("stage: met", "stage: mett", 1))
    refused = project.generator("check")
    errors = [SEVERITY.match(line) for line in refused.stdout.splitlines()[:-1]]
    assert errors and all(match and match["severity"] is None for match in errors), refused.stdout
    assert refused.stdout.startswith("partners.yaml:42:16: referrals[0].updates[0].stage: 'mett'")


def test_check_invalid_file_exits_nonzero_and_writes_nothing(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml").replace("stage: met", "stage: mett", 1))
    result = project.generator("check", "partners.yaml")
    assert result.returncode == 1
    assert "partners.yaml:42:16: referrals[0].updates[0].stage: 'mett' is not one of" in result.stdout
    assert not (project.content / "index.md").exists()


def test_check_missing_file_is_an_error(project: SiteProject) -> None:
    result = project.generator("check", "nope.yaml")
    assert result.returncode == 1
    assert "nope.yaml:1:1: nope.yaml: cannot read the file" in result.stdout


def test_links_prints_each_partner_with_full_private_address(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    result = project.generator("links")
    assert result.returncode == 0, result.stderr
    token = private_token(TEST_SECRET.encode(), "partner", "steve-hall")
    assert f"Steve Hall\thttps://partners.example.com/p/{token}/" in result.stdout.splitlines()
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[-1].startswith("Insights for Olive Owner (yours only)\thttps://partners.example.com/p/")


@pytest.mark.parametrize(
    "address", ["partners.example.com", "javascript:alert(1)", "https://", "https://a b.com/"]
)
def test_links_refuses_a_site_address_partners_could_not_open(project: SiteProject, address: str) -> None:
    project.write_data(fixture_text("small.yaml"))
    given = project.generator("links", "--site-url", address)
    assert given.returncode == 1 and given.stdout == ""
    assert given.stderr.startswith("error: --site-url must be a full web address"), given.stderr
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("https://partners.example.com/", address), "utf-8")
    configured = project.generator("links")
    assert configured.returncode == 1 and configured.stdout == ""
    assert "site_url in " in configured.stderr and "must be a full web address" in configured.stderr


def test_epoch_changes_one_partners_address(project: SiteProject) -> None:
    project.write_data(
        fixture_text("small.yaml").replace("    public: true\n", "    public: true\n    epoch: 1\n", 1)
    )
    links = dict(line.split("\t") for line in project.generator("links").stdout.splitlines())
    assert len(links) == 4
    secret = TEST_SECRET.encode()
    assert links["Anne Ortiz"].endswith(f"/p/{private_token(secret, 'partner', 'anne-ortiz', 1)}/")
    assert links["Steve Hall"].endswith(f"/p/{private_token(secret, 'partner', 'steve-hall', 0)}/")


def test_gh_deploy_refuses_without_explicit_secret(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    env_without_secret = {"REFERRAL_SITE_SECRET": ""}
    result = project.run(str(Path(sys.executable).parent / "mkdocs"), "gh-deploy", **env_without_secret)
    assert result.returncode != 0
    assert "REFERRAL_SITE_SECRET is not set" in result.stdout + result.stderr
    assert not (project.content / "index.md").exists()


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        assert f"python -m generator {name}" in readme, name


def test_ci_runs_the_readmes_test_command() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert re.search(r"^make test\b", readme, re.MULTILINE)
    assert re.search(r"^make demo\b", readme, re.MULTILINE)
    assert "make test" in (REPO / ".ci" / "run").read_text("utf-8")


def test_guard_names_the_field_of_a_value_out_of_place_and_exits_one(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    token = private_token(TEST_SECRET.encode(), "partner", "steve-hall")
    (project.site / "p" / token).mkdir(parents=True)
    (project.site / "p" / token / "index.html").write_text("<p>SECRET-PROSPECT-DANA</p>", encoding="utf-8")
    (project.site / "index.html").write_text("<h1>Test Partner News</h1>", encoding="utf-8")
    clean = project.generator("guard")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert (
        clean.stdout.splitlines()[-1] == "Leak guard: no confidential value out of place in 2 files of site."
    )
    (project.site / "index.html").write_text("<p>SECRET-PROSPECT-DANA &amp; more</p>", encoding="utf-8")
    leaked = project.generator("guard", "site")
    assert leaked.returncode == 1
    assert leaked.stdout.splitlines()[0] == "  - referrals[0].prospect in index.html"
    assert "SECRET-PROSPECT-DANA" not in leaked.stdout + leaked.stderr


def test_guard_without_a_built_site_says_so(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    result = project.generator("guard", "nowhere")
    assert result.returncode == 1
    assert f"no built site at {project.root / 'nowhere'}: build it first, or give its folder" in result.stderr


def test_guard_without_the_secret_says_so_and_creates_none(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    (project.site).mkdir()
    result = project.generator("guard", REFERRAL_SITE_SECRET="")
    assert result.returncode == 1
    assert "no secret: set REFERRAL_SITE_SECRET to the one the pages were generated with" in result.stderr
    assert not (project.root / ".referral" / "secret").exists()


def test_the_build_log_counts_one_more_due_referral_in_the_singular(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plugin lists ten due referrals and counts the rest: "1 more referrals are" read wrong.
    Run from a folder without the project's .venv, whose hint is the short form (test_runnable_hints)."""
    from generator import plugin

    monkeypatch.chdir(tmp_path)

    referrals = "".join(
        f"  - {{id: r{n}, partner: anne, prospect: P{n}, introduced: 2026-01-{n:02d}}}\n"
        for n in range(1, 12)
    )
    text = (
        "newsletter:\n  title: T\n  owner: O\npartners:\n  - id: anne\n    name: Anne\nreferrals:\n"
        + referrals
    )
    as_of = dt.date(2026, 11, 20)
    facts = build_facts.facts_of(validate.load_text(text, "partners.yaml", as_of), as_of)
    assert facts.due_count == 11 and len(facts.due_shown) == 10
    with caplog.at_level(logging.INFO, logger=plugin.log.name):
        plugin._log_due("partners.yaml", facts)
    assert caplog.messages[-1] == (
        "partners.yaml: 1 more referral is due an update: python -m generator due lists them all"
    )


def test_links_tells_two_partners_of_the_same_name_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each line is a private link to send: with two John Smiths, the owner must see which is which."""
    (tmp_path / "partners.yaml").write_text(
        "newsletter:\n  title: T\n  owner: O\npartners:\n"
        "  - {id: john-smith, name: John Smith}\n  - {id: john-smith-cpa, name: John Smith}\n"
        "  - {id: anne, name: Anne Ortiz}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    assert main(["links", "--site-url", "https://partners.example.com/"]) == 0
    links = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    token = functools.partial(private_token, TEST_SECRET.encode(), "partner")
    assert links["John Smith (john-smith)"].endswith(f"/p/{token('john-smith')}/")
    assert links["John Smith (john-smith-cpa)"].endswith(f"/p/{token('john-smith-cpa')}/")
    assert links["Anne Ortiz"].endswith(f"/p/{token('anne')}/")  # a name of its own stays as it was


def _settings_at(config: object, address: str, where: str = "") -> list[str]:
    """The dotted names of mkdocs.yml settings whose value is an address on the site."""
    if isinstance(config, dict):
        return [
            found for key, value in config.items() for found in _settings_at(value, address, f"{where}.{key}")
        ]
    if isinstance(config, list):
        return [found for value in config for found in _settings_at(value, address, where)]
    return [where.lstrip(".")] if isinstance(config, str) and config.startswith(address) else []


def test_publishing_names_every_setting_that_holds_the_sites_address() -> None:
    """Moving the site means changing each of them: the feed's picture kept loading from
    partners.example.com after the README's one step (site_url) was followed."""
    config = read_site_config(REPO / "mkdocs.yml")
    settings = [name for name in _settings_at(config, config["site_url"]) if name != "site_url"]
    assert settings, "mkdocs.yml holds the address in settings other than site_url"
    readme = (REPO / "README.md").read_text("utf-8")
    publishing = readme[readme.index("## Publishing") : readme.index("## Moving to Zensical")]
    for name in settings:
        assert f"`{name.rsplit('.', 1)[-1]}`" in publishing, name


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "https://fallback.example/"),
        ({"SITE_URL": "https://from-env.example/"}, "https://from-env.example/"),
    ],
)
def test_links_reads_a_site_url_given_through_env_as_mkdocs_does(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    environ: dict[str, str],
    expected: str,
) -> None:
    """MkDocs' own `!ENV [VAR, default]` tag: links said the file had no site_url."""
    (tmp_path / "partners.yaml").write_text(
        "newsletter: {title: T, owner: O}\npartners:\n  - {id: anne, name: Anne Ortiz}\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nsite_url: !ENV [SITE_URL, 'https://fallback.example/']\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.delenv("SITE_URL", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert main(["links"]) == 0
    links = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert links["Anne Ortiz"].startswith(f"{expected}p/")


def test_the_readme_opens_the_demo_the_way_its_links_work() -> None:
    """With MkDocs' directory URLs (the default), a page opened from disk links to folders
    ("follow/"), which a browser shows as file listings: the demo must be opened from a server."""
    config = read_site_config(REPO / "mkdocs.yml")
    assert config.get("use_directory_urls", True)
    readme = (REPO / "README.md").read_text("utf-8")
    setup = readme[readme.index("## Set up and try it") : readme.index("## What partners see")]
    assert "Open `site/index.html`" not in setup
    assert "python3 -m http.server" in setup


def test_guard_counts_one_leak_in_one_file_in_the_singular(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>SECRET-PROSPECT-DANA</p>", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795132800")
    assert main(["guard"]) == 1
    out = capsys.readouterr().out
    assert "Leak guard: 1 confidential value out of place in 1 file (1 file read in site)." in out


@pytest.mark.parametrize(
    ("command", "summary"),
    [
        (["check"], "1 problem found; nothing was generated."),
        (["generate"], "1 problem found; nothing was generated."),
        (["due"], "1 problem found; no referral was listed."),
        (
            ["links", "--site-url", "https://partners.example.com/"],
            "1 problem found; no address was printed.",
        ),
        (["guard"], "1 problem found; the site was not scanned."),
        (["mail", "--month", "2026-03"], "1 problem found; no message was written or sent."),
    ],
)
def test_bad_data_is_refused_with_a_summary_true_for_each_command_and_on_stderr_but_for_check(
    command: list[str],
    summary: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Every command said "nothing was generated", also those that generate nothing, and printed
    # the problems on stdout: `links > links.tsv` put them in the file and showed nothing. check's
    # report is its output (as linters print theirs); every other command's is an error.
    (tmp_path / "partners.yaml").write_text(
        "newsletter: {title: T, owner: O}\npartners:\n  - {id: anne, nmae: Anne Ortiz}\n", encoding="utf-8"
    )
    (tmp_path / "site").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("REFERRAL_MAIL_FROM", "O <o@example.com>")
    assert main(command) == 1
    captured = capsys.readouterr()
    report, elsewhere = (captured.out, captured.err) if command == ["check"] else (captured.err, captured.out)
    assert elsewhere == ""
    lines = report.splitlines()
    assert lines[0].startswith("partners.yaml:3:") and "partners[0].nmae: unknown field 'nmae'" in lines[0]
    assert lines[-1] == summary


def _ascii_terminal_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m generator`` where the terminal takes ASCII only: LC_ALL=C with Python's UTF-8
    mode and locale coercion off, as on a minimal container or an old server."""
    python, checkout = python_on_an_ascii_path(tmp_path / "links")
    env = {
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "REFERRAL_SITE_SECRET": TEST_SECRET,
        "SOURCE_DATE_EPOCH": "1795132800",
        "PYTHONPATH": str(checkout),
    }
    command = [str(python), "-m", "generator", *args]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, encoding="utf-8", errors="replace", check=False
    )


def test_check_and_links_print_names_with_accents_on_an_ascii_terminal(tmp_path: Path) -> None:
    """check's report and links' list go to stdout, which Python opens strictly in the locale's
    encoding: a name with an accent ended check in a traceback and links in "error: 'ascii'
    codec can't encode" before the partner's address, under LC_ALL=C without UTF-8 mode."""
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nsite_url: https://partners.example.com/\n")
    data = "newsletter: {title: T, owner: O}\npartners:\n  - {id: zoe, name: Zoë Ørtiz, public: sí}\n"
    (tmp_path / "partners.yaml").write_text(data, encoding="utf-8")
    refused = _ascii_terminal_run(tmp_path, "check")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr, refused.stderr
    assert "partners.yaml:3:40: partners[0].public: 's\\xed' is not true or false" in refused.stdout
    (tmp_path / "partners.yaml").write_text(data.replace("sí", "true"), encoding="utf-8")
    links = _ascii_terminal_run(tmp_path, "links")
    assert links.returncode == 0, links.stderr
    token = private_token(TEST_SECRET.encode(), "partner", "zoe")
    assert f"Zo\\xeb \\xd8rtiz\thttps://partners.example.com/p/{token}/" in links.stdout.splitlines()


def test_generate_writes_into_the_docs_dir_mkdocs_yml_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project whose mkdocs.yml sets another docs_dir: generate wrote a second copy of the
    pages into content/, which MkDocs never reads, and left the real docs folder as it was."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: docs src\n", encoding="utf-8")
    (tmp_path / "docs src").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795132800")
    assert main(["generate"]) == 0
    assert capsys.readouterr().out.startswith("Generated into docs src: ")
    assert (tmp_path / "docs src" / "index.md").is_file()
    assert not (tmp_path / "content").exists()
    assert main(["generate", "--docs-dir", "elsewhere"]) == 0
    assert (tmp_path / "elsewhere" / "index.md").is_file()


def test_generate_writes_into_mkdocs_default_docs_dir_when_mkdocs_yml_names_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An mkdocs.yml without docs_dir: MkDocs (and `generator build`) read docs/, while generate
    wrote content/, a copy no build reads."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795132800")
    assert main(["generate"]) == 0
    assert capsys.readouterr().out.startswith("Generated into docs: ")
    assert (tmp_path / "docs" / "index.md").is_file()
    assert not (tmp_path / "content").exists()


def test_check_of_bad_data_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """`check | head -1` on a file with problems: the report met the closed pipe inside the
    handler of the bad data, where the broken pipe was no longer caught (two tracebacks)."""
    data = fixture_text("small.yaml").replace("stage: met", "stage: mett")
    (tmp_path / "partners.yaml").write_text(data, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1795132800"}
    assert _check_into_a_closed_pipe(tmp_path, env) == (1, "")


def test_links_and_generate_read_settings_a_mkdocs_yml_inherits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """MkDocs' INHERIT: a mkdocs.yml that takes site_url and docs_dir from a shared base file.
    links said the file had no site_url; generate wrote into content/ for no site address."""
    (tmp_path / "partners.yaml").write_text(
        "newsletter: {title: T, owner: O}\npartners:\n  - {id: anne, name: Anne Ortiz}\n", encoding="utf-8"
    )
    (tmp_path / "config").mkdir()
    base = "site_name: Base\nsite_url: https://base.example/\ndocs_dir: ../pages\ntheme: {name: material}\n"
    (tmp_path / "config" / "base.yml").write_text(base, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "INHERIT: config/base.yml\nsite_name: T\ndocs_dir: pages\ntheme: {language: fr}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795132800")
    config = read_site_config(tmp_path / "mkdocs.yml")
    assert config["theme"] == {"name": "material", "language": "fr"} and config["site_name"] == "T"
    assert main(["links"]) == 0
    links = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert links["Anne Ortiz"].startswith("https://base.example/p/")
    assert main(["generate"]) == 0
    assert "Sitemap: https://base.example/sitemap.xml" in (tmp_path / "pages" / "robots.txt").read_text(
        "utf-8"
    )


def test_commands_read_the_data_file_the_plugin_in_mkdocs_yml_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # mkdocs build reads the plugin's data_file; the commands read partners.yaml whatever it said,
    # so check, links and generate failed (or read another file), and build said to "leave out
    # --data" when none was given (review16).
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "data_file: partners.yaml" in config
    (tmp_path / "mkdocs.yml").write_text(
        config.replace("data_file: partners.yaml", "data_file: data/team.yaml")
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "team.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    for name in CI_ONLY:
        monkeypatch.delenv(name, raising=False)
    assert main(["check"]) == 0
    assert "data/team.yaml: valid" in capsys.readouterr().out
    assert main(["links"]) == 0
    assert "Anne Ortiz\thttps://partners.example.com/p/" in capsys.readouterr().out
    assert main(["generate"]) == 0
    assert (tmp_path / "content" / "index.md").is_file()
    assert main(["check", "data/team.yaml"]) == 0  # a path given is still the path read
    (tmp_path / "mkdocs.yml").write_text("site_name: [unclosed\n")  # checking the data needs none
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    assert main(["check"]) == 0


@pytest.mark.parametrize(
    ("secret", "publish", "reason"),
    [
        ("   ", "", "is empty or only whitespace"),
        ("short", "1", "is 5 characters long; it needs at least 22 (128 bits)"),
    ],
)
def test_build_with_a_secret_it_refuses_leaves_the_last_site_where_it_was(
    project: SiteProject, secret: str, publish: str, reason: str
) -> None:
    """`REFERRAL_SITE_SECRET="   " python -m generator build` failed inside MkDocs and then moved
    the last good site/ to .referral/quarantine/ as if it had leaked, telling the editor to "fix
    the data or page named above" (review41)."""
    project.write_data(fixture_text("small.yaml"))
    assert project.mkdocs_build("--strict").returncode == 0
    before = project.site_bytes()
    result = project.generator("build", REFERRAL_SITE_SECRET=secret, REFERRAL_PUBLISH=publish)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: the site secret in REFERRAL_SITE_SECRET {reason}; make one with: "
        'python3 -c "import secrets; print(secrets.token_urlsafe(32))"\n'
    )
    assert project.site_bytes() == before
    assert not (project.root / ".referral" / "quarantine").exists()


def test_a_mkdocs_yml_that_is_not_yaml_is_named_at_its_line_and_column_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`site_name: [X` printed PyYAML's five lines: 'while parsing a flow sequence in "<unicode
    string>", line 1, column 12' and so on, naming no file an editor could open (review41)."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: [X\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    for command in (["links"], ["generate"], ["mail", "--month", "2026-03"], ["build"]):
        assert main(command) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"error: {tmp_path / 'mkdocs.yml'}:2:1: not valid YAML: expected ',' or ']', but got "
            "'<stream end>' (while parsing a flow sequence at line 1, column 12); fix it there\n"
        )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mkdocs.yml", "partners.yaml"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("site_name:\tX\n", "1:11: not valid YAML: found character '\\t' that cannot start any token"),
        (
            "site_name: X\nsite_description: |#\n  x\n",
            "2:20: not valid YAML: expected chomping or indentation",
        ),
        ("site_name: X\nnav: [{a?}]\n", "2:9: not valid YAML: "),
    ],
    ids=["a tab after the colon", "a comment on a block's header", "a '?' in a flow mapping"],
)
def test_a_mkdocs_yml_mkdocs_refuses_is_refused_by_every_command(
    text: str, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """(review63) libyaml, which reads mkdocs.yml when it can, takes these where PyYAML (MkDocs'
    reader) refuses them: the commands went on with a file `mkdocs build` cannot read."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    for command in (["links"], ["generate"], ["mail", "--month", "2026-03"]):
        assert main(command) == 1
        out, err = capsys.readouterr()
        assert out == "" and err.startswith(f"error: {tmp_path / 'mkdocs.yml'}:{where}"), err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mkdocs.yml", "partners.yaml"]


def test_the_sites_public_words_are_read_as_mkdocs_reads_them(tmp_path: Path) -> None:
    """(review63) libyaml drops a byte-order mark after a comment (two files joined), so the guard
    counted 'Lunch with Dana' as the site's description, public wording it never checks for;
    MkDocs, on PyYAML's parser, reads a key '\\ufeffsite_description' it does not know."""
    config = tmp_path / "mkdocs.yml"
    config.write_text("# joined from two files\n\ufeffsite_description: Lunch with Dana\n", encoding="utf-8")
    assert site_public_text(config)[:2] == ("", "")
    assert read_site_config(config) == {"\ufeffsite_description": "Lunch with Dana"}


def _commands_row(readme: str, name: str) -> str:
    """The line of README's commands table for ``python -m generator name``."""
    rows = [line for line in readme.splitlines() if line.startswith(f"| `python -m generator {name}")]
    assert len(rows) == 1, name
    return rows[0]


def test_every_option_of_every_command_is_in_its_readme_row_and_its_help_has_examples() -> None:
    """README's table left out --data for links, guard, build and serve, -f for build and serve,
    and --out and --rate for mail; and `COMMAND --help` said neither what the command does nor
    how to run it, only its options (review41)."""
    readme = (REPO / "README.md").read_text("utf-8")
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, command in commands.items():
        row = _commands_row(readme, name)
        for action in command._actions:
            if action.dest == "help":
                continue
            written = action.option_strings or [str(action.metavar)]
            assert any(re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", row) for form in written), (
                name,
                written,
            )
        help_text = command.format_help()
        assert command.description and command.description in " ".join(help_text.split())
        examples = help_text.split("\nexamples:\n", 1)[1].splitlines()
        typed = f"  {generator_command(name)}"  # as the hints write it (test_runnable_hints.py)
        assert examples and all(line.startswith(typed) for line in examples), name
