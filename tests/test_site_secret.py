"""The site secret: weak ones refused, nothing created by a refused run, no throwaway secret in CI."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import sys
from email.headerregistry import Address
from pathlib import Path

import pytest
from conftest import (
    REPO,
    TEST_SECRET,
    SiteProject,
    fixture_text,
    generate_saying,
    private_addresses,
    python_on_an_ascii_path,
    unwritable,
)

from generator import project as pipeline
from generator.addresses import private_token
from generator.cli import main
from generator.mail.compose import Edition
from generator.models import Newsletter
from generator.render import SiteLayout
from generator.site_secret import (
    HOW_TO_MAKE,
    UNBUILT_LINKS_WARNING,
    MissingSecret,
    WeakSecret,
    moved_warning,
    resolve_secret,
    weakness,
)
from generator.views import Month

STRONG = "kT3v-9QxLm2pW_8ZrB4nYc"  # 22 characters, as many distinct ones
WEAK = {
    "empty": "",
    "blank": "  \t ",
    "one letter": "a",
    "21 characters": STRONG[:21],
    "repetitive": "abababababababababababababab",
}
NO_SECRET = {"REFERRAL_SITE_SECRET": ""}


@pytest.mark.parametrize("text", list(WEAK.values()), ids=list(WEAK))
def test_a_weak_secret_file_is_refused_saying_how_to_make_one(tmp_path: Path, text: str) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(WeakSecret) as refused:
        resolve_secret(NO_SECRET, secret_file)
    assert str(secret_file) in str(refused.value) and HOW_TO_MAKE in str(refused.value)


@pytest.mark.parametrize("text", [v for v in WEAK.values() if v], ids=[k for k, v in WEAK.items() if v])
@pytest.mark.parametrize(
    ("environ", "how"),
    [({}, "publishing"), ({}, "sends_addresses"), ({"REFERRAL_PUBLISH": "1", "CI": "true"}, "")],
    ids=["publishing", "links", "a build that is deployed"],
)
def test_a_weak_secret_in_the_environment_is_refused_where_addresses_leave_the_machine(
    tmp_path: Path, text: str, environ: dict[str, str], how: str
) -> None:
    flags = {how: True} if how else {}
    with pytest.raises(WeakSecret, match="REFERRAL_SITE_SECRET"):
        resolve_secret({**environ, "REFERRAL_SITE_SECRET": text}, tmp_path / "secret", **flags)


@pytest.mark.parametrize("text", ["a", STRONG[:21], "abababababababababababababab"])
@pytest.mark.parametrize(
    "environ", [{}, {"CI": "true"}, {"GITHUB_ACTIONS": "true"}], ids=["preview", "CI", "GitHub Actions"]
)
def test_a_weak_secret_in_the_environment_is_only_a_warning_where_nothing_is_published(
    tmp_path: Path, text: str, environ: dict[str, str]
) -> None:
    """A test or pull-request build in CI publishes nothing, like a local preview: DESIGN.md asks
    only that the secret come from REFERRAL_SITE_SECRET, and a suite run in CI may use a short one."""
    found = resolve_secret({**environ, "REFERRAL_SITE_SECRET": text}, tmp_path / "secret")
    assert found.value == text.encode()
    assert found.warning is not None and "refused for publishing" in found.warning
    assert "REFERRAL_PUBLISH=1" in found.warning and HOW_TO_MAKE in found.warning


def test_a_blank_secret_in_the_environment_is_refused_even_for_a_preview(tmp_path: Path) -> None:
    with pytest.raises(WeakSecret, match="empty or only whitespace"):
        resolve_secret({"REFERRAL_SITE_SECRET": "  \t "}, tmp_path / "secret")


def test_a_strong_secret_is_used_as_given(tmp_path: Path) -> None:
    found = resolve_secret({"REFERRAL_SITE_SECRET": f" {STRONG}\n"}, tmp_path / "secret", publishing=True)
    assert (found.value, found.origin) == (STRONG.encode(), "environment")
    (tmp_path / "secret").write_text(STRONG + "\n", encoding="utf-8")
    assert resolve_secret(NO_SECRET, tmp_path / "secret").value == STRONG.encode()


def test_a_new_secret_is_written_only_when_kept(tmp_path: Path) -> None:
    secret_file = tmp_path / ".referral" / "secret"
    made = resolve_secret(NO_SECRET, secret_file)
    assert made.origin == "created" and not secret_file.parent.exists()
    made.keep()
    assert secret_file.read_bytes() == made.value + b"\n"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert resolve_secret(NO_SECRET, secret_file).value == made.value


@pytest.mark.parametrize("ci", [{"CI": "true"}, {"GITHUB_ACTIONS": "true"}, {"CI": "1"}], ids=str)
def test_ci_refuses_to_invent_a_secret(tmp_path: Path, ci: dict[str, str]) -> None:
    with pytest.raises(MissingSecret, match="REFERRAL_PREVIEW=1"):
        resolve_secret({**NO_SECRET, **ci}, tmp_path / "secret")
    assert not (tmp_path / "secret").exists()


def test_ci_with_an_explicit_preview_gets_a_throwaway_secret_never_stored(tmp_path: Path) -> None:
    found = resolve_secret({"CI": "true", "REFERRAL_PREVIEW": "1"}, tmp_path / "secret")
    assert found.origin == "throwaway" and len(found.value) >= 22
    found.keep()
    assert not (tmp_path / "secret").exists()


def test_a_preview_gives_no_addresses_to_send(tmp_path: Path) -> None:
    """`links` in CI with REFERRAL_PREVIEW=1 printed addresses keyed by a throwaway secret,
    which lead to no page anywhere."""
    with pytest.raises(MissingSecret, match="REFERRAL_SITE_SECRET is not set"):
        resolve_secret({"CI": "true", "REFERRAL_PREVIEW": "1"}, tmp_path / "secret", sends_addresses=True)
    assert not (tmp_path / "secret").exists()


def test_ci_false_is_not_ci(tmp_path: Path) -> None:
    assert resolve_secret({"CI": "false"}, tmp_path / "secret").origin == "created"


def test_no_object_holding_the_secret_shows_it() -> None:
    layout = SiteLayout(as_of=dt.date(2026, 1, 1), secret=TEST_SECRET.encode())
    newsletter = Newsletter(title="T", owner="O")
    sent = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    sender = Address(addr_spec="owner@x.example")
    edition = Edition(newsletter, Month(2026, 1), sender, sent, "https://x.example/", TEST_SECRET.encode())
    found = resolve_secret({"REFERRAL_SITE_SECRET": TEST_SECRET}, Path("unused"))
    for holder in (layout, edition, found):
        assert "secret-for-private" not in repr(holder), type(holder).__name__
        assert "secret-for-private" not in str(holder), type(holder).__name__


# --- whole commands, as an editor or CI runs them --------------------------------------------


def _mkdocs(project: SiteProject, **env: str) -> tuple[int, str]:
    result = project.run(str(Path(sys.executable).parent / "mkdocs"), "build", **env)
    return result.returncode, result.stdout + result.stderr


def _state(project: SiteProject) -> list[str]:
    """Every file and folder the project holds: a refused run must leave it as it was."""
    return sorted(str(path.relative_to(project.root)) for path in project.root.rglob("*"))


def test_a_build_refused_for_bad_data_creates_no_secret(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml").replace("stage: met", "stage: mett", 1))
    before = _state(project)
    code, output = _mkdocs(project, **NO_SECRET)
    assert code != 0 and "'mett' is not one of" in output
    assert _state(project) == before


def test_a_build_refused_for_a_foreign_file_creates_no_secret(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    (project.content / "index.md").write_text("mine\n", encoding="utf-8")
    before = _state(project)
    result = project.generator("generate", **NO_SECRET)
    assert result.returncode != 0 and "index.md" in result.stderr
    assert _state(project) == before


@pytest.mark.parametrize("text", ["", "short"], ids=["empty", "short"])
def test_a_build_with_a_weak_secret_file_is_refused_and_writes_nothing(
    project: SiteProject, text: str
) -> None:
    project.write_data(fixture_text("small.yaml"))
    (project.root / ".referral").mkdir()
    (project.root / ".referral" / "secret").write_text(text, encoding="utf-8")
    before = _state(project)
    code, output = _mkdocs(project, **NO_SECRET)
    assert code != 0 and ".referral/secret" in output and "token_urlsafe" in output
    assert "Traceback" not in output
    assert _state(project) == before


def test_a_local_build_creates_the_secret_and_says_so(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    code, output = _mkdocs(project, **NO_SECRET)
    assert code == 0, output
    assert "Created a local preview secret" in output
    assert len((project.root / ".referral" / "secret").read_text("utf-8").strip()) >= 22


@pytest.mark.parametrize("ci", ["CI", "GITHUB_ACTIONS"])
def test_a_ci_build_without_the_secret_fails_and_creates_nothing(project: SiteProject, ci: str) -> None:
    project.write_data(fixture_text("small.yaml"))
    before = _state(project)
    code, output = _mkdocs(project, **NO_SECRET, **{ci: "true"})
    assert code != 0 and "REFERRAL_PREVIEW=1" in output and "Traceback" not in output
    assert _state(project) == before
    links = project.generator("links", **NO_SECRET, **{ci: "true"})
    assert links.returncode != 0 and "REFERRAL_PREVIEW=1" in links.stderr
    assert "/p/" not in links.stdout
    assert _state(project) == before


def test_a_ci_build_asking_for_a_preview_builds_with_a_throwaway_secret(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    code, output = _mkdocs(project, **NO_SECRET, CI="true", REFERRAL_PREVIEW="1")
    assert code == 0, output
    assert "throwaway secret" in output
    assert (project.site / "index.html").is_file()
    assert not (project.root / ".referral" / "secret").exists()


def test_a_ci_build_with_the_secret_builds(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    code, output = _mkdocs(project, CI="true")
    assert code == 0, output
    assert not (project.root / ".referral" / "secret").exists()


def test_a_ci_build_with_a_short_secret_builds_with_a_warning_unless_it_is_deployed(
    project: SiteProject,
) -> None:
    """A suite written from DESIGN.md and run by a CI service builds with a short test secret:
    nothing it builds is deployed. The Pages workflow's deployed build sets REFERRAL_PUBLISH=1."""
    project.write_data(fixture_text("small.yaml"))
    before = _state(project)
    code, output = _mkdocs(project, CI="true", REFERRAL_SITE_SECRET="secret-one", REFERRAL_PUBLISH="1")
    assert code != 0 and "REFERRAL_SITE_SECRET" in output and "Traceback" not in output
    assert _state(project) == before
    code, output = _mkdocs(project, CI="true", REFERRAL_SITE_SECRET="secret-one")
    assert code == 0, output
    assert "refused for publishing" in output and (project.site / "index.html").is_file()
    assert not (project.root / ".referral" / "secret").exists()


