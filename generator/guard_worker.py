"""The leak guard of a ``mkdocs build`` on the machine's second core.

MkDocs converts and writes the pages one after the other on one core. The guard's own work
(listing the confidential values, then reading, folding and searching every built file) does not
depend on MkDocs' until the site is written, so a forked process does it meanwhile: it lists the
values while MkDocs converts the pages, and reads the pages MkDocs has written, a few dozen at a time.
When the build ends, little is left: the files written last (the search index, the feeds), and
the last look, which starts as soon as the last file is written.

What it finds is what ``guard.guard_site`` finds on the finished site. At the end it looks at
every file once more and keeps a verdict only for the bytes it searched (guard_search: by their
digest): a file written again since, by MkDocs or another plugin, is searched again; a file it
never saw is searched then.
No MkDocs here: the plugin tells it which file MkDocs wrote last.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from . import guard, guard_pipe
from .guard_search import SiteSearch
from .leak_delta import Checked
from .leak_scan import Leak, Places
from .models import PartnersFile
from .project import collector_paused
from .render import SiteLayout

_SWEEP = ""  # a message: read every file already in the site (theme files, the sitemap)
_WAIT = 0.05  # seconds between looks at whether a silent worker is still alive
# Pages named per message: each message wakes the worker (25 µs on a quiet machine, 190 µs on a
# busy one, in MkDocs' own process), and a worker a few pages behind loses nothing.
_BATCH = 32
# Seconds a worker may use no CPU at all while the build waits for its verdict, or for room in
# the pipe to name pages to it (guard_pipe): it has every file named, or more than it has read,
# so a worker that still does nothing is stopped (SIGSTOP, a frozen cgroup) or stuck (a lock
# held at the fork): the build fails closed.
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
        guard_pipe.bound_each_write(self._connection, _WAIT)
        self._stalled: str | None = None  # why a send gave up on a worker that read nothing
        self._swept = False
        self._last_look_asked = False
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
        self._done_writing()
        if len(self._written) >= _BATCH:
            self._send_written()
        self._writing = relative

    def pages_written(self) -> None:
        """MkDocs has written every page: those named last (up to 31 were left for the end) are
        read now, while the search and feed plugins write their files."""
        self._done_writing()
        with contextlib.suppress(GuardStopped):  # finish says why, with the worker's last words
            self._send_written(quiet=True)

    def site_written(self) -> None:
        """Every file of the site is written (the search index and the feeds too, and stale
        pages removed): the last look starts now, while the build's own process makes its last
        steps. Before, the worker read the files written since the pages in a sweep of its own
        and listed the site for it, then read them again in the last look (0.016 s at 1,000
        partners)."""
        self.pages_written()
        with contextlib.suppress(GuardStopped):  # finish says why, with the worker's last words
            self._send(None, quiet=True)
        self._last_look_asked = True

    def finish(self) -> GuardResult:
        """Wait for the verdict on the whole site as it is now."""
        try:
            if not self._last_look_asked:
                self._done_writing()
                self._send_written()
                self._send(None)
            outcome = self._verdict()
        finally:
            self.stop()
        if isinstance(outcome, str):
            raise GuardStopped(f"it failed, so the site is not checked:\n{outcome}")
        return outcome

    def _verdict(self) -> GuardResult | str:
        if self._stalled:  # a send gave up on it: no second wait as long
            raise GuardStopped(self._stalled)
        still = _Stillness(self._process.pid)
        while not self._connection.poll(_WAIT):
            if not self._process.is_alive():
                return self._last_words()
            if still.longer_than(STALLED):
                raise GuardStopped(_stall())
        try:
            outcome: GuardResult | str = self._connection.recv()
        except (EOFError, OSError):
            raise GuardStopped("its process stopped before the site was checked") from None
        return outcome

    def _last_words(self) -> GuardResult | str:
        """What an ended worker sent: its verdict can come after a wait for it ran out and before
        the look at whether it lives, which failed a clean build as "stopped (exit code 0)"."""
        with contextlib.suppress(EOFError, OSError):
            if self._connection.poll(0):
                outcome: GuardResult | str = self._connection.recv()
                return outcome
        raise GuardStopped(
            f"its process stopped (exit code {self._process.exitcode}) before the site was checked"
        )

    def stop(self) -> None:
        self._connection.close()
        self._process.join(timeout=1)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _done_writing(self) -> None:
        """The file named last is written (MkDocs went on to the next, or is done)."""
        if self._writing is not None:
            self._written.append(self._writing)
            self._writing = None

    def _send_written(self, *, quiet: bool = False) -> None:
        if self._written:
            self._send(self._written, quiet=quiet)
            self._written = []

    def _send(self, message: str | list[str] | None, *, quiet: bool = False) -> None:
        """Without ``quiet``, a failure raises :class:`GuardStopped` with the worker's last words
        (read from the pipe, once); with it, a bare one, leaving them for the next send."""
        try:
            guard_pipe.send(self._connection, message, self._stall_watch())
        except guard_pipe.Stalled as stalled:
            self._stalled = str(stalled)
            raise GuardStopped(self._stalled) from None
        except OSError:
            raise GuardStopped("" if quiet else self._why_it_stopped()) from None

    def _stall_watch(self) -> Callable[[], str | None]:
        """Why to stop waiting for room in the pipe, once the worker has used no CPU for STALLED
        seconds; its CPU time is first read only when a write waited (most never do)."""
        still: list[_Stillness] = []

        def stalled() -> str | None:
            if not still:
                still.append(_Stillness(self._process.pid))
            return _stall() if still[0].longer_than(STALLED) else None

        return stalled

    def _why_it_stopped(self) -> str:
        """The traceback a failed worker sent before it went, if any: the closed pipe alone says
        nothing of the cause, and MkDocs puts the error on the page it was building."""
        with contextlib.suppress(EOFError, OSError):
            if self._connection.poll(0) and isinstance(said := self._connection.recv(), str):
                return f"it failed, so the site is not checked:\n{said}"
        return "its process stopped before the site was checked"


def _stall() -> str:
    return f"its process has done nothing for {STALLED:.0f} s (stopped or stuck), so the site is not checked"


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
    _never_ahead_of_mkdocs()
    try:
        with collector_paused():
            search = SiteSearch(job.site_dir, _checked(job), job.verbatim_from)
            while (message := connection.recv()) is not None:
                if message == _SWEEP:
                    search.sweep()
                else:
                    for relative in message:
                        search.read(relative)
            leaks, files = search.finish()
            # A forked process's CPU time starts at zero.
            connection.send(GuardResult(leaks, files, time.process_time()))
    except EOFError:
        return  # the parent went away: nobody is waiting for a verdict
    except BaseException:  # the parent must hear of any failure: an unchecked site is not published
        with contextlib.suppress(OSError):
            connection.send(traceback.format_exc())
        return
    # The verdict is sent and nothing is left to do: ended here, the process spares freeing the
    # automaton and every verdict object by object, which the build waited for (0.015 s at
    # 1,000 partners, 0.066 s at 5,000) before it could go on.
    os._exit(0)


def _never_ahead_of_mkdocs() -> None:
    """The worker's CPU share kept, but it no longer takes MkDocs' core the moment a batch of
    pages wakes it (Linux's SCHED_BATCH: no preemption on wake-up). A pipe's writer wakes its
    reader onto the writer's own core when the other is busy, and the worker ran there while
    MkDocs waited in the middle of naming a page: at 1,000 partners under load 1.8-2.3, MkDocs'
    part in naming pages took 39-62 ms a build instead of 3-3.5 ms, and the build 3.9-4.1 s
    against 3.7-3.85 s (6 pairs in alternation)."""
    with contextlib.suppress(AttributeError, OSError):  # not on Linux, or refused: as before
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


def _checked(job: GuardJob) -> Checked | None:
    values, matcher = guard.checked_values(job.data(), job.layout, public_text=job.public_text)
    return Checked(matcher, Places.of(values)) if values else None
