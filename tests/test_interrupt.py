"""Ctrl-C in a command: one line saying what was left, exit status 130, never a traceback."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CI_ONLY, REPO, SOURCE_DATE_EPOCH, TEST_SECRET, SiteProject, as_from_a_terminal

# As shells expect of a command stopped by Ctrl-C (128 + SIGINT), and as README says.
INTERRUPTED = 130
NOTHING_CHANGED = "interrupted; nothing was changed"

COMMANDS = {
    "check": (["check", "partners.yaml"], NOTHING_CHANGED),
    "due": (["due", "partners.yaml"], NOTHING_CHANGED),
    "links": (["links", "--site-url", "https://partners.example.com/"], NOTHING_CHANGED),
    "generate": (["generate"], "interrupted; no page was left half-written: run it again to finish"),
    "mail": (
        ["mail", "--month", "2026-11"],
        "interrupted; run the same command again to finish (the send log knows who got what)",
    ),
}


def _opened_for_writing(fifo: Path, process: subprocess.Popen[str]) -> int:
    """The FIFO's writing end, once the command has opened the reading end: it is loading."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno != errno.ENXIO:  # ENXIO: nobody reads it yet
                raise
            time.sleep(0.01)
    _, err = process.communicate()
    pytest.fail(f"the command never read the data file: {err}")


def _half_a_file_given(fifo: Path, process: subprocess.Popen[str]) -> int:
    """The FIFO's writing end, once the command reads half a data file from it. The command opens
    the file twice, a look that it can be read and then the load: written between the two, when
    nobody reads, the write failed (EPIPE) and so did the test. Then the load's open is waited for."""
    while True:
        writer = _opened_for_writing(fifo, process)
        try:
            os.write(writer, b"newsletter:\n  title: T\n")  # half a file: the command waits for more
            return writer
        except BrokenPipeError:
            os.close(writer)


def _environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CI_ONLY}
    env.update(REFERRAL_SITE_SECRET=TEST_SECRET, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    env["PYTHONPATH"] = str(REPO)
    return env


@pytest.mark.parametrize("command", list(COMMANDS))
def test_ctrl_c_while_the_data_loads_ends_in_one_line_and_status_130(tmp_path: Path, command: str) -> None:
    """A real SIGINT while the command waits for the rest of its data file (a FIFO it is reading):
    it printed a traceback ending in KeyboardInterrupt and exited 1."""
    args, said = COMMANDS[command]
    fifo = tmp_path / "partners.yaml"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        as_from_a_terminal([sys.executable, "-m", "generator", *args]),
        cwd=tmp_path,
        env=_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer = _half_a_file_given(fifo, process)
    try:
        process.send_signal(signal.SIGINT)
    finally:
        # The end of the file: a Ctrl-C that came before the command's read() began (it was
        # still opening the file) is acted on as soon as that read returns, still loading.
        os.close(writer)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (INTERRUPTED, "", said + "\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["partners.yaml"]  # nothing made


def test_a_stop_signal_the_build_was_told_to_ignore_stays_ignored() -> None:
    """Under ``nohup`` (SIGHUP ignored) a closed terminal must not stop the build: the fail-closed
    handlers are set only for signals that would have stopped it anyway."""
    from generator.stop_signals import StopSignals

    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    # SIGTERM as a terminal leaves it, whatever the test runner was started with.
    term_before = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        armed = StopSignals.arm(lambda: None)
        assert armed is not None
        try:
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_IGN, signal.SIG_DFL)
        finally:
            armed.disarm()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before)
        signal.signal(signal.SIGTERM, term_before)


def test_ctrl_c_in_links_after_a_new_secret_was_kept_says_it_was_kept(tmp_path: Path) -> None:
    """``links`` makes a local preview secret when there is none, and says so; a Ctrl-C after
    that (here while it prints the links, its output not read) said "nothing was changed"."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import make_data

    make_data.write(tmp_path / "partners.yaml", 2000)  # more links than a pipe holds
    env = {name: value for name, value in _environment().items() if name != "REFERRAL_SITE_SECRET"}
    process = subprocess.Popen(
        as_from_a_terminal(
            [sys.executable, "-m", "generator", "links", "--site-url", "https://partners.example.com/"]
        ),
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    # A first link read: the secret is kept and the command is printing links, more than the
    # pipe holds, so it is still at it when the signal comes. (A fixed half-second sleep after
    # the secret file appeared guessed that it had got there; a loaded machine can take longer.)
    assert process.stdout.readline(), process.communicate()[1]
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == INTERRUPTED, err
    assert (
        err.splitlines()[-1]
        == "interrupted; nothing was changed except the new local preview secret, which is kept (see above)"
    )
    assert (tmp_path / ".referral" / "secret").is_file()


SHOW_STOP_SIGNALS = """\
import signal
handlers = [signal.getsignal(number) for number in (signal.SIGINT, signal.SIGHUP)]
print(*(getattr(handler, "__name__", "") or handler.name for handler in handlers))
"""


def test_a_tests_subprocess_starts_with_the_stop_signals_a_terminal_gives(tmp_path: Path) -> None:
    """Run under ``nohup`` or with ``&`` in a script (as CI steps run), pytest has SIGHUP or SIGINT
    ignored, and every process it started inherited that: the Ctrl-C tests here and the guard's
    signal tests then failed. A test's subprocess starts as from a terminal whatever pytest got."""
    ignored = {number: signal.signal(number, signal.SIG_IGN) for number in (signal.SIGINT, signal.SIGHUP)}
    try:
        shown = SiteProject(tmp_path).run(sys.executable, "-c", SHOW_STOP_SIGNALS, check=True).stdout
    finally:
        for number, handler in ignored.items():
            signal.signal(number, handler)
    assert shown == "default_int_handler SIG_DFL\n"