def test_ci_scripts_pass_a_strong_secret_or_ask_for_a_preview() -> None:
    """`.ci/run` runs with CI set: each build it starts must hold a real secret or opt into a preview."""
    properdocs = (REPO / "scripts" / "check-properdocs").read_text("utf-8")
    given = re.findall(r'REFERRAL_SITE_SECRET="([^"]*)"', properdocs)
    assert given and all(weakness(value) is None for value in given)
    makefile = (REPO / "Makefile").read_text("utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "REFERRAL_PREVIEW=1" in demo and "mkdocs build" in demo
    benchmark = (REPO / "benchmarks" / "run.py").read_text("utf-8")
    secret = re.search(r'^SECRET = "([^"]*)"', benchmark, re.MULTILINE)
    assert secret is not None and weakness(secret.group(1)) is None
    assert weakness(TEST_SECRET) is None


def test_a_preview_never_publishes(tmp_path: Path) -> None:
    with pytest.raises(MissingSecret, match="REFERRAL_SITE_SECRET is not set"):
        resolve_secret({"CI": "true", "REFERRAL_PREVIEW": "1"}, tmp_path / "secret", publishing=True)
    (tmp_path / "secret").write_text(TEST_SECRET, encoding="utf-8")
    with pytest.raises(MissingSecret, match="REFERRAL_SITE_SECRET is not set"):
        resolve_secret({}, tmp_path / "secret", publishing=True)


@pytest.mark.parametrize("kind", ["folder", "broken link", "named pipe"])
def test_a_secret_file_that_is_not_a_file_is_refused_before_anything_is_written(
    tmp_path: Path, kind: str
) -> None:
    # It used to count as no secret: the run wrote every page under a new secret, then failed
    # to store that secret ("File exists"), leaving content/ keyed by a secret nobody has.
    secret_file = tmp_path / ".referral" / "secret"
    secret_file.parent.mkdir()
    if kind == "folder":
        secret_file.mkdir()
    elif kind == "named pipe":  # said as "a folder or a broken link" (leftovers)
        os.mkfifo(secret_file)
    else:
        secret_file.symlink_to(tmp_path / "gone")
    with pytest.raises(
        MissingSecret, match=rf"\.referral/secret is not a file \(a {kind}\): .*REFERRAL_SITE_SECRET"
    ):
        resolve_secret({}, secret_file)
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    with pytest.raises(MissingSecret):
        pipeline.generate(pipeline.Project.at(tmp_path), dt.date(2026, 11, 20), {})
    assert not (tmp_path / "content").exists()


def test_a_new_secret_that_cannot_be_saved_leaves_no_page(tmp_path: Path) -> None:
    # Pages keyed by a secret nobody has would match no link ever sent.
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (tmp_path / ".referral").mkdir()
    with unwritable(tmp_path / ".referral"), pytest.raises(OSError):
        pipeline.generate(pipeline.Project.at(tmp_path), dt.date(2026, 11, 20), {})
    assert not (tmp_path / "content").exists()
    assert not list((tmp_path / ".referral").iterdir())


def test_a_new_secret_goes_with_the_pages_of_a_run_that_fails(tmp_path: Path) -> None:
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    (tmp_path / "content").mkdir()
    with unwritable(tmp_path / "content"), pytest.raises(OSError):
        pipeline.generate(pipeline.Project.at(tmp_path), dt.date(2026, 11, 20), {})
    assert not list((tmp_path / "content").iterdir())
    assert not (tmp_path / ".referral" / "secret").exists()


def test_a_secret_with_accents_keys_the_same_addresses_whatever_the_locale(tmp_path: Path) -> None:
    """Python reads environment variables in the locale's encoding: under LC_ALL=C without its
    UTF-8 mode, "é" arrived as two undecodable bytes and links stopped with "'utf-8' codec can't
    encode characters: surrogates not allowed" (elsewhere: other bytes, other addresses)."""
    secret = "sécret-à-accents-0123456789abcdef"
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nsite_url: https://partners.example.com/\n")
    (tmp_path / "partners.yaml").write_text(
        "newsletter: {title: T, owner: O}\npartners:\n  - {id: anne, name: Anne Ortiz}\n", encoding="utf-8"
    )
    python, checkout = python_on_an_ascii_path(tmp_path / "links")
    env = {
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "REFERRAL_SITE_SECRET": secret,  # passed on as UTF-8 bytes
        "SOURCE_DATE_EPOCH": "1795132800",
        "PYTHONPATH": str(checkout),
    }
    command = [str(python), "-m", "generator", "links"]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    token = private_token(secret.encode("utf-8"), "partner", "anne")
    assert f"Anne Ortiz\thttps://partners.example.com/p/{token}/" in result.stdout.splitlines()


OTHER = "zX8-qM4rTw7_Lp2NvB6yHc0JdK"
MOVED = "the site secret is not the one the last run used"


def test_a_changed_secret_is_said_once_naming_neither_secret_nor_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new REFERRAL_SITE_SECRET moves every private page: partners' bookmarked links stop
    working. The run that finds it says so (a run's log may be shown by CI: no secret, no address)."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", STRONG)
    first = generate_saying(tmp_path, monkeypatch, capsys)
    old = private_addresses(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", OTHER)
    moved = generate_saying(tmp_path, monkeypatch, capsys)
    new = private_addresses(tmp_path)
    assert MOVED not in first and not set(old) & set(new)
    assert f"warning: {moved_warning(len(new))}" in moved
    assert f"all {len(new)} private pages move" in moved and "python -m generator links" in moved
    assert not [text for text in (STRONG, OTHER, *old, *new) if text in moved]
    assert MOVED not in generate_saying(tmp_path, monkeypatch, capsys)  # said once


def test_a_secret_file_replaced_is_said_and_a_raised_epoch_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "partners.yaml"
    data.write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.delenv("REFERRAL_SITE_SECRET", raising=False)
    for name in ("CI", "GITHUB_ACTIONS", "REFERRAL_PREVIEW"):
        monkeypatch.delenv(name, raising=False)
    assert MOVED not in generate_saying(tmp_path, monkeypatch, capsys)
    (tmp_path / ".referral" / "secret").write_text(OTHER + "\n", encoding="utf-8")  # from another machine
    assert MOVED in generate_saying(tmp_path, monkeypatch, capsys)
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("    name:", "    epoch: 1\n    name:", 1), encoding="utf-8")
    before = set(private_addresses(tmp_path))
    said = generate_saying(tmp_path, monkeypatch, capsys)
    assert MOVED not in said and set(private_addresses(tmp_path)) != before


def test_mkdocs_build_says_a_changed_secret_and_a_strict_build_still_passes(
    project: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deliberate rotation must still build under --strict (the Pages workflow's): the message
    is information, and it names neither the secret nor an address (the log may be public)."""
    monkeypatch.chdir(project.root)  # the build's folder, whose hint names the command from there
    project.write_data(fixture_text("small.yaml"))
    first = project.mkdocs_build("--strict")
    assert first.returncode == 0 and MOVED not in first.stderr, first.stderr
    old = private_addresses(project.root)
    rotated = project.mkdocs_build("--strict", REFERRAL_SITE_SECRET=OTHER)
    assert rotated.returncode == 0, rotated.stderr
    log = rotated.stdout + rotated.stderr
    assert moved_warning(len(old)) in log
    assert not [text for text in (TEST_SECRET, OTHER, *old, *private_addresses(project.root)) if text in log]


def test_a_record_of_another_format_is_not_taken_for_another_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older generator signed its record over other fields: after an upgrade, the same secret
    must not be said to have changed."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", STRONG)
    generate_saying(tmp_path, monkeypatch, capsys)
    record = tmp_path / ".referral" / "render-memo.json"
    record.write_text(record.read_text(encoding="utf-8").replace('"version":2', '"version":1'), "utf-8")
    (tmp_path / ".referral" / "render-stamp.json").unlink()  # as after an upgrade: a run that renders
    assert MOVED not in generate_saying(tmp_path, monkeypatch, capsys)


def test_links_under_another_secret_than_the_last_run_say_they_lead_to_no_page_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rotating the secret, then running links before a build, printed addresses of pages that
    do not exist yet, without a word."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", STRONG)
    generate_saying(tmp_path, monkeypatch, capsys)
    links = ["links", "--site-url", "https://partners.example.com/"]
    assert main(links) == 0 and "warning" not in capsys.readouterr().err
    monkeypatch.setenv("REFERRAL_SITE_SECRET", OTHER)
    assert main(links) == 0
    said = capsys.readouterr()
    assert said.err == f"warning: {UNBUILT_LINKS_WARNING}\n" and said.out.count("https://") > 1
