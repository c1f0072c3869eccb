"""The leak guard of a ``mkdocs build`` on the machine's second core.

MkDocs converts and writes the pages one after the other on one core. The guard's own work
(listing the confidential values, then reading, folding and searching every built file) does not
depend on MkDocs' until the site is written, so a forked process does it meanwhile: it lists the
values while MkDocs converts the pages, and reads the pages MkDocs has written, a few dozen at a time.
When the build ends, little is left: the files written last (the search index, the feeds).

What it finds is what ``guard.guard_site`` finds on the finished site. At the end it reads every
file once more and compares its bytes (by digest) with those it searched: a file written again
since, by MkDocs or another plugin, is searched again; a file it never saw is searched then.
No MkDocs here: the plugin tells it which file MkDocs wrote last.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from . import guard
from .leak_delta import Checked
from .leak_scan import Leak, Places, copied_verbatim, decoded_text, scan_text, site_files
from .leak_text import PageFolder
from .models import PartnersFile
from .project import collector_paused
from .render import SiteLayout

_SWEEP = ""  # a message: read every file already in the site (theme files, the sitemap)
_WAIT = 0.05  # seconds between looks at whether a silent worker is still alive
# Pages named per message: each message wakes the worker (25 µs on a quiet machine, 190 µs on a
# busy one, in MkDocs' own process), and a worker a few pages behind loses nothing.
_BATCH = 32
# Seconds a worker may use no CPU at all while the build waits for its verdict: it has every
# file named by then and only reads and searches, so a worker that still does nothing is stopped
# (SIGSTOP, a frozen cgroup) or stuck (a lock held at the fork): the build fails closed.
STALLED = 60.0


class GuardStopped(RuntimeError):
    """The worker failed or died: the site was not checked."""


@dataclass(frozen=True)
class GuardJob:
    """What the guard checks: a site folder against the data, as ``guard.guard_site`` does."""

    site_dir: Path
    data: Callable[[], PartnersFile]  # loaded by the worker, where a build has not loaded it
    layout: SiteLayout
    public_text: tuple[str, ...]
    verbatim_from: tuple[Path, ...]

    def same_site(self, other: GuardJob) -> bool:
        """Whether ``other`` checks the same folder, against the same public wording and theme
        (another plugin may have changed them since this job was made)."""
        return (self.site_dir, self.public_text, self.verbatim_from) == (
            other.site_dir,
            other.public_text,
            other.verbatim_from,
        )


@dataclass(frozen=True)
class GuardResult:
    """The leaks, how many files the site holds, and the worker's CPU seconds."""

    leaks: list[Leak]
    files: int
    cpu_seconds: float


class GuardWorker:
    """The parent's side: start the worker, name the files MkDocs wrote, collect the verdict."""

    def __init__(self, job: GuardJob) -> None:
        self.job = job
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        # Daemonic: a build that stops, or a parent that exits, takes the worker with it. A parent
        # killed outright runs no clean-up: the worker closes its copy of the parent's end, so
        # the parent's death ends its wait for a message (review18: it waited forever).
        parent_end = self._connection
        self._process = context.Process(
            target=_work, args=(child, job, parent_end), daemon=True, name="leak-guard"
        )
        self._process.start()
        child.close()
        self._swept = False
        self._writing: str | None = None  # the file MkDocs writes now
        self._written: list[str] = []  # written, not yet named to the worker

    @classmethod
    def start(cls, job: GuardJob) -> GuardWorker | None:
        """A worker, or None where it cannot help: off Linux, or with one core only. Elsewhere
        a process is started afresh (``fork`` is unsafe on macOS, absent on Windows), which
        costs about what the guard it would move does."""
        if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
            return None
        try:
            return cls(job)
        except OSError:  # no process to spare (a limit on processes, or on memory)
            return None

    def writing(self, relative: str) -> None:
        """MkDocs is about to write this site file (a path relative to the site folder), and
        has written the one named before."""
        if not self._swept:  # the first page: the theme's files and the sitemap come before
            self._swept = True
            self._send(_SWEEP)
        if self._writing is not None:
            self._written.append(self._writing)
            if len(self._written) >= _BATCH:
                self._send_written()
        self._writing = relative

    def finish(self) -> GuardResult:
        """Wait for the verdict on the whole site as it is now."""
        try:
            if self._writing is not None:
                self._written.append(self._writing)
            self._send_written()
            self._send(None)
            outcome = self._verdict()
        finally:
            self.stop()
        if isinstance(outcome, str):
            raise GuardStopped(f"it failed, so the site is not checked:\n{outcome}")
        return outcome

    def _verdict(self) -> GuardResult | str:
        still = _Stillness(self._process.pid)
        while not self._connection.poll(_WAIT):
            if not self._process.is_alive():
                raise GuardStopped(
                    f"its process stopped (exit code {self._process.exitcode}) before the site was checked"
                )
            if still.longer_than(STALLED):
                raise GuardStopped(
                    f"its process has done nothing for {STALLED:.0f} s (stopped or stuck), so the site is not checked"
                )
        try:
            outcome: GuardResult | str = self._connection.recv()
        except (EOFError, OSError):
            raise GuardStopped("its process stopped before the site was checked") from None
        return outcome

    def stop(self) -> None:
        self._connection.close()
        self._process.join(timeout=1)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _send_written(self) -> None:
        if self._written:
            self._send(self._written)
            self._written = []

    def _send(self, message: str | list[str] | None) -> None:
        try:
            self._connection.send(message)
        except OSError:
            raise GuardStopped(self._why_it_stopped()) from None

    def _why_it_stopped(self) -> str:
        """The traceback a failed worker sent before it went, if any: the closed pipe alone says
        nothing of the cause, and MkDocs puts the error on the page it was building."""
        with contextlib.suppress(EOFError, OSError):
            if self._connection.poll(0) and isinstance(said := self._connection.recv(), str):
                return f"it failed, so the site is not checked:\n{said}"
        return "its process stopped before the site was checked"


