"""The run records in ``.referral/`` broken by hand or by another program as JSON nested thousands
deep: json.loads raises RecursionError there, which is no ValueError, and each reader caught
only ValueError, so `generate` and `mkdocs build` ended in a traceback (review58)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SOURCE_DATE_EPOCH, fixture_text, free_port

from generator import build_facts, unchecked_site
from generator.cli import main
from generator.mail.log import LogUnreadable, read_log

DEEP = "[" * 100_000


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    monkeypatch.setenv("REFERRAL_SITE_SECRET", "kT3v-9QxLm2pW_8ZrB4nYc-deep")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.delenv("REFERRAL_PREVIEW", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["generate"]) == 0
    data = tmp_path / "partners.yaml"  # an edit, so the next run renders and reads every record
    data.write_text(
        data.read_text(encoding="utf-8").replace("Test Partner News", "Test Partner Notes"), encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize("record", ["render-stamp.json", "render-memo.json"])
def test_a_record_nested_thousands_deep_is_read_as_none(
    generated: Path, record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (generated / ".referral" / record).write_text(DEEP, encoding="utf-8")
    assert main(["generate"]) == 0
    assert "Test Partner Notes" in (generated / "content" / "index.md").read_text(encoding="utf-8")
    assert "Traceback" not in capsys.readouterr().err


def test_build_facts_nested_thousands_deep_are_read_as_none(tmp_path: Path) -> None:
    """Read by the plugin when nothing changed since the last run (`mkdocs build` twice)."""
    record = tmp_path / "build-facts.json"
    record.write_text(DEEP, encoding="utf-8")
    assert build_facts.read_record(record, "inputs") is None


def test_a_manifest_nested_thousands_deep_is_named_and_nothing_written(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    (generated / ".referral" / "manifest.json").write_text(DEEP, encoding="utf-8")
    before = {path: path.read_bytes() for path in (generated / "content").rglob("*.md")}
    assert main(["generate"]) != 0
    said = capsys.readouterr().err
    assert "manifest" in said and "is unreadable; delete it" in said and len(said.splitlines()) == 1
    assert {path: path.read_bytes() for path in (generated / "content").rglob("*.md")} == before


def test_a_mail_log_line_nested_thousands_deep_is_located(tmp_path: Path) -> None:
    log = tmp_path / "mail-log.jsonl"
    log.write_text(f"{DEEP}}}\n", encoding="utf-8")
    with pytest.raises(LogUnreadable, match=r"mail-log.jsonl:1:1: not a record \(nested too deep\)"):
        read_log(log)


# A named pipe (or a device) where a record belongs kept `generate` and `mkdocs build` waiting
# forever: opening a pipe to read returns only once something opens it to write (leftovers).


class StuckOnThePipe(Exception):
    pass


@contextmanager
def pipe_in_place_of(record: Path) -> Iterator[None]:
    """A named pipe at ``record``, and a stop for a run that waits on it: a bound for a run
    that would wait forever, not a measure of speed."""

    def stop(signum: int, frame: object) -> None:
        raise StuckOnThePipe(f"the run waited on the named pipe {record}")

    record.unlink(missing_ok=True)
    os.mkfifo(record)
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _files(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("record", ["render-stamp.json", "render-memo.json", "addresses.json"])
def test_a_cache_that_is_a_named_pipe_is_taken_as_absent(generated: Path, record: str) -> None:
    with pipe_in_place_of(generated / ".referral" / record):
        assert main(["generate"]) == 0
    assert "Test Partner Notes" in (generated / "content" / "index.md").read_text(encoding="utf-8")


def test_a_manifest_that_is_a_named_pipe_is_named_and_nothing_written(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    manifest = generated / ".referral" / "manifest.json"
    with pipe_in_place_of(manifest):
        before = _files(generated / "content"), _files(generated / ".referral")
        assert main(["generate"]) != 0
    assert (_files(generated / "content"), _files(generated / ".referral")) == before
    assert capsys.readouterr().err == (
        f"error: the generator's manifest {manifest} is a named pipe, not a file; delete it\n"
    )


def test_build_facts_that_are_a_named_pipe_are_read_as_none(tmp_path: Path) -> None:
    """Read by the plugin when nothing changed since the last run (`mkdocs build` twice)."""
    with pipe_in_place_of(tmp_path / "build-facts.json"):
        assert build_facts.read_record(tmp_path / "build-facts.json", "inputs") is None


def test_an_unchecked_site_note_that_is_a_named_pipe_is_no_note(tmp_path: Path) -> None:
    """Read first by every `mkdocs build`: the site folder a killed build left unchecked."""
    with pipe_in_place_of(tmp_path / unchecked_site.NOTE):
        assert unchecked_site.left_unchecked(tmp_path) is None


def test_a_page_that_is_a_named_pipe_is_named_and_nothing_written(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page of the last run's replaced by a named pipe: the writer read the old page to compare."""
    capsys.readouterr()
    with pipe_in_place_of(generated / "content" / "index.md"):
        before = _files(generated / "content"), _files(generated / ".referral")
        assert main(["generate"]) == 1
    assert (_files(generated / "content"), _files(generated / ".referral")) == before
    assert capsys.readouterr().err == (
        "error: could not write content/index.md: a named pipe, not a file; content is as it was before this run\n"
    )


# The send log (review63): a named pipe there was read as an empty log by a preview, which
# then listed every partner as not yet mailed, and `mail --send` stopped on 'error: File or
# stream is not seekable.'; a link to /dev/null swallowed every record, so each run sent again.
@pytest.fixture
def mailing(generated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project, set to mail; no server listens: a message tried would end in a refused
    connection, not in the error these tests expect."""
    site = "site_name: Test\nsite_url: https://partners.example.com/\n"
    (generated / "mkdocs.yml").write_text(site, encoding="utf-8")
    monkeypatch.setenv("REFERRAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REFERRAL_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("REFERRAL_MAIL_FROM", "olive@owner.example")
    return generated


MONTH = "2026-03"  # an issue of small.yaml's


def _log_not_a_file(log: Path, kind: str) -> str:
    return (
        f"error: the send log {log} is {kind}, not a file, so who got which month can be neither read "
        "nor recorded, and nothing was sent: put the log back there, or delete it if this project "
        "never sent a month, then run again\n"
    )


@pytest.mark.parametrize("send", [False, True], ids=["preview", "send"])
def test_a_send_log_that_is_a_named_pipe_is_named_and_nothing_written_or_sent(
    mailing: Path, send: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    log = mailing / ".referral" / "mail-log.jsonl"
    with pipe_in_place_of(log):
        before = _files(mailing)
        assert main(["mail", "--month", MONTH, *(["--send"] if send else [])]) == 1
        assert _files(mailing) == before and log.is_fifo()
    assert capsys.readouterr().err == _log_not_a_file(log, "a named pipe")


@pytest.mark.parametrize("kind", ["a folder", "a device"])
def test_a_send_log_that_is_a_folder_or_a_device_is_named_and_nothing_sent(
    mailing: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    log = mailing / ".referral" / "mail-log.jsonl"
    if kind == "a folder":
        log.mkdir()
    else:
        log.symlink_to(os.devnull)
    for command in (
        ["mail", "--month", MONTH],
        ["mail", "--month", MONTH, "--send"],
    ):
        assert main(command) == 1
        assert capsys.readouterr().err == _log_not_a_file(log, kind)
    assert not (mailing / "mail-out").exists()