class _Stillness:
    """How long a process has used no CPU, from its /proc/PID/stat (Linux, where workers run)."""

    def __init__(self, pid: int | None) -> None:
        self._pid, self._ticks, self._since = pid, _cpu_ticks(pid), time.monotonic()

    def longer_than(self, seconds: float) -> bool:
        ticks = _cpu_ticks(self._pid)
        if ticks is None or ticks != self._ticks:  # moving, or nothing to tell: never a stall
            self._ticks, self._since = ticks, time.monotonic()
        return time.monotonic() - self._since > seconds


def _cpu_ticks(pid: int | None) -> int | None:
    """User and system CPU ticks so far, or None when they cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    except (OSError, IndexError, ValueError):
        return None


def _work(connection: Connection, job: GuardJob, parent_end: Connection) -> None:
    """The worker: search each file as it is named, then the whole site on ``None``."""
    parent_end.close()
    try:
        with collector_paused():
            search = _SiteSearch(job, _checked(job))
            while (message := connection.recv()) is not None:
                if message == _SWEEP:
                    search.sweep()
                else:
                    for relative in message:
                        search.read(relative)
            connection.send(search.finish())
    except EOFError:
        return  # the parent went away: nobody is waiting for a verdict
    except BaseException:  # the parent must hear of any failure: an unchecked site is not published
        with contextlib.suppress(OSError):
            connection.send(traceback.format_exc())


def _checked(job: GuardJob) -> Checked | None:
    values, matcher = guard.checked_values(job.data(), job.layout, public_text=job.public_text)
    return Checked(matcher, Places.of(values)) if values else None


class _SiteSearch:
    """Each file's verdict, kept with the digest of the bytes it was reached on."""

    def __init__(self, job: GuardJob, checked: Checked | None) -> None:
        self._job, self._checked = job, checked
        self._verdicts: dict[str, tuple[bytes, list[Leak]]] = {}
        self._folder = PageFolder()  # the pages' shared markup is folded once

    def read(self, relative: str) -> None:
        try:
            raw = (self._job.site_dir / relative).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return  # not written after all (an empty page): the last look finds what is there
        self._verdicts[relative] = (_digest(raw), self._leaks(relative, raw))

    def sweep(self) -> None:
        if not self._job.site_dir.is_dir():  # nothing written yet: the last look reads it all
            return
        for relative in self._relatives():
            if relative not in self._verdicts:
                self.read(relative)

    def finish(self) -> GuardResult:
        """The leaks of every file as it is now: a verdict stands only for the same bytes."""
        relatives, leaks = self._relatives(), set()
        for relative in relatives:
            raw = (self._job.site_dir / relative).read_bytes()
            kept = self._verdicts.get(relative)
            leaks.update(kept[1] if kept and kept[0] == _digest(raw) else self._leaks(relative, raw))
        # A forked process's CPU time starts at zero.
        return GuardResult(sorted(leaks), len(relatives), time.process_time())

    def _relatives(self) -> list[str]:
        site = self._job.site_dir
        return [path.relative_to(site).as_posix() for path in site_files(site)]

    def _leaks(self, relative: str, raw: bytes) -> list[Leak]:
        checked = self._checked
        if checked is None or copied_verbatim(relative, raw, self._job.verbatim_from):
            return []
        text = decoded_text(relative, raw, self._folder)
        return scan_text(relative, text, checked.matcher, checked.places).leaks


def _digest(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()  # the fastest of hashlib here: SHA extensions in the CPU
